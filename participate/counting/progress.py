"""Progress reports and deadlines of one count.

`count(..., progress=report, deadline=when)`:
- `progress(fraction: float, message: str)` is called as the count advances: `fraction` grows from 0.0 to
  1.0 (never backwards), `message` says in words what is being done ("MES: 12 projects funded"). Calls are at
  most every 0.1 s of wall time, plus the first and the last (1.0), so a callback may write to a database.
- `deadline` is a `time.monotonic()` reading, in seconds (e.g. `time.monotonic() + 30` for 30 s from now).
  A count still running at its deadline raises `DeadlineReached`: an outcome that is not exact is no outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import DeadlineReached

Progress = Callable[[float, str], None]

_EVERY = 0.1  # seconds between two progress calls


class Watch:
    """Reports the progress of a count and stops it at its deadline."""

    def __init__(self, progress: Progress | None = None, deadline: float | None = None) -> None:
        self.progress = progress
        self.deadline = deadline
        self.started = time.monotonic()
        self.done = 0.0
        self.last_report: float | None = None

    def check(self) -> None:
        """Raise DeadlineReached if the deadline has passed (cheap: call it in every loop)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            waited = self.deadline - self.started
            raise DeadlineReached(
                f"the count did not finish within its time limit ({waited:.3g} s): no outcome"
            )

    def report(self, fraction: float, message: str) -> None:
        """Check the deadline and tell the progress callback (throttled) how far the count is."""
        self.check()
        if self.progress is None:
            return
        fraction = min(max(fraction, self.done), 1.0)
        now = time.monotonic()
        if fraction < 1.0 and self.last_report is not None and now - self.last_report < _EVERY:
            return
        self.done, self.last_report = fraction, now
        self.progress(fraction, message)

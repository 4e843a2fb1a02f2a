"""The checklist a process passes before it goes public and before its vote opens.

Each check is a small function of the process and the day that returns what it found. A finding either
blocks (the process cannot be published, or its vote opened, while it stands: something impossible, such
as budgets that add up to more than the total) or warns (something odd staff should look at). Other
domains add their own checks with `add_check` (the vote adds its budgets, census and ballots), so this
module needs to know nothing of them.

The services that publish a process and open its vote refuse while a blocking finding stands
(`refuse_if_blocked`); a change to a published process may not bring in a new one (`refuse_new_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _

from participate.core.errors import ValidationFailed
from participate.core.money import format_money
from participate.core.templating import format_day
from participate.processes.models import Phase, Process, phase_label


class Level(StrEnum):
    BLOCK = "block"  # refuses publishing and opening the vote
    BLOCK_VOTE = "block_vote"  # refuses opening the vote only (a census may come after publishing)
    WARN = "warn"  # refuses nothing


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str
    section: str | None = None  # the management tab where it is fixed

    def blocks(self, opening_vote: bool) -> bool:
        return self.level is Level.BLOCK or (opening_vote and self.level is Level.BLOCK_VOTE)


Check = Callable[[Process, date], Iterable[Finding]]
_CHECKS: list[Check] = []

# Days between two phases after which residents see nothing happening for too long.
LONG_GAP_DAYS = 14
# The fewest days a vote should stay open.
SHORTEST_VOTE_DAYS = 3


def add_check(check: Check) -> Check:
    """Register a check (a decorator); each runs once per checklist."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def checklist(process: Process, on: date) -> list[Finding]:
    """Every finding, blocking ones first."""
    found = [finding for check in _CHECKS for finding in check(process, on)]
    order = {Level.BLOCK: 0, Level.BLOCK_VOTE: 1, Level.WARN: 2}
    return sorted(found, key=lambda f: order[f.level])


def blocking(process: Process, on: date, *, opening_vote: bool) -> list[Finding]:
    return [f for f in checklist(process, on) if f.blocks(opening_vote)]


def opens_vote(process: Process, on: date) -> bool:
    """Whether the vote is open or opening: the process is in its voting phase."""
    return process.current_phase(on) is Phase.VOTING


def _refusal(action: str, findings: list[Finding]) -> ValidationFailed:
    return ValidationFailed(
        _("%(action)s: first fix what the checklist blocks.", action=action)
        + " "
        + " ".join(f.message for f in findings)
    )


def refuse_if_blocked(process: Process, on: date, *, opening_vote: bool, action: str) -> None:
    """ValidationFailed listing every blocking finding, so the person sees all there is to fix at once."""
    found = blocking(process, on, opening_vote=opening_vote)
    if found:
        raise _refusal(action, found)


def blocking_now(process: Process, on: date) -> list[Finding]:
    """What is impossible in a published process as it stands (findings that block the vote only, such as
    a census still to load, are left to the moment the vote opens); `refuse_new_blocks` compares with it
    after a change."""
    if not process.published:
        return []
    return blocking(process, on, opening_vote=False)


def refuse_new_blocks(process: Process, on: date, before: list[Finding]) -> None:
    """A change to a published process may not bring in a blocking finding it did not have before (one
    that already stood does not stop the fix of another). `before` is `blocking_now` before the change."""
    if not process.published:
        return
    known = {f.message for f in before}
    new = [f for f in blocking_now(process, on) if f.message not in known]
    if new:
        raise _refusal(_("This change cannot be saved to a published process"), new)


def money(process: Process, minor: int) -> str:
    return format_money(minor, process.currency, _locale())


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


# The process's own checks: its phase dates and its districts' budgets.


@add_check
def phases_are_set(process: Process, on: date) -> Iterable[Finding]:
    if not process.phases:
        yield Finding(Level.BLOCK, _("The process has no phases: add at least one with dates."), "schedule")


@add_check
def phases_in_order(process: Process, on: date) -> Iterable[Finding]:
    windows = process.windows()
    for window in windows:
        if window.ends_on < window.starts_on:
            yield Finding(
                Level.BLOCK,
                _("The %(phase)s phase ends before it starts.", phase=phase_label(window.phase)),
                "schedule",
            )
    for earlier, later in zip(windows, windows[1:], strict=False):
        if later.starts_on <= earlier.ends_on:
            yield Finding(
                Level.BLOCK,
                _(
                    "The %(later)s phase starts before the %(earlier)s phase ends.",
                    later=phase_label(later.phase),
                    earlier=phase_label(earlier.phase),
                ),
                "schedule",
            )


@add_check
def no_long_gaps(process: Process, on: date) -> Iterable[Finding]:
    windows = process.windows()
    for earlier, later in zip(windows, windows[1:], strict=False):
        days = (later.starts_on - earlier.ends_on).days - 1
        if days > LONG_GAP_DAYS:
            yield Finding(
                Level.WARN,
                _(
                    "%(days)d days pass between the end of the %(earlier)s phase and the start of the "
                    "%(later)s phase: residents will see nothing happen.",
                    days=days,
                    earlier=phase_label(earlier.phase),
                    later=phase_label(later.phase),
                ),
                "schedule",
            )


@add_check
def dates_still_ahead(process: Process, on: date) -> Iterable[Finding]:
    if process.published:
        return
    ended = [w for w in process.windows() if w.ends_on < on and w.phase != Phase.RESULTS]
    if ended:
        yield Finding(
            Level.WARN,
            _(
                "The %(phase)s phase ended on %(date)s, before the process is published.",
                phase=phase_label(ended[-1].phase),
                date=format_day(ended[-1].ends_on),
            ),
            "schedule",
        )


@add_check
def vote_long_enough(process: Process, on: date) -> Iterable[Finding]:
    window = process.window(Phase.VOTING)
    if window is not None and (window.ends_on - window.starts_on).days + 1 < SHORTEST_VOTE_DAYS:
        yield Finding(
            Level.WARN,
            _(
                "The vote is open for %(days)d day(s) only: residents who are away will miss it.",
                days=(window.ends_on - window.starts_on).days + 1,
            ),
            "schedule",
        )


@add_check
def districts_within_total(process: Process, on: date) -> Iterable[Finding]:
    total = process.district_budget_total
    if total > process.budget_minor:
        yield Finding(
            Level.BLOCK,
            _(
                "The districts' budgets add up to %(districts)s, more than the process budget of %(total)s.",
                districts=money(process, total),
                total=money(process, process.budget_minor),
            ),
            "districts",
        )
    if process.budget_minor == 0:
        yield Finding(Level.WARN, _("The process budget is zero."), "details")

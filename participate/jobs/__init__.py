"""Background jobs as records: what runs, how far it is, what it produced, who started it.

A domain registers a job kind (`@job_kind("audit.verify_chain", label=...)`) in its own `jobs.py`; a
use case calls `start_job(actor, kind, params)`, which adds a Job row and dispatches it after the
commit. The runner feeds the row's progress from the `progress(fraction, message)` callable it passes to
the work, so the job page and /jobs/<id>/status show it while it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The job pages and the runner (the "jobs.run" task every job kind runs through)."""
    from participate.jobs import runner, views  # noqa: F401  (runner registers the "jobs.run" task)

    app.register_blueprint(views.bp)

"""Results of a vote: closing and counting (a job), publishing, downloads, explanations and accountability."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The results pages, the "Results" tab and the count (a job kind)."""
    from participate.processes.manage import add_section
    from participate.results import jobs, manage, views  # noqa: F401  (jobs registers "results.count")

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    add_section(*manage.SECTION)

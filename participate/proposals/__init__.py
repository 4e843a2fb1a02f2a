"""Proposals: residents' ideas for a process's budget, their supports and staff's feasibility review."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The proposal pages, the "Proposals" tab and the proposals part of a process's page."""
    from participate.processes.manage import add_section
    from participate.processes.views import add_page_part
    from participate.proposals import manage, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    add_section(*manage.SECTION)
    add_page_part("proposals/_process_part.html", views.process_part)

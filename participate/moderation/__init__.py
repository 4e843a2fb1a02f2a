"""Moderation: residents report content, moderators hide or restore it, staff block authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The report page, the "Moderation" tab and the "Report" link of a proposal's page."""
    from participate.moderation import manage, views
    from participate.processes.manage import add_section
    from participate.proposals.views import add_proposal_link

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    add_section(*manage.SECTION)
    add_proposal_link(views.report_link)

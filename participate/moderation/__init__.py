"""Moderation: residents report content, moderators hide or restore it, staff block authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The report page and the "Moderation" tab. Pages offer "Report" through moderation.views.report_url,
    a template global."""
    from participate.moderation import manage, views
    from participate.processes.manage import add_section

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    add_section(*manage.SECTION)

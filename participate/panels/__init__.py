"""Citizens' panels: a panel inside a process, its invitation lottery by address, the respondents' pool,
and (with the sortition engine) the selection, the published lottery and the public draw."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The panel pages, the "Panels" tab, the panels part of a process's page, the selection (a job kind)
    and `flask panels purge`."""
    from participate.panels import (  # noqa: F401
        draw_manage,
        draw_views,
        jobs,
        manage,
        meeting_manage,
        meeting_views,
        purge,
        views,
    )
    from participate.processes.manage import add_section
    from participate.processes.views import add_page_part

    for module in (views, manage, draw_views, draw_manage, purge, meeting_views, meeting_manage):
        app.register_blueprint(module.bp)
    add_section(*manage.SECTION)
    add_page_part("panels/_process_part.html", views.process_part)

"""Citizens' panels: a panel inside a process, its invitation lottery by address, the respondents' pool,
and (with the sortition engine) the selection, the published lottery and the public draw."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The panel pages, the "Panels" tab, the panels part of a process's page, the selection (a job kind),
    `flask panels purge`, the meetings (their screens and public part), the members' workspace (its private
    threads are deliberation subjects), the published report of recommendations, the panel's statements
    beside proposals on the ballot, and the council's answers to its recommendations (their screens and
    their part of "What the council did")."""
    from participate.panels import (  # noqa: F401
        answer_manage,
        answer_models,  # noqa: F401
        draw_manage,
        draw_views,
        jobs,
        manage,
        meeting_manage,
        meeting_views,
        purge,
        report,
        statement_manage,
        views,
        workspace,
        workspace_subjects,
    )
    from participate.panels.answers import council_part, response_document
    from participate.panels.meeting_public import members_materials
    from participate.panels.statements import ballot_statements
    from participate.panels.support import provide_responses
    from participate.panels.workspace_parts import add_workspace_part
    from participate.processes.manage import add_section
    from participate.processes.views import add_page_part
    from participate.results.views import add_council_part
    from participate.voting.statements import register_statement_source

    for module in (
        views,
        manage,
        draw_views,
        draw_manage,
        purge,
        meeting_views,
        meeting_manage,
        workspace,
        report,
        statement_manage,
        answer_manage,
    ):
        app.register_blueprint(module.bp)
    add_section(*manage.SECTION)
    add_page_part("panels/_process_part.html", views.process_part)
    add_workspace_part("agenda", "panels/meetings/_workspace_agenda.html", members_materials)
    add_workspace_part("materials", "panels/meetings/_workspace_kit.html", members_materials)
    register_statement_source(ballot_statements)
    add_council_part("panels/_council_part.html", council_part)
    provide_responses(response_document)

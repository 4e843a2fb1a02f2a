"""The panel's published report (blueprint `panels_report`): every published recommendation with its
support levels (an SVG chart and a table of the same numbers), adopted or not, and its minority
statements; and a printable version. Drafts, discussions and individual votes never appear here."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from participate.core.access import authorize
from participate.extensions import db
from participate.panels import policy, support
from participate.panels.models import Panel
from participate.panels.report_chart import support_chart

bp = Blueprint("panels_report", __name__)
PAGE = "/processes/<slug>/panels/<int:panel_id>/recommendations"


def _report(slug: str, panel_id: int, template: str) -> str:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    authorize(panel, see=policy.can_view_panel)
    entries = support.report(panel)
    if not entries:
        abort(404)
    return render_template(
        template,
        panel=panel,
        process=panel.process,
        entries=entries,
        chart=support_chart(entries, chart_id=f"support-{panel.id}"),
        response_for=support.response_for,
        adopted=sum(1 for entry in entries if entry.recommendation.adopted),
    )


@bp.get(PAGE)
def report(slug: str, panel_id: int):
    return _report(slug, panel_id, "panels/report/page.html")


@bp.get(PAGE + "/print")
def printable(slug: str, panel_id: int):
    return _report(slug, panel_id, "panels/report/print.html")

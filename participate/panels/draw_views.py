"""Public pages of a panel's lottery: the fairness page and the draw that anyone can re-verify."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.extensions import db
from participate.panels import draw_policy, fairness, selection
from participate.panels.models import Panel
from participate.processes.services import find_by_slug

bp = Blueprint("panels_draw", __name__)


@bp.app_template_filter("probability")
def probability(value: float | None) -> str:
    """A selection probability, to two decimals of a percent, written the reader's way."""
    return "–" if value is None else str(format_percent(value, format="#,##0.00%"))


def _panel(slug: str, panel_id: int) -> Panel:
    process = find_by_slug(slug)
    panel = db.session.get(Panel, panel_id)
    if process is None or panel is None or panel.process_id != process.id:
        abort(404)
    return authorize(panel, see=draw_policy.can_view_panel)


def fairness_context(run: Any) -> dict[str, Any]:
    """The fairness figures, table and chart of a run (the public page and the facilitators' preview)."""
    legacy = selection.comparison_run(run) if run.algorithm != "legacy" else None
    view = fairness.fairness_of(run, legacy)
    top = fairness.chart_top(view)
    series = [
        (
            "line-fair",
            _("%(method)s probability", method=run.algorithm.upper()),
            [r.probability for r in view.rows],
        )
    ]
    if legacy is not None:
        series.append(("line-legacy", _("Legacy greedy probability"), [r.legacy or 0.0 for r in view.rows]))
    chart = fairness.probability_chart(
        series,
        chart_id=f"fairness-chart-{run.id}",
        title=_("Selection probability of each person, sorted from lowest to highest"),
        axis=(probability(top), probability(top / 2), _("People in the pool, lowest probability first")),
    )
    return {"fairness": view, "chart": chart, "legacy": legacy}


@bp.get("/processes/<slug>/panels/<int:panel_id>/fairness")
def fairness_page(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    lottery = selection.lottery_of(panel)
    if lottery is None or not draw_policy.can_see_lottery(current_actor(), panel, published=True):
        return render_template("panels/fairness_unpublished.html", panel=panel, process=panel.process), 404
    return render_template(
        "panels/fairness.html",
        panel=panel,
        process=panel.process,
        lottery=lottery,
        draw=selection.draw_of(panel),
        lottery_url=url_for("api.panel_lottery", panel_id=panel.id),
        **fairness_context(lottery.run),
    )


@bp.get("/panels/<int:panel_id>/verify")
def verify(panel_id: int):
    panel = authorize(db.session.get(Panel, panel_id), see=draw_policy.can_view_panel)
    lottery = selection.lottery_of(panel)
    if lottery is None:
        return render_template("panels/fairness_unpublished.html", panel=panel, process=panel.process), 404
    draw = selection.draw_of(panel)
    seed = request.args.get("seed")
    checked = selection.check_seed(lottery, seed) if seed else None
    return render_template(
        "panels/verify.html",
        panel=panel,
        process=panel.process,
        lottery=lottery,
        draw=draw,
        seed=seed if seed is not None else (draw.seed if draw else ""),
        checked=checked,
        lottery_url=url_for("api.panel_lottery", panel_id=panel.id),
        messages={
            "heading": _("Computed in your browser"),
            "hash": _("SHA-256 of the downloaded lottery:"),
            "hash_ok": _("The downloaded lottery has the published hash."),
            "hash_bad": _("The downloaded lottery does NOT have the published hash."),
            "index": _("Index drawn by the seed:"),
            "same": _("Same panel as the recorded draw."),
            "different": _("This is NOT the recorded draw."),
            "working": _("Downloading the lottery and computing…"),
            "download_failed": _("The lottery could not be downloaded; try again or use the command line."),
        },
    )


@bp.app_template_global("panel_draw_summary")
def panel_draw_summary(panel: Panel) -> dict[str, Any]:
    """The published lottery and the draw of a panel, for its public page (public facts only)."""
    lottery = selection.lottery_of(panel)
    return {"lottery": lottery, "draw": selection.draw_of(panel) if lottery is not None else None}

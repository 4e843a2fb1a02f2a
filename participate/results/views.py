"""Public results: the page, the downloads (pabulib, CSV, JSON) and the bulletin board of ballots."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from participate.core.access import authorize, current_actor
from participate.core.clock import today
from participate.core.pagination import paginate
from participate.core.parts import PageParts
from participate.processes import geo
from participate.processes import policy as process_policy
from participate.processes.models import Phase, Process, phase_index
from participate.processes.services import district_areas, find_by_slug
from participate.processes.views import add_page_part
from participate.results import policy, present, services
from participate.results.export import export_budget, results_csv
from participate.voting import services as voting
from participate.voting.models import Ballot, VoteBudget

bp = Blueprint("results", __name__, url_prefix="/processes")
BALLOTS_PER_PAGE = 50


def _part(process: Any, actor: Any, on: Any) -> dict[str, Any]:
    # Results exist only once the vote has begun: earlier pages ask the database nothing more.
    voting_began = phase_index(process.current_phase(on)) >= phase_index(Phase.VOTING)
    return {"published": voting_began and services.is_published(process)}


add_page_part("results/_process_part.html", _part)
# "What the council did" lists the funded proposals; other domains add their part of it (the panels: their
# recommendations and the council's answers), with the context function (process, actor, on) -> dict.
COUNCIL_PARTS = PageParts()
add_council_part = COUNCIL_PARTS.add


@bp.app_template_filter("share_percent")
def share_percent(value: float) -> str:
    """A share given in percent (96.7), written the reader's way ("97%", "97 %")."""
    return str(format_percent(value / 100))


@bp.app_template_filter("decimal")
def decimal(value: float) -> str:
    return str(format_decimal(value))


def _locale() -> str:
    return str(get_locale() or "en")


def _process(slug: str) -> tuple[Process, bool]:
    process = authorize(find_by_slug(slug), see=process_policy.can_view)
    published = services.is_published(process)
    return process, published


def _published(slug: str) -> Process:
    process, published = _process(slug)
    if not policy.can_see_results(current_actor(), process, published):
        abort(404)
    return process


def _budget(process: Process, budget_id: int) -> VoteBudget:
    budget = next((b for b in voting.budgets_of(process) if b.id == budget_id), None)
    if budget is None or budget_id not in services.results_of(process):
        abort(404)
    return budget


def _open(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _map_points(views: list[present.BudgetView]) -> list[dict[str, Any]]:
    return [
        {
            "title": row.proposal.title,
            "latitude": row.proposal.latitude,
            "longitude": row.proposal.longitude,
            "url": url_for("proposals.detail", proposal_id=row.proposal.id),
        }
        for view in views
        for row in view.funded
        if row.proposal.latitude is not None and row.proposal.longitude is not None
    ]


@bp.get("/<slug>/results")
def page(slug: str):
    process, published = _process(slug)
    actor = current_actor()
    if not policy.can_see_results(actor, process, published):
        return render_template("results/not_published.html", process=process), 404
    views = present.process_views(process, _locale())
    points = _map_points(views)
    config = current_app.config
    return render_template(
        "results/page.html",
        process=process,
        views=views,
        summary=present.summary(process, views) if views else None,
        district_map=geo.draw_map(
            district_areas(process),
            [geo.Marker(p["title"], p["url"], p["longitude"], p["latitude"]) for p in points],
            map_id="results-map",
            title=_("Map of the funded proposals of %(process)s", process=process.title),
            description=_(
                "Each dot is a funded proposal and links to it; the list below names the same proposals."
            ),
        ),
        published=published,
        points=points,
        points_json=json.dumps(points),
        map={"tiles": config.get("MAP_TILE_URL"), "attribution": config.get("MAP_ATTRIBUTION", "")},
    )


@bp.get("/<slug>/what-the-council-did")
def council(slug: str):
    """One public page per process: what the council did with the vote's funded proposals and with its
    panels' recommendations, each with the status of its implementation."""
    process = authorize(find_by_slug(slug), see=process_policy.can_view)
    actor, on = current_actor(), today()
    published = services.is_published(process)
    funded = services.funded_proposals(process) if published else []
    ids = [proposal.id for _budget, proposal in funded]
    return render_template(
        "results/council.html",
        process=process,
        published=published,
        funded=funded,
        trackings=services.tracking_of(ids),
        milestones=services.milestones_of(ids),
        parts=COUNCIL_PARTS.contexts(process, actor, on),
    )


@bp.get("/<slug>/results/<int:budget_id>/ballots.pb")
def ballots_pb(slug: str, budget_id: int):
    process = _published(slug)
    budget = _budget(process, budget_id)
    result = services.results_of(process).get(budget.id)
    text = result.ballots_pb if result is not None else None
    if text is None:  # counts made before the text was kept have none: the live export is the best there is
        text = export_budget(budget).text
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = f"attachment; filename={process.slug}-{budget.id}.pb"
    return _open(response)


@bp.get("/<slug>/results/<int:budget_id>/results.csv")
def results_csv_download(slug: str, budget_id: int):
    process = _published(slug)
    budget = _budget(process, budget_id)
    view = present.budget_view(budget, services.results_of(process)[budget.id], _locale())
    response = Response(results_csv(present.csv_rows(view), process.currency), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={process.slug}-{budget.id}-results.csv"
    return _open(response)


@bp.get("/<slug>/results.json")
def results_json(slug: str):
    process = _published(slug)
    return _open(
        Response(
            json.dumps({"process": process.slug, "budgets": budget_documents(process)}, ensure_ascii=False),
            mimetype="application/json",
        )
    )


def budget_documents(process: Process) -> list[dict[str, Any]]:
    return [
        present.budget_document(
            view,
            url_for("results.ballots_pb", slug=process.slug, budget_id=view.budget.id, _external=True),
        )
        for view in present.process_views(process, "en")
    ]


@bp.get("/<slug>/results/<int:budget_id>/ballots")
def bulletin(slug: str, budget_id: int):
    process = _published(slug)
    budget = _budget(process, budget_id)
    listing = paginate(
        select(Ballot).where(Ballot.budget_id == budget.id).order_by(Ballot.id),
        request.args.get("page", 1, type=int),
        BALLOTS_PER_PAGE,
    )
    names = {p.id: p.title for p in voting.candidates(budget)}
    return render_template(
        "results/bulletin.html",
        process=process,
        budget=budget,
        listing=listing,
        ballots=[(b.receipt_hash, _choices(json.loads(b.choices), names)) for b in listing.items],
    )


def _choices(choices: list[Any], names: dict[int, str]) -> list[str]:
    shown = []
    for choice in choices:
        if isinstance(choice, list):
            pid, points = choice
            shown.append(f"{names.get(pid, '#' + str(pid))} ({points})")
        else:
            shown.append(names.get(choice, f"#{choice}"))
    return shown

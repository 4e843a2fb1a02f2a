"""Read-only JSON for anyone: processes and their proposals. Hidden and draft items never appear."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, make_response, request, url_for

from participate.core.clock import today
from participate.core.error_pages import render_error
from participate.core.numbers import whole_number
from participate.extensions import csrf, limiter
from participate.panels.meeting_public import meetings_document
from participate.panels.public import panel_document, public_panel, public_panels
from participate.panels.selection import lottery_document, lottery_of
from participate.panels.support import recommendation_document, report
from participate.processes import policy as process_policy
from participate.processes import services as processes
from participate.processes.models import Process
from participate.proposals import services as proposals
from participate.proposals.models import Proposal

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


def _api_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


limiter.limit(_api_limit)(bp)


@bp.after_request
def open_to_every_origin(response: Response) -> Response:
    # Public data, read-only, no cookies needed: any site may read it.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


def _query_number(name: str, default: int, largest: int) -> int:
    """A whole number from 1 to `largest` given once in the query, or its default when absent; anything
    else (negative, a fraction, 4.68e-96, text, given twice) is answered 400 with a JSON message rather
    than silently clamped, so a client learns that its request was not what it thought."""
    values = request.args.getlist(name)
    if not values:
        return default
    number = whole_number(values[0], largest=largest) if len(values) == 1 else None
    if number is None or number < 1:
        message = f"{name} must be a whole number from 1 to {largest}, given once."
        abort(make_response(render_error(400, message)))
    return number


def _page_args() -> tuple[int, int]:
    return _query_number("page", 1, MAX_PAGE), _query_number("per_page", 50, MAX_PER_PAGE)


def _process_document(process: Process) -> dict[str, Any]:
    now = processes.phase_now(process, today())
    return {
        "id": process.id,
        "slug": process.slug,
        "title": process.title,
        "summary": process.summary,
        "phase": now.phase.value if now.phase else None,
        "phase_ended": now.ended_on is not None,
        "budget": process.budget_minor,
        "currency": process.currency,
        "districts": [{"id": d.id, "name": d.name, "budget": d.budget_minor} for d in process.districts],
        "url": url_for("processes.detail", slug=process.slug, _external=True),
        "proposals_url": url_for("api.process_proposals", process_id=process.id, _external=True),
    }


def _proposal_document(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "title": proposal.title,
        "summary": proposal.summary,
        "cost": proposal.effective_cost,
        "district": proposal.district.name if proposal.district else None,
        "category": proposal.category.name if proposal.category else None,
        "status": proposal.status,
        "supports": proposal.support_count,
        "comments": proposal.comment_count,
        "url": url_for("proposals.detail", proposal_id=proposal.id, _external=True),
    }


@bp.get("/processes")
def process_list() -> Response:
    return jsonify({"processes": [_process_document(p) for p in processes.list_public_processes()]})


@bp.get("/processes/<int:process_id>/proposals")
def process_proposals(process_id: int) -> Response:
    process = processes.find_process(process_id)
    if process is None or not process_policy.can_view(None, process):
        abort(404)
    page, per_page = _page_args()
    listing = proposals.browse_public(process, page=page, per_page=per_page)
    following = (
        url_for(
            "api.process_proposals",
            process_id=process.id,
            page=listing.next,
            per_page=per_page,
            _external=True,
        )
        if listing.next
        else None
    )
    return jsonify(
        {
            "proposals": [_proposal_document(p) for p in listing.items],
            "total": listing.total,
            "page": listing.number,
            "next": following,
        }
    )


@bp.get("/processes/<int:process_id>/results")
def process_results(process_id: int) -> Response:
    from participate.results import services as results
    from participate.results.views import budget_documents

    process = processes.find_process(process_id)
    if process is None or not process_policy.can_view(None, process) or not results.is_published(process):
        abort(404)
    return jsonify({"budgets": budget_documents(process)})


@bp.get("/openapi.json")
def openapi() -> Response:
    from participate.api.openapi import document

    return jsonify(document(request.url_root.rstrip("/")))


def _lottery_url(panel: Any) -> str:
    return url_for("api.panel_lottery", panel_id=panel.id, _external=True)


@bp.get("/panels")
def panel_list() -> Response:
    return jsonify({"panels": [panel_document(p, _lottery_url) for p in public_panels()]})


@bp.get("/panels/<int:panel_id>")
def panel_detail(panel_id: int) -> Response:
    panel = public_panel(panel_id)
    if panel is None:
        abort(404)
    return jsonify(panel_document(panel, _lottery_url))


@bp.get("/panels/<int:panel_id>/lottery")
def panel_lottery(panel_id: int) -> Response:
    panel = public_panel(panel_id)
    lottery = lottery_of(panel) if panel is not None else None
    if lottery is None:
        abort(404)
    return jsonify(lottery_document(lottery))


@bp.get("/panels/<int:panel_id>/recommendations")
def panel_recommendations(panel_id: int) -> Response:
    panel = public_panel(panel_id)
    if panel is None:
        abort(404)
    return jsonify({"recommendations": [recommendation_document(entry) for entry in report(panel)]})


@bp.get("/panels/<int:panel_id>/meetings")
def panel_meetings(panel_id: int) -> Response:
    panel = public_panel(panel_id)
    if panel is None:
        abort(404)

    def download(material: Any) -> str:
        return url_for(
            "panels_meetings.material",
            slug=panel.process.slug,
            panel_id=panel.id,
            material_id=material.id,
            _external=True,
        )

    return jsonify(meetings_document(panel, download))

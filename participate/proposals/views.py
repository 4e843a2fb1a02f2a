"""Residents' pages: browse, read, submit, edit, withdraw, support and follow proposals."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from participate.core.access import authorize, current_actor, load
from participate.core.clock import today
from participate.core.errors import PermissionDenied
from participate.core.forms import ButtonForm
from participate.core.numbers import whole_number
from participate.core.transaction import run_form
from participate.core.uploads import accepts_uploads
from participate.processes import geo
from participate.processes import policy as process_policy
from participate.processes.services import district_areas, find_by_slug
from participate.proposals import discussion, policy, services  # noqa: F401  (discussion registers the subject)
from participate.proposals.forms import ProposalForm, WithdrawForm
from participate.proposals.models import PUBLIC_STATUSES, STATUS_LABELS, Proposal, ProposalStatus

bp = Blueprint("proposals", __name__)


@bp.context_processor
def map_settings() -> dict[str, Any]:
    config = current_app.config
    return {
        "map": {"tiles": config.get("MAP_TILE_URL"), "attribution": config.get("MAP_ATTRIBUTION", "")},
        "location_picker": _location_picker,
    }


def _location_picker(process: Any, latitude: float | None, longitude: float | None) -> Any:
    """The districts' map on the proposal form: the script places the proposal where it is clicked."""
    marker = (
        []
        if latitude is None or longitude is None
        else [geo.Marker(_("The proposal"), None, longitude, latitude)]
    )
    return geo.draw_map(
        district_areas(process),
        marker,
        map_id="location-picker",
        title=_("Map of the districts: click to place the proposal"),
        description=_(
            "Clicking fills in the latitude, longitude and district below; "
            "you can also choose the district and type the street address."
        ),
    )


def process_part(process: Any, actor: Any, on: Any) -> dict[str, Any]:
    """The proposals part of a process's public page (participate.proposals.register adds it)."""
    return {"count": services.public_count(process), "can_submit": policy.can_submit(actor, process, on)}


def image_folder() -> Path:
    return Path(current_app.instance_path) / "uploads" / "proposals"


def _process(slug: str) -> Any:
    return authorize(find_by_slug(slug), see=process_policy.can_view)


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name, ""))


def _filters(process: Any) -> services.Filters:
    sort = request.args.get("sort", "newest")
    seeds = session.setdefault("proposal_seeds", {})
    if str(process.id) not in seeds:
        seeds[str(process.id)] = secrets.randbelow(2**31)
        session.modified = True
    status = request.args.get("status") or None
    return services.Filters(
        query=request.args.get("q", "")[:200],
        district_id=_int_arg("district"),
        category_id=_int_arg("category"),
        status=status if status in PUBLIC_STATUSES else None,
        sort=sort if sort in services.SORTS else "newest",
        seed=seeds[str(process.id)],
    )


def _supports_left(actor: Any, process: Any) -> int | None:
    """How many more supports the person may give, said only while supports can be given."""
    if actor is None or not policy.supports_open(process, today()):
        return None
    return services.supports_left(actor, process)


@bp.get("/processes/<slug>/proposals/")
def index(slug: str):
    process = _process(slug)
    filters = _filters(process)
    actor = current_actor()
    return render_template(
        "proposals/index.html",
        process=process,
        filters=filters,
        listing=services.browse(process, filters, page=_int_arg("page") or 1),
        categories=services.categories(process),
        statuses=[(status, STATUS_LABELS[ProposalStatus(status)]) for status in PUBLIC_STATUSES],
        submit_refusal=policy.submit_refusal(actor, process, today()),
        supports_left=_supports_left(actor, process),
    )


@bp.get("/processes/<slug>/proposals/similar")
def similar(slug: str):
    """Works as a plain link without JavaScript; the submit page's script shows the same list inline."""
    process = _process(slug)
    title = request.args.get("title", "")[:150]
    fragment = request.args.get("fragment") == "1"
    return render_template(
        "proposals/_similar_list.html" if fragment else "proposals/similar.html",
        process=process,
        title=title,
        proposals=services.similar_proposals(process, title),
    )


def _form(process: Any, proposal: Proposal | None = None) -> ProposalForm:
    form = ProposalForm() if proposal is None else ProposalForm.editing(proposal)
    return form.for_process(process, services.categories(process))


def _page(process: Any, form: ProposalForm, proposal: Proposal | None) -> str:
    """The form, filled as sent; after "Check for similar proposals first", with the similar ones."""
    checking = form.is_submitted() and "check_similar" in request.form
    similar = services.similar_proposals(process, form.title.data or "") if checking else None
    return render_template(
        "proposals/form.html", process=process, form=form, proposal=proposal, similar=similar
    )


def _saved(proposal: Proposal) -> tuple[str, str]:
    message = (
        _("Your proposal is published. Thank you!")
        if proposal.status == ProposalStatus.SUBMITTED
        else _("Your draft is saved. Only you can see it until you publish it.")
    )
    return message, url_for("proposals.detail", proposal_id=proposal.id)


@bp.route("/processes/<slug>/proposals/new", methods=["GET", "POST"])
@login_required
@accepts_uploads
def new(slug: str):
    process = _process(slug)
    actor = current_actor()
    refusal = policy.submit_refusal(actor, process, today())
    if refusal:
        raise PermissionDenied(refusal)
    form = _form(process)
    if "check_similar" in request.form:
        return _page(process, form, None)
    return run_form(
        form,
        lambda: services.create_proposal(
            actor, process, form.to_input(), publish_now=bool(form.publish.data), image_folder=image_folder()
        ),
        done=_saved,
        render=lambda: _page(process, form, None),
    )


def _load(proposal_id: int, act: Any = None) -> Proposal:
    return load(Proposal, proposal_id, see=policy.can_view, act=act)


@bp.get("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    proposal = _load(proposal_id)
    actor, on = current_actor(), today()
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        process=proposal.process,
        can=policy.flags(actor, proposal, on),
        support_refusal=policy.support_refusal(actor, proposal, on),
        supported=services.has_supported(actor, proposal),
        following=services.is_following(actor, proposal),
        supports_left=_supports_left(actor, proposal.process),
        button=ButtonForm(),
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
@accepts_uploads
def edit(proposal_id: int):
    proposal = _load(proposal_id)
    refusal = policy.edit_refusal(current_actor(), proposal, today())
    if refusal:
        raise PermissionDenied(refusal)
    form = _form(proposal.process, proposal)
    if "check_similar" in request.form:
        return _page(proposal.process, form, proposal)
    return run_form(
        form,
        lambda: services.update_proposal(
            current_actor(),
            proposal,
            form.to_input(),
            publish_now=bool(form.publish.data),
            image_folder=image_folder(),
        ),
        done=_saved,
        render=lambda: _page(proposal.process, form, proposal),
    )


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = _load(proposal_id, act=policy.can_withdraw)
    form = WithdrawForm()
    return run_form(
        form,
        lambda: services.withdraw_proposal(current_actor(), proposal, form.reason.data),
        done=lambda p: (_("Your proposal is withdrawn."), url_for("proposals.detail", proposal_id=p.id)),
        render=lambda: render_template(
            "proposals/withdraw.html", proposal=proposal, process=proposal.process, form=form
        ),
    )


def _button(proposal_id: int, use_case: Any, message: str) -> Any:
    proposal = _load(proposal_id)
    actor = current_actor()
    form = ButtonForm()
    back = url_for("proposals.detail", proposal_id=proposal.id) + "#support"
    return run_form(
        form,
        lambda: use_case(actor, proposal),
        done=lambda _r: (message, back),
        render=lambda: render_template(
            "proposals/refused.html", proposal=proposal, process=proposal.process, form=form
        ),
    )


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
def support(proposal_id: int):
    return _button(proposal_id, services.support_proposal, _("You support this proposal."))


@bp.post("/proposals/<int:proposal_id>/unsupport")
@login_required
def unsupport(proposal_id: int):
    return _button(proposal_id, services.withdraw_support, _("Your support is withdrawn."))


@bp.post("/proposals/<int:proposal_id>/publish")
@login_required
def publish(proposal_id: int):
    return _button(proposal_id, services.publish_draft, _("Your proposal is published. Thank you!"))


@bp.post("/proposals/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):
    return _button(
        proposal_id,
        lambda actor, proposal: services.follow_proposal(actor, proposal, True),
        _("You follow this proposal: we will tell you when it is answered."),
    )


@bp.post("/proposals/<int:proposal_id>/unfollow")
@login_required
def unfollow(proposal_id: int):
    return _button(
        proposal_id,
        lambda actor, proposal: services.follow_proposal(actor, proposal, False),
        _("You no longer follow this proposal."),
    )


@bp.get("/proposals/images/<name>")
def image(name: str):
    # Names are random and re-encoded files only; send_from_directory refuses paths outside the folder.
    response = send_from_directory(image_folder(), name, mimetype="image/jpeg", max_age=86400)
    response.headers["Content-Disposition"] = "inline"
    return response

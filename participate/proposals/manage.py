"""Staff screens for proposals: the review queue, a review page, categories and the support limit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.audit import services as audit
from participate.core.access import current_actor, load
from participate.core.transaction import run_form
from participate.processes import policy as process_policy
from participate.processes.manage import render_section
from participate.processes.models import Process
from participate.proposals import policy, services
from participate.proposals.forms import ProposalSettingsForm, ReviewForm
from participate.proposals.models import STATUS_LABELS, Proposal, ProposalStatus

bp = Blueprint("proposal_manage", __name__, url_prefix="/manage")
# The tab of the process screens; participate.proposals.register(app) adds it.
SECTION = ("proposals", _l("Proposals"), "proposal_manage.queue")


@audit.describes("proposal")
def _describe_proposal(subject_id: str) -> tuple[str, str | None]:
    proposal = services.find_proposal(subject_id)
    if proposal is None:
        return _("proposal %(id)s", id=subject_id), None
    return proposal.title, url_for("proposals.detail", proposal_id=proposal.id)


def _can_review_in(actor: Any, process: Process) -> bool:
    return process_policy.can_review(actor, process)


def _settings_form(process: Process) -> ProposalSettingsForm:
    settings = services.settings_of(process)
    form = ProposalSettingsForm()
    if not form.is_submitted():
        form.categories.data = "\n".join(category.name for category in services.categories(process))
        form.supports_per_person.data = settings.supports_per_person if settings else None
    return form


def _queue_page(process: Process, form: ProposalSettingsForm) -> str:
    status = request.args.get("status") or None
    return render_section(
        process,
        "proposals",
        "proposals/manage/queue.html",
        listing=services.review_queue(
            process, status if status in STATUS_LABELS else None, request.args.get("page", 1, type=int)
        ),
        status=status,
        counts=services.count_by_status(process),
        labels={str(key): value for key, value in STATUS_LABELS.items()},
        form=form,
        can_change_settings=process_policy.can_manage(current_actor(), process),
    )


@bp.get("/processes/<int:process_id>/proposals")
def queue(process_id: int):
    process = load(Process, process_id, see=process_policy.can_view, act=_can_review_in)
    return _queue_page(process, _settings_form(process))


@bp.post("/processes/<int:process_id>/proposals/settings")
def settings(process_id: int):
    process = load(Process, process_id, see=process_policy.can_view, act=process_policy.can_manage)
    form = _settings_form(process)
    return run_form(
        form,
        lambda: services.set_proposal_settings(
            current_actor(), process, form.category_names(), form.supports_per_person.data
        ),
        done=lambda _r: (
            _("The proposal settings are saved."),
            url_for("proposal_manage.queue", process_id=process.id),
        ),
        render=lambda: _queue_page(process, form),
    )


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
def review(proposal_id: int):
    proposal = load(Proposal, proposal_id, see=policy.can_view, act=policy.can_review)
    form = ReviewForm()
    form.adjusted_cost.currency = proposal.process.currency
    if not form.is_submitted():
        form.decision.data = (
            proposal.status
            if proposal.status in {s.value for s in services.DECISIONS}
            else ProposalStatus.UNDER_REVIEW.value
        )
        form.answer.data = proposal.answer
        form.adjusted_cost.data = proposal.adjusted_cost_minor
        form.merged_into.data = proposal.merged_into_id
    return run_form(
        form,
        lambda: services.review_proposal(
            current_actor(),
            proposal,
            services.Decision(
                status=ProposalStatus(form.decision.data),
                answer=form.answer.data or "",
                adjusted_cost_minor=form.adjusted_cost.data,
                merged_into_id=form.merged_into.data,
            ),
        ),
        done=lambda p: (
            _("The decision is saved and the author is told."),
            url_for("proposal_manage.queue", process_id=p.process_id),
        ),
        render=lambda: render_section(
            proposal.process, "proposals", "proposals/manage/review.html", proposal=proposal, form=form
        ),
    )

"""The Results tab of a process's management screens: close and count, review, publish, and track the
funded projects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.core.access import current_actor, load
from participate.core.confirm import Confirmation, confirm_then_run
from participate.core.forms import ButtonForm
from participate.core.transaction import run_form
from participate.processes import policy as process_policy
from participate.processes.manage import render_section
from participate.processes.models import Process
from participate.results import present, services
from participate.results.forms import MilestoneForm, TrackingForm
from participate.voting import services as voting

bp = Blueprint("results_manage", __name__, url_prefix="/manage/processes")
# The tab of the process screens; participate.results.register(app) adds it.
SECTION = ("results", _l("Results"), "results_manage.overview")


def _load(process_id: int) -> Process:
    return load(Process, process_id, see=process_policy.can_view, act=process_policy.can_manage)


def _overview(process: Process, **forms: Any) -> str:
    settings = voting.settings_of(process)
    results = services.results_of(process)
    budgets = voting.budgets_of(process)
    return render_section(
        process,
        "results",
        "results/manage/overview.html",
        has_vote=settings is not None and bool(budgets),
        closed=settings is not None and settings.closed_at is not None,
        counted=bool(budgets) and all(b.id in results for b in budgets),
        published=services.is_published(process),
        views=present.process_views(process, str(get_locale() or "en")),
        job=services.latest_count_job(process),
        close_form=forms.get("close_form") or ButtonForm(),
        recount_form=forms.get("recount_form") or ButtonForm(),
        publish_form=forms.get("publish_form") or ButtonForm(),
    )


def _to_job(job: Any) -> tuple[str, str]:
    return _("Counting has started."), url_for("jobs.detail", job_id=job.id)


@bp.get("/<int:process_id>/results")
def overview(process_id: int):
    return _overview(_load(process_id))


def _button(
    process_id: int,
    use_case: Callable[[Any, Process], Any],
    done: Callable,
    form_name: str,
    confirm: Callable[[Process], Confirmation] | None = None,
):
    """One of the tab's buttons: a use case on the process, then where to go; refused: the tab again.
    With `confirm`, the button's URL first shows what will happen (the action cannot be undone)."""
    process = _load(process_id)
    form = ButtonForm()

    def act() -> Any:
        return use_case(current_actor(), process)

    def finish(result: Any) -> tuple[str, str]:
        return done(result, process)

    def render() -> str:
        return _overview(process, **{form_name: form})

    if confirm is None:
        return run_form(form, act, done=finish, render=render)
    return confirm_then_run(lambda: confirm(process), form, act, done=finish, render=render)


def _closing(process: Process) -> Confirmation:
    return Confirmation(
        title=_("Close the vote of %(title)s and count it?", title=process.title),
        happens=[
            _(
                "The vote closes now, before the end of its phase: nobody can vote any more, online or on paper."
            ),
            _("The sealed ballot box is opened and every budget is counted; this takes a minute or two."),
            _("The results stay visible to staff only until you publish them."),
        ],
        cannot_undo=_("A closed vote cannot be opened again."),
        button=_("Close the vote and count"),
        back=url_for("results_manage.overview", process_id=process.id),
    )


def _publishing(process: Process) -> Confirmation:
    return Confirmation(
        title=_("Publish the results of %(title)s?", title=process.title),
        happens=[
            _("Everyone can see the results page: the funded proposals, the totals and the reasons."),
            _("The process page, the open data and the API show the results."),
        ],
        cannot_undo=_("Published results cannot be withdrawn; a recount would have to be published again."),
        button=_("Publish results"),
        back=url_for("results_manage.overview", process_id=process.id),
    )


@bp.route("/<int:process_id>/results/close", methods=["GET", "POST"])
def close(process_id: int):
    return _button(
        process_id, services.close_and_count, lambda job, _p: _to_job(job), "close_form", confirm=_closing
    )


@bp.post("/<int:process_id>/results/recount")
def recount(process_id: int):
    return _button(process_id, services.recount, lambda job, _p: _to_job(job), "recount_form")


@bp.route("/<int:process_id>/results/publish", methods=["GET", "POST"])
def publish(process_id: int):
    return _button(
        process_id,
        services.publish,
        lambda _n, process: (
            _("The results are published."),
            url_for("results_manage.overview", process_id=process.id),
        ),
        "publish_form",
        confirm=_publishing,
    )


def _project_page(process: Process, proposal: Any, tracking_form: Any, milestone_form: Any) -> str:
    return render_section(
        process,
        "results",
        "results/manage/project.html",
        proposal=proposal,
        tracking_form=tracking_form,
        milestone_form=milestone_form,
        milestones=services.milestones_of([proposal.id])[proposal.id],
        delete_form=ButtonForm(),
        delete_milestone_url=lambda m: url_for(
            "results_manage.delete_milestone",
            process_id=process.id,
            proposal_id=proposal.id,
            milestone_id=m.id,
        ),
    )


def _tracking_form(proposal: Any) -> TrackingForm:
    form = TrackingForm()
    if not form.is_submitted():
        tracking = services.tracking_of([proposal.id]).get(proposal.id)
        form.status.data = tracking.status if tracking else "planned"
        form.progress.data = tracking.progress if tracking else 0
    return form


@bp.get("/<int:process_id>/results/projects/<int:proposal_id>")
def project(process_id: int, proposal_id: int):
    process = _load(process_id)
    proposal = services.funded_proposal(process, proposal_id)
    return _project_page(process, proposal, _tracking_form(proposal), MilestoneForm(formdata=None))


def _back(process: Process, proposal: Any) -> str:
    return url_for("results_manage.project", process_id=process.id, proposal_id=proposal.id)


@bp.post("/<int:process_id>/results/projects/<int:proposal_id>/tracking")
def tracking(process_id: int, proposal_id: int):
    process = _load(process_id)
    proposal = services.funded_proposal(process, proposal_id)
    form = _tracking_form(proposal)
    return run_form(
        form,
        lambda: services.set_tracking(
            current_actor(),
            process,
            proposal,
            services.TrackingInput(status=form.status.data or "", progress=int(form.progress.data or 0)),
        ),
        done=lambda _t: (_("The progress is saved."), _back(process, proposal)),
        render=lambda: _project_page(process, proposal, form, MilestoneForm(formdata=None)),
    )


@bp.post("/<int:process_id>/results/projects/<int:proposal_id>/milestones")
def milestone(process_id: int, proposal_id: int):
    process = _load(process_id)
    proposal = services.funded_proposal(process, proposal_id)
    form = MilestoneForm()
    return run_form(
        form,
        lambda: services.add_milestone(
            current_actor(), process, proposal, form.on.data, form.text.data or ""
        ),
        done=lambda _m: (_("The milestone is added."), _back(process, proposal)),
        render=lambda: _project_page(process, proposal, _tracking_form(proposal), form),
    )


def delete_milestone_button(delete: Callable[[], None], back: str) -> Any:
    """The delete button of a tracked item's milestone (a funded proposal's here, a panel
    recommendation's in the panels' answers): deleted or refused, back to the item's page with a message."""
    return run_form(
        ButtonForm(),
        delete,
        done=lambda _r: (_("The milestone is deleted."), back),
        render=lambda: redirect(back),
    )


@bp.post("/<int:process_id>/results/projects/<int:proposal_id>/milestones/<int:milestone_id>/delete")
def delete_milestone(process_id: int, proposal_id: int, milestone_id: int):
    process = _load(process_id)
    proposal = services.funded_proposal(process, proposal_id)
    return delete_milestone_button(
        lambda: services.delete_milestone(current_actor(), process, proposal, milestone_id),
        _back(process, proposal),
    )

"""Staff screens of the vote, a "Vote" tab of the process screens: settings and budgets, and the kiosk where
paper ballots are entered and (census processes) residents are checked in. The census, conflicts and
voting codes screens under the same tab are eligibility.manage's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.core.access import current_actor, load
from participate.core.clock import today
from participate.core.errors import NotFound, ServiceError, ValidationFailed
from participate.core.numbers import row_by_id
from participate.core.security import no_store
from participate.core.transaction import USER_FACING_ERRORS, attempt, run_form
from participate.eligibility import codes as voting_codes
from participate.eligibility import policy as eligibility_policy
from participate.eligibility import poll_book
from participate.eligibility import services as eligibility
from participate.eligibility.forms import CheckInForm
from participate.processes import policy as process_policy
from participate.processes.manage import checklist_context, render_section
from participate.processes.models import Process
from participate.voting import kiosk as paper
from participate.voting import policy, secrecy, services, setup
from participate.voting.forms import field_name, ranks_offered, read_ballot
from participate.voting.manage_forms import (
    COMPLETION_LABELS,
    ELIGIBILITY_LABELS,
    RULE_LABELS,
    SAT_LABELS,
    SCOPE_LABELS,
    BudgetDeleteForm,
    BudgetForm,
    KioskBallotForm,
    KioskCodeForm,
    VoteSettingsForm,
)
from participate.voting.models import BALLOT_TYPE_LABELS, BallotType, VoteBudget

bp = Blueprint("vote_manage", __name__, url_prefix="/manage/processes/<int:process_id>/vote")
# The tab of the process screens; participate.voting.register(app) adds it.
SECTION = ("vote", _l("Vote"), "vote_manage.overview")


def _load(process_id: int, act: Any = policy.can_manage_vote) -> Process:
    return load(Process, process_id, see=process_policy.can_view, act=act)


def _to(endpoint: str, process: Process) -> str:
    return url_for(f"vote_manage.{endpoint}", process_id=process.id)


def _labels() -> dict[str, Any]:
    return {
        "ballot_labels": {str(k): v for k, v in BALLOT_TYPE_LABELS.items()},
        "rule_labels": RULE_LABELS,
        "sat_labels": SAT_LABELS,
        "completion_labels": COMPLETION_LABELS,
        "eligibility_labels": ELIGIBILITY_LABELS,
        "scope_labels": SCOPE_LABELS,
    }


def _settings_form(process: Process) -> VoteSettingsForm:
    settings = services.settings_of(process)
    form = VoteSettingsForm(prefix="s")
    if settings is not None and not form.is_submitted():
        form.eligibility.data = settings.eligibility
        form.district_scope.data = settings.district_scope
        form.min_age.data = settings.min_age
    return form


def _overview(process: Process, form: VoteSettingsForm, delete: BudgetDeleteForm | None = None) -> str:
    settings = services.settings_of(process)
    return render_section(
        process,
        "vote",
        "voting/manage/overview.html",
        form=form,
        delete=delete or BudgetDeleteForm(prefix="d"),
        settings=settings,
        budgets=setup.budgets_with_locks(process),
        census=eligibility.census_counts(process),
        registrations=eligibility.registrations_count(process),
        conflicts=eligibility.open_conflict_count(process),
        is_open=policy.is_open(process, settings, today()),
        **_labels(),
        **checklist_context(process),
    )


@bp.get("")
def overview(process_id: int):
    process = _load(process_id)
    return _overview(process, _settings_form(process))


@bp.post("/settings")
def save_settings(process_id: int):
    process = _load(process_id)
    form = _settings_form(process)
    return run_form(
        form,
        lambda: setup.save_settings(current_actor(), process, form.to_input()),
        done=lambda _r: (_("The vote settings are saved."), _to("overview", process)),
        render=lambda: _overview(process, form),
    )


def _budget_or_none(process: Process, raw: Any) -> VoteBudget | None:
    if not raw:
        return None
    budget = row_by_id(VoteBudget, raw)
    if budget is None or budget.process_id != process.id:
        raise NotFound(_("No such budget."))
    return budget


@bp.route("/budget", methods=["GET", "POST"])
def budget(process_id: int):
    """A new budget, or the one `?budget_id=` (or the form's hidden field) names."""
    process = _load(process_id)
    existing = _budget_or_none(process, request.values.get("budget_id"))
    form = BudgetForm.for_process(process, existing)
    lock = setup.budget_lock(existing) if existing is not None else None
    return run_form(
        form,
        lambda: (
            setup.update_budget(current_actor(), existing, form.to_input())
            if existing is not None
            else setup.add_budget(current_actor(), process, form.to_input())
        ),
        done=lambda saved: (_("The budget %(name)s is saved.", name=saved.name), _to("overview", process)),
        render=lambda: render_section(
            process, "vote", "voting/manage/budget.html", form=form, budget=existing, lock=lock
        ),
    )


@bp.post("/budget/delete")
def delete_budget(process_id: int):
    process = _load(process_id)
    form = BudgetDeleteForm(prefix="d")
    target = _budget_or_none(process, form.budget_id.data) if form.budget_id.data else None
    return run_form(
        form,
        lambda: setup.delete_budget(current_actor(), target) if target else None,
        done=lambda name: (_("The budget %(name)s is deleted.", name=name), _to("overview", process)),
        render=lambda: _overview(process, _settings_form(process), form),
    )


# The kiosk


def _can_run_kiosk(actor: Any, process: Process) -> bool:
    return eligibility_policy.can_run_kiosk(actor, process)


def _kiosk_page(process: Process, form: Any, check_in: CheckInForm | None = None, **context: Any) -> Any:
    poll = poll_book.uses_poll_book(process)
    return no_store(
        render_section(
            process,
            "vote",
            "voting/manage/kiosk.html",
            form=form,
            refusal=policy.closed_refusal(process, services.settings_of(process), today()),
            # a refused check-in is shown with its message even where the process keeps no poll book
            check_in=check_in or (CheckInForm(formdata=None, prefix=CheckInForm.PREFIX) if poll else None),
            checked_in=poll_book.checked_in_count(process) if poll else 0,
            codes_used=sum(batch.used for batch in voting_codes.code_batches(process)) if poll else 0,
            **context,
        )
    )


def _ballot(
    process: Process, form: KioskBallotForm, budgets: list[VoteBudget], error: str | None = None
) -> Any:
    entries = [
        {
            "budget": budget,
            "type": budget.ballot_type,
            "label": BALLOT_TYPE_LABELS[BallotType(budget.ballot_type)],
            "candidates": services.candidates(budget),
        }
        for budget in budgets
    ]
    for entry in entries:
        entry["ranks"] = ranks_offered(entry["budget"], len(entry["candidates"]))
        # the online ballot's field names, which read_ballot reads back
        entry["names"] = {p.id: field_name(entry["budget"], p) for p in entry["candidates"]}
    return _kiosk_page(process, form, ballots=entries, error=error, posted=request.form)


@bp.route("/kiosk", methods=["GET", "POST"])
def kiosk(process_id: int):
    """Enter a voting code; a usable one opens its ballot (the POST answers with it, never a redirect)."""
    process = _load(process_id, act=_can_run_kiosk)
    form = KioskCodeForm()
    if form.validate_on_submit():
        try:
            code, budgets = paper.usable_code(current_actor(), process, form.code.data, today())
        except USER_FACING_ERRORS as error:
            form.code.errors = [*form.code.errors, error.message]
        else:
            ballot = KioskBallotForm(
                formdata=None, code=secrecy.shown_code(secrecy.normalise_code(form.code.data))
            )
            return _ballot(process, ballot, budgets)
        return _kiosk_page(process, form), 400
    status = 400 if form.is_submitted() else 200
    return _kiosk_page(process, form), status


@bp.post("/kiosk/check-in")
def kiosk_check_in(process_id: int):
    """Census processes: check the resident in, then hand them a voting code from the pile."""
    process = _load(process_id, act=_can_run_kiosk)
    form = CheckInForm(prefix=CheckInForm.PREFIX)
    actor = current_actor()
    return run_form(
        form,
        lambda: poll_book.check_in(actor, process, form.identity_number.data, form.birth_year.data, today()),
        done=lambda _row: (
            _("Checked in. Hand the resident a voting code from the pile."),
            _to("kiosk", process),
        ),
        render=lambda: _kiosk_page(process, KioskCodeForm(formdata=None), check_in=form),
        error_field=lambda _error: form.identity_number,
    )


@bp.post("/kiosk/cast")
def kiosk_cast(process_id: int):
    process = _load(process_id, act=_can_run_kiosk)
    form = KioskBallotForm()
    if not form.validate_on_submit():
        return _kiosk_page(process, KioskCodeForm(formdata=None)), 400
    actor, on = current_actor(), today()
    try:
        _code, budgets = paper.usable_code(actor, process, form.code.data, on)
    except USER_FACING_ERRORS as error:
        code_form = KioskCodeForm(formdata=None)
        code_form.code.errors = [error.message]
        return _kiosk_page(process, code_form), 400
    try:  # the online ballot's reader: the same field names and messages
        ballots = {b.id: read_ballot(b, services.candidates(b), request.form) for b in budgets}
    except ValidationFailed as error:
        return _ballot(process, form, budgets, error.message), 400
    receipts = attempt(lambda: paper.kiosk_cast(actor, process, form.code.data, ballots, on))
    if isinstance(receipts, ServiceError):
        return _ballot(process, form, budgets, receipts.message), 400
    names = {b.id: b.name for b in budgets}
    return _kiosk_page(
        process,
        KioskCodeForm(formdata=None),
        receipts=[(names[r.budget_id], r.shown) for r in receipts],
    )

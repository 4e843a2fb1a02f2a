"""Staff screens of the vote, a "Vote" tab of the process screens: settings and budgets, the census, the
conflicts queue, paper voting codes and the kiosk where paper ballots are entered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.core.access import current_actor, load
from participate.core.clock import today
from participate.core.confirm import Confirmation, confirm_then_run
from participate.core.errors import NotFound, ServiceError, ValidationFailed
from participate.core.numbers import row_by_id, whole_number
from participate.core.security import no_store
from participate.core.transaction import USER_FACING_ERRORS, attempt, run_form
from participate.core.uploads import accepts_uploads
from participate.processes import policy as process_policy
from participate.processes.manage import checklist_context, render_section
from participate.processes.models import Process
from participate.voting import eligibility, policy, poll_book, secrecy, services, setup
from participate.voting.forms import field_name, ranks_offered, read_ballot
from participate.voting.manage_forms import (
    COMPLETION_LABELS,
    ELIGIBILITY_LABELS,
    RULE_LABELS,
    SAT_LABELS,
    SCOPE_LABELS,
    BudgetDeleteForm,
    BudgetForm,
    CensusForm,
    CheckInForm,
    CodesForm,
    ConflictActionForm,
    KioskBallotForm,
    KioskCodeForm,
    VoteSettingsForm,
)
from participate.voting.models import BALLOT_TYPE_LABELS, BallotType, VoteBudget

bp = Blueprint("vote_manage", __name__, url_prefix="/manage/processes/<int:process_id>/vote")
# The tab of the process screens; participate.voting.register(app) adds it.
SECTION = ("vote", _l("Vote"), "vote_manage.overview")

CODES_PER_GROUP = 4  # codes per row on the printed sheet


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
        registrations=setup.registrations_count(process),
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


# The census


def _census_page(process: Process, form: CensusForm) -> str:
    return render_section(
        process,
        "vote",
        "voting/manage/census.html",
        form=form,
        settings=services.settings_of(process),
        census=eligibility.census_counts(process),
    )


@bp.route("/census", methods=["GET", "POST"])
@accepts_uploads
def census(process_id: int):
    process = _load(process_id)
    form = CensusForm()
    return run_form(
        form,
        lambda: eligibility.import_census(
            current_actor(), process, form.file.data.read(), replace=form.mode.data == "replace", on=today()
        ),
        done=lambda report: (
            _(
                "The census is imported: %(added)d people added, %(removed)d removed.",
                added=report.added,
                removed=report.removed,
            ),
            _to("census", process),
        ),
        render=lambda: _census_page(process, form),
        error_field=lambda _error: form.file,
    )


# Conflicts


def _conflicts_page(process: Process, form: ConflictActionForm) -> str:
    return render_section(
        process,
        "vote",
        "voting/manage/conflicts.html",
        form=form,
        conflicts=eligibility.open_conflicts(process),
    )


@bp.get("/conflicts")
def conflicts(process_id: int):
    process = _load(process_id)
    return _conflicts_page(process, ConflictActionForm())


def _decide_conflict(
    process_id: int, use_case: Any, message: str, confirm: Callable[[Process], Confirmation] | None = None
) -> Any:
    """A decision on a conflict; with `confirm`, its URL first says what it does (it cannot be undone)."""
    process = _load(process_id)
    form = ConflictActionForm()

    def decide() -> Any:
        conflict = eligibility.find_conflict(process, whole_number(form.conflict_id.data))
        return use_case(current_actor(), process, conflict)

    def done(_result: Any) -> tuple[str, str]:
        return message, _to("conflicts", process)

    def render() -> str:
        return _conflicts_page(process, form)

    if confirm is None:
        return run_form(form, decide, done=done, render=render)
    return confirm_then_run(lambda: confirm(process), form, decide, done=done, render=render)


def _transferring(process: Process) -> Confirmation:
    conflict = eligibility.find_conflict(process, whole_number(request.args.get("conflict_id", "")))
    return Confirmation(
        title=_("Move census entry %(id)d to the new account?", id=conflict.census_entry_id),
        happens=[
            _("The account that claimed the entry may vote with it."),
            _("The account that held it loses it and can no longer vote in this process with it."),
        ],
        cannot_undo=_(
            "The entry does not go back by itself: its former holder would have to claim it again."
        ),
        button=_("Transfer to the new account"),
        back=_to("conflicts", process),
        hidden={"conflict_id": str(conflict.id)},
    )


@bp.route("/conflicts/transfer", methods=["GET", "POST"])
def transfer_conflict(process_id: int):
    if request.method == "GET" and "conflict_id" not in request.args:
        return conflicts(process_id)  # nothing chosen yet: the choice is on the queue
    return _decide_conflict(
        process_id,
        eligibility.transfer_conflict,
        _("The census entry now belongs to the new account."),
        confirm=_transferring,
    )


@bp.post("/conflicts/dismiss")
def dismiss_conflict(process_id: int):
    return _decide_conflict(process_id, eligibility.dismiss_conflict, _("The claim is dismissed."))


# Voting codes


def _codes_page(process: Process, form: CodesForm) -> str:
    return render_section(
        process,
        "vote",
        "voting/manage/codes.html",
        form=form,
        settings=services.settings_of(process),
        batches=setup.code_batches(process),
    )


@bp.get("/codes")
def codes(process_id: int):
    process = _load(process_id)
    return _codes_page(process, CodesForm.for_process(process))


@bp.post("/codes")
def generate_codes(process_id: int):
    """The sheet is this response itself: the plain codes exist nowhere else and are never shown again."""
    process = _load(process_id)
    form = CodesForm.for_process(process)
    if form.validate_on_submit():
        plain = attempt(
            lambda: setup.generate_codes(
                current_actor(), process, form.count.data, form.district_id(), form.batch.data
            )
        )
        if isinstance(plain, ServiceError):
            form.form_errors.append(plain.message)
        else:
            district = next((d.name for d in process.districts if d.id == form.district_id()), None)
            shown = [secrecy.shown_code(code) for code in plain]
            return no_store(
                render_section(
                    process,
                    "vote",
                    "voting/manage/code_sheet.html",
                    codes=shown,
                    rows=[shown[i : i + CODES_PER_GROUP] for i in range(0, len(shown), CODES_PER_GROUP)],
                    batch=form.batch.data.strip(),
                    district=district,
                )
            )
    return _codes_page(process, form), 400


# The kiosk


def _can_run_kiosk(actor: Any, process: Process) -> bool:
    return policy.can_run_kiosk(actor, process)


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
            codes_used=sum(batch.used for batch in setup.code_batches(process)) if poll else 0,
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
            code, budgets = eligibility.usable_code(current_actor(), process, form.code.data, today())
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
        _code, budgets = eligibility.usable_code(actor, process, form.code.data, on)
    except USER_FACING_ERRORS as error:
        code_form = KioskCodeForm(formdata=None)
        code_form.code.errors = [error.message]
        return _kiosk_page(process, code_form), 400
    try:  # the online ballot's reader: the same field names and messages
        ballots = {b.id: read_ballot(b, services.candidates(b), request.form) for b in budgets}
    except ValidationFailed as error:
        return _ballot(process, form, budgets, error.message), 400
    receipts = attempt(lambda: eligibility.kiosk_cast(actor, process, form.code.data, ballots, on))
    if isinstance(receipts, ServiceError):
        return _ballot(process, form, budgets, receipts.message), 400
    names = {b.id: b.name for b in budgets}
    return _kiosk_page(
        process,
        KioskCodeForm(formdata=None),
        receipts=[(names[r.budget_id], r.shown) for r in receipts],
    )

"""Eligibility's staff screens, under the process's "Vote" tab: the census, the queue of conflicting
claims and the paper voting codes (the kiosk's check-in is on voting's kiosk page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _

from participate.core.access import current_actor, load
from participate.core.clock import today
from participate.core.confirm import Confirmation, confirm_then_run
from participate.core.errors import ServiceError
from participate.core.keyed import shown_code
from participate.core.numbers import whole_number
from participate.core.security import no_store
from participate.core.transaction import attempt, run_form
from participate.core.uploads import accepts_uploads
from participate.eligibility import codes as voting_codes
from participate.eligibility import policy, services
from participate.eligibility.forms import CensusForm, CodesForm, ConflictActionForm
from participate.processes import policy as process_policy
from participate.processes.manage import render_section
from participate.processes.models import Process

bp = Blueprint("eligibility_manage", __name__, url_prefix="/manage/processes/<int:process_id>/vote")

CODES_PER_GROUP = 4  # codes per row on the printed sheet


def _load(process_id: int) -> Process:
    return load(Process, process_id, see=process_policy.can_view, act=policy.can_manage_eligibility)


def _to(endpoint: str, process: Process) -> str:
    return url_for(f"eligibility_manage.{endpoint}", process_id=process.id)


# The census


def _census_page(process: Process, form: CensusForm) -> str:
    return render_section(
        process,
        "vote",
        "eligibility/manage/census.html",
        form=form,
        settings=services.terms_of(process),
        census=services.census_counts(process),
    )


@bp.route("/census", methods=["GET", "POST"])
@accepts_uploads
def census(process_id: int):
    process = _load(process_id)
    form = CensusForm()
    return run_form(
        form,
        lambda: services.import_census(
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
        "eligibility/manage/conflicts.html",
        form=form,
        conflicts=services.open_conflicts(process),
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
        conflict = services.find_conflict(process, whole_number(form.conflict_id.data))
        return use_case(current_actor(), process, conflict)

    def done(_result: Any) -> tuple[str, str]:
        return message, _to("conflicts", process)

    def render() -> str:
        return _conflicts_page(process, form)

    if confirm is None:
        return run_form(form, decide, done=done, render=render)
    return confirm_then_run(lambda: confirm(process), form, decide, done=done, render=render)


def _transferring(process: Process) -> Confirmation:
    conflict = services.find_conflict(process, whole_number(request.args.get("conflict_id", "")))
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
        services.transfer_conflict,
        _("The census entry now belongs to the new account."),
        confirm=_transferring,
    )


@bp.post("/conflicts/dismiss")
def dismiss_conflict(process_id: int):
    return _decide_conflict(process_id, services.dismiss_conflict, _("The claim is dismissed."))


# Voting codes


def _codes_page(process: Process, form: CodesForm) -> str:
    return render_section(
        process,
        "vote",
        "eligibility/manage/codes.html",
        form=form,
        settings=services.terms_of(process),
        batches=voting_codes.code_batches(process),
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
            lambda: voting_codes.generate_codes(
                current_actor(), process, form.count.data, form.district_id(), form.batch.data
            )
        )
        if isinstance(plain, ServiceError):
            form.form_errors.append(plain.message)
        else:
            district = next((d.name for d in process.districts if d.id == form.district_id()), None)
            shown = [shown_code(code) for code in plain]
            return no_store(
                render_section(
                    process,
                    "vote",
                    "eligibility/manage/code_sheet.html",
                    codes=shown,
                    rows=[shown[i : i + CODES_PER_GROUP] for i in range(0, len(shown), CODES_PER_GROUP)],
                    batch=form.batch.data.strip(),
                    district=district,
                )
            )
    return _codes_page(process, form), 400

"""Staff screens. They own no models: every change goes through another domain's services."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import ValidationError

from participate.accounts import services as accounts
from participate.accounts.auth import role_required
from participate.accounts.models import Role
from participate.admin import bp
from participate.admin.forms import (
    AdvancePhaseForm,
    DistrictsForm,
    ProcessForm,
    PublishForm,
    RoleForm,
    ScheduleForm,
    parse_amount,
)
from participate.audit import services as audit
from participate.core.money import amount_input
from participate.errors import ServiceError
from participate.extensions import db
from participate.processes import services as processes
from participate.processes.models import Phase, Process, phase_label
from participate.timeutil import today


def _process_input(form: ProcessForm) -> processes.ProcessInput:
    return processes.ProcessInput(
        title=form.title.data,
        summary=form.summary.data or "",
        description=form.description.data or "",
        budget_minor=parse_amount(form.budget, form.currency.data),
        currency=form.currency.data,
    )


def _fail(error: ServiceError) -> None:
    db.session.rollback()
    flash(error.message, "error")


@bp.get("/")
@role_required(Role.STAFF)
def dashboard():
    return render_template(
        "admin/dashboard.html",
        processes=processes.list_all_processes(),
        today=today(),
        phase_label=phase_label,
    )


@bp.route("/processes/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def new_process():
    form = ProcessForm()
    if form.validate_on_submit():
        try:
            process = processes.create_process(current_user, _process_input(form))
        except ValidationError as error:
            form.budget.errors.append(str(error))
        except ServiceError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("The process is created as a draft. Add its phases, then publish it."), "success")
            return redirect(url_for("admin.edit_process", process_id=process.id))
    return render_template("admin/process_form.html", form=form, process=None), 400 if form.errors else 200


def _edit_forms(process: Process):
    details = ProcessForm(
        obj=process, budget=amount_input(process.budget_minor, process.currency), prefix="p"
    )
    schedule = ScheduleForm(prefix="s")
    if not schedule.is_submitted():
        for window in process.windows():
            sub = schedule[window.phase]
            sub.starts_on.data, sub.ends_on.data = window.starts_on, window.ends_on
    districts = DistrictsForm(prefix="d")
    if not districts.is_submitted():
        while len(districts.districts) > 0:
            districts.districts.pop_entry()
        for district in process.districts:
            districts.districts.append_entry(
                {"name": district.name, "budget": amount_input(district.budget_minor, process.currency)}
            )
        for _blank in range(3):
            districts.districts.append_entry()
    advance = AdvancePhaseForm(prefix="a")
    advance.phase.choices = [(p.value, phase_label(p)) for p in process.legal_next_phases(today())]
    return details, schedule, districts, advance


def _render_edit(process, details, schedule, districts, advance, status=200):
    return render_template(
        "admin/process_edit.html",
        process=process,
        form=details,
        schedule=schedule,
        districts=districts,
        advance=advance,
        publish=PublishForm(prefix="pub"),
        timeline=processes.timeline(process),
        current_label=phase_label(process.current_phase(today())),
    ), status


@bp.route("/processes/<int:process_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_process(process_id: int):
    process = processes.get_process(process_id)
    details, schedule, districts, advance = _edit_forms(process)
    if request.method == "GET":
        return _render_edit(process, details, schedule, districts, advance)
    if details.validate_on_submit():
        try:
            processes.update_process(current_user, process, _process_input(details))
        except ValidationError as error:
            details.budget.errors.append(str(error))
        except ServiceError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("The process is saved."), "success")
            return redirect(url_for("admin.edit_process", process_id=process.id))
    return _render_edit(process, details, schedule, districts, advance, 400)


def _save_section(process_id: int, pick_form, use_case, saved_message: str):
    """One section of the edit page: validate it, run its use case, then commit once or show errors."""
    process = processes.get_process(process_id)
    forms = _edit_forms(process)
    form = pick_form(*forms)
    if form.validate_on_submit():
        try:
            use_case(process, form)
        except ValidationError as error:
            flash(str(error), "error")
        except ServiceError as error:
            _fail(error)
            process = processes.get_process(process_id)
        else:
            db.session.commit()
            flash(saved_message, "success")
            return redirect(url_for("admin.edit_process", process_id=process.id))
    return _render_edit(process, *forms, 400)


def _set_schedule(process: Process, schedule: ScheduleForm) -> None:
    windows = [
        processes.WindowInput(Phase(name), schedule[name].starts_on.data, schedule[name].ends_on.data)
        for name in ScheduleForm.PHASE_FIELDS
        if schedule[name].starts_on.data
    ]
    processes.set_schedule(current_user, process, windows)


def _set_districts(process: Process, districts: DistrictsForm) -> None:
    rows = [
        processes.DistrictInput(entry.form.name.data, parse_amount(entry.form.budget, process.currency))
        for entry in districts.districts
        if entry.form.name.data
    ]
    processes.set_districts(current_user, process, rows)


@bp.post("/processes/<int:process_id>/schedule")
@role_required(Role.STAFF)
def save_schedule(process_id: int):
    return _save_section(
        process_id, lambda _d, schedule, _ds, _a: schedule, _set_schedule, _("The phase dates are saved.")
    )


@bp.post("/processes/<int:process_id>/districts")
@role_required(Role.STAFF)
def save_districts(process_id: int):
    return _save_section(
        process_id, lambda _d, _s, districts, _a: districts, _set_districts, _("The districts are saved.")
    )


@bp.post("/processes/<int:process_id>/advance")
@role_required(Role.STAFF)
def advance_phase(process_id: int):
    process = processes.get_process(process_id)
    form = AdvancePhaseForm(prefix="a")
    form.phase.choices = [(p.value, phase_label(p)) for p in Phase]
    if form.validate_on_submit():
        try:
            processes.advance_phase(current_user, process, form.phase.data)
        except ServiceError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(
                _("The process is now in the %(phase)s phase.", phase=phase_label(form.phase.data)), "success"
            )
    return redirect(url_for("admin.edit_process", process_id=process_id))


@bp.post("/processes/<int:process_id>/publish")
@role_required(Role.STAFF)
def toggle_published(process_id: int):
    process = processes.get_process(process_id)
    if PublishForm(prefix="pub").validate_on_submit():
        try:
            processes.set_published(current_user, process, not process.published)
        except ServiceError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(
                _("The process is published.") if process.published else _("The process is back to draft."),
                "success",
            )
    return redirect(url_for("admin.edit_process", process_id=process_id))


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "")
    return render_template(
        "admin/users.html", users=accounts.list_users(query), query=query, role_form=RoleForm()
    )


@bp.post("/users/<int:user_id>/roles")
@role_required(Role.ADMIN)
def change_role(user_id: int):
    user = accounts.get_user(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        role_label = str(dict(form.role.choices)[form.role.data])
        try:
            if form.revoke.data:
                accounts.revoke_role(current_user, user, form.role.data)
                message = _("%(role)s role removed from %(name)s.", role=role_label, name=user.display_name)
            else:
                accounts.grant_role(current_user, user, form.role.data)
                message = _("%(role)s role granted to %(name)s.", role=role_label, name=user.display_name)
        except ServiceError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@role_required(Role.STAFF)
def audit_log():
    return render_template("admin/audit.html", entries=audit.recent_entries(200), report=audit.verify_chain())

"""Staff screens of a process, one section per page: overview, details, dates, districts, people."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.audit import services as audit
from participate.core.access import current_actor, load, requires
from participate.core.clock import today
from participate.core.confirm import Confirmation, confirm_then_run
from participate.core.templating import format_day
from participate.core.transaction import run_form
from participate.core.uploads import accepts_uploads
from participate.processes import checks, geo, policy, services
from participate.processes.forms import (
    AdvancePhaseForm,
    BoundariesForm,
    DistrictsForm,
    ProcessForm,
    ProcessRoleForm,
    PublishForm,
    RevokeProcessRoleForm,
    ScheduleForm,
)
from participate.processes.models import Phase, Process, phase_index, phase_label, process_role_label

# (key, label, endpoint). Other domains add their own management sections with `add_section`.
SECTIONS: list[tuple[str, Any, str]] = [
    ("overview", _l("Overview"), "process_manage.overview"),
    ("details", _l("Details"), "process_manage.details"),
    ("schedule", _l("Phase dates"), "process_manage.schedule"),
    ("districts", _l("Districts"), "process_manage.districts"),
    ("people", _l("People"), "process_manage.people"),
]


def add_section(key: str, label: Any, endpoint: str) -> None:
    if all(existing != key for existing, _label, _endpoint in SECTIONS):
        SECTIONS.append((key, label, endpoint))


bp = Blueprint("process_manage", __name__, url_prefix="/manage/processes")


@audit.describes("process")
def _describe_process(subject_id: str) -> tuple[str, str | None]:
    process = services.find_process(subject_id)
    if process is None:
        return _("process %(id)s", id=subject_id), None
    return process.title, url_for("process_manage.overview", process_id=process.id)


def _load(process_id: int) -> Process:
    return load(Process, process_id, see=policy.can_view, act=policy.can_manage)


def _page(process: Process, section: str, **context: Any) -> str:
    return render_section(process, section, f"processes/manage/{section}.html", **context)


def render_section(process: Process, section: str, template: str, **context: Any) -> str:
    """A page inside the process's management tabs; `template` extends processes/manage/_layout.html."""
    return render_template(
        template,
        process=process,
        section=section,
        sections=SECTIONS,
        current_label=services.phase_now(process).summary,
        **context,
    )


def _back_to(section: str, process: Process) -> str:
    return url_for(f"process_manage.{section}", process_id=process.id)


@bp.get("/")
@requires(policy.can_create)
def index():
    """The README's entry to the staff screens: every process, drafts included."""
    listed = services.list_all_processes()
    return render_template(
        "processes/manage/index.html",
        processes=listed,
        phases={process.id: services.phase_now(process) for process in listed},
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(policy.can_create)
def new():
    form = ProcessForm()
    return run_form(
        form,
        lambda: services.create_process(current_actor(), form.to_input()),
        done=lambda process: (
            _("The process is created as a draft. Add its phases, then publish it."),
            _back_to("schedule", process),
        ),
        render=lambda: render_template("processes/manage/new.html", form=form),
    )


def _phase_choice(process: Process, phase: Phase) -> tuple[str, str]:
    window = process.window(phase)
    label = phase_label(phase).capitalize()
    if window is None:
        return phase.value, label
    return phase.value, _("%(phase)s (planned from %(date)s)", phase=label, date=format_day(window.starts_on))


def _overview_forms(process: Process) -> tuple[AdvancePhaseForm, PublishForm]:
    advance = AdvancePhaseForm(prefix="a")
    advance.phase.choices = [_phase_choice(process, p) for p in process.legal_next_phases(today())]
    return advance, PublishForm(prefix="pub")


def checklist_context(process: Process) -> dict[str, Any]:
    """What processes/manage/_checklist.html shows: the findings, and the tab where each is fixed."""
    return {
        "checklist": checks.checklist(process, today()),
        "fix_at": {
            key: (label, url_for(endpoint, process_id=process.id)) for key, label, endpoint in SECTIONS
        },
    }


def _overview(process: Process, advance: AdvancePhaseForm, publish: PublishForm) -> str:
    return _page(
        process,
        "overview",
        advance=advance,
        publish=publish,
        timeline=services.timeline(process),
        **checklist_context(process),
    )


@bp.get("/<int:process_id>")
def overview(process_id: int):
    process = _load(process_id)
    return _overview(process, *_overview_forms(process))


def _advancing(process: Process, target: Phase) -> Confirmation:
    on = today()
    current = process.current_phase(on)
    window = process.window(target)
    skipped = [
        phase_label(p)
        for p in process.enabled_phases()
        if phase_index(current) < phase_index(p) < phase_index(target)
    ]
    happens = [
        _(
            "The process moves to the %(phase)s phase today, ahead of its dates (planned from %(date)s).",
            phase=phase_label(target),
            date=format_day(window.starts_on) if window else "—",
        )
    ]
    if current is Phase.PROPOSALS:
        happens.append(_("Residents can no longer submit, change or support proposals."))
    if skipped:
        happens.append(_("Skipped, never to take place: %(phases)s.", phases=", ".join(skipped)))
    if target is Phase.VOTING:
        happens.append(_("The vote opens now for everyone eligible."))
    if target is Phase.RESULTS:
        happens.append(_("Nobody can vote any more, online or on paper."))
    happens.append(_("The people who follow the process are told."))
    return Confirmation(
        title=_("Move %(title)s to the %(phase)s phase now?", title=process.title, phase=phase_label(target)),
        happens=happens,
        cannot_undo=_("A process never moves back to an earlier phase, whatever its dates say."),
        button=_("Move now"),
        back=_back_to("overview", process),
        hidden={"a-phase": target.value},
    )


@bp.route("/<int:process_id>/advance", methods=["GET", "POST"])
def advance(process_id: int):
    process = _load(process_id)
    form, publish = _overview_forms(process)
    legal = {p.value for p in process.legal_next_phases(today())}
    if request.method == "GET" and "a-phase" not in request.args:
        return _overview(process, form, publish)  # nothing chosen yet: the choice is on the overview
    if request.method == "GET" and request.args["a-phase"] not in legal:
        form.phase.errors = [_("Choose one of the phases the process can move to.")]
        return _overview(process, form, publish), 400
    form.phase.choices = [_phase_choice(process, p) for p in Phase]
    return confirm_then_run(
        lambda: _advancing(process, Phase(request.args["a-phase"])),
        form,
        lambda: services.advance_phase(current_actor(), process, form.phase.data),
        done=lambda _r: (
            _("The process is now in the %(phase)s phase.", phase=phase_label(form.phase.data)),
            _back_to("overview", process),
        ),
        render=lambda: _overview(process, form, publish),
    )


@bp.post("/<int:process_id>/publish")
def publish(process_id: int):
    process = _load(process_id)
    advance, form = _overview_forms(process)
    publishing = not process.published
    return run_form(
        form,
        lambda: services.set_published(current_actor(), process, publishing),
        done=lambda _r: (
            _("The process is published.") if publishing else _("The process is back to draft."),
            _back_to("overview", process),
        ),
        render=lambda: _overview(process, advance, form),
    )


def _edit_section(process_id: int, section: str, form_class: Any, use_case: Any, saved: str) -> Any:
    """A section whose form fills from the process and saves through one use case."""
    process = _load(process_id)
    form = form_class.for_process(process)
    return run_form(
        form,
        lambda: use_case(current_actor(), process, form.to_input()),
        done=lambda _r: (saved, _back_to(section, process)),
        render=lambda: _page(process, section, form=form),
    )


@bp.route("/<int:process_id>/details", methods=["GET", "POST"])
def details(process_id: int) -> Any:
    return _edit_section(
        process_id, "details", ProcessForm, services.update_process, _("The process is saved.")
    )


@bp.route("/<int:process_id>/schedule", methods=["GET", "POST"])
def schedule(process_id: int) -> Any:
    return _edit_section(
        process_id, "schedule", ScheduleForm, services.set_schedule, _("The phase dates are saved.")
    )


def _districts_page(process: Process, form: Any, boundaries: BoundariesForm) -> str:
    areas = services.district_areas(process)
    district_map = geo.draw_map(
        areas,
        [],
        map_id="districts-map",
        title=_("Map of the districts of %(process)s", process=process.title),
        description=_("The districts' outlines as uploaded; the list below names the same districts."),
    )
    return _page(
        process, "districts", form=form, boundaries=boundaries, district_map=district_map, areas=areas
    )


@bp.route("/<int:process_id>/districts", methods=["GET", "POST"])
def districts(process_id: int) -> Any:
    process = _load(process_id)
    form = DistrictsForm.for_process(process)
    return run_form(
        form,
        lambda: services.set_districts(current_actor(), process, form.to_input()),
        done=lambda _r: (_("The districts are saved."), _back_to("districts", process)),
        render=lambda: _districts_page(process, form, BoundariesForm(prefix="map", formdata=None)),
    )


def _filled_districts(process: Process) -> DistrictsForm:
    form = DistrictsForm(formdata=None)
    form.fill(process.districts, process.currency)
    return form


@bp.post("/<int:process_id>/boundaries")
@accepts_uploads
def boundaries(process_id: int) -> Any:
    process = _load(process_id)
    form = BoundariesForm(prefix="map")
    return run_form(
        form,
        lambda: services.set_boundaries(current_actor(), process, form.file.data.read()),
        done=lambda names: (
            _("Outlines saved for %(districts)s.", districts=", ".join(names)),
            _back_to("districts", process),
        ),
        render=lambda: _districts_page(process, _filled_districts(process), form),
        error_field=lambda _error: form.file,
    )


def _people(process: Process, form: ProcessRoleForm, revoke: RevokeProcessRoleForm | None = None) -> str:
    return _page(
        process, "people", form=form, revoke=revoke or RevokeProcessRoleForm(), role_label=process_role_label
    )


@bp.route("/<int:process_id>/people", methods=["GET", "POST"])
def people(process_id: int):
    process = _load(process_id)
    form = ProcessRoleForm()
    return run_form(
        form,
        lambda: services.grant_process_role(current_actor(), process, form.email.data, form.role.data),
        done=lambda grant: (
            _(
                "%(name)s is now %(role)s in this process.",
                name=grant.user.display_name,
                role=process_role_label(grant.role).lower(),
            ),
            _back_to("people", process),
        ),
        render=lambda: _people(process, form),
        error_field=lambda _error: form.email,
    )


@bp.post("/<int:process_id>/people/revoke")
def revoke_role(process_id: int):
    process = _load(process_id)
    form = RevokeProcessRoleForm()
    return run_form(
        form,
        lambda: services.revoke_process_role(current_actor(), process, form.grant_id.data),
        done=lambda person: (
            _("%(name)s no longer has this role.", name=person.display_name),
            _back_to("people", process),
        ),
        render=lambda: _people(process, ProcessRoleForm(formdata=None), form),
    )

"""Facilitators' screens for a panel at work: its meetings, attendance, stipends and the payroll export,
the support checklist, table plans (printable) and materials."""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from participate.core.access import authorize, current_actor
from participate.core.errors import ValidationFailed
from participate.core.forms import ButtonForm
from participate.core.security import no_store
from participate.core.templating import format_span
from participate.core.transaction import run_form
from participate.core.uploads import accepts_uploads
from participate.extensions import db
from participate.panels import materials, meetings, policy
from participate.panels.meeting_forms import (
    AttendanceForm,
    ChecklistForm,
    MaterialForm,
    MeetingForm,
    TablesForm,
)
from participate.panels.meeting_models import ATTENDANCE_LABELS, MaterialKind, Meeting
from participate.panels.models import PANEL_STATUS_LABELS, Panel
from participate.processes.manage import render_section

bp = Blueprint("panels_meetings_manage", __name__, url_prefix="/manage/processes")
SECTION = "panels"
PAGE = "/<slug>/panels/<int:panel_id>/meetings"


def _panel(slug: str, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.process.slug != slug:
        abort(404)
    return authorize(panel, see=policy.can_view_panel, act=policy.can_manage_panel)


def _meeting(panel: Panel, meeting_id: int) -> Meeting:
    meeting = meetings.find_meeting(panel, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _page(panel: Panel, template: str, status: int = 200, **context: Any) -> Response:
    body = render_section(
        panel.process,
        SECTION,
        f"panels/meetings/{template}.html",
        panel=panel,
        status_labels=PANEL_STATUS_LABELS,
        **context,
    )
    return no_store(body, status)  # attendance and support needs are personal data


def _to(endpoint: str, panel: Panel, **values: Any) -> str:
    return url_for(f"panels_meetings_manage.{endpoint}", slug=panel.process.slug, panel_id=panel.id, **values)


def _material_form(panel: Panel, formdata: Any = None, meeting: Meeting | None = None) -> MaterialForm:
    form = MaterialForm(formdata=formdata) if formdata is not None else MaterialForm(formdata=None)
    form.meeting_id.choices = [(0, _("Information kit (not tied to a meeting)"))] + [
        (m.id, format_span(m.starts_at, m.ends_at)) for m in meetings.meetings_of(panel)
    ]
    if meeting is not None and formdata is None:
        form.meeting_id.data = meeting.id
    return form


def _index(panel: Panel, material_form: MaterialForm | None = None, status: int = 200) -> Response:
    return _page(
        panel,
        "index",
        status,
        meetings=meetings.meetings_of(panel),
        kit=materials.materials_of(panel, kit=True),
        material_form=material_form or _material_form(panel),
        delete_form=ButtonForm(formdata=None),
    )


@bp.get(PAGE)
def index(slug: str, panel_id: int):
    return _index(_panel(slug, panel_id))


@bp.route(PAGE + "/new", methods=["GET", "POST"])
def new(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = MeetingForm()
    return run_form(
        form,
        lambda: meetings.create_meeting(current_actor(), panel, form.to_input()),
        done=lambda meeting: (_("The meeting is saved."), _to("meeting", panel, meeting_id=meeting.id)),
        render=lambda: _page(panel, "edit", form=form, meeting=None),
    )


@bp.route(PAGE + "/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    form = MeetingForm()
    if not form.is_submitted():
        form.fill(meeting)
    return run_form(
        form,
        lambda: meetings.update_meeting(current_actor(), panel, meeting, form.to_input()),
        done=lambda _m: (_("The meeting is saved."), _to("meeting", panel, meeting_id=meeting.id)),
        render=lambda: _page(
            panel, "edit", form=form, meeting=meeting, delete_form=ButtonForm(formdata=None)
        ),
    )


@bp.post(PAGE + "/<int:meeting_id>/delete")
def delete(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    form = ButtonForm()
    return run_form(
        form,
        lambda: meetings.delete_meeting(current_actor(), panel, meeting),
        done=lambda _r: (_("The meeting is deleted."), _to("index", panel)),
        render=lambda: _page(
            panel, "edit", form=MeetingForm(formdata=None), meeting=meeting, delete_form=form
        ),
    )


def _meeting_page(panel: Panel, meeting: Meeting, status: int = 200, **forms: Any) -> Response:
    marks = forms.pop("marks", None) or meetings.attendance_of(meeting)
    return _page(
        panel,
        "meeting",
        status,
        meeting=meeting,
        members=meetings.members(panel),
        marks=marks,
        labels=ATTENDANCE_LABELS,
        checklist=meetings.checklist(meeting, panel),
        plan=meetings.table_plan(panel, meeting),
        materials=materials.materials_of(panel, meeting_id=meeting.id),
        attendance_form=forms.get("attendance_form") or AttendanceForm(formdata=None),
        checklist_form=forms.get("checklist_form") or ChecklistForm(formdata=None),
        tables_form=forms.get("tables_form") or TablesForm(formdata=None),
        material_form=forms.get("material_form") or _material_form(panel, meeting=meeting),
        delete_form=ButtonForm(formdata=None),
        attendance_open=meetings.attendance_open(meeting),
    )


@bp.get(PAGE + "/<int:meeting_id>")
def meeting(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    return _meeting_page(panel, _meeting(panel, meeting_id))


def _marks(panel: Panel) -> dict[int, str]:
    return {seat.id: request.form.get(f"seat-{seat.id}", "") for seat in meetings.members(panel)}


@bp.post(PAGE + "/<int:meeting_id>/attendance")
def attendance(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    form = AttendanceForm()
    marks = _marks(panel)
    missing = [seat for seat, status in marks.items() if not status]
    if form.is_submitted() and missing:
        form.form_errors.append(
            _("Mark every member present, excused or absent (%(n)d not marked).", n=len(missing))
        )
        return _meeting_page(
            panel, meeting, 400, attendance_form=form, marks={k: v for k, v in marks.items() if v}
        )
    return run_form(
        form,
        lambda: meetings.record_attendance(current_actor(), panel, meeting, marks),
        done=lambda n: (
            _("Attendance saved for %(n)d members.", n=n),
            _to("meeting", panel, meeting_id=meeting.id),
        ),
        render=lambda: _meeting_page(panel, meeting, attendance_form=form, marks=marks),
    )


@bp.post(PAGE + "/<int:meeting_id>/support")
def support(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    form = ChecklistForm()
    rows = meetings.checklist(meeting, panel)
    ticked: set[tuple[int, str]] = set()
    for value in request.form.getlist("arranged"):
        index = value if value.isascii() and value.isdigit() and len(value) < 6 else ""
        if not index or int(index) >= len(rows):
            ticked.add((0, value))  # refused by the service as out of date
        else:
            ticked.add((rows[int(index)].seat.id, rows[int(index)].need))
    return run_form(
        form,
        lambda: meetings.save_checklist(current_actor(), panel, meeting, ticked),
        done=lambda n: (
            _("The checklist is saved: %(n)d of %(total)d needs arranged.", n=n, total=len(rows)),
            _to("meeting", panel, meeting_id=meeting.id) + "#support",
        ),
        render=lambda: _meeting_page(panel, meeting, checklist_form=form),
    )


@bp.post(PAGE + "/<int:meeting_id>/tables")
def plan(slug: str, panel_id: int, meeting_id: int):
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    form = TablesForm()
    seed = (form.seed.data or "").strip() or secrets.token_hex(8)
    return run_form(
        form,
        lambda: meetings.make_tables(current_actor(), panel, meeting, random.Random(seed)),
        done=lambda tables: (
            _("%(n)d tables planned.", n=len(tables)),
            _to("meeting", panel, meeting_id=meeting.id) + "#tables",
        ),
        render=lambda: _meeting_page(panel, meeting, tables_form=form),
    )


@bp.get(PAGE + "/<int:meeting_id>/tables")
def print_tables(slug: str, panel_id: int, meeting_id: int):
    """The table plan alone, to print (names and table numbers; nothing else personal)."""
    panel = _panel(slug, panel_id)
    meeting = _meeting(panel, meeting_id)
    body = render_template(
        "panels/meetings/print_tables.html",
        panel=panel,
        meeting=meeting,
        plan=meetings.table_plan(panel, meeting),
    )
    return no_store(body)


@bp.get("/<slug>/panels/<int:panel_id>/stipends")
def stipends(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    lines = meetings.stipends(panel)
    return _page(panel, "stipends", lines=lines, total=sum(line.total_minor for line in lines))


@bp.get("/<slug>/panels/<int:panel_id>/stipends.csv")
def payroll(slug: str, panel_id: int):
    from participate.core.after_commit import commit

    panel = _panel(slug, panel_id)
    text = meetings.payroll_csv(current_actor(), panel)
    commit()
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="panel-{panel.id}-stipends.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<slug>/panels/<int:panel_id>/materials")
@accepts_uploads
def add_material(slug: str, panel_id: int):
    panel = _panel(slug, panel_id)
    form = _material_form(panel, formdata=request.form)
    form.file.data = request.files.get("file")
    chosen = meetings.find_meeting(panel, form.meeting_id.data or 0) if form.meeting_id.data else None

    def add() -> Any:
        kind = MaterialKind.LINK if form.kind.data == "link" else MaterialKind.DOCUMENT
        upload = form.file.data
        if kind is MaterialKind.DOCUMENT and not getattr(upload, "filename", ""):
            raise ValidationFailed(_("Choose a PDF file to upload."))
        return materials.add_material(
            current_actor(),
            panel,
            materials.MaterialInput(
                title=form.title.data or "",
                public=bool(form.public.data),
                meeting=chosen,
                url=form.url.data or "",
                filename=getattr(upload, "filename", "") or "",
                data=upload.read(materials.MAX_PDF_BYTES + 1) if kind is MaterialKind.DOCUMENT else b"",
            ),
            kind,
        )

    back = _to("meeting", panel, meeting_id=chosen.id) if chosen else _to("index", panel)
    return run_form(
        form,
        add,
        done=lambda m: (_("“%(title)s” is added.", title=m.title), back + "#materials"),
        render=lambda: (
            _meeting_page(panel, chosen, material_form=form) if chosen else _index(panel, material_form=form)
        ),
    )


def _material(panel: Panel, material_id: int) -> Any:
    material = materials.find_material(panel, material_id)
    if material is None:
        abort(404)
    return material


@bp.post("/<slug>/panels/<int:panel_id>/materials/<int:material_id>/delete")
def delete_material(slug: str, panel_id: int, material_id: int):
    panel = _panel(slug, panel_id)
    material = _material(panel, material_id)
    back = (
        _to("meeting", panel, meeting_id=material.meeting_id) if material.meeting_id else _to("index", panel)
    )
    form = ButtonForm()
    return run_form(
        form,
        lambda: materials.delete_material(current_actor(), panel, material),
        done=lambda _r: (_("The material is deleted."), back + "#materials"),
        render=lambda: _index(panel),
    )


@bp.post("/<slug>/panels/<int:panel_id>/materials/<int:material_id>/visibility")
def material_visibility(slug: str, panel_id: int, material_id: int):
    """Public becomes members-only and back."""
    panel = _panel(slug, panel_id)
    material = _material(panel, material_id)
    back = (
        _to("meeting", panel, meeting_id=material.meeting_id) if material.meeting_id else _to("index", panel)
    )
    form = ButtonForm()
    return run_form(
        form,
        lambda: materials.set_public(current_actor(), panel, material, not material.public),
        done=lambda m: (
            _("“%(title)s” is now public.", title=m.title)
            if m.public
            else _("“%(title)s” is now for members only.", title=m.title),
            back + "#materials",
        ),
        render=lambda: _index(panel),
    )


@bp.get("/<slug>/panels/<int:panel_id>/materials/<int:material_id>")
def download(slug: str, panel_id: int, material_id: int):
    """Any material, members-only ones too, for the panel's facilitators."""
    panel = _panel(slug, panel_id)
    material = _material(panel, material_id)
    if material.kind != MaterialKind.DOCUMENT.value:
        abort(404)
    return materials.material_download(material)

"""A seated panel's meetings: planning them, the attendance facilitators record, the stipends it earns,
the support each member needs at each meeting, and each meeting's diverse table plan.

Everything here is for the panel's facilitators (policy.can_manage_panel); the public sees meetings
through `meeting_public`. Members are the active seats of the drawn panel (seats.seat_list).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.csv_export import csv_text
from participate.core.errors import IllegalTransition, ValidationFailed
from participate.core.locks import locked
from participate.core.money import minor_units_per_major
from participate.core.numbers import row_by_id
from participate.extensions import db
from participate.panels.meeting_models import Attendance, AttendanceStatus, Meeting, SupportArranged
from participate.panels.models import Panel, PanelStatus, RespondentValue
from participate.panels.seats import seat_list
from participate.panels.selection_models import PanelSeat
from participate.panels.setup import record_on_panel, require_manager
from participate.sortition.tables import plan_tables

MAX_MEETINGS = 100
LINK = re.compile(r"^https://[^\s<>\"']+$")


@dataclass(frozen=True)
class MeetingInput:
    starts_at: datetime  # naive UTC
    ends_at: datetime | None
    place: str
    video_link: str
    video_link_public: bool
    agenda: str


def meetings_of(panel: Panel) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.panel_id == panel.id).order_by(Meeting.starts_at, Meeting.id)
        )
    )


def find_meeting(panel: Panel, meeting_id: int) -> Meeting | None:
    meeting = row_by_id(Meeting, meeting_id)  # a form's number may be beyond any id
    return meeting if meeting is not None and meeting.panel_id == panel.id else None


def _apply(meeting: Meeting, data: MeetingInput) -> None:
    place, link = data.place.strip(), data.video_link.strip()
    if not place and not link:
        raise ValidationFailed(_("Give the place, a video link, or both."))
    if link and not LINK.match(link):
        raise ValidationFailed(_("The video link must be a web address starting with https://."))
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise ValidationFailed(_("The meeting must end after it starts."))
    meeting.starts_at, meeting.ends_at = data.starts_at, data.ends_at
    meeting.place, meeting.video_link = place, link
    meeting.video_link_public = bool(link) and data.video_link_public
    meeting.agenda = data.agenda.strip()


def _audit(action: str, actor: User | None, panel: Panel, meeting: Meeting, **data: object) -> None:
    record_on_panel(action, actor, panel, meeting=meeting.id, starts_at=meeting.starts_at.isoformat(), **data)


def create_meeting(actor: User | None, panel: Panel, data: MeetingInput) -> Meeting:
    require_manager(actor, panel)
    panel = locked(panel)
    if len(meetings_of(panel)) >= MAX_MEETINGS:
        raise ValidationFailed(_("A panel may have at most %(most)d meetings.", most=MAX_MEETINGS))
    meeting = Meeting(panel_id=panel.id)
    _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    _audit("panel.meeting_created", actor, panel, meeting)
    return meeting


def update_meeting(actor: User | None, panel: Panel, meeting: Meeting, data: MeetingInput) -> Meeting:
    require_manager(actor, panel)
    _apply(meeting, data)
    db.session.flush()
    _audit("panel.meeting_updated", actor, panel, meeting)
    return meeting


def delete_meeting(actor: User | None, panel: Panel, meeting: Meeting) -> None:
    """Its attendance, support ticks, table plan and materials go with it (the audit log keeps the record)."""
    require_manager(actor, panel)
    if has_attendance(meeting):
        raise IllegalTransition(
            _("Attendance is recorded for this meeting: it pays stipends and can no longer be deleted.")
        )
    from participate.panels import materials  # the materials' files leave with the meeting

    for material in materials.materials_of(panel, meeting_id=meeting.id):
        materials.delete_material(actor, panel, material)
    _audit("panel.meeting_deleted", actor, panel, meeting)
    db.session.delete(meeting)
    db.session.flush()


# Attendance and stipends ----------------------------------------------------------------------------


def members(panel: Panel) -> list[PanelSeat]:
    """The members expected at meetings: every seat still held (confirmed or still being called)."""
    return seat_list(panel).active


def attendance_of(meeting: Meeting) -> dict[int, str]:
    rows = db.session.execute(
        select(Attendance.seat_id, Attendance.status).where(Attendance.meeting_id == meeting.id)
    )
    return {int(seat_id): str(status) for seat_id, status in rows}


def attendance_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.starts_at <= (now or utcnow())


def has_attendance(meeting: Meeting) -> bool:
    return (
        db.session.scalar(select(Attendance.id).where(Attendance.meeting_id == meeting.id).limit(1))
        is not None
    )


def record_attendance(
    actor: User | None, panel: Panel, meeting: Meeting, marks: dict[int, str], *, now: datetime | None = None
) -> int:
    """Every member's mark for the meeting, all or nothing; returns how many marks were saved."""
    require_manager(actor, panel)
    if not attendance_open(meeting, now):
        raise IllegalTransition(_("Attendance can be recorded once the meeting has started."))
    panel = locked(panel)
    seats = {seat.id for seat in members(panel)} | set(attendance_of(meeting))
    unknown = set(marks) - seats
    if unknown:
        raise ValidationFailed(_("The form lists someone who holds no seat on this panel. Reload the page."))
    if any(status not in set(AttendanceStatus) for status in marks.values()):
        raise ValidationFailed(_("Choose present, excused or absent for each member."))
    existing = {
        row.seat_id: row
        for row in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    for seat_id, status in marks.items():
        row = existing.get(seat_id)
        if row is None:
            db.session.add(
                Attendance(
                    meeting_id=meeting.id,
                    seat_id=seat_id,
                    status=status,
                    recorded_by_id=getattr(actor, "id", None),
                )
            )
        elif row.status != status:
            row.status, row.recorded_by_id = status, getattr(actor, "id", None)
    db.session.flush()
    counts = Counter(marks.values())
    _audit(
        "panel.attendance_recorded",
        actor,
        panel,
        meeting,
        **{s.value: counts[s.value] for s in AttendanceStatus},
    )
    return len(marks)


@dataclass(frozen=True)
class StipendLine:
    seat: PanelSeat
    present: int
    excused: int
    absent: int
    total_minor: int


def stipends(panel: Panel) -> list[StipendLine]:
    """Per member: meetings attended and the stipend earned (the panel's stipend per meeting attended;
    an excused absence is not paid). Members who left keep what they earned."""
    counts: dict[int, Counter[str]] = {}
    rows = db.session.execute(
        select(Attendance.seat_id, Attendance.status)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.panel_id == panel.id)
    )
    for seat_id, status in rows:
        counts.setdefault(seat_id, Counter())[status] += 1
    active = members(panel)
    gone = set(counts) - {s.id for s in active}
    seats = active + list(db.session.scalars(select(PanelSeat).where(PanelSeat.id.in_(gone))))
    lines = []
    for seat in seats:
        c = counts.get(seat.id, Counter())
        present = c[AttendanceStatus.PRESENT.value]
        lines.append(StipendLine(seat, present, c["excused"], c["absent"], present * panel.stipend_minor))
    return lines


def _major(minor: int, currency: str) -> str:
    """Minor units as a plain decimal for payroll software: 150000 öre → "1500.00"."""
    per = minor_units_per_major(currency)
    return str((Decimal(minor) / per).quantize(Decimal(1) / per))


PAYROLL_HEADER = (
    "pseudonym", "name", "email", "phone", "address", "postcode",
    "meetings_attended", "stipend_per_meeting", "total", "currency",
)  # fmt: skip


def payroll_csv(actor: User | None, panel: Panel) -> str:
    require_manager(actor, panel)
    currency = panel.process.currency
    lines = stipends(panel)
    rows = [
        [
            line.seat.respondent.pseudonym,
            line.seat.respondent.name,
            line.seat.respondent.email,
            line.seat.respondent.phone,
            line.seat.respondent.address,
            line.seat.respondent.postcode,
            line.present,
            _major(panel.stipend_minor, currency),
            _major(line.total_minor, currency),
            currency,
        ]
        for line in lines
    ]
    record_on_panel(
        "panel.payroll_exported",
        actor,
        panel,
        members=len(rows),
        total_minor=sum(line.total_minor for line in lines),
    )
    return csv_text(PAYROLL_HEADER, rows)


# Support needs --------------------------------------------------------------------------------------

NEED_KINDS = {
    "childcare": (_l("Childcare"), ("child", "barn", "förskol", "kid")),
    "travel": (
        _l("Travel"),
        ("travel", "taxi", "transport", "bus", "resa", "färdtjänst", "parking", "ticket"),
    ),
    "interpretation": (
        _l("Interpretation"),
        ("interpret", "tolk", "language", "sign", "teckensp", "arabic", "somali"),
    ),
    "access": (
        _l("Access"),
        (
            "wheelchair",
            "rullstol",
            "step",
            "access",
            "hearing",
            "hörsl",
            "loop",
            "ramp",
            "lift",
            "hiss",
            "sight",
            "syn",
        ),
    ),
}
OTHER_NEED = _l("Other")


def needs_of(text: str) -> list[str]:
    """The separate needs a member wrote, one a line or separated by semicolons or commas."""
    parts = (part.strip(" .") for part in re.split(r"[\n;,]+", text or ""))
    seen: list[str] = []
    for part in parts:
        if part and part[:300] not in seen:
            seen.append(part[:300])
    return seen


def need_kind(need: str) -> str:
    lowered = need.casefold()
    for label, words in NEED_KINDS.values():
        if any(word in lowered for word in words):
            return str(label)
    return str(OTHER_NEED)


@dataclass(frozen=True)
class NeedRow:
    seat: PanelSeat
    need: str
    kind: str
    arranged: bool


def checklist(meeting: Meeting, panel: Panel) -> list[NeedRow]:
    """Each need of each member expected at the meeting (not excused), ticked when arranged."""
    excused = {
        seat for seat, status in attendance_of(meeting).items() if status == AttendanceStatus.EXCUSED.value
    }
    ticks = {
        (int(seat_id), str(need))
        for seat_id, need in db.session.execute(
            select(SupportArranged.seat_id, SupportArranged.need).where(
                SupportArranged.meeting_id == meeting.id
            )
        ).all()
    }
    return [
        NeedRow(seat, need, need_kind(need), (seat.id, need) in ticks)
        for seat in members(panel)
        if seat.id not in excused
        for need in needs_of(seat.respondent.support_needs)
    ]


def save_checklist(actor: User | None, panel: Panel, meeting: Meeting, ticked: set[tuple[int, str]]) -> int:
    """The arranged needs are exactly `ticked` (seat id, need); returns how many are arranged."""
    require_manager(actor, panel)
    panel = locked(panel)
    current = {(row.seat.id, row.need) for row in checklist(meeting, panel)}
    if not ticked <= current:
        raise ValidationFailed(
            _("The checklist changed since the page was loaded. Reload it and tick again.")
        )
    db.session.execute(delete(SupportArranged).where(SupportArranged.meeting_id == meeting.id))
    for seat_id, need in sorted(ticked):
        db.session.add(
            SupportArranged(
                meeting_id=meeting.id, seat_id=seat_id, need=need, arranged_by_id=getattr(actor, "id", None)
            )
        )
    db.session.flush()
    _audit("panel.support_checklist", actor, panel, meeting, arranged=len(ticked), needs=len(current))
    return len(ticked)


# Table plans ----------------------------------------------------------------------------------------


def seated_at_meeting(panel: Panel, meeting: Meeting) -> list[PanelSeat]:
    """Those marked present; before attendance is recorded, every member not excused."""
    marks = attendance_of(meeting)
    if marks:
        present = {seat for seat, status in marks.items() if status == AttendanceStatus.PRESENT.value}
        return [seat for seat in members(panel) if seat.id in present]
    return [seat for seat in members(panel) if marks.get(seat.id) != AttendanceStatus.EXCUSED.value]


def _answers(panel: Panel, seats: list[PanelSeat]) -> dict[str, tuple[str, ...]]:
    features = [f.id for f in panel.features]
    rows = db.session.execute(
        select(RespondentValue.respondent_id, RespondentValue.feature_id, RespondentValue.value_id).where(
            RespondentValue.respondent_id.in_([s.respondent_id for s in seats])
        )
    )
    answers: dict[int, dict[int, str]] = {}
    for respondent_id, feature_id, value_id in rows:
        answers.setdefault(respondent_id, {})[feature_id] = str(value_id) if value_id is not None else ""
    return {
        str(seat.id): tuple(answers.get(seat.respondent_id, {}).get(f, "") for f in features)
        for seat in seats
    }


def make_tables(actor: User | None, panel: Panel, meeting: Meeting, rng: random.Random) -> list[list[int]]:
    require_manager(actor, panel)
    if not panel.is_at_least(PanelStatus.DRAWN):
        raise IllegalTransition(_("Tables can be planned once the panel is drawn."))
    panel = locked(panel)
    seats = seated_at_meeting(panel, meeting)
    if len(seats) < 2:
        raise ValidationFailed(
            _("Fewer than two members are expected at this meeting: there is nothing to plan.")
        )
    earlier = [
        [[str(seat) for seat in table] for table in other.tables]
        for other in meetings_of(panel)
        if other.tables and other.id != meeting.id and other.starts_at < meeting.starts_at
    ]
    plan = plan_tables(_answers(panel, seats), earlier, rng=rng)
    meeting.tables = [[int(seat) for seat in table] for table in plan.tables]
    meeting.tables_made_at = utcnow()
    db.session.flush()
    _audit(
        "panel.tables_planned", actor, panel, meeting,
        tables=[len(t) for t in plan.tables], repeats=plan.repeats, exact=plan.exact,
    )  # fmt: skip
    return meeting.tables


@dataclass(frozen=True)
class PlannedTable:
    number: int
    seats: list[PanelSeat]
    mix: list[tuple[str, list[tuple[str, int]]]]  # feature label → (value label, count)


def table_plan(panel: Panel, meeting: Meeting) -> list[PlannedTable]:
    if not meeting.tables:
        return []
    ids = [seat for table in meeting.tables for seat in table]
    by_id = {s.id: s for s in db.session.scalars(select(PanelSeat).where(PanelSeat.id.in_(ids)))}
    answers = _answers(panel, list(by_id.values()))
    labels = {str(v.id): v.label for f in panel.features for v in f.values}
    planned = []
    for number, table in enumerate(meeting.tables, start=1):
        seats = [by_id[s] for s in table if s in by_id]
        mix = []
        for index, feature in enumerate(panel.features):
            counts = Counter(labels.get(answers[str(s.id)][index], _("Not said")) for s in seats)
            mix.append((feature.label, sorted(counts.items())))
        planned.append(PlannedTable(number, seats, mix))
    return planned

"""A seated panel's meetings through the facilitators' screens: create, edit, delete; attendance on one
form; stipends and the payroll CSV; the support checklist; the table plan; in Swedish too. Bad input
gets a clear message and leaves the database as it was; every step is audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from participate.audit.labels import ACTION_LABELS
from participate.audit.models import AuditEntry
from participate.extensions import db
from participate.panels import meetings
from participate.panels.meeting_models import Attendance, Meeting, SupportArranged
from participate.sortition.tables import table_sizes
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import login
from tests.factories import make_user
from tests.panels.helpers import post, text
from tests.panels.seated_meetings import make_seated_panel, meeting_input, seats_of


@pytest.fixture
def seated(app):
    return make_seated_panel()


def _client(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def _base(panel) -> str:
    return f"/manage/processes/{panel.process.slug}/panels/{panel.id}"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_facilitator_creates_edits_and_deletes_a_meeting(app, seated):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    base = _base(panel)
    assert "No meetings yet" in text(client.get(f"{base}/meetings"))
    response = post(
        client,
        f"{base}/meetings/new",
        {
            "starts_at": "2027-03-06T10:00",
            "ends_at": "2027-03-06T16:00",
            "place": "City Hall",
            "agenda": "# Welcome",
        },
    )
    assert response.status_code == 302, text(response)
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.starts_at.isoformat() == "2027-03-06T09:00:00"  # 10:00 in Stockholm is 09:00 UTC
    page = text(client.get(response.headers["Location"]))
    assert "City Hall" in page and "<h2>Welcome</h2>" in page
    response = post(
        client,
        f"{base}/meetings/{meeting.id}/edit",
        {
            "starts_at": "2027-03-06T11:00",
            "place": "",
            "video_link": "https://meet.example.org/panel",
            "video_link_public": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.place, meeting.video_link, meeting.video_link_public) == (
        "",
        "https://meet.example.org/panel",
        True,
    )
    response = post(
        client, f"{base}/meetings/{meeting.id}/delete", {}, token_from=f"{base}/meetings/{meeting.id}/edit"
    )
    assert response.status_code == 302
    assert _count(Meeting) == 0
    assert {"panel.meeting_created", "panel.meeting_updated", "panel.meeting_deleted"} <= set(_actions())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_at": "", "place": "Hall"}, "Give the date and time the meeting starts."),
        ({"starts_at": "2027-03-06T10:00", "place": ""}, "Give the place, a video link, or both."),
        (
            {"starts_at": "2027-03-06T10:00", "video_link": "javascript:alert(1)"},
            "must be a web address starting with https://",
        ),
        (
            {"starts_at": "2027-03-06T10:00", "ends_at": "2027-03-06T09:00", "place": "Hall"},
            "must end after it starts",
        ),
        ({"starts_at": "not a date", "place": "Hall"}, "Starts"),
    ],
)
def test_a_bad_meeting_gets_a_clear_message_and_nothing_is_saved(app, seated, data, message):
    _process, facilitator, panel = seated
    client = _client(app, facilitator)
    response = post(client, f"{_base(panel)}/meetings/new", data)
    assert response.status_code == 400
    assert message in text(response)
    assert _count(Meeting) == 0


def test_attendance_on_one_form_stipends_and_payroll_csv(app, seated):
    _process, facilitator, panel = seated
    first = meetings.create_meeting(facilitator, panel, meeting_input(days=-14))
    second = meetings.create_meeting(facilitator, panel, meeting_input(days=-7))
    db.session.commit()
    members = seats_of(panel)
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{first.id}"
    marks = {f"seat-{s.id}": "present" for s in members}
    marks[f"seat-{members[1].id}"] = "excused"
    marks[f"seat-{members[2].id}"] = "absent"
    response = post(client, f"{page}/attendance", marks, token_from=page)
    assert response.status_code == 302, text(response)
    assert _count(Attendance) == len(members)
    # the second meeting: everyone present; then a correction of one mark
    page2 = f"{_base(panel)}/meetings/{second.id}"
    all_present = {f"seat-{s.id}": "present" for s in members}
    assert post(client, f"{page2}/attendance", all_present, token_from=page2).status_code == 302
    all_present[f"seat-{members[0].id}"] = "absent"
    assert post(client, f"{page2}/attendance", all_present, token_from=page2).status_code == 302
    assert _count(Attendance) == 2 * len(members)

    totals = {line.seat.id: line for line in meetings.stipends(panel)}
    assert totals[members[0].id].present == 1 and totals[members[0].id].total_minor == 50000
    assert totals[members[1].id].excused == 1 and totals[members[1].id].total_minor == 50000
    assert totals[members[3].id].total_minor == 100000
    stipends = text(client.get(f"{_base(panel)}/stipends"))
    assert members[3].respondent.name in stipends

    response = client.get(f"{_base(panel)}/stipends.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_pseudonym = {row["pseudonym"]: row for row in rows}
    assert len(rows) == len(members)
    assert by_pseudonym[members[3].respondent.pseudonym]["total"] == "1000.00"
    assert by_pseudonym[members[3].respondent.pseudonym]["meetings_attended"] == "2"
    assert by_pseudonym[members[0].respondent.pseudonym]["stipend_per_meeting"] == "500.00"
    assert {"panel.attendance_recorded", "panel.payroll_exported"} <= set(_actions())


def test_the_payroll_csv_is_formula_safe(app, seated):
    _process, facilitator, panel = seated
    seat = seats_of(panel)[0]
    seat.respondent.name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    body = meetings.payroll_csv(facilitator, panel)
    assert "'=HYPERLINK" in body


def test_an_incomplete_or_forged_attendance_form_is_refused_whole(app, seated):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    members = seats_of(panel)
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{meeting.id}"
    partial = {f"seat-{s.id}": "present" for s in members[:-1]}
    response = post(client, f"{page}/attendance", partial, token_from=page)
    assert response.status_code == 400 and "Mark every member" in text(response)
    wrong = {f"seat-{s.id}": "present" for s in members} | {f"seat-{members[0].id}": "asleep"}
    response = post(client, f"{page}/attendance", wrong, token_from=page)
    assert response.status_code == 400 and "Choose present, excused or absent" in text(response)
    assert _count(Attendance) == 0


def test_attendance_waits_for_the_meeting_and_a_meeting_with_attendance_cannot_be_deleted(app, seated):
    _process, facilitator, panel = seated
    future = meetings.create_meeting(facilitator, panel, meeting_input(days=7))
    past = meetings.create_meeting(facilitator, panel, meeting_input(days=-7))
    db.session.commit()
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{future.id}"
    assert "once the meeting has started" in text(client.get(page))
    marks = {f"seat-{s.id}": "present" for s in seats_of(panel)}
    response = post(client, f"{page}/attendance", marks, token_from=page)
    assert response.status_code == 400 and "once the meeting has started" in text(response)
    meetings.record_attendance(facilitator, panel, past, {s.id: "present" for s in seats_of(panel)})
    db.session.commit()
    edit = f"{_base(panel)}/meetings/{past.id}/edit"
    response = post(client, f"{_base(panel)}/meetings/{past.id}/delete", {}, token_from=edit)
    assert response.status_code == 400 and "can no longer be deleted" in text(response)
    assert _count(Meeting) == 2


def test_the_support_checklist_lists_each_need_of_each_expected_member(app, seated):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    members = seats_of(panel)
    rows = meetings.checklist(meeting, panel)
    assert [(r.seat.id, r.need, r.kind) for r in rows] == [
        (members[0].id, "Childcare for two children", "Childcare"),
        (members[0].id, "wheelchair access", "Access"),
        (members[3].id, "Arabic interpreter", "Interpretation"),
        (members[5].id, "Taxi from Oxie", "Travel"),
    ]
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{meeting.id}"
    assert "Taxi from Oxie" in text(client.get(page))
    response = client.post(
        f"{page}/support",
        data={"csrf_token": _token(client, page), "arranged": ["0", "3"]},
    )
    assert response.status_code == 302
    ticked = {(r.need, r.arranged) for r in meetings.checklist(meeting, panel)}
    assert ("Childcare for two children", True) in ticked and ("Taxi from Oxie", True) in ticked
    assert ("Arabic interpreter", False) in ticked
    # an excused member's needs leave the list
    meetings.record_attendance(
        facilitator,
        panel,
        meeting,
        {s.id: "excused" if s.id == members[3].id else "present" for s in members},
    )
    db.session.commit()
    assert "Arabic interpreter" not in {r.need for r in meetings.checklist(meeting, panel)}
    # a tick for something not on the list is refused, and the ticks stay as they were
    response = client.post(
        f"{page}/support", data={"csrf_token": _token(client, page), "arranged": ["0", "99"]}
    )
    assert response.status_code == 400 and "Reload it" in text(response)
    assert _count(SupportArranged) == 2
    assert "panel.support_checklist" in _actions()


def _token(client, path):
    from tests.conftest import csrf_token

    return csrf_token(client, path)


def test_the_table_plan_is_made_stored_and_printable(app, seated):
    _process, facilitator, panel = seated
    first = meetings.create_meeting(facilitator, panel, meeting_input(days=-14))
    second = meetings.create_meeting(facilitator, panel, meeting_input(days=-7))
    db.session.commit()
    members = seats_of(panel)
    meetings.record_attendance(
        facilitator, panel, first, {s.id: "absent" if s.id == members[0].id else "present" for s in members}
    )
    db.session.commit()
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{first.id}"
    response = post(client, f"{page}/tables", {"seed": "dice 4 2"}, token_from=page)
    assert response.status_code == 302, text(response)
    db.session.refresh(first)
    assert first.tables is not None
    assert sorted(len(t) for t in first.tables) == sorted(table_sizes(len(members) - 1))
    assert members[0].id not in {seat for table in first.tables for seat in table}  # absent: no seat
    printed = client.get(f"{page}/tables")
    body = text(printed)
    assert printed.status_code == 200 and "Table 1" in body and "panel-tables.css" in body
    assert members[1].respondent.name in body
    assert members[1].respondent.email not in body
    # the next meeting's plan avoids the pairs of the first where it can
    meetings.make_tables(facilitator, panel, second, __import__("random").Random(1))
    before = {frozenset((a, b)) for t in first.tables for a in t for b in t if a < b}
    again = {frozenset((a, b)) for t in second.tables for a in t for b in t if a < b}
    assert len(again & before) < len(again)
    assert "panel.tables_planned" in _actions()


def test_a_plan_for_fewer_than_two_members_is_refused(app, seated):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    members = seats_of(panel)
    meetings.record_attendance(
        facilitator, panel, meeting, {s.id: "present" if s.id == members[0].id else "absent" for s in members}
    )
    db.session.commit()
    client = _client(app, facilitator)
    page = f"{_base(panel)}/meetings/{meeting.id}"
    response = post(client, f"{page}/tables", {}, token_from=page)
    assert response.status_code == 400 and "Fewer than two members" in text(response)
    db.session.refresh(meeting)
    assert meeting.tables is None


def test_other_people_cannot_reach_the_meeting_screens(app, seated):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    client = _client(app, make_user())
    for path in (
        "/meetings",
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/tables",
        "/stipends",
        "/stipends.csv",
    ):
        assert client.get(_base(panel) + path).status_code == 403, path


def test_every_meeting_audit_action_has_a_label():
    for action in (
        "panel.meeting_created", "panel.meeting_updated", "panel.meeting_deleted", "panel.attendance_recorded",
        "panel.payroll_exported", "panel.support_checklist", "panel.tables_planned", "panel.material_added",
        "panel.material_deleted", "panel.material_visibility",
    ):  # fmt: skip
        assert action in ACTION_LABELS, action


def test_the_meeting_screens_in_swedish(app, seated):
    _process, facilitator, panel = seated
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    client = _client(app, facilitator)
    page = text(client.get(f"{_base(panel)}/meetings/{meeting.id}", headers={"Accept-Language": "sv"}))
    assert re.search(r"Närvaro", page), page[:500]
    assert "Checklista för stöd" in page and "Bordsplacering" in page


@races
def test_parallel_attendance_forms_leave_one_mark_per_member(app):
    from participate.accounts.models import User
    from participate.panels.models import Panel

    _process, facilitator, panel = make_seated_panel()
    meeting = meetings.create_meeting(facilitator, panel, meeting_input())
    db.session.commit()
    ids = {"panel": panel.id, "meeting": meeting.id, "actor": facilitator.id}
    seat_ids = [s.id for s in seats_of(panel)]

    def record(status: str):
        def use_case() -> None:
            fresh = db.session.get(Panel, ids["panel"])
            meetings.record_attendance(
                db.session.get(User, ids["actor"]),
                fresh,
                meetings.find_meeting(fresh, ids["meeting"]),
                dict.fromkeys(seat_ids, status),
            )

        return as_request(use_case)

    results = at_once(app, [record("present"), record("absent"), record("excused")])
    assert results.count(DONE) == 3
    marks = db.session.execute(select(Attendance.seat_id, Attendance.status)).all()
    assert len(marks) == len(seat_ids) == len({seat for seat, _status in marks})
    assert len({status for _seat, status in marks}) == 1  # one form won whole, never a mix

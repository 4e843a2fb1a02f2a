"""Privacy of a panel at work: what facilitators record about members never reaches anyone else."""

import re

from tests.conftest import login
from tests.factories import make_user
from tests.panels.helpers import facilitated_process


def test_attendance_support_needs_tables_and_members_only_material_never_reach_anyone_else(
    app, as_user, tmp_path
):
    """Every page and API answer a visitor, a resident or a facilitator of another process can open, on a
    seated panel with all of it recorded: none shows a member, a mark, a need, a table or private material."""
    import random

    from participate.core.after_commit import commit
    from participate.panels import materials, meetings
    from participate.panels.meeting_models import MaterialKind
    from tests.panels.seated_meetings import make_seated_panel, meeting_input, seats_of

    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    process, facilitator, panel = make_seated_panel()
    meeting = meetings.create_meeting(
        facilitator, panel, meeting_input(video_link="https://meet.example.org/members-room")
    )
    members = seats_of(panel)
    meetings.record_attendance(
        facilitator,
        panel,
        meeting,
        {s.id: "excused" for s in members[:1]} | {s.id: "present" for s in members[1:]},
    )
    row = meetings.checklist(meeting, panel)[0]
    meetings.save_checklist(facilitator, panel, meeting, {(row.seat.id, row.need)})
    meetings.make_tables(facilitator, panel, meeting, random.Random(0))
    private = materials.add_material(
        facilitator,
        panel,
        materials.MaterialInput(
            "Draft for members", False, meeting, filename="d.pdf", data=b"%PDF-1.4 members"
        ),
        MaterialKind.DOCUMENT,
    )
    commit()
    other_process, other_facilitator = facilitated_process()
    secrets = [
        "Draft for members",
        "members-room",
        "Arabic interpreter",
        "Taxi from Oxie",
        "Table 1",
        "Excused",
        "excused",
    ]
    secrets += [s.respondent.name for s in members] + [s.respondent.pseudonym for s in members]
    values = {
        "slug": process.slug,
        "panel_id": panel.id,
        "process_id": process.id,
        "meeting_id": meeting.id,
        "material_id": private.id,
    }
    visitors = [app.test_client(), as_user(make_user())]
    crawled: set[str] = set()
    for client in visitors:
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or set(rule.arguments) - set(values) or rule.endpoint == "static":
                continue
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
            response = client.get(url)
            body = response.get_data()
            for secret in secrets:
                assert secret.encode() not in body, (rule.endpoint, secret)
            crawled.add(rule.endpoint)
    assert {
        "panels.detail",
        "api.panel_meetings",
        "panels_meetings.material",
        "panels_meetings_manage.meeting",
    } <= crawled
    other = app.test_client()
    login(other, other_facilitator.email)
    for path in ("/meetings", f"/meetings/{meeting.id}", "/stipends.csv", f"/materials/{private.id}"):
        response = other.get(f"/manage/processes/{process.slug}/panels/{panel.id}{path}")
        assert response.status_code == 403, path

"""Issue 21's whole flow, in one walk: a seated panel meets (attendance, stipends, tables), its members
draft a recommendation in their workspace and support it in a round, the facilitator publishes the report,
council staff answer it and track it, and a resident sees the answer beside the panel's recommendation on
"What the council did" and in the API."""

from __future__ import annotations

import random

from sqlalchemy import select

from participate.core.after_commit import commit
from participate.extensions import db
from participate.panels import meetings
from participate.panels.recommendation_models import Recommendation
from tests.factories import make_user
from tests.panels.helpers import manage_url, post, text
from tests.panels.seated import client_of, report_url, seated_panel, workspace_url
from tests.panels.seated_meetings import meeting_input


def test_from_a_seated_panel_to_the_councils_answer(app, tmp_path):
    app.config["PANEL_MATERIALS_FOLDER"] = str(tmp_path)
    panel, facilitator, members = seated_panel(6)
    process = panel.process
    # The panel meets: attendance on one form, the stipends that follow from it, and a table plan.
    meeting = meetings.create_meeting(facilitator, panel, meeting_input(days=-2))
    commit()
    manage = client_of(app, facilitator)
    page = manage_url(panel, f"/meetings/{meeting.id}")
    assert manage.get(page).status_code == 200
    seats = meetings.members(panel)
    meetings.record_attendance(facilitator, panel, meeting, {s.id: "present" for s in seats})
    meetings.make_tables(facilitator, panel, meeting, random.Random(3))
    commit()
    payroll = manage.get(manage_url(panel, "/stipends.csv")).get_data(as_text=True)
    assert payroll.count("\n") >= len(seats)

    # In the workspace: a member drafts, the facilitator opens a round, every member supports it.
    author = client_of(app, members[0])
    drafted = post(
        author,
        workspace_url(panel, "/recommendations/new"),
        {"title": "Shade on every schoolyard", "text": "Plant trees on every schoolyard by 2029."},
        token_from=workspace_url(panel, "/recommendations/new"),
    )
    assert drafted.status_code == 302, text(drafted)[:800]
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.panel_id == panel.id))
    opened = post(
        manage,
        workspace_url(panel, "/rounds"),
        {"recommendations": [str(recommendation.id)], "threshold_percent": "80"},
        token_from=workspace_url(panel),
    )
    assert opened.status_code == 302, text(opened)[:800]
    item = workspace_url(panel, f"/recommendations/{recommendation.id}")
    for member, level in zip(members, ["support"] * 4 + ["can_live_with", "oppose"], strict=True):
        assert (
            post(client_of(app, member), item + "/vote", {"level": level}, token_from=item).status_code == 302
        )
    assert (
        post(manage, workspace_url(panel, "/rounds/close"), {}, token_from=workspace_url(panel)).status_code
        == 302
    )
    assert (
        post(manage, workspace_url(panel, "/publish"), {}, token_from=workspace_url(panel)).status_code == 302
    )
    resident = app.test_client()
    report = text(resident.get(report_url(panel)))
    assert "Shade on every schoolyard" in report
    assert 'data-support="4" data-can-live-with="1" data-oppose="1"' in report

    # Council staff answer and track it; the resident sees it on the process's page and in the API.
    staff = client_of(app, make_user("staff"))
    answer = manage_url(panel, f"/answers/{recommendation.id}")
    answered = post(
        staff,
        answer,
        {"decision": "accepted", "reasons": "Funded in the 2027 budget.", "deadline": "2029-06-30"},
    )
    assert answered.status_code == 302, text(answered)[:800]
    tracked = post(
        staff, answer + "/tracking", {"status": "in_progress", "progress": "20"}, token_from=answer
    )
    assert tracked.status_code == 302
    council = text(resident.get(f"/processes/{process.slug}/what-the-council-did"))
    assert "Shade on every schoolyard" in council and "Funded in the 2027 budget." in council
    (entry,) = resident.get(f"/api/v1/panels/{panel.id}/recommendations").get_json()["recommendations"]
    assert entry["adopted"] is True
    assert entry["support"] == {"support": 4, "can_live_with": 1, "oppose": 1, "abstain": 0}
    assert entry["response"]["decision"] == "accepted" and entry["response"]["progress"] == 20
    assert entry["response"]["deadline"] == "2029-06-30"

"""The members' workspace: joining with an invitation link, who may enter, the private threads and
their notifications."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.deliberation.models import Comment
from participate.extensions import db
from participate.notifications.models import Notification
from participate.panels.recommendation_models import PanelMember
from participate.panels.selection_models import PanelSeat, SeatStatus
from tests.factories import make_user
from tests.panels.helpers import post
from tests.panels.seated import client_of, seated_panel, workspace_url


def test_the_workspace_is_for_members_and_facilitators_only(app):
    panel, facilitator, users = seated_panel(3)
    assert app.test_client().get(workspace_url(panel)).status_code == 302  # to the login page
    resident = client_of(app, make_user())
    assert resident.get(workspace_url(panel)).status_code == 403
    page = client_of(app, users[0]).get(workspace_url(panel))
    assert page.status_code == 200
    assert "Workspace of" in page.get_data(as_text=True)
    assert client_of(app, facilitator).get(workspace_url(panel)).status_code == 200


def test_a_member_who_leaves_the_panel_loses_the_workspace(app):
    panel, _facilitator, users = seated_panel(2)
    client = client_of(app, users[0])
    seat = db.session.get(PanelMember, 1).seat
    seat.status = SeatStatus.WITHDRAWN.value
    db.session.commit()
    assert client.get(workspace_url(panel)).status_code == 403


def test_facilitator_invites_confirmed_members_and_a_member_joins_with_the_link(app, outbox):
    panel, facilitator, _users = seated_panel(3, joined=0)
    staff = client_of(app, facilitator)
    response = post(staff, workspace_url(panel, "/members"), {})
    assert response.status_code == 200
    assert len(outbox) == 3  # every respondent of the test pool gave an email
    link = re.search(r"http://\S+/join/\S+", outbox[0].body).group(0)
    path = link.split("localhost", 1)[-1]
    person = make_user()
    client = client_of(app, person)
    assert client.get(workspace_url(panel)).status_code == 403
    assert "Accept and enter the workspace" in client.get(path).get_data(as_text=True)
    joined = post(client, path, {})
    assert joined.status_code == 302 and joined.headers["Location"].endswith(workspace_url(panel))
    assert client.get(workspace_url(panel)).status_code == 200
    # The link is spent: nobody else can use it.
    other = client_of(app, make_user())
    assert other.get(path).status_code == 404
    assert (
        db.session.scalar(
            select(func.count()).select_from(PanelMember).where(PanelMember.user_id.is_not(None))
        )
        == 1
    )
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"panel.members_invited", "panel.member_joined"} <= actions


def test_members_without_an_email_get_a_link_to_hand_over(app, outbox):
    panel, facilitator, _users = seated_panel(2, joined=0)
    seat = db.session.scalars(select(PanelSeat).where(PanelSeat.panel_id == panel.id)).first()
    seat.respondent.email = ""
    db.session.commit()
    page = post(client_of(app, facilitator), workspace_url(panel, "/members"), {}).get_data(as_text=True)
    assert len(outbox) == 1
    assert "Links to hand over" in page and "/join/" in page


def test_an_anonymous_visitor_is_asked_to_log_in_before_joining(app):
    panel, _facilitator, _users = seated_panel(1, joined=0)
    response = app.test_client().get(workspace_url(panel, "/join/whatever"))
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_the_private_threads_are_invisible_to_everyone_else_and_notify_the_members(app):
    panel, facilitator, users = seated_panel(3)
    author = client_of(app, users[0])
    thread_path = f"/deliberation/panel_workspace/{panel.id}"
    response = post(
        author,
        thread_path + "/comments",
        {"body": "Shall we start with transport?", "stance": "neutral"},
        token_from=workspace_url(panel),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
    # Members and the facilitator read it; a resident and a visitor do not even learn it exists.
    assert "start with transport" in client_of(app, users[1]).get(workspace_url(panel)).get_data(as_text=True)
    assert "start with transport" in client_of(app, facilitator).get(workspace_url(panel)).get_data(
        as_text=True
    )
    resident = client_of(app, make_user())
    assert resident.get(thread_path).status_code == 404
    assert app.test_client().get(thread_path).status_code == 404
    assert resident.get("/deliberation/comments/1").status_code == 404
    refused = post(
        resident, thread_path + "/comments", {"body": "let me in", "stance": "neutral"}, token_from="/"
    )
    assert refused.status_code in (403, 404)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
    # Every other member is notified, never the author; the resident is not.
    notified = set(
        db.session.execute(select(Notification.user_id).where(Notification.kind == "panel_post")).scalars()
    )
    assert notified == {users[1].id, users[2].id}


def test_the_workspace_in_swedish(app):
    panel, _facilitator, users = seated_panel(1)
    client = client_of(app, users[0])
    page = client.get(workspace_url(panel), headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Arbetsyta" in page and "Rekommendationer" in page


def test_other_parts_fill_the_agenda_and_materials_slots(app, monkeypatch):
    from participate.panels import workspace_parts

    monkeypatch.setattr(workspace_parts, "_PARTS", {})
    panel, _facilitator, users = seated_panel(1)
    client = client_of(app, users[0])
    placeholder = "The information kit and the materials of each meeting will appear here."
    assert placeholder in client.get(workspace_url(panel)).get_data(as_text=True)
    workspace_parts.add_workspace_part(
        "materials", "panels/_support.html", lambda panel, actor: {"seen": True}
    )
    page = client.get(workspace_url(panel)).get_data(as_text=True)
    assert placeholder not in page and "Your travel costs are paid" in page
    with pytest.raises(ValueError):
        workspace_parts.add_workspace_part("minutes", "x.html", lambda panel, actor: {})

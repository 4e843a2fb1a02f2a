"""Recommendations: drafting and amending with history, support rounds with the graded scale, the
adoption rule, minority statements, and the published report (page, print, API) that shows counts only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.panels import recommendations, support
from participate.panels.recommendation_models import (
    Recommendation,
    RecommendationVersion,
    SupportRound,
    SupportVote,
)
from tests.factories import make_user
from tests.panels.helpers import post, text
from tests.panels.seated import client_of, report_url, seated_panel, workspace_url


def _draft(panel, user, title="More bike lanes", body="Build 40 km of protected bike lanes by 2030."):
    rec = recommendations.draft(user, panel, recommendations.RecommendationInput(title, body))
    db.session.commit()
    return rec


def _vote_all(panel, users, rec, levels):
    for user, level in zip(users, levels, strict=False):
        support.cast_vote(user, panel, rec, level)
    db.session.commit()


@pytest.mark.parametrize(
    ("support_n", "live_n", "oppose_n", "threshold", "adopted"),
    [
        (4, 0, 1, 80, True),  # exactly four fifths
        (2, 2, 1, 80, True),  # "can live with it" counts towards adoption
        (3, 0, 1, 80, False),  # 75%
        (0, 0, 0, 80, False),  # nobody voted
        (1, 0, 1, 50, True),
        (5, 0, 0, 100, True),
        (4, 0, 1, 100, False),
    ],
)
def test_the_adoption_rule(support_n, live_n, oppose_n, threshold, adopted):
    assert support.is_adopted(support_n, live_n, oppose_n, threshold) is adopted


def test_members_draft_amend_and_the_history_keeps_every_text(app):
    panel, _facilitator, users = seated_panel(3)
    client = client_of(app, users[0])
    created = post(
        client, workspace_url(panel, "/recommendations/new"), {"title": "Bike lanes", "text": "Build them."}
    )
    assert created.status_code == 302
    rec = db.session.scalar(select(Recommendation))
    other = client_of(app, users[1])
    edit = workspace_url(panel, f"/recommendations/{rec.id}/edit")
    amended = post(other, edit, {"title": "Bike lanes", "text": "Build 40 km of them.", "note": "a figure"})
    assert amended.status_code == 302
    db.session.expire_all()
    assert (rec.version, rec.text) == (2, "Build 40 km of them.")
    history = text(other.get(workspace_url(panel, f"/recommendations/{rec.id}/history")))
    assert "Build them." in history and "Build 40 km of them." in history and "a figure" in history
    # An amendment that changes nothing, or an empty title, is refused and nothing is written.
    same = post(other, edit, {"title": "Bike lanes", "text": "Build 40 km of them.", "note": ""})
    assert same.status_code == 400 and "Nothing changed" in text(same)
    empty = post(other, edit, {"title": " ", "text": "x"})
    assert empty.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(RecommendationVersion)) == 2
    actions = list(db.session.execute(select(AuditEntry.action)).scalars())
    assert "panel.recommendation_drafted" in actions and "panel.recommendation_amended" in actions


def test_a_resident_cannot_draft_or_read_recommendations(app):
    panel, _facilitator, users = seated_panel(2)
    rec = _draft(panel, users[0])
    resident = make_user()
    with pytest.raises(PermissionDenied):
        recommendations.draft(resident, panel, recommendations.RecommendationInput("t", "x"))
    client = client_of(app, resident)
    assert client.get(workspace_url(panel, f"/recommendations/{rec.id}")).status_code == 403
    assert client.get(f"/deliberation/recommendation/{rec.id}").status_code == 404


def test_a_support_round_from_opening_to_the_published_report(app):
    panel, facilitator, users = seated_panel(5)
    bikes = _draft(panel, users[0])
    parking = _draft(panel, users[1], "Free parking", "Make parking free in the centre.")
    staff = client_of(app, facilitator)
    opened = post(
        staff,
        workspace_url(panel, "/rounds"),
        {"recommendations": [str(bikes.id), str(parking.id)], "threshold_percent": "80"},
        token_from=workspace_url(panel),
    )
    assert opened.status_code == 302, text(opened)
    # Members vote on the page; a second answer replaces the first.
    member = client_of(app, users[0])
    page = workspace_url(panel, f"/recommendations/{bikes.id}")
    assert post(member, page + "/vote", {"level": "oppose"}, token_from=page).status_code == 302
    assert post(member, page + "/vote", {"level": "support"}, token_from=page).status_code == 302
    assert "You chose: Support" in text(member.get(page))
    _vote_all(panel, users[1:4], bikes, ["support", "support", "can_live_with"])  # users[4] abstains
    _vote_all(panel, users, parking, ["support", "oppose", "oppose", "can_live_with", "oppose"])
    assert db.session.scalar(select(func.count()).select_from(SupportVote)) == 9
    # A round cannot be published while open, and members cannot close it.
    with pytest.raises(IllegalTransition):
        support.publish_report(facilitator, panel)
    db.session.rollback()
    assert (
        post(member, workspace_url(panel, "/rounds/close"), {}, token_from=workspace_url(panel)).status_code
        == 403
    )
    closed = post(staff, workspace_url(panel, "/rounds/close"), {}, token_from=workspace_url(panel))
    assert closed.status_code == 302
    db.session.expire_all()
    assert (bikes.status, parking.status) == ("adopted", "not_adopted")
    result = support.last_result(bikes)
    assert (result.support, result.can_live_with, result.oppose, result.abstain) == (3, 1, 0, 1)
    # After the round: a minority statement on the rejected recommendation.
    rejected = workspace_url(panel, f"/recommendations/{parking.id}")
    statement = "Some of us think free parking helps shops in the centre."
    assert (
        post(
            client_of(app, users[0]), rejected + "/minority", {"text": statement}, token_from=rejected
        ).status_code
        == 302
    )
    # Nothing is public before the report is published.
    anonymous = app.test_client()
    assert anonymous.get(report_url(panel)).status_code == 404
    assert anonymous.get(f"/api/v1/panels/{panel.id}/recommendations").get_json() == {"recommendations": []}
    published = post(staff, workspace_url(panel, "/publish"), {}, token_from=workspace_url(panel))
    assert published.status_code == 302
    page = text(anonymous.get(report_url(panel)))
    assert "More bike lanes" in page and "Free parking" in page and statement in page
    assert 'data-support="3" data-can-live-with="1" data-oppose="0" data-abstain="1"' in page
    assert "<td>3</td><td>1</td><td>0</td><td>1</td>" in page
    assert "Printable version" in page
    printable = anonymous.get(report_url(panel, "/print"))
    assert printable.status_code == 200 and "site-header" not in text(printable)  # a document, no site chrome
    assert "panel-report.css" in text(printable) and statement in text(printable)
    data = anonymous.get(f"/api/v1/panels/{panel.id}/recommendations").get_json()
    assert data == {
        "recommendations": [
            {
                "id": bikes.id,
                "title": "More bike lanes",
                "text": "Build 40 km of protected bike lanes by 2030.",
                "support": {"support": 3, "can_live_with": 1, "oppose": 0, "abstain": 1},
                "adopted": True,
                "response": None,
            },
            {
                "id": parking.id,
                "title": "Free parking",
                "text": "Make parking free in the centre.",
                "support": {"support": 1, "can_live_with": 1, "oppose": 3, "abstain": 0},
                "adopted": False,
                "response": None,
            },
        ]
    }
    # No individual vote and no member's name reaches the public report.
    for user in users:
        assert user.display_name not in page
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {
        "panel.round_opened",
        "panel.support_vote",
        "panel.round_closed",
        "panel.minority_statement",
        "panel.report_published",
    } <= actions
    votes = db.session.execute(
        select(AuditEntry.data).where(AuditEntry.action == "panel.support_vote")
    ).scalars()
    assert all("level" not in entry and "support" not in str(entry) for entry in votes)


def test_drafts_never_reach_the_report_or_the_api(app):
    panel, facilitator, users = seated_panel(2)
    adopted = _draft(panel, users[0], "Published one", "Yes.")
    _draft(panel, users[1], "Secret draft", "Not yet.")
    support.open_round(facilitator, panel, [adopted.id], 80)
    _vote_all(panel, users, adopted, ["support", "support"])
    support.close_round(facilitator, panel)
    support.publish_report(facilitator, panel)
    db.session.commit()
    client = app.test_client()
    assert "Secret draft" not in text(client.get(report_url(panel)))
    assert "Secret draft" not in client.get(f"/api/v1/panels/{panel.id}/recommendations").get_data(
        as_text=True
    )


def test_bad_input_is_refused_with_a_message_and_writes_nothing(app):
    panel, facilitator, users = seated_panel(2)
    rec = _draft(panel, users[0])
    staff = client_of(app, facilitator)
    home = workspace_url(panel)
    too_high = post(
        staff,
        home + "/rounds",
        {"recommendations": [str(rec.id)], "threshold_percent": "120"},
        token_from=home,
    )
    assert too_high.status_code == 400 and "Between 50 and 100" in text(too_high)
    none_chosen = post(staff, home + "/rounds", {"threshold_percent": "80"}, token_from=home)
    assert none_chosen.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SupportRound)) == 0
    # Voting outside a round, or with an unknown level.
    page = workspace_url(panel, f"/recommendations/{rec.id}")
    with pytest.raises(IllegalTransition):
        support.cast_vote(users[0], panel, rec, "support")
    db.session.rollback()
    support.open_round(facilitator, panel, [rec.id], 80)
    db.session.commit()
    member = client_of(app, users[0])
    bad = post(member, page + "/vote", {"level": "love it"}, token_from=page)
    assert bad.status_code == 400
    with pytest.raises(ValidationFailed):
        support.cast_vote(users[0], panel, rec, "love it")
    db.session.rollback()
    # A facilitator does not vote; a second round cannot open beside the first.
    with pytest.raises(PermissionDenied):
        support.cast_vote(facilitator, panel, rec, "support")
    db.session.rollback()
    second = _draft(panel, users[1], "Second", "Another.")
    again = post(
        staff,
        home + "/rounds",
        {"recommendations": [str(second.id)], "threshold_percent": "80"},
        token_from=home,
    )
    assert again.status_code in (200, 400)
    assert db.session.scalar(select(func.count()).select_from(SupportRound)) == 1
    assert db.session.scalar(select(func.count()).select_from(SupportVote)) == 0
    # A recommendation in a round cannot be amended; a minority statement waits for the count.
    with pytest.raises(IllegalTransition):
        recommendations.amend(users[0], panel, rec, recommendations.RecommendationInput("New", "text"))
    db.session.rollback()
    with pytest.raises(IllegalTransition):
        recommendations.add_minority_statement(users[0], panel, rec, "We disagree.")
    db.session.rollback()


def test_a_not_adopted_recommendation_can_be_amended_and_voted_again(app):
    panel, facilitator, users = seated_panel(2)
    rec = _draft(panel, users[0])
    support.open_round(facilitator, panel, [rec.id], 80)
    _vote_all(panel, users, rec, ["support", "oppose"])
    support.close_round(facilitator, panel)
    db.session.commit()
    assert rec.status == "not_adopted"
    recommendations.amend(
        users[1], panel, rec, recommendations.RecommendationInput(rec.title, "A milder text.")
    )
    support.open_round(facilitator, panel, [rec.id], 80)
    _vote_all(panel, users, rec, ["support", "can_live_with"])
    support.close_round(facilitator, panel)
    db.session.commit()
    assert rec.status == "adopted"
    assert support.last_result(rec).round.number == 2


def test_the_report_in_swedish(app):
    panel, facilitator, users = seated_panel(2)
    rec = _draft(panel, users[0])
    support.open_round(facilitator, panel, [rec.id], 80)
    _vote_all(panel, users, rec, ["support", "support"])
    support.close_round(facilitator, panel)
    support.publish_report(facilitator, panel)
    db.session.commit()
    page = text(app.test_client().get(report_url(panel), headers={"Accept-Language": "sv"}))
    assert "Antagen" in page and "Kan leva med det" in page

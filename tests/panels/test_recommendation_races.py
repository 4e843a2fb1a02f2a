"""One vote per member, recommendation and round, and one open round per panel, under parallel requests."""

from __future__ import annotations

from sqlalchemy import func, select

from participate.accounts.models import User
from participate.extensions import db
from participate.panels import recommendations, support
from participate.panels.models import Panel
from participate.panels.recommendation_models import Recommendation, SupportRound, SupportVote
from tests.concurrency import DONE, as_request, at_once, posts_at_once, races
from tests.conftest import csrf_token
from tests.panels.seated import client_of, seated_panel, workspace_url

pytestmark = races


def _vote(panel_id: int, user_id: int, rec_id: int, level: str):
    def use_case() -> None:
        panel = db.session.get(Panel, panel_id)
        support.cast_vote(db.session.get(User, user_id), panel, db.session.get(Recommendation, rec_id), level)

    return as_request(use_case)


def _in_a_round(facilitator, panel, users):
    rec = recommendations.draft(
        users[0], panel, recommendations.RecommendationInput("Trams", "Build a tram line.")
    )
    support.open_round(facilitator, panel, [rec.id], 80)
    db.session.commit()
    return rec


def test_parallel_votes_of_one_member_leave_one_vote(app):
    panel, facilitator, users = seated_panel(2)
    rec = _in_a_round(facilitator, panel, users)
    levels = ["support", "oppose", "can_live_with", "support", "oppose", "support"]
    results = at_once(app, [_vote(panel.id, users[0].id, rec.id, level) for level in levels])
    assert results == [DONE] * len(levels)
    assert db.session.scalar(select(func.count()).select_from(SupportVote)) == 1


def test_parallel_vote_requests_through_the_page_leave_one_vote(app):
    panel, facilitator, users = seated_panel(2)
    rec = _in_a_round(facilitator, panel, users)
    page = workspace_url(panel, f"/recommendations/{rec.id}")
    clients = [client_of(app, users[0]) for _ in range(4)]  # the same member on four devices
    requests = [(c, page + "/vote", {"csrf_token": csrf_token(c, page), "level": "support"}) for c in clients]
    statuses = posts_at_once(app, requests)
    assert statuses == [302] * 4
    assert db.session.scalar(select(func.count()).select_from(SupportVote)) == 1


def test_parallel_round_openings_open_one_round(app):
    panel, facilitator, users = seated_panel(2)
    recs = [
        recommendations.draft(users[0], panel, recommendations.RecommendationInput(f"R{n}", "text")).id
        for n in range(4)
    ]
    db.session.commit()

    def opener(rec_id: int):
        def use_case() -> None:
            support.open_round(
                db.session.get(User, facilitator.id), db.session.get(Panel, panel.id), [rec_id], 80
            )

        return as_request(use_case)

    results = at_once(app, [opener(rec_id) for rec_id in recs])
    assert results.count(DONE) == 1
    assert db.session.scalar(select(func.count()).select_from(SupportRound)) == 1


def test_votes_racing_the_close_are_counted_or_refused_never_lost(app):
    panel, facilitator, users = seated_panel(5)
    rec = _in_a_round(facilitator, panel, users)

    def close() -> str:
        def use_case() -> None:
            support.close_round(db.session.get(User, facilitator.id), db.session.get(Panel, panel.id))

        return as_request(use_case)()

    calls = [_vote(panel.id, user.id, rec.id, "support") for user in users] + [close]
    results = at_once(app, calls)
    assert results[-1] == DONE
    item = db.session.scalars(select(SupportRound)).one().items[0]
    stored = db.session.scalar(select(func.count()).select_from(SupportVote))
    assert item.support == stored == results[:-1].count(DONE)
    assert item.support + item.abstain == len(users)

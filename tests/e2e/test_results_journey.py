"""Staff close the vote and count it, watch the job, publish; the public results page passes axe."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe_check import assert_accessible
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.xdist_group("e2e")


def _vote_with_ballots(app) -> tuple[int, str]:
    from participate.core.after_commit import commit
    from participate.core.clock import today
    from participate.voting import services as voting
    from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

    with app.app_context():
        process = make_process(days_in=21, title="Results journey")
        rng = random.Random(3)
        proposals = [
            make_proposal(
                process,
                status="feasible",
                cost_minor=rng.randrange(1, 30) * 10_000_00,
                latitude=59.33,
                longitude=18.06,
            )
            for _ in range(5)
        ]
        (budget,) = make_vote(process)
        for _ in range(20):
            voter = make_user()
            register_voter(voter, process)
            voting.cast_ballot(voter, budget, rng.sample([p.id for p in proposals], 3), today())
            commit()
        return process.id, process.slug


def test_close_count_publish_and_read_the_results(page, live_server):
    process_id, slug = _vote_with_ballots(live_server)
    page.goto(f"/processes/{slug}/results")
    assert page.get_by_role("heading", name="Results not published yet").is_visible()

    log_in(page, "admin@demo.participate.example")
    page.goto(f"/manage/processes/{process_id}/results")
    assert_accessible(page)
    page.get_by_role("link", name="Close the vote and count").click()
    assert page.get_by_text("A closed vote cannot be opened again.").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the vote and count").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+"))
    page.goto(f"/manage/processes/{process_id}/results")
    assert page.get_by_role("button", name="Count again").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Publish results").click()
    page.get_by_role("button", name="Publish results").click()
    expect(page.get_by_text("The results are published.")).to_be_visible()

    page.goto(f"/processes/{slug}/results")
    assert page.get_by_role("heading", name="Funded proposals", exact=True).is_visible()
    assert page.get_by_role("img", name="Support per proposal in City-wide").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Every ballot with its receipt").click()
    assert_accessible(page)

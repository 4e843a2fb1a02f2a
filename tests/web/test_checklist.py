"""The checklist before publishing and before the vote opens (issue 18, defect 5): each check on its own,
then the services that refuse what blocks, and the overview that shows it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from participate.core.errors import ValidationFailed
from participate.eligibility.models import CensusEntry
from participate.extensions import db
from participate.processes import checks, services
from participate.processes.models import District, Phase
from participate.voting import checks as vote_checks
from participate.voting import setup
from tests.conftest import post_form
from tests.factories import make_process, make_proposal, make_user, make_vote

D = date(2027, 3, 1)
SEK = 100  # öre per krona


def levels(findings) -> list[str]:
    return [f.level.value for f in findings]


def three_phases(gap: int = 1, vote_days: int = 10):
    return {
        Phase.PROPOSALS: (D, D + timedelta(days=9)),
        Phase.VOTING: (D + timedelta(days=9 + gap), D + timedelta(days=9 + gap + vote_days - 1)),
        Phase.RESULTS: (D + timedelta(days=30 + gap), D + timedelta(days=60 + gap)),
    }


def with_districts(process, **budgets_in_sek):
    for name, sek in budgets_in_sek.items():
        process.districts.append(District(name=name, budget_minor=sek * SEK))
    db.session.commit()
    return {d.name: d for d in process.districts}


# The process's own checks


def test_phases_are_set(app):
    assert levels(checks.phases_are_set(make_process(phases={}, days_in=None), D)) == ["block"]
    assert not list(checks.phases_are_set(make_process(phases=three_phases()), D))


def test_phases_in_order_blocks_overlap_and_reversed_dates(app):
    overlapping = make_process(
        phases={
            Phase.PROPOSALS: (D, D + timedelta(days=9)),
            Phase.VOTING: (D + timedelta(days=5), D + timedelta(days=12)),
        }
    )
    found = list(checks.phases_in_order(overlapping, D))
    assert (
        levels(found) == ["block"]
        and "voting phase starts before the proposals phase ends" in found[0].message
    )
    assert not list(checks.phases_in_order(make_process(phases=three_phases()), D))


def test_long_gaps_between_phases_warn(app):
    found = list(checks.no_long_gaps(make_process(phases=three_phases(gap=30)), D))
    assert levels(found) == ["warn"] and "29 days pass" in found[0].message
    assert not list(checks.no_long_gaps(make_process(phases=three_phases(gap=1)), D))


def test_a_short_vote_warns(app):
    assert levels(checks.vote_long_enough(make_process(phases=three_phases(vote_days=1)), D)) == ["warn"]
    assert not list(checks.vote_long_enough(make_process(phases=three_phases(vote_days=7)), D))


def test_a_draft_whose_dates_have_passed_warns(app):
    draft = make_process(published=False, phases=three_phases())
    assert levels(checks.dates_still_ahead(draft, D + timedelta(days=12))) == ["warn"]
    assert not list(checks.dates_still_ahead(draft, D))


def test_districts_within_total(app):
    process = make_process(budget_minor=1_000_000 * SEK, phases=three_phases())
    with_districts(process, Hyllie=600_000, Husie=500_000)
    found = list(checks.districts_within_total(process, D))
    assert levels(found) == ["block"] and "1,100,000" in found[0].message


# The vote's checks


def test_vote_budgets_within_total_blocks_800k_600k_700k_under_2m(app):
    process = make_process(budget_minor=2_000_000 * SEK, phases=three_phases())
    make_vote(
        process,
        budgets=[
            {"name": n, "budget_minor": k * SEK} for n, k in (("A", 800_000), ("B", 600_000), ("C", 700_000))
        ],
    )
    found = list(vote_checks.vote_budgets_within_total(process, D))
    assert levels(found) == ["block"] and "2,100,000" in found[0].message and "2,000,000" in found[0].message


def test_a_district_vote_budget_must_not_exceed_what_residents_are_told(app):
    process = make_process(budget_minor=2_000_000 * SEK, phases=three_phases())
    districts = with_districts(process, Hyllie=500_000, Husie=400_000)
    make_vote(
        process,
        budgets=[
            {"name": "Hyllie", "budget_minor": 600_000 * SEK, "district_id": districts["Hyllie"].id},
            {"name": "Husie", "budget_minor": 300_000 * SEK, "district_id": districts["Husie"].id},
        ],
    )
    found = list(vote_checks.vote_budgets_match_districts(process, D))
    by_level = {f.level.value: f.message for f in found}
    assert sorted(by_level) == ["block", "warn"]
    assert "Hyllie" in by_level["block"] and "600,000" in by_level["block"] and "500,000" in by_level["block"]
    assert "Husie" in by_level["warn"]


def test_a_proposal_costing_more_than_its_ballot_blocks_the_vote(app):
    process = make_process(budget_minor=1_500_000 * SEK, phases=three_phases())
    make_vote(process, budgets=[{"name": "City-wide", "budget_minor": 1_500_000 * SEK}])
    make_proposal(process, title="Skatepark", cost_minor=1_600_000 * SEK, status="feasible")
    make_proposal(process, title="Benches", cost_minor=100_000 * SEK, status="feasible")
    found = list(vote_checks.proposals_fit_their_ballot(process, D))
    assert levels(found) == ["block_vote"] and "Skatepark" in found[0].message


def test_ballots_need_enough_proposals(app):
    process = make_process(phases=three_phases())
    make_vote(process, budgets=[{"name": "City-wide", "budget_minor": 1000 * SEK, "min_choices": 2}])
    assert levels(vote_checks.ballots_have_enough_proposals(process, D)) == ["block_vote"]
    make_proposal(process, cost_minor=10 * SEK, status="feasible")
    found = list(vote_checks.ballots_have_enough_proposals(process, D))
    assert levels(found) == ["block_vote"] and "at least 2 choices" in found[0].message
    make_proposal(process, cost_minor=10 * SEK, status="feasible")
    assert not list(vote_checks.ballots_have_enough_proposals(process, D))


def test_a_census_vote_needs_a_census(app):
    process = make_process(phases=three_phases())
    make_vote(process, eligibility="census")
    assert levels(vote_checks.census_loaded(process, D)) == ["block_vote"]
    db.session.add(CensusEntry(process_id=process.id, identity_hash="x" * 64, birth_year=1980))
    db.session.commit()
    assert not list(vote_checks.census_loaded(process, D))
    other = make_process(phases=three_phases())
    make_vote(other, eligibility="account")
    assert not list(vote_checks.census_loaded(other, D))


def test_vote_settings_that_leave_a_budget_off_every_ballot_warn(app):
    no_budget = make_process(phases=three_phases())
    assert levels(vote_checks.vote_is_set_up(no_budget, D)) == ["block_vote"]
    process = make_process(budget_minor=2_000_000 * SEK, phases=three_phases())
    districts = with_districts(process, Hyllie=500_000, Husie=500_000)
    make_vote(
        process,
        district_scope="own",
        budgets=[
            {"name": "City-wide", "budget_minor": 500_000 * SEK},
            {"name": "Hyllie", "budget_minor": 500_000 * SEK, "district_id": districts["Hyllie"].id},
        ],
    )
    found = list(vote_checks.vote_is_set_up(process, D))
    assert levels(found) == ["warn", "warn"]
    assert "City-wide" in found[0].message and "Husie" in found[1].message


# The services refuse what blocks


def test_publishing_refuses_while_something_blocks_and_names_it(app):
    staff = make_user("staff")
    process = make_process(published=False, budget_minor=2_000_000 * SEK, phases=three_phases())
    make_vote(
        process,
        eligibility="account",
        budgets=[
            {"name": n, "budget_minor": k * SEK} for n, k in (("A", 800_000), ("B", 600_000), ("C", 700_000))
        ],
    )
    with pytest.raises(ValidationFailed, match="cannot be published.*2,100,000"):
        services.set_published(staff, process, True, on=D)
    db.session.rollback()
    assert not process.published


def test_the_vote_cannot_open_with_a_proposal_over_its_ballot(app):
    staff = make_user("staff")
    process = make_process(budget_minor=1_500_000 * SEK, phases=three_phases())
    make_vote(process, eligibility="account", budgets=[{"name": "Ballot", "budget_minor": 1_500_000 * SEK}])
    make_proposal(process, title="Skatepark", cost_minor=1_600_000 * SEK, status="feasible")
    with pytest.raises(ValidationFailed, match="vote cannot open.*Skatepark"):
        services.advance_phase(staff, process, Phase.VOTING, on=D)
    db.session.rollback()
    assert process.current_phase(D) is Phase.PROPOSALS


def test_a_published_process_refuses_a_budget_that_breaks_the_total(app):
    staff = make_user("staff")
    process = make_process(budget_minor=2_000_000 * SEK)
    setup.add_budget(staff, process, setup.BudgetInput("A", None, 800_000 * SEK))
    setup.add_budget(staff, process, setup.BudgetInput("B", None, 600_000 * SEK))
    with pytest.raises(ValidationFailed, match="2,100,000"):
        setup.add_budget(staff, process, setup.BudgetInput("C", None, 700_000 * SEK))
    db.session.rollback()
    draft = make_process(published=False, budget_minor=2_000_000 * SEK)
    for name, sek in (("A", 800_000), ("B", 600_000), ("C", 700_000)):
        setup.add_budget(staff, draft, setup.BudgetInput(name, None, sek * SEK))  # a draft may be mid-way


def test_the_overview_shows_the_checklist_and_publish_refuses_with_the_reason(app, as_user):
    staff = make_user("staff")
    process = make_process(published=False, budget_minor=2_000_000 * SEK)
    make_vote(
        process,
        eligibility="account",
        budgets=[
            {"name": n, "budget_minor": k * SEK} for n, k in (("A", 800_000), ("B", 600_000), ("C", 700_000))
        ],
    )
    client = as_user(staff)
    page = client.get(f"/manage/processes/{process.id}").get_data(as_text=True)
    assert "Checklist before publishing" in page and "Blocks publishing" in page and "2,100,000" in page
    refused = post_form(
        client, f"/manage/processes/{process.id}/publish", token_from=f"/manage/processes/{process.id}"
    )
    assert refused.status_code == 400 and "cannot be published" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not process.published


def test_the_vote_tab_shows_the_checklist_before_the_vote_opens(app, as_user):
    process = make_process(budget_minor=1_500_000 * SEK, phases=three_phases())
    make_vote(process, budgets=[{"name": "Ballot", "budget_minor": 1_500_000 * SEK}])
    make_proposal(process, title="Skatepark", cost_minor=1_600_000 * SEK, status="feasible")
    page = as_user(make_user("staff")).get(f"/manage/processes/{process.id}/vote").get_data(as_text=True)
    assert "Blocks the vote" in page and "Skatepark" in page and "no census is loaded" in page

"""Casting, changing and checking a ballot; closing opens the sealed box into `ballots`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.eligibility import services as eligibility
from participate.extensions import db
from participate.voting import services
from participate.voting.models import Ballot, SealedBallot, VoterRoll
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

VOTING = 21  # make_process(days_in=21): the voting phase has begun


@pytest.fixture
def vote(app):
    process = make_process(days_in=VOTING)
    proposals = [make_proposal(process, status="feasible", cost_minor=(i + 1) * 100_000_00) for i in range(4)]
    (budget,) = make_vote(process)
    return process, budget, proposals


def test_cast_change_and_close(vote):
    process, budget, proposals = vote
    staff = make_user("staff")
    voter = make_user()
    register_voter(voter, process)
    ids = [p.id for p in proposals]

    first = services.cast_ballot(voter, budget, [ids[2], ids[0]], today())
    db.session.commit()
    assert services.current_choices(voter, budget) == [ids[2], ids[0]]
    second = services.cast_ballot(voter, budget, [ids[1]], today())
    db.session.commit()
    assert services.current_choices(voter, budget) == [ids[1]]
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 1
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1

    check = services.check_receipt(process, second.code)
    assert check.found and check.sealed and check.choices == [ids[1]]
    assert not services.check_receipt(process, first.code).found

    assert services.close_vote(staff, process) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    (ballot,) = db.session.execute(select(Ballot)).scalars()
    assert json.loads(ballot.choices) == [ids[1]]
    check = services.check_receipt(process, second.shown.lower())
    assert check.found and not check.sealed and check.choices == [ids[1]]
    with pytest.raises(PermissionDenied):
        services.cast_ballot(voter, budget, [ids[0]], today())
    with pytest.raises(Conflict):
        services.close_vote(staff, process)


def test_bad_ballots_are_refused(vote):
    process, budget, proposals = vote
    voter = make_user()
    register_voter(voter, process)
    other = make_proposal(process, status="submitted")
    for choices in ([], [proposals[0].id, proposals[0].id], [other.id]):
        with pytest.raises(ValidationFailed):
            services.cast_ballot(voter, budget, choices, today())
    with pytest.raises(PermissionDenied):
        services.cast_ballot(make_user(), budget, [proposals[0].id], today())
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0


@pytest.mark.parametrize(
    ("limits", "choices", "message"),
    [
        ({"min_choices": 1}, 0, "Choose at least 1 proposal."),
        ({"min_choices": 2}, 1, "Choose at least 2 proposals."),
        ({"max_choices": 1}, 2, "Choose at most 1 proposal."),
        ({"max_choices": 2}, 3, "Choose at most 2 proposals."),
    ],
)
def test_the_number_of_choices_is_refused_in_a_sentence_that_reads_right(vote, limits, choices, message):
    _process, budget, proposals = vote
    for name, value in limits.items():
        setattr(budget, name, value)
    with pytest.raises(ValidationFailed) as refused:
        services.check_choices(budget, [p.id for p in proposals[:choices]])
    assert str(refused.value) == message


def test_who_may_vote_is_one_policy_that_the_cast_asks(vote):
    from participate.voting import policy

    process, budget, proposals = vote
    voter, on = make_user(), today()
    settings = services.settings_of(process)

    def refusal(actor, registered=True, on_paper=False):
        return policy.ballot_refusal(
            actor, process, settings, on, registered=registered, checked_in_on_paper=on_paper
        )

    assert refusal(voter) is None
    assert refusal(None) is not None  # a visitor logs in first
    assert refusal(voter, registered=False) == "Confirm that you may vote in this process first."
    assert "checked in to vote on paper" in refusal(voter, on_paper=True)
    with pytest.raises(PermissionDenied, match="Confirm that you may vote in this process first."):
        services.cast_ballot(voter, budget, [proposals[0].id], on)
    register_voter(voter, process)
    assert (
        services.ballot_refusal(
            services.settings_of(process), voter, process, eligibility.registration_of(voter, process), on
        )
        is None
    )
    services.cast_ballot(voter, budget, [proposals[0].id], on)


def test_a_budget_of_another_district_is_refused_by_the_same_policy(app):
    """The budget being on the voter's ballot is part of ballot_refusal, not a second check in the cast."""
    from participate.processes.models import District
    from participate.voting import policy

    process = make_process(days_in=VOTING)
    north = District(process_id=process.id, name="North", budget_minor=100_000_00)
    south = District(process_id=process.id, name="South", budget_minor=100_000_00)
    db.session.add_all([north, south])
    db.session.commit()
    make_proposal(process, status="feasible", cost_minor=10_000_00, district_id=north.id)
    south_proposal = make_proposal(process, status="feasible", cost_minor=10_000_00, district_id=south.id)
    north_budget, south_budget = make_vote(
        process,
        budgets=[
            {"name": "North", "district_id": north.id, "budget_minor": 100_000_00},
            {"name": "South", "district_id": south.id, "budget_minor": 100_000_00},
        ],
    )
    voter, on = make_user(), today()
    register_voter(voter, process, north)
    registration = eligibility.registration_of(voter, process)
    settings = services.settings_of(process)
    assert (
        policy.ballot_refusal(
            voter, process, settings, on, registered=True, checked_in_on_paper=False, budget_on_ballot=False
        )
        == "This budget is not on your ballot."
    )
    assert (
        services.ballot_refusal(services.settings_of(process), voter, process, registration, on, north_budget)
        is None
    )
    assert (
        services.ballot_refusal(services.settings_of(process), voter, process, registration, on, south_budget)
        == "This budget is not on your ballot."
    )
    with pytest.raises(PermissionDenied, match="This budget is not on your ballot."):
        services.cast_ballot(voter, south_budget, [south_proposal.id], on)
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0

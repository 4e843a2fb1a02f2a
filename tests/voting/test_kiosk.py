"""The kiosk: staff or a poll worker enter a paper voting code and its ballots; a code votes once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.eligibility import codes
from participate.eligibility.models import VotingCode
from participate.extensions import db
from participate.processes.models import District, ProcessRole
from participate.voting import kiosk, secrecy, services
from participate.voting.models import SealedBallot, VoterRoll
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import csrf_token
from tests.factories import make_process, make_proposal, make_user, make_vote

VOTING = 21


@pytest.fixture
def vote(app):
    process = make_process(days_in=VOTING)
    north = District(process_id=process.id, name="North", budget_minor=100_000_00)
    db.session.add(north)
    db.session.commit()
    citywide = [make_proposal(process, status="feasible", cost_minor=10_000_00) for _ in range(3)]
    local = [
        make_proposal(process, status="feasible", cost_minor=5_000_00, district_id=north.id) for _ in range(2)
    ]
    budgets = make_vote(
        process,
        budgets=[
            {"name": "City-wide", "budget_minor": 500_000_00},
            {"name": "North", "budget_minor": 100_000_00, "district_id": north.id, "ballot_type": "approval"},
        ],
    )
    staff = make_user("staff")
    (code,) = codes.generate_codes(staff, process, 1, north.id, "Library")
    db.session.commit()
    return process, staff, code, budgets, citywide, local


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_code_casts_every_ballot_of_its_district_once(vote):
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    ballots = {citywide_budget.id: [citywide[1].id, citywide[0].id], north_budget.id: [local[0].id]}
    receipts = kiosk.kiosk_cast(staff, process, secrecy.shown_code(code).lower(), ballots, today())
    db.session.commit()
    assert {r.budget_id for r in receipts} == {citywide_budget.id, north_budget.id}
    voting_code = db.session.execute(select(VotingCode)).scalar_one()
    rolls = db.session.execute(select(VoterRoll)).scalars().all()
    assert {(r.budget_id, r.voting_code_id, r.user_id, r.district_id) for r in rolls} == {
        (citywide_budget.id, voting_code.id, None, voting_code.district_id),
        (north_budget.id, voting_code.id, None, voting_code.district_id),
    }
    assert _count(SealedBallot) == 2
    for receipt in receipts:
        check = services.check_receipt(process, receipt.code)
        assert check.found and check.sealed and check.choices == ballots[receipt.budget_id]
    with pytest.raises(Conflict, match="already been used"):
        kiosk.kiosk_cast(staff, process, code, ballots, today())
    db.session.rollback()
    assert _count(VoterRoll) == 2
    (batch,) = codes.code_batches(process)
    assert (batch.used, batch.unused) == (1, 0)


def test_a_bad_ballot_writes_nothing_for_any_budget(vote):
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    with pytest.raises(ValidationFailed, match="North: One of your choices is not on this ballot"):
        kiosk.kiosk_cast(
            staff,
            process,
            code,
            {citywide_budget.id: [citywide[0].id], north_budget.id: [citywide[1].id]},
            today(),
        )
    db.session.rollback()
    assert _count(VoterRoll) == 0 and _count(SealedBallot) == 0


def test_a_section_left_blank_is_not_voted_on_and_the_code_is_spent(vote):
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    with pytest.raises(ValidationFailed, match="blank"):
        kiosk.kiosk_cast(staff, process, code, {citywide_budget.id: [], north_budget.id: []}, today())
    db.session.rollback()
    assert _count(VoterRoll) == 0 and _count(SealedBallot) == 0

    (receipt,) = kiosk.kiosk_cast(staff, process, code, {north_budget.id: [local[1].id]}, today())
    db.session.commit()
    assert receipt.budget_id == north_budget.id
    rolls = db.session.execute(select(VoterRoll)).scalars().all()
    assert [r.budget_id for r in rolls] == [north_budget.id]
    with pytest.raises(Conflict, match="already been used"):  # the blank city-wide section cannot follow
        kiosk.kiosk_cast(staff, process, code, {citywide_budget.id: [citywide[0].id]}, today())
    db.session.rollback()
    assert _count(SealedBallot) == 1


def test_the_roll_constraint_spends_a_code_once_per_budget(vote):
    process, staff, code, (citywide_budget, _north), citywide, _local = vote
    voting_code = db.session.execute(select(VotingCode)).scalar_one()
    first = VoterRoll(voting_code_id=voting_code.id)
    services.put_in_box(citywide_budget, f"code:{voting_code.id}", [citywide[0].id], first)
    db.session.commit()
    with pytest.raises(Conflict):
        services.put_in_box(
            citywide_budget,
            f"code:{voting_code.id}",
            [citywide[1].id],
            VoterRoll(voting_code_id=voting_code.id),
        )
    db.session.rollback()
    assert _count(VoterRoll) == 1


def test_unknown_codes_residents_and_closed_votes_are_refused(vote):
    process, staff, code, budgets, citywide, local = vote
    with pytest.raises(ValidationFailed, match="not one of"):
        kiosk.usable_code(staff, process, "AAAA-BBBB-CCCC", today())
    with pytest.raises(PermissionDenied):
        kiosk.usable_code(make_user(), process, code, today())
    facilitator, poll_worker = make_user(), make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=facilitator.id, role="facilitator"))
    db.session.add(ProcessRole(process_id=process.id, user_id=poll_worker.id, role="poll_worker"))
    db.session.commit()
    with pytest.raises(PermissionDenied, match="poll workers"):
        kiosk.usable_code(facilitator, process, code, today())
    assert kiosk.usable_code(poll_worker, process, code, today())[0] is not None
    services.close_vote(staff, process)
    db.session.commit()
    with pytest.raises(PermissionDenied, match="closed"):
        kiosk.usable_code(staff, process, code, today())


def test_kiosk_screens_from_code_to_receipt(vote, as_user):
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    client = as_user(staff)
    path = f"/manage/processes/{process.id}/vote/kiosk"
    token = csrf_token(client, path)
    unknown = client.post(path, data={"csrf_token": token, "code": "nope"})
    assert unknown.status_code == 400 and "not one of" in unknown.get_data(as_text=True)
    ballot = client.post(path, data={"csrf_token": token, "code": code})
    page = ballot.get_data(as_text=True)
    assert ballot.status_code == 200 and ballot.headers["Cache-Control"] == "no-store"
    # the online ballot's field names, read by the same reader
    assert (
        f'<select id="b{citywide_budget.id}-p{citywide[0].id}" name="b{citywide_budget.id}-p{citywide[0].id}">'
        in page
    )
    assert f'name="b{north_budget.id}-p{local[1].id}" value="1"' in page
    cast = f"{path}/cast"
    data = {
        "csrf_token": token,
        "code": secrecy.shown_code(code),
        f"b{citywide_budget.id}-p{citywide[2].id}": "1",
        f"b{citywide_budget.id}-p{citywide[0].id}": "1",
        f"b{north_budget.id}-p{local[1].id}": "1",
    }
    same_rank = client.post(cast, data=data)
    assert same_rank.status_code == 400 and "both have rank 1" in same_rank.get_data(as_text=True)
    assert "selected" in same_rank.get_data(as_text=True)  # the ranks typed in are kept
    assert _count(VoterRoll) == 0
    data[f"b{citywide_budget.id}-p{citywide[0].id}"] = "2"
    done = client.post(cast, data=data)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "The ballot is cast" in text
    assert done.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<code>[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}</code>", text)) == 2
    assert _count(VoterRoll) == 2
    sealed = services.check_receipt(process, re.findall(r"City-wide: <code>([A-Z0-9-]+)</code>", text)[0])
    assert sealed.choices == [citywide[2].id, citywide[0].id]
    north = services.check_receipt(process, re.findall(r"North: <code>([A-Z0-9-]+)</code>", text)[0])
    assert north.choices == [local[1].id]
    again = client.post(path, data={"csrf_token": token, "code": code})
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    assert client.post(cast, data=data).status_code == 400
    assert _count(VoterRoll) == 2


def test_the_kiosk_enters_a_paper_ballot_with_a_blank_section(vote, as_user):
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    client = as_user(staff)
    cast = f"/manage/processes/{process.id}/vote/kiosk/cast"
    token = csrf_token(client, f"/manage/processes/{process.id}/vote/kiosk")
    blank = client.post(cast, data={"csrf_token": token, "code": code})
    assert blank.status_code == 400 and "is blank" in blank.get_data(as_text=True)
    assert _count(VoterRoll) == 0
    done = client.post(
        cast, data={"csrf_token": token, "code": code, f"b{north_budget.id}-p{local[0].id}": "1"}
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "The ballot is cast" in text
    assert re.findall(r"(City-wide|North): <code>", text) == ["North"]
    assert [r.budget_id for r in db.session.execute(select(VoterRoll)).scalars()] == [north_budget.id]


@races
def test_one_code_entered_at_two_desks_at_once_votes_once(vote, app):
    """Each desk fills in a different section, so the voter_roll constraint alone would let both in."""
    process, staff, code, (citywide_budget, north_budget), citywide, local = vote
    process_id, staff_id = process.id, staff.id

    def enter(budget_id: int, proposal_id: int) -> None:
        from participate.accounts.models import User
        from participate.processes.models import Process

        kiosk.kiosk_cast(db.session.get(User, staff_id), db.session.get(Process, process_id), code,
                               {budget_id: [proposal_id]}, today())  # fmt: skip

    desks = [(citywide_budget.id, citywide[0].id), (north_budget.id, local[0].id)]
    outcomes = at_once(app, [as_request(lambda desk=desk: enter(*desk)) for desk in desks])
    assert set(outcomes) == {DONE, "This voting code has already been used."}, outcomes
    assert _count(VoterRoll) == 1 and _count(SealedBallot) == 1


def test_residents_cannot_open_the_kiosk(vote, as_user):
    process, *_rest = vote
    client = as_user(make_user())
    assert client.get(f"/manage/processes/{process.id}/vote/kiosk").status_code == 403

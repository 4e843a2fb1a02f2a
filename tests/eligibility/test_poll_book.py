"""The poll book of paper voting: in a census vote, staff or a poll worker check a resident in before
handing them a code; a resident votes online or on paper, never both; every check-in is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.eligibility import codes, poll_book
from participate.eligibility import services as eligibility
from participate.eligibility.models import CensusCheckIn, VoterRegistration
from participate.extensions import db
from participate.processes.models import ProcessRole
from participate.voting import kiosk, services
from participate.voting.models import SealedBallot, VoterRoll
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import csrf_token, login
from tests.factories import make_process, make_proposal, make_user, make_vote

VOTING = 21
CENSUS = b"identity_number,birth_year,district\n19800101-1234,1980,\n19900202-2345,1990,\n"


@pytest.fixture
def vote(app):
    process = make_process(days_in=VOTING)
    proposals = [make_proposal(process, status="feasible", cost_minor=10_000_00) for _ in range(2)]
    (budget,) = make_vote(process)
    staff = make_user("staff")
    eligibility.import_census(staff, process, CENSUS, replace=False, on=today())
    db.session.commit()
    return process, staff, budget, proposals


def _checked_in() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusCheckIn))


def _registered(process, identity="19800101-1234", year=1980):
    resident = make_user()
    eligibility.verify_census(resident, process, identity, year, today())
    db.session.commit()
    return resident


def test_a_resident_is_checked_in_once(vote):
    process, staff, _budget, _proposals = vote
    poll_book.check_in(staff, process, "198001011234", 1980, today())
    db.session.commit()
    assert _checked_in() == poll_book.checked_in_count(process) == 1
    with pytest.raises(Conflict, match="already been checked in"):
        poll_book.check_in(staff, process, "19800101-1234", 1980, today())
    db.session.rollback()
    for identity, year in (("19800101-1234", 1981), ("19990101-9999", 1999), ("", 1980)):
        with pytest.raises(ValidationFailed, match="nobody with that identity number"):
            poll_book.check_in(staff, process, identity, year, today())
        db.session.rollback()
    assert _checked_in() == 1


def test_the_census_is_not_replaced_once_someone_was_checked_in(vote):
    process, staff, _budget, _proposals = vote
    poll_book.check_in(staff, process, "19800101-1234", 1980, today())
    db.session.commit()
    with pytest.raises(Conflict, match="checked in to vote on paper"):
        eligibility.import_census(staff, process, CENSUS, replace=True, on=today())
    db.session.rollback()
    assert _checked_in() == 1


@races
def test_a_census_replaced_during_check_ins_and_verifications_keeps_every_one(vote, app):
    """Each either happened first, and the replacement is refused, or after it, against the new census."""
    process, staff, _budget, _proposals = vote
    residents = [make_user() for _ in range(2)]
    process_id, staff_id, resident_ids = process.id, staff.id, [r.id for r in residents]

    def as_people():
        from participate.accounts.models import User
        from participate.processes.models import Process

        return db.session.get(User, staff_id), db.session.get(Process, process_id)

    def replace():
        staff, process = as_people()
        eligibility.import_census(staff, process, CENSUS, replace=True, on=today())

    def check_in():
        staff, process = as_people()
        poll_book.check_in(staff, process, "19800101-1234", 1980, today())

    def verify(resident_id: int):
        from participate.accounts.models import User

        _staff, process = as_people()
        eligibility.verify_census(db.session.get(User, resident_id), process, "19900202-2345", 1990, today())

    outcomes = at_once(
        app,
        [
            as_request(replace),
            as_request(check_in),
            *(as_request(lambda r=r: verify(r)) for r in resident_ids),
        ],
    )
    assert all(isinstance(outcome, str) for outcome in outcomes), outcomes  # no database error
    checked, registered = (
        _checked_in(),
        db.session.scalar(select(func.count()).select_from(VoterRegistration)),
    )
    if outcomes[0] == DONE:  # replaced before the others: they ran against the new census
        assert outcomes[1:] == [DONE] * 3 and (checked, registered) == (1, 1), outcomes
    else:
        assert "checked in to vote on paper" in outcomes[0] and checked + registered >= 1, outcomes
    assert checked == (outcomes[1] == DONE)


def test_a_resident_who_voted_online_is_not_checked_in(vote):
    process, staff, budget, proposals = vote
    resident = _registered(process)
    services.cast_ballot(resident, budget, [proposals[0].id], today())
    db.session.commit()
    with pytest.raises(Conflict, match="already voted online"):
        poll_book.check_in(staff, process, "19800101-1234", 1980, today())
    db.session.rollback()
    assert _checked_in() == 0
    poll_book.check_in(staff, process, "19900202-2345", 1990, today())  # someone else: no account at all
    db.session.commit()
    assert _checked_in() == 1


def test_a_resident_checked_in_cannot_vote_online(vote, app):
    process, staff, budget, proposals = vote
    resident = _registered(process)
    poll_book.check_in(staff, process, "19800101-1234", 1980, today())
    db.session.commit()
    with pytest.raises(PermissionDenied, match="checked in to vote on paper"):
        services.cast_ballot(resident, budget, [proposals[0].id], today())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 0
    client = app.test_client()
    login(client, resident.email)
    page = client.get(f"/processes/{process.slug}/vote")
    assert page.status_code == 200 and "checked in to vote on paper" in page.get_data(as_text=True)
    assert "rank-" not in page.get_data(as_text=True)  # no ballot to fill in


def test_only_a_poll_worker_checks_in_and_each_check_in_is_audited_without_a_code(vote, app, as_user):
    """A facilitator used to be able to check anyone in, which silently stops their online vote."""
    process, staff, budget, proposals = vote
    facilitator, poll_worker = make_user(), make_user()
    db.session.add_all(
        [
            ProcessRole(process_id=process.id, user_id=facilitator.id, role="facilitator"),
            ProcessRole(process_id=process.id, user_id=poll_worker.id, role="poll_worker"),
        ]
    )
    db.session.commit()
    with pytest.raises(PermissionDenied, match="poll workers"):
        poll_book.check_in(facilitator, process, "19800101-1234", 1980, today())
    db.session.rollback()
    path = f"/manage/processes/{process.id}/vote/kiosk"
    client = as_user(facilitator)
    assert client.get(path).status_code == 403
    assert "Kiosk for paper voting" not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert _checked_in() == 0

    resident = _registered(process)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    entry = poll_book.check_in(poll_worker, process, "19800101-1234", 1980, today())
    db.session.commit()
    (audit,) = db.session.execute(select(AuditEntry).order_by(AuditEntry.id).offset(before)).scalars()
    assert (audit.action, audit.actor_id, audit.subject_id) == (
        "vote.checked_in",
        poll_worker.id,
        str(process.id),
    )
    # who was checked in, by whom and when; no voting code, so no paper ballot, can be named from it
    assert json.loads(audit.data) == {"census_entry": entry.census_entry_id}
    (code,) = codes.generate_codes(staff, process, 1, None, "Library")
    db.session.commit()
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
    kiosk.kiosk_cast(poll_worker, process, code, {budget.id: [proposals[0].id]}, today())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited  # a paper ballot: none

    # the resident whose online vote is refused learns why and whom to ask
    client = app.test_client()
    login(client, resident.email)
    page = client.get(f"/processes/{process.slug}/vote").get_data(as_text=True)
    assert "checked in to vote on paper" in page and "ask the council staff who run this process" in page
    client = app.test_client()
    login(client, poll_worker.email)
    process_page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert f'href="{path}"' in process_page and "Kiosk for paper voting" in process_page


def test_staff_grant_the_poll_worker_role_on_the_people_screen(vote, as_user):
    process, staff, _budget, _proposals = vote
    person = make_user()
    client = as_user(staff)
    path = f"/manage/processes/{process.id}/people"
    page = client.get(path).get_data(as_text=True)
    assert 'value="poll_worker"' in page and "Poll worker" in page
    done = client.post(
        path, data={"csrf_token": csrf_token(client, path), "email": person.email, "role": "poll_worker"}
    )
    assert done.status_code == 302
    assert client.get(path).get_data(as_text=True).count("is now poll worker in this process") == 1
    client.post("/language", data={"csrf_token": csrf_token(client, path), "locale": "sv", "next": path})
    assert "Röstmottagare" in client.get(path).get_data(as_text=True)
    poll_book.check_in(person, process, "19800101-1234", 1980, today())


def test_only_census_votes_keep_a_poll_book_and_only_kiosk_staff_check_in(app):
    process = make_process(days_in=VOTING)
    make_vote(process, eligibility="account")
    staff = make_user("staff")
    with pytest.raises(ValidationFailed, match="does not check the census"):
        poll_book.check_in(staff, process, "19800101-1234", 1980, today())
    with pytest.raises(PermissionDenied):
        poll_book.check_in(make_user(), process, "19800101-1234", 1980, today())
    client = app.test_client()
    login(client, staff.email)
    path = f"/manage/processes/{process.id}/vote/kiosk"
    assert "Check the resident in" not in client.get(path).get_data(as_text=True)
    data = {"checkin-csrf_token": csrf_token(client, path), "checkin-identity_number": "19800101-1234",
            "checkin-birth_year": "1980"}  # fmt: skip
    refused = client.post(f"{path}/check-in", data=data)
    assert refused.status_code == 400 and "does not check the census" in refused.get_data(as_text=True)


def test_the_kiosk_checks_residents_in(vote, app, as_user):
    process, staff, budget, proposals = vote
    path = f"/manage/processes/{process.id}/vote/kiosk"
    resident_client = app.test_client()
    login(resident_client, make_user().email)
    token = csrf_token(resident_client, f"/processes/{process.slug}")
    refused = resident_client.post(
        f"{path}/check-in",
        data={
            "checkin-csrf_token": token,
            "checkin-identity_number": "19800101-1234",
            "checkin-birth_year": "1980",
        },
    )
    assert refused.status_code == 403 and _checked_in() == 0

    poll_worker = make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=poll_worker.id, role="poll_worker"))
    db.session.commit()
    client = as_user(poll_worker)
    page = client.get(path).get_data(as_text=True)
    assert "1. Check the resident in" in page and "0 residents checked in so far." in page
    token = csrf_token(client, path)

    def post(identity, year):
        data = {"checkin-csrf_token": token, "checkin-identity_number": identity, "checkin-birth_year": year}
        return client.post(f"{path}/check-in", data=data)

    wrong = post("19800101-1234", "1979")
    assert wrong.status_code == 400 and "nobody with that identity number" in wrong.get_data(as_text=True)
    assert 'class="error-summary"' in wrong.get_data(as_text=True) and _checked_in() == 0
    assert post("19800101-1234", "").status_code == 400
    done = post("19800101-1234", "1980")
    assert done.status_code == 302 and done.headers["Location"].endswith(path)
    page = client.get(path).get_data(as_text=True)
    assert (
        "Hand the resident a voting code from the pile." in page and "1 resident checked in so far." in page
    )
    again = post("19800101-1234", "1980")
    assert again.status_code == 400 and "already been checked in" in again.get_data(as_text=True)
    assert _checked_in() == 1
    # codes used beyond the check-ins show that some were handed out without one
    for code in codes.generate_codes(staff, process, 2, None, "Town hall"):
        kiosk.kiosk_cast(staff, process, code, {budget.id: [proposals[0].id]}, today())
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "2 voting codes used." in page and "handed out without a check-in" in page


@races
def test_a_check_in_and_an_online_cast_at_once_let_one_through(vote, app):
    process, staff, budget, proposals = vote
    resident = _registered(process)
    process_id, budget_id, resident_id, staff_id, choice = (
        process.id, budget.id, resident.id, staff.id, [proposals[0].id],
    )  # fmt: skip

    def check_in():
        from participate.accounts.models import User
        from participate.processes.models import Process

        poll_book.check_in(db.session.get(User, staff_id), db.session.get(Process, process_id),
                           "19800101-1234", 1980, today())  # fmt: skip

    def cast():
        from participate.accounts.models import User
        from participate.voting.models import VoteBudget

        services.cast_ballot(db.session.get(User, resident_id), db.session.get(VoteBudget, budget_id), choice,
                             today())  # fmt: skip

    outcomes = at_once(app, [as_request(check_in), as_request(cast)])
    assert outcomes.count(DONE) == 1, outcomes
    voted = db.session.scalar(select(func.count()).select_from(SealedBallot))
    assert (_checked_in(), voted) in ((1, 0), (0, 1)), outcomes

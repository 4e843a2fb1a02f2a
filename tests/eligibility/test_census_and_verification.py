"""The census import, residents' verification against it, account eligibility and the conflicts queue."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select, text

from participate.audit.models import AuditEntry
from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.eligibility import secrecy
from participate.eligibility import services as eligibility
from participate.eligibility.models import CensusEntry, VerificationConflict, VoterRegistration
from participate.extensions import db
from participate.processes.models import District
from participate.voting import services
from tests.concurrency import posts_at_once, races
from tests.conftest import csrf_token, login
from tests.factories import make_process, make_proposal, make_user, make_vote

VOTING = 21
ON = date(2026, 6, 1)
CENSUS = (
    "identity_number,birth_year,district\n"
    "19800101-1234,1980,North\n"
    "19900202-2345,1990,south\n"
    "20120303-3456,2012,\n"
)


@pytest.fixture
def process(app):
    process = make_process(days_in=VOTING)
    for name in ("North", "South"):
        db.session.add(District(process_id=process.id, name=name, budget_minor=100_000_00))
    db.session.commit()
    make_vote(process, min_age=16)
    return process


def _districts(process) -> dict[str, int]:
    return {d.name: d.id for d in process.districts}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(process, content: str = CENSUS, *, replace: bool = False):
    report = eligibility.import_census(make_user("staff"), process, content.encode(), replace=replace, on=ON)
    db.session.commit()
    return report


def test_a_good_file_is_imported_as_hashes_with_districts(process):
    report = _import(process)
    assert (report.added, report.removed) == (3, 0)
    entries = {e.identity_hash: e for e in db.session.execute(select(CensusEntry)).scalars()}
    north = entries[secrecy.census_hash("198001011234")]
    assert (north.birth_year, north.district_id) == (1980, _districts(process)["North"])
    assert entries[secrecy.census_hash("19900202 2345")].district_id == _districts(process)["South"]
    assert entries[secrecy.census_hash("201203033456")].district_id is None
    counts = eligibility.census_counts(process)
    assert counts.total == 3 and sorted(n for _name, n in counts.by_district) == [1, 1, 1]
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "vote.census_imported")
    ).scalar_one()
    assert "1234" not in audit.data


def test_raw_identity_numbers_are_nowhere_in_the_database(process):
    _import(process)
    raw_numbers = ("19800101-1234", "198001011234", "19900202-2345", "199002022345", "201203033456")
    for table in ("census_entry", "audit_entry"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608 (fixed table names)
        dumped = repr(rows)
        assert all(number not in dumped for number in raw_numbers), table
    for entry in db.session.execute(select(CensusEntry)).scalars():
        assert len(entry.identity_hash) == 64
        assert not any(number[:8] in entry.identity_hash for number in raw_numbers)


def test_a_bad_line_refuses_the_whole_file_and_names_the_lines(process):
    bad = (
        "identity_number,birth_year,district\n"
        "19800101-1234,1980,North\n"
        "19900202-2345,nineteen,South\n"
        "20120303-3456,2012,Atlantis\n"
        "19800101-1234,1980,North\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        _import(process, bad)
    db.session.rollback()
    message = refused.value.message
    assert "line 3" in message and "line 4" in message and "Atlantis" in message
    assert "line 5" in message and "line 2" in message  # the duplicate names its twin
    assert _count(CensusEntry) == 0
    assert _count(AuditEntry) == 0


@pytest.mark.parametrize(
    "content",
    [
        "",
        "id,year\n1,1980\n",
        "identity_number,birth_year,district\n",
        "identity_number,birth_year,district\n,1980,\n",
        "identity_number,birth_year,district\n19800101-1234,198²,\n",  # str.isdigit() is True, int() fails
        "identity_number,birth_year,district\n19800101-1234,3000,\n",
    ],
)
def test_malformed_files_are_refused(process, content):
    with pytest.raises(ValidationFailed):
        _import(process, content)
    db.session.rollback()
    assert _count(CensusEntry) == 0


def test_adding_people_already_in_the_census_is_refused_and_replace_waits_for_no_registrations(process):
    _import(process)
    with pytest.raises(ValidationFailed, match="already in the census"):
        _import(process, "identity_number,birth_year,district\n199002022345,1990,\n")
    db.session.rollback()
    report = _import(process, "identity_number,birth_year,district\n19700101-0000,1970,North\n", replace=True)
    assert (report.added, report.removed) == (1, 3)
    eligibility.verify_census(make_user(), process, "197001010000", 1970, ON)
    db.session.commit()
    with pytest.raises(Conflict, match="already verified"):
        _import(process, CENSUS, replace=True)
    db.session.rollback()
    assert _count(CensusEntry) == 1


def test_census_upload_screen(process, as_user):
    client = as_user(make_user("staff"))
    path = f"/manage/processes/{process.id}/vote/census"
    token = csrf_token(client, path)
    bad = client.post(
        path,
        data={
            "csrf_token": token,
            "mode": "add",
            "file": (io.BytesIO(b"identity_number,birth_year,district\nx,abc,\n"), "c.csv"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "line 2" in bad.get_data(as_text=True)
    good = client.post(
        path,
        data={"csrf_token": token, "mode": "add", "file": (io.BytesIO(CENSUS.encode()), "c.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "Census entries: 3" in page and "North" in page


def test_verification_registers_with_the_census_district(process):
    _import(process)
    resident = make_user()
    outcome = eligibility.verify_census(resident, process, "19800101 1234", 1980, ON)
    db.session.commit()
    assert outcome.registration is not None
    registration = eligibility.registration_of(resident, process)
    assert registration.district_id == _districts(process)["North"]
    assert registration.census_entry_id is not None


def test_wrong_year_and_unknown_number_get_the_same_answer(process):
    _import(process)
    resident = make_user()
    with pytest.raises(ValidationFailed) as wrong_year:
        eligibility.verify_census(resident, process, "19800101-1234", 1981, ON)
    with pytest.raises(ValidationFailed) as unknown:
        eligibility.verify_census(resident, process, "19990101-9999", 1999, ON)
    assert wrong_year.value.message == unknown.value.message
    assert _count(VoterRegistration) == 0


def test_under_age_is_refused(process):
    _import(process)
    with pytest.raises(ValidationFailed, match="at least 16"):
        eligibility.verify_census(make_user(), process, "20120303-3456", 2012, ON)
    assert _count(VoterRegistration) == 0


def test_unconfirmed_accounts_and_closed_votes_are_refused(process):
    _import(process)
    with pytest.raises(PermissionDenied):
        eligibility.verify_census(make_user(confirmed=False), process, "19800101-1234", 1980, ON)
    services.close_vote(make_user("staff"), process)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        eligibility.verify_census(make_user(), process, "19800101-1234", 1980, ON)


def test_a_claimed_entry_opens_one_conflict_for_staff(process):
    _import(process)
    holder, newcomer = make_user(), make_user()
    eligibility.verify_census(holder, process, "19800101-1234", 1980, ON)
    db.session.commit()
    for _attempt in range(3):
        outcome = eligibility.verify_census(newcomer, process, "19800101-1234", 1980, ON)
        db.session.commit()
        assert outcome.registration is None
    assert _count(VerificationConflict) == 1
    assert eligibility.registration_of(newcomer, process) is None
    (view,) = eligibility.open_conflicts(process)
    assert (view.holder.id, view.newcomer.id, view.holder_voted) == (holder.id, newcomer.id, False)


def test_double_registration_is_impossible_even_calling_the_service_twice(process):
    _import(process)
    resident = make_user()
    eligibility.verify_census(resident, process, "19800101-1234", 1980, ON)
    db.session.commit()
    with pytest.raises(Conflict):
        eligibility.verify_census(resident, process, "19900202-2345", 1990, ON)
    db.session.rollback()
    # Even past the service's own check, the constraint refuses a second registration per person.
    second = VoterRegistration(process_id=process.id, user_id=resident.id)
    from participate.core.unique import add_unique

    assert add_unique(second) is False
    db.session.rollback()
    assert _count(VoterRegistration) == 1


def test_transfer_moves_the_entry_when_the_holder_has_not_voted(process):
    _import(process)
    holder, newcomer, staff = make_user(), make_user(), make_user("staff")
    eligibility.verify_census(holder, process, "19800101-1234", 1980, ON)
    db.session.commit()
    eligibility.verify_census(newcomer, process, "19800101-1234", 1980, ON)
    db.session.commit()
    (view,) = eligibility.open_conflicts(process)
    assert eligibility.open_conflict_count(process) == 1
    eligibility.transfer_conflict(staff, process, view.conflict)
    db.session.commit()
    assert eligibility.open_conflict_count(process) == 0
    assert eligibility.registration_of(holder, process) is None
    moved = eligibility.registration_of(newcomer, process)
    assert moved is not None and moved.district_id == _districts(process)["North"]
    assert eligibility.open_conflicts(process) == []
    assert db.session.get(VerificationConflict, view.conflict.id).status == "transferred"
    assert "vote.conflict_transferred" in db.session.execute(select(AuditEntry.action)).scalars().all()
    with pytest.raises(Conflict):
        eligibility.dismiss_conflict(staff, process, view.conflict)


def test_transfer_is_refused_when_the_holder_voted_and_dismiss_closes_it(process):
    _import(process)
    proposal = make_proposal(process, status="feasible")
    holder, newcomer, staff = make_user(), make_user(), make_user("staff")
    eligibility.verify_census(holder, process, "19900202-2345", 1990, ON)
    db.session.commit()
    (budget,) = services.budgets_for_district(
        process, eligibility.registration_of(holder, process).district_id
    )
    services.cast_ballot(holder, budget, [proposal.id], today())
    db.session.commit()
    eligibility.verify_census(newcomer, process, "19900202-2345", 1990, ON)
    db.session.commit()
    (view,) = eligibility.open_conflicts(process)
    assert view.holder_voted
    with pytest.raises(Conflict, match="already voted"):
        eligibility.transfer_conflict(staff, process, view.conflict)
    db.session.rollback()
    assert eligibility.registration_of(holder, process) is not None
    assert eligibility.registration_of(newcomer, process) is None
    eligibility.dismiss_conflict(staff, process, view.conflict)
    db.session.commit()
    assert eligibility.open_conflicts(process) == []
    with pytest.raises(PermissionDenied):
        eligibility.dismiss_conflict(make_user(), process, view.conflict)


def test_conflict_screens(process, as_user):
    _import(process)
    holder, newcomer = make_user(name="Holder Person"), make_user(name="New Person")
    eligibility.verify_census(holder, process, "19800101-1234", 1980, ON)
    eligibility.verify_census(newcomer, process, "19800101-1234", 1980, ON)
    db.session.commit()
    client = as_user(make_user("staff"))
    path = f"/manage/processes/{process.id}/vote/conflicts"
    page = client.get(path).get_data(as_text=True)
    assert "Holder Person" in page and newcomer.email in page
    conflict_id = db.session.execute(select(VerificationConflict.id)).scalar_one()
    response = client.post(
        f"{path}/transfer", data={"csrf_token": csrf_token(client, path), "conflict_id": conflict_id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert eligibility.registration_of(newcomer, process) is not None


def test_verify_page_for_census_and_account_eligibility(process, as_user):
    _import(process)
    resident = make_user()
    client = as_user(resident)
    path = f"/processes/{process.slug}/vote/verify"
    page = client.get(path).get_data(as_text=True)
    assert "identity number" in page.lower()
    token = csrf_token(client, path)
    wrong = client.post(
        path, data={"csrf_token": token, "identity_number": "19800101-1234", "birth_year": "1970"}
    )
    assert wrong.status_code == 400 and "found nobody" in wrong.get_data(as_text=True)
    done = client.post(
        path, data={"csrf_token": token, "identity_number": "19800101-1234", "birth_year": "1980"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/processes/{process.slug}/vote")
    again = client.get(path).get_data(as_text=True)
    assert "already registered" in again or "You are registered" in again

    open_process = make_process(days_in=VOTING)
    db.session.add(District(process_id=open_process.id, name="East", budget_minor=1))
    db.session.commit()
    make_vote(open_process, eligibility="account")
    other = f"/processes/{open_process.slug}/vote/verify"
    east = open_process.districts[0].id
    response = client.post(other, data={"csrf_token": csrf_token(client, other), "district": str(east)})
    assert response.status_code == 302
    assert eligibility.registration_of(resident, open_process).district_id == east


def test_verification_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="2 per hour")
    with app.app_context():
        process = make_process(days_in=VOTING)
        make_vote(process)
        resident = make_user()
        client = app.test_client()
        login(client, resident.email)
        path = f"/processes/{process.slug}/vote/verify"
        token = csrf_token(client, path)
        data = {"csrf_token": token, "identity_number": "1", "birth_year": "1980"}
        assert [client.post(path, data=data).status_code for _ in range(3)] == [400, 400, 429]


@races
def test_parallel_verifications_of_one_entry_make_one_registration(app):
    process = make_process(days_in=VOTING)
    make_vote(process)
    setup_actor = make_user("staff")
    eligibility.import_census(
        setup_actor,
        process,
        b"identity_number,birth_year,district\n19800101-1234,1980,\n",
        replace=False,
        on=ON,
    )
    db.session.commit()
    people = [make_user() for _ in range(2)]
    requests = []
    path = f"/processes/{process.slug}/vote/verify"
    for person in people:
        client = app.test_client()
        login(client, person.email)
        requests.append((client, csrf_token(client, path)))
    data = {"identity_number": "198001011234", "birth_year": "1980"}
    statuses = posts_at_once(
        app, [(client, path, {"csrf_token": token, **data}) for client, token in requests]
    )
    assert sorted(statuses) == [200, 302], statuses  # one registered, one told staff will review
    assert _count(VoterRegistration) == 1
    assert _count(VerificationConflict) == 1
    assert eligibility.registrations_count(process) == 1


def test_a_transfer_asks_on_a_page_of_its_own_first(process, client):
    _import(process)
    holder, newcomer, staff = make_user(), make_user(), make_user("staff")
    for person in (holder, newcomer):
        eligibility.verify_census(person, process, "19800101-1234", 1980, ON)
        db.session.commit()
    (view,) = eligibility.open_conflicts(process)
    login(client, staff.email)
    base = f"/manage/processes/{process.id}/vote/conflicts"
    queue = client.get(base).get_data(as_text=True)
    assert (
        f'action="{base}/transfer"' not in queue
        and f"{base}/transfer?conflict_id={view.conflict.id}" in queue
    )
    page = client.get(f"{base}/transfer?conflict_id={view.conflict.id}").get_data(as_text=True)
    assert "This cannot be undone." in page and f'value="{view.conflict.id}"' in page
    assert eligibility.open_conflict_count(process) == 1
    assert client.get(f"{base}/transfer?conflict_id=999999").status_code == 404
    response = client.post(
        f"{base}/transfer",
        data={"csrf_token": csrf_token(client, base), "conflict_id": str(view.conflict.id)},
    )
    assert response.status_code == 302 and eligibility.open_conflict_count(process) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        ("identity_number;birth_year;district\n".encode("utf-16"), "The file is not UTF-8 text"),
        (
            b"id,year\n1,1980\n",
            "The first line must name the columns identity_number, birth_year and district; "
            "missing: identity_number, birth_year, district.",
        ),
        (b"Identity_Number;BIRTH_YEAR;district\n", "The file has no census lines under its header."),
        (
            b"identity_number,birth_year,district\n" + b"1" * 200_000 + b",1980,\n",
            "line 2: it cannot be read as CSV",
        ),
        (
            b"identity_number,birth_year,district\n19800101-1234,1980,North\n19800101-1234,1980,North\n",
            "line 3: the same identity number as line 2",
        ),
    ],
)
def test_a_census_file_is_read_by_the_core_reader_with_the_census_messages(process, content, message):
    with pytest.raises(ValidationFailed) as refused:
        eligibility.import_census(make_user("staff"), process, content, replace=False, on=ON)
    assert message in refused.value.message
    db.session.rollback()
    assert _count(CensusEntry) == 0

"""Staff set up the vote: settings, budgets and their counting options, voting codes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.clock import today
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.keyed import normalise_code
from participate.eligibility import codes
from participate.eligibility.models import VotingCode
from participate.eligibility.secrecy import voting_code_hash
from participate.extensions import db
from participate.processes.models import District
from participate.voting import services, setup
from participate.voting.models import VoteBudget, VoterRoll, VoteSettings
from tests.conftest import csrf_token
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

VOTING = 21


def _budget(**changes) -> setup.BudgetInput:
    values = {"name": "City-wide", "district_id": None, "budget_minor": 1_000_000_00}
    values.update(changes)
    return setup.BudgetInput(**values)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_defaults_make_a_ranked_mes_budget_with_settings_and_an_audit_entry(app):
    process = make_process()
    staff = make_user("staff")
    budget = setup.add_budget(staff, process, _budget())
    db.session.commit()
    assert (budget.ballot_type, budget.rule, budget.sat, budget.completion) == (
        "ranked",
        "mes",
        "cost-points",
        "add1u",
    )
    settings = services.settings_of(process)
    assert settings is not None and settings.eligibility == "census"
    assert db.session.execute(select(AuditEntry.action)).scalars().all() == ["vote.budget_added"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ballot_type": "approval", "rule": "ear", "sat": None, "completion": "none"}, "does not count"),
        ({"rule": "greedy", "completion": "add1u"}, "only to the Method of Equal Shares"),
        ({"rule": "ear", "sat": "cost-points", "completion": "none"}, "uses no satisfaction"),
        ({"ballot_type": "approval", "sat": "borda"}, "does not apply"),
        ({"sat": None}, "needs a satisfaction"),
        ({"ballot_type": "points", "sat": "cost-additive"}, "number of points"),
        ({"min_choices": 3, "max_choices": 2}, "at least the least"),
        ({"rule": "phragmen", "sat": None, "completion": "none"}, "Choose a counting rule"),
        ({"budget_minor": 0}, "more than zero"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_combinations_are_refused_and_nothing_is_written(app, changes, message):
    process = make_process()
    staff = make_user("staff")
    with pytest.raises(ValidationFailed, match=message):
        setup.add_budget(staff, process, _budget(**changes))
    db.session.rollback()
    assert _count(VoteBudget) == 0
    assert _count(VoteSettings) == 0
    assert _count(AuditEntry) == 0


def test_good_combinations_are_stored_as_the_engine_names_them(app):
    process = make_process(budget_minor=3 * 1_000_000_00)  # room for the three budgets (processes.checks)
    staff = make_user("staff")
    ear = setup.add_budget(staff, process, _budget(name="EAR", rule="ear", sat=None, completion="none"))
    greedy = setup.add_budget(
        staff,
        process,
        _budget(name="Approval", ballot_type="approval", rule="greedy", sat="cost", completion=None),
    )
    points = setup.add_budget(
        staff, process, _budget(name="Points", ballot_type="points", points_total=10, sat="cost-additive")
    )
    db.session.commit()
    assert (ear.sat, ear.completion) == (None, "none")
    assert (greedy.completion, greedy.points_total) == ("none", None)
    assert points.vote_type == "cumulative" and points.points_total == 10


def test_district_must_belong_to_the_process_and_names_are_unique(app):
    process, other = make_process(budget_minor=2 * 1_000_000_00), make_process()
    district = District(process_id=other.id, name="Elsewhere", budget_minor=1)
    db.session.add(district)
    db.session.commit()
    staff = make_user("staff")
    with pytest.raises(ValidationFailed):
        setup.add_budget(staff, process, _budget(district_id=district.id))
    db.session.rollback()
    setup.add_budget(staff, process, _budget())
    db.session.commit()
    with pytest.raises(Conflict):
        setup.add_budget(staff, process, _budget())
    db.session.rollback()
    assert _count(VoteBudget) == 1
    second = setup.add_budget(staff, process, _budget(name="Second"))
    db.session.commit()
    with pytest.raises(Conflict):  # renaming onto a taken name: the constraint answers, not a 500
        setup.update_budget(staff, second, _budget())
    db.session.rollback()
    assert sorted(db.session.scalars(select(VoteBudget.name))) == ["City-wide", "Second"]


def test_residents_cannot_set_up_a_vote(app):
    process = make_process()
    with pytest.raises(PermissionDenied):
        setup.add_budget(make_user(), process, _budget())
    with pytest.raises(PermissionDenied):
        setup.save_settings(make_user(), process, setup.SettingsInput("census", "own", None))


def test_a_budget_is_frozen_once_someone_voted_or_the_vote_closed(app):
    process = make_process(days_in=VOTING, budget_minor=2 * 1_000_000_00)
    proposal = make_proposal(process, status="feasible")
    (budget,) = make_vote(process, budgets=[{"name": "City-wide", "budget_minor": 1_000_000_00}])
    staff, voter = make_user("staff"), make_user()
    setup.update_budget(staff, budget, _budget(name="Renamed"))
    db.session.commit()
    register_voter(voter, process)
    services.cast_ballot(voter, budget, [proposal.id], today())
    db.session.commit()
    with pytest.raises(Conflict, match="already voted"):
        setup.update_budget(staff, budget, _budget(name="Again"))
    with pytest.raises(Conflict, match="already voted"):
        setup.delete_budget(staff, budget)
    db.session.rollback()
    assert db.session.get(VoteBudget, budget.id).name == "Renamed"

    fresh = setup.add_budget(staff, process, _budget(name="Second"))
    db.session.commit()
    (voted, voted_lock, voters), (unvoted, unvoted_lock, nobody) = setup.budgets_with_locks(process)
    assert (voted, voters, unvoted, unvoted_lock, nobody) == (budget, 1, fresh, None, 0)
    assert "already voted" in voted_lock and voted_lock == setup.budget_lock(budget)
    services.close_vote(staff, process)
    db.session.commit()
    assert all("closed" in lock for _budget, lock, _n in setup.budgets_with_locks(process))
    with pytest.raises(Conflict, match="closed"):
        setup.delete_budget(staff, fresh)
    with pytest.raises(Conflict, match="closed"):
        setup.add_budget(staff, process, _budget(name="Third"))


def test_eligibility_cannot_change_once_residents_registered(app):
    process = make_process()
    staff = make_user("staff")
    setup.save_settings(staff, process, setup.SettingsInput("census", "own", 16))
    db.session.commit()
    register_voter(make_user(), process)
    setup.save_settings(staff, process, setup.SettingsInput("census", "own_and_citywide", None))
    db.session.commit()
    with pytest.raises(Conflict):
        setup.save_settings(staff, process, setup.SettingsInput("account", "own", None))
    db.session.rollback()
    settings = services.settings_of(process)
    assert settings.eligibility == "census" and settings.min_age is None


def test_budget_screens_add_change_and_refuse_bad_input(app, as_user):
    process = make_process()
    client = as_user(make_user("staff"))
    path = f"/manage/processes/{process.id}/vote/budget"
    token = csrf_token(client, path)
    form = {
        "csrf_token": token,
        "name": "City-wide",
        "district": "",
        "amount": "500 000",
        "ballot_type": "ranked",
        "min_choices": "1",
        "rule": "mes",
        "sat": "cost-points",
        "completion": "add1u",
    }
    bad = client.post(path, data={**form, "rule": "ear"})
    assert bad.status_code == 400
    assert "uses no satisfaction" in bad.get_data(as_text=True)
    assert _count(VoteBudget) == 0
    assert client.post(path, data=form).status_code == 302
    (budget,) = db.session.execute(select(VoteBudget)).scalars()
    assert budget.budget_minor == 500_000_00
    page = client.get(f"/manage/processes/{process.id}/vote").get_data(as_text=True)
    assert "City-wide" in page and "Method of Equal Shares" in page
    changed = client.post(path, data={**form, "budget_id": str(budget.id), "name": "Whole city"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(VoteBudget, budget.id).name == "Whole city"
    deleted = client.post(
        f"/manage/processes/{process.id}/vote/budget/delete",
        data={"csrf_token": token, "d-budget_id": budget.id},
    )
    assert deleted.status_code == 302
    assert _count(VoteBudget) == 0


def test_codes_are_stored_as_hashes_and_shown_once_on_a_sheet(app, as_user):
    process = make_process(days_in=VOTING)
    make_vote(process)
    staff = make_user("staff")
    client = as_user(staff)
    path = f"/manage/processes/{process.id}/vote/codes"
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "count": "9", "district": "", "batch": "Library"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    shown = re.findall(r"<code>([A-Z0-9-]{14})</code>", page)
    assert len(shown) == 9 and len(set(shown)) == 9
    assert "voting-print.css" in page
    rows = db.session.execute(select(VotingCode)).scalars().all()
    assert {row.code_hash for row in rows} == {voting_code_hash(code) for code in shown}
    for code in shown:
        assert all(normalise_code(code) not in (row.code_hash, row.batch) for row in rows)
    listing = client.get(path).get_data(as_text=True)
    assert "Library" in listing
    assert not any(code in listing for code in shown)
    (batch,) = codes.code_batches(process)
    assert (batch.total, batch.used, batch.unused) == (9, 0, 9)


def test_code_counts_are_checked(app):
    process = make_process(days_in=VOTING)
    make_vote(process)
    staff = make_user("staff")
    for count in (0, codes.MAX_CODES + 1):
        with pytest.raises(ValidationFailed):
            codes.generate_codes(staff, process, count, None, "Batch")
    with pytest.raises(ValidationFailed):
        codes.generate_codes(staff, process, 3, None, " ")
    assert _count(VotingCode) == 0
    assert len(codes.generate_codes(staff, process, 3, None, "B")) == 3
    assert _count(VoterRoll) == 0


def test_settings_screen_saves_and_explains_refusals(app, as_user):
    process = make_process()
    client = as_user(make_user("staff"))
    overview = f"/manage/processes/{process.id}/vote"
    assert "This process has no vote yet" in client.get(overview).get_data(as_text=True)
    token = csrf_token(client, overview)
    data = {"csrf_token": token, "s-eligibility": "account", "s-district_scope": "own", "s-min_age": "16"}
    assert client.post(f"{overview}/settings", data=data).status_code == 302
    settings = services.settings_of(process)
    assert (settings.eligibility, settings.district_scope, settings.min_age) == ("account", "own", 16)
    register_voter(make_user(), process)
    refused = client.post(f"{overview}/settings", data={**data, "s-eligibility": "census"})
    assert refused.status_code == 400
    assert "already registered" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert services.settings_of(process).eligibility == "account"

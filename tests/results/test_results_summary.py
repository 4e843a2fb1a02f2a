"""The results answer first (issue 18, "results that show before they tell"): a summary at the top whose
figures are the stored results', then the details."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participate.core.clock import today, utcnow
from participate.extensions import db
from participate.results import present, services
from participate.results.models import BudgetResult
from participate.voting import services as voting
from participate.voting.models import VoteSettings
from tests.results.test_results import _count, _vote


def _published(seed: int, voters: int):
    process, budget, proposals = _vote(n_voters=voters, seed=seed)
    staff, job = _count(process)
    assert job.status == "done", job.error
    services.publish(staff, process)
    db.session.commit()
    return process, budget


def test_the_summary_comes_first_with_the_stored_figures_and_compares_with_the_last_process(app, client):
    earlier, _b = _published(seed=3, voters=12)
    process, budget = _published(seed=7, voters=20)
    # the earlier vote closed first
    db.session.execute(
        VoteSettings.__table__.update()
        .where(VoteSettings.process_id == earlier.id)
        .values(closed_at=utcnow() - timedelta(days=365))
    )
    db.session.commit()
    result = db.session.scalar(select(BudgetResult).where(BudgetResult.budget_id == budget.id))
    summary = present.summary(process, present.process_views(process, "en"))
    assert [row.proposal.id for row, _budget in summary.funded] == [int(pid) for pid in result.selected]
    assert summary.spent_minor == result.total_cost_minor and summary.budget_minor == budget.budget_minor
    assert summary.voters == result.voters == voting.turnout(budget) == 20
    assert summary.earlier is not None and summary.earlier.process.id == earlier.id
    assert (summary.earlier.voters, summary.change) == (12, 8)

    page = client.get(f"/processes/{process.slug}/results").get_data(as_text=True)
    top = page.index('id="summary-title"')
    assert top < page.index(f'id="budget-{budget.id}"') and top < page.index("Support per proposal")
    head = page[top : page.index('id="details-title"')]
    assert f"{len(result.selected)} proposals are funded" in head
    assert "8 more" in head and "(12 voted then)" in head and earlier.title in head
    for row, _budget in summary.funded:
        assert row.proposal.title in head


def test_a_voter_of_two_budgets_counts_once(app):
    from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

    process = make_process(days_in=21)
    first, second = make_vote(
        process,
        budgets=[{"name": "One", "budget_minor": 100_000_00}, {"name": "Two", "budget_minor": 100_000_00}],
    )
    proposal = make_proposal(process, status="feasible", cost_minor=10_000_00)
    voter = make_user()
    register_voter(voter, process)
    for budget in (first, second):
        voting.cast_ballot(voter, budget, [proposal.id], today())
    db.session.commit()
    assert present.voters_in(process) == 1
    assert db.session.scalar(select(func.count()).select_from(VoteSettings)) == 1

"""What the results pages, downloads and the API show of a counted budget, built once from the stored
result (nothing is recounted here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.core.money import format_money
from participate.eligibility.models import CensusEntry, Eligibility
from participate.extensions import db
from participate.processes.models import Process
from participate.processes.services import count_by_district
from participate.proposals.models import Proposal
from participate.results import services, tracking
from participate.results.chart import Bar, bar_chart
from participate.results.explain import Reason, reasons
from participate.results.export import unit_factor
from participate.results.models import BudgetResult, ProjectMilestone, ProjectTracking
from participate.voting import services as voting
from participate.voting.models import (
    BallotType,
    VoteBudget,
    VoterRoll,
    VoteSettings,
)


@dataclass
class Row:
    proposal: Proposal
    support: int
    funded: bool
    order: int | None
    greedy_funded: bool
    reason: Reason | None
    tracking: ProjectTracking | None = None
    milestones: list[ProjectMilestone] = field(default_factory=list)


@dataclass
class BudgetView:
    budget: VoteBudget
    result: BudgetResult
    rows: list[Row]
    funded: list[Row]
    intro: list[str]
    support_label: str
    only_rule: list[Proposal]
    only_greedy: list[Proposal]

    # Only the page shows these: the downloads and the API build the same view without the chart's SVG
    # and the turnout queries.
    @cached_property
    def chart(self) -> Any:
        return bar_chart(
            [Bar(r.proposal.title, r.support, r.funded) for r in self.rows],
            chart_id=f"chart-{self.budget.id}",
            title=_("Support per proposal in %(budget)s", budget=self.budget.name),
        )

    @cached_property
    def turnout(self) -> list[tuple[str, int]]:
        return turnout_by_district(self.budget)

    @cached_property
    def total_voters(self) -> int:
        return voting.turnout(self.budget)


def money_in_unit(result: BudgetResult, currency: str, locale: str) -> Any:
    def money(amount: Fraction) -> str:
        return format_money(round(amount * unit_factor(result.unit, currency)), currency, locale)

    return money


def turnout_by_district(budget: VoteBudget) -> list[tuple[str, int]]:
    rows = count_by_district(VoterRoll.id, VoterRoll.district_id, VoterRoll.budget_id == budget.id)
    return [(name or _("No district"), n) for name, n in rows]


def budget_view(budget: VoteBudget, result: BudgetResult, locale: str) -> BudgetView:
    process: Process = budget.process
    support = {str(k): int(v) for k, v in (result.comparison or {}).get("support", {}).items()}
    ids = [int(pid) for pid in support] or [int(pid) for pid in result.selected]
    proposals = {p.id: p for p in db.session.execute(select(Proposal).where(Proposal.id.in_(ids))).scalars()}
    intro, why = reasons(result.explanation or {}, money_in_unit(result, process.currency, locale))
    rows = _rows(result, support, proposals, why)
    funded = sorted((r for r in rows if r.funded), key=lambda r: r.order or 0)
    points = BallotType(budget.ballot_type) is BallotType.POINTS
    comparison = result.comparison or {}

    def named(key: str) -> list[Proposal]:
        return [proposals[int(pid)] for pid in comparison.get(key, []) if int(pid) in proposals]

    return BudgetView(
        budget=budget,
        result=result,
        rows=rows,
        funded=funded,
        intro=intro,
        support_label=_("Points") if points else _("Ballots naming it"),
        only_rule=named("only_rule"),
        only_greedy=named("only_greedy"),
    )


def _rows(
    result: BudgetResult, support: dict[str, int], proposals: dict[int, Proposal], why: dict[str, Reason]
) -> list[Row]:
    """A row per proposal on the ballot (or, without support figures, per funded one), most support first."""
    order = {pid: n for n, pid in enumerate(result.selected, start=1)}
    trackings = services.tracking_of(list(proposals))
    milestones = services.milestones_of(list(proposals))
    greedy = result.greedy_selected or []
    rows = [
        Row(
            proposal=proposals[int(pid)],
            support=support.get(pid, 0),
            funded=pid in order,
            order=order.get(pid),
            greedy_funded=pid in greedy,
            reason=why.get(pid),
            tracking=trackings.get(int(pid)),
            milestones=milestones.get(int(pid), []),
        )
        for pid in (support or dict.fromkeys(result.selected, 0))
        if int(pid) in proposals
    ]
    rows.sort(key=lambda r: (-r.support, r.proposal.title))
    return rows


def process_views(process: Process, locale: str) -> list[BudgetView]:
    results = services.results_of(process)
    return [
        budget_view(budget, results[budget.id], locale)
        for budget in voting.budgets_of(process)
        if budget.id in results
    ]


def tracking_document(row: Row) -> dict[str, Any]:
    return tracking.document(row.tracking, row.milestones)


def budget_document(view: BudgetView, ballots_url: str) -> dict[str, Any]:
    """The public JSON of one budget's result (the API and results.json)."""
    budget, result = view.budget, view.result
    factor = unit_factor(result.unit, budget.process.currency)
    return {
        "id": budget.id,
        "name": budget.name,
        "district": budget.district.name if budget.district else None,
        "budget": budget.budget_minor // factor,
        "unit": result.unit,
        "currency": budget.process.currency,
        "rule": budget.rule,
        "sat": budget.sat,
        "completion": budget.completion,
        "vote_type": budget.vote_type,
        "selected": list(result.selected),
        "total_cost": result.total_cost_minor // factor,
        "greedy_selected": list(result.greedy_selected or []),
        "voters": result.voters,
        "ballots_sha256": result.ballots_sha256,
        "ballots_url": ballots_url,
        "comparison": {k: v for k, v in (result.comparison or {}).items() if k != "support"},
        "projects": [
            {
                "id": str(r.proposal.id),
                "name": r.proposal.title,
                "cost": r.proposal.effective_cost // factor,
                "support": r.support,
                "funded": r.funded,
                "greedy_funded": r.greedy_funded,
                **({"tracking": tracking_document(r)} if r.funded else {}),
            }
            for r in view.rows
        ],
    }


def csv_rows(view: BudgetView) -> list[dict[str, Any]]:
    return [
        {
            "id": r.proposal.id,
            "name": r.proposal.title,
            "cost_minor": r.proposal.effective_cost,
            "support": r.support,
            "funded": r.funded,
            "order": r.order,
            "greedy_funded": r.greedy_funded,
        }
        for r in view.rows
    ]


@dataclass(frozen=True)
class Earlier:
    """The process whose vote closed last before this one's, with published results: turnout's yardstick."""

    process: Process
    voters: int


@dataclass(frozen=True)
class Summary:
    """The answer in one screen, above the details: what was funded, for how much, and how many voted."""

    funded: list[tuple[Row, VoteBudget]]
    spent_minor: int
    budget_minor: int
    voters: int
    census: int | None  # people who may vote, when they come from a census
    earlier: Earlier | None

    @property
    def turnout_percent(self) -> float | None:
        return 100 * self.voters / self.census if self.census else None

    @property
    def change(self) -> int | None:
        return None if self.earlier is None else self.voters - self.earlier.voters


def voters_in(process: Process) -> int:
    """People who voted on any of the process's budgets: each account once, and each paper voting code once
    (a voter of a district and the city-wide budget is on the roll of both)."""

    def distinct(column: Any) -> int:
        return int(
            db.session.scalar(
                select(func.count(func.distinct(column)))
                .select_from(VoterRoll)
                .join(VoteBudget, VoteBudget.id == VoterRoll.budget_id)
                .where(VoteBudget.process_id == process.id)
            )
            or 0
        )

    people, codes = distinct(VoterRoll.user_id), distinct(VoterRoll.voting_code_id)
    return people + codes


def _census_size(process: Process) -> int | None:
    settings = voting.settings_of(process)
    if settings is None or settings.eligibility != Eligibility.CENSUS.value:
        return None
    return db.session.scalar(select(func.count()).where(CensusEntry.process_id == process.id)) or None


def earlier_process(process: Process) -> Earlier | None:
    settings = voting.settings_of(process)
    closed = settings.closed_at if settings is not None else None
    if closed is None:
        return None
    candidates = db.session.scalars(
        select(Process)
        .join(VoteSettings, VoteSettings.process_id == Process.id)
        .where(Process.id != process.id, Process.published.is_(True), VoteSettings.closed_at < closed)
        .order_by(VoteSettings.closed_at.desc())
    )
    for candidate in candidates:
        if services.is_published(candidate):
            return Earlier(candidate, voters_in(candidate))
    return None


def summary(process: Process, views: list[BudgetView]) -> Summary:
    return Summary(
        funded=[(row, view.budget) for view in views for row in view.funded],
        spent_minor=sum(view.result.total_cost_minor for view in views),
        budget_minor=sum(view.budget.budget_minor for view in views),
        voters=voters_in(process),
        census=_census_size(process),
        earlier=earlier_process(process),
    )

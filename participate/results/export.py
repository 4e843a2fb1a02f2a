"""The anonymous ballots of a budget as a counting Election and its pabulib text: the one source of the
numbers that are counted, downloaded and recounted by others.

Money: in whole currency units when every cost and the budget are whole (divisible by the currency's
minor units: 100 for SEK or EUR, 1 for JPY), else in minor units. The unit is written in META (`currency`,
`unit`) and kept with the result."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from participate.core.csv_export import csv_text
from participate.core.money import amount_input, minor_units_per_major
from participate.counting import Ballot, Ballots, Election, Project, election_to_pabulib
from participate.voting import services as voting
from participate.voting.models import BallotType, VoteBudget

MAJOR, MINOR = "major", "minor"


@dataclass(frozen=True)
class Export:
    election: Election
    unit: str  # MAJOR or MINOR
    factor: int  # minor units per unit of the export
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def unit_for(budget_minor: int, costs: list[int], currency: str) -> str:
    per_major = minor_units_per_major(currency)
    return MAJOR if all(amount % per_major == 0 for amount in [budget_minor, *costs]) else MINOR


def unit_factor(unit: str, currency: str) -> int:
    """Minor units per unit of an export in `unit`."""
    return minor_units_per_major(currency) if unit == MAJOR else 1


def export_budget(budget: VoteBudget) -> Export:
    """The budget's candidates and ballots (ids no longer on the ballot dropped; ballots left empty
    dropped), voter ids numbered in the ballots table's key order."""
    proposals = voting.candidates(budget)
    process = budget.process
    unit = unit_for(budget.budget_minor, [p.effective_cost for p in proposals], process.currency)
    factor = unit_factor(unit, process.currency)
    offered = {str(p.id) for p in proposals}
    points = BallotType(budget.ballot_type) is BallotType.POINTS
    ballots: list[Ballot] = []
    for choices in voting.ballots_of(budget):
        entries: list[Any] = list(choices)
        if points:
            pairs = [(str(pid), int(value)) for pid, value in entries if str(pid) in offered]
            if pairs:
                ballots.append(
                    Ballot(
                        str(len(ballots) + 1),
                        tuple(pid for pid, _value in pairs),
                        tuple(value for _pid, value in pairs),
                    )
                )
        else:
            ids = tuple(str(pid) for pid in entries if str(pid) in offered)
            if ids:
                ballots.append(Ballot(str(len(ballots) + 1), ids))
    meta = {
        "description": f"{process.title}: {budget.name}",
        "country": "",
        "unit": f"{process.currency} (1/{minor_units_per_major(process.currency)})"
        if unit == MINOR
        else process.currency,
        "currency": process.currency,
        "instance": f"{process.slug}-{budget.id}",
        "num_projects": str(len(proposals)),
        "num_votes": str(len(ballots)),
        "budget": str(budget.budget_minor // factor),
        "vote_type": budget.vote_type,
        "rule": budget.rule,
    }
    if budget.max_choices is not None and not points:
        meta["max_length"] = str(budget.max_choices)
    if points and budget.points_total is not None:
        meta["max_sum_points"] = str(budget.points_total)
    election = Election(
        meta=meta,
        projects=tuple(Project(str(p.id), p.effective_cost // factor, {"name": p.title}) for p in proposals),
        ballots=Ballots.of(ballots),
        project_columns=("project_id", "cost", "name"),
        vote_columns=("voter_id", "vote", "points") if points else ("voter_id", "vote"),
    )
    return Export(election=election, unit=unit, factor=factor, text=election_to_pabulib(election))


def support_of(election: Election) -> dict[str, int]:
    """Per project: the ballots naming it, or for points ballots the points it received."""
    support = {p.id: 0 for p in election.projects}
    for ballot in election.ballots:
        if ballot.points is not None:
            for pid, value in zip(ballot.projects, ballot.points, strict=True):
                support[pid] += int(value)
        else:
            for pid in ballot.projects:
                support[pid] += 1
    return support


def comparison(election: Election, selected: list[str], greedy: list[str]) -> dict[str, Any]:
    """What equalshares.net shows: which projects differ, and how well voters fare under each rule."""
    n = len(election.ballots)

    def fare(funded: set[str]) -> tuple[float, float]:
        if not n:
            return 0.0, 0.0
        hits = [len(funded.intersection(b.projects)) for b in election.ballots]
        return (
            round(100 * sum(1 for h in hits if h) / n, 1),
            round(sum(hits) / n, 2),
        )

    rule_share, rule_average = fare(set(selected))
    greedy_share, greedy_average = fare(set(greedy))
    return {
        "only_rule": [pid for pid in selected if pid not in greedy],
        "only_greedy": [pid for pid in greedy if pid not in selected],
        "rule_share_percent": rule_share,
        "greedy_share_percent": greedy_share,
        "rule_average_funded": rule_average,
        "greedy_average_funded": greedy_average,
        "support": support_of(election),
    }


def results_csv(rows: list[dict[str, Any]], currency: str) -> str:
    """One line per candidate: id, name, cost (in the currency, and in its minor units, each header saying
    which), support, funded, order chosen."""
    per_major = minor_units_per_major(currency)
    cost_headers = [f"cost_{currency}", f"cost_{currency}_minor_units_1/{per_major}"]
    return csv_text(
        ["proposal_id", "name", *cost_headers, "support", "funded", "order", "greedy_funded"],
        (
            [
                row["id"],
                row["name"],
                amount_input(row["cost_minor"], currency),
                row["cost_minor"],
                row["support"],
                "yes" if row["funded"] else "no",
                row["order"] or "",
                "yes" if row["greedy_funded"] else "no",
            ]
            for row in rows
        ),
    )

"""Each project's total satisfaction, counted without numpy: all that greedy needs.

A greedy count is a sort of the projects by total satisfaction per cost, so building the merged profile
(participate.counting.profile) and importing numpy for it would cost a one-off `participate count` more than
the count itself. Totals are exact (int or Fraction) and equal to the profile's `total_sat(p) / scale` for
every measure (tests/counting compares both on every sample file).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, zip_longest

from .model import CARDINAL_TYPES, Election, Points
from .satisfaction import check_satisfaction, points_k


@dataclass(frozen=True)
class ProjectTotals:
    """What greedy reads from a profile (SatProfile has the same attributes): here `scale` is 1 and a
    project's total satisfaction is exact, an int or a Fraction."""

    sat: str
    budget: int
    project_ids: tuple[str, ...]
    costs: tuple[int, ...]
    points_total: tuple[int | Fraction, ...]  # per project: sum of points given (cardinal), else approvals
    totals: tuple[int | Fraction, ...]
    scale: int = 1

    def total_sat(self, p: int) -> int | Fraction:
        return self.totals[p]


def project_totals(election: Election, sat: str) -> ProjectTotals:
    check_satisfaction(sat, election.vote_type)
    ids = election.project_ids
    costs = tuple(p.cost for p in election.projects)
    rankings = election.ballots.projects
    at_position = _counts_at_positions(rankings)
    approvals = sum(at_position, Counter[str]())  # voters naming each project
    if election.vote_type in CARDINAL_TYPES:
        points = _points_given(election)
        points_total: tuple[int | Fraction, ...] = tuple(points.get(pid, 0) for pid in ids)
    else:
        points_total = tuple(approvals.get(pid, 0) for pid in ids)
    by_project = _by_project(election, sat, rankings, approvals, at_position)
    totals = tuple(_whole(by_project.get(pid, 0)) for pid in ids)
    if sat in ("cost", "cost-points", "cost-additive"):
        totals = tuple(cost * total for cost, total in zip(costs, totals, strict=True))
    return ProjectTotals(sat, election.budget, ids, costs, points_total, totals)


def _by_project(
    election: Election,
    sat: str,
    rankings: list[tuple[str, ...]],
    approvals: Counter[str],
    at_position: list[Counter[str]],
) -> dict[str, Points]:
    """Each project's total of the measure's per-ballot value, before multiplying by its cost."""
    if sat in ("cost", "cardinality"):
        return dict(approvals)
    if sat in ("additive", "cost-additive"):
        return _points_given(election)
    if sat == "borda":  # ballot length - position - 1
        descending = (range(n - 1, -1, -1) for n in map(len, rankings))
        return _weighted(Counter(chain.from_iterable(map(zip, rankings, descending))).items())
    k = points_k(election)  # points, cost-points: K - position
    return _weighted(
        ((pid, k - position), n) for position, counts in enumerate(at_position) for pid, n in counts.items()
    )


def _counts_at_positions(rankings: list[tuple[str, ...]]) -> list[Counter[str]]:
    """How many ballots name each project first, second, ...: counted in C, column by column (a ballot is a
    few positions long, a file tens of thousands of ballots)."""
    at_position = [Counter(column) for column in zip_longest(*rankings)]
    for counts in at_position:
        counts.pop(None, None)  # past the end of a shorter ballot
    return at_position


def _weighted(counted: Iterable[tuple[tuple[str, int], int]]) -> dict[str, Points]:
    """Sum of values per project, from ((project, value), how many times) (counted in C, then multiplied)."""
    sums: dict[str, Points] = {}
    for (pid, value), n in counted:
        sums[pid] = sums.get(pid, 0) + value * n
    return sums


def _points_given(election: Election) -> dict[str, Points]:
    sums: dict[str, Points] = {}
    for ballot in election.ballots:
        assert ballot.points is not None
        for pid, value in zip(ballot.projects, ballot.points, strict=True):
            sums[pid] = sums.get(pid, 0) + value
    return sums


def _whole(x: Points) -> int | Fraction:
    return int(x) if isinstance(x, Fraction) and x.denominator == 1 else x

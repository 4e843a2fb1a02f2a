"""The merged, vectorised profile every rule but greedy counts from.

Identical ballots are merged into groups with a weight. For every (group, project) pair where the voter's
satisfaction is non-zero there is one entry; satisfactions are exact integers after multiplying every value by
one common `scale` (which changes no rule's outcome: all rules compare satisfactions with each other).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain

import numpy as np

from .errors import UnsupportedOptionError
from .model import APPROVAL_TYPES, CARDINAL_TYPES, Election, Points
from .satisfaction import check_satisfaction, points_k


@dataclass(frozen=True)
class SatProfile:
    """Merged ballots and exact satisfactions, ready for the rules."""

    vote_type: str
    sat: str
    budget: int
    project_ids: tuple[str, ...]
    costs: tuple[int, ...]
    n_voters: int
    weights: np.ndarray  # int64, one per group
    group_ballots: tuple[tuple[str, ...], ...]  # projects of each group (file order of its first ballot)
    # entries sorted by project; entries of project p are entries[offsets[p]:offsets[p+1]]
    entry_group: np.ndarray  # int64
    entry_sat: np.ndarray  # int64, satisfaction x scale (may be <= 0 only for scoring ballots)
    offsets: np.ndarray  # int64, len = n_projects + 1
    scale: int
    approvals: np.ndarray  # int64 per project: number of voters whose ballot contains it
    points_total: tuple[int | Fraction, ...]  # per project: sum of points given (cardinal), else approvals

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    def project_slice(self, p: int) -> slice:
        return slice(int(self.offsets[p]), int(self.offsets[p + 1]))

    def total_sat(self, p: int) -> int:
        """Exact total satisfaction x scale of project p (all voters)."""
        sl = self.project_slice(p)
        return int(np.dot(self.weights[self.entry_group[sl]], self.entry_sat[sl]))


def _merge_identical_ballots(
    election: Election,
) -> tuple[list[tuple[str, ...]], list[int], list[tuple[Points, ...] | None]]:
    """Groups of identical ballots in the order of their first ballot: the projects of that first ballot,
    the number of ballots, and their points (cardinal ballots). Approval ballots naming the same projects in
    another order are identical; ranked ballots only with the same ranking."""
    if election.vote_type in CARDINAL_TYPES:
        groups: dict[tuple[tuple[str, Points], ...], int] = {}
        weights: list[int] = []
        group_ballots: list[tuple[str, ...]] = []
        group_points: list[tuple[Points, ...] | None] = []
        for b in election.ballots:
            assert b.points is not None
            key = tuple(sorted(zip(b.projects, b.points, strict=True)))
            g = groups.get(key)
            if g is None:
                groups[key] = len(weights)
                weights.append(1)
                group_ballots.append(b.projects)
                group_points.append(b.points)
            else:
                weights[g] += 1
        return group_ballots, weights, group_points
    # counting equal tuples runs in C; only the distinct ones are looked at one by one
    rankings = Counter(election.ballots.projects)
    return list(rankings), list(rankings.values()), [None] * len(rankings)


class _Flat:
    """Ballots as one array of project indices (`projects`), cut into ballots by `lengths`."""

    def __init__(self, ballots: list[tuple[str, ...]], index: dict[str, int]) -> None:
        self.lengths = np.fromiter(map(len, ballots), dtype=np.int64, count=len(ballots))
        self.projects = np.fromiter(
            map(index.__getitem__, chain.from_iterable(ballots)),
            dtype=np.int64,
            count=int(self.lengths.sum()),
        )
        self.starts = np.cumsum(self.lengths) - self.lengths

    def positions(self) -> np.ndarray:
        """The position of each entry within its ballot (0 = first)."""
        return np.arange(len(self.projects), dtype=np.int64) - np.repeat(self.starts, self.lengths)

    def take(self, ballots: np.ndarray) -> np.ndarray:
        """The entries of the given ballots, in that order."""
        lengths = self.lengths[ballots]
        ends = np.cumsum(lengths)
        entries = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(
            self.starts[ballots] - ends + lengths, lengths
        )
        taken: np.ndarray = self.projects[entries]
        return taken


def _merge_same_sets(
    rankings: list[tuple[str, ...]], weights: list[int], flat: _Flat
) -> tuple[np.ndarray, np.ndarray]:
    """Approval ballots: the rankings that name the same set of projects form one group, in the order of its
    first ranking. The first ranking of each group and the group weights."""
    rows = np.full((len(rankings), int(flat.lengths.max(initial=0))), -1, dtype=np.int64)
    rows[np.repeat(np.arange(len(rankings)), flat.lengths), flat.positions()] = flat.projects
    rows.sort(axis=1)
    base = int(flat.projects.max(initial=0)) + 2
    if rows.shape[1] * math.log2(base) < 62:  # each sorted row as one number, digits project index + 1
        rows = (rows + 1) @ (base ** np.arange(rows.shape[1] - 1, -1, -1, dtype=np.int64))
    _, first, group = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group_weights = np.bincount(rank[group.reshape(-1)], weights=np.asarray(weights, dtype=np.float64))
    return first[order], group_weights.astype(np.int64)


def _common_denominator(points: list[Points]) -> int:
    """The scale that makes every cardinal point an integer."""
    scale = 1
    for v in points:
        if isinstance(v, Fraction) and v.denominator != 1:
            scale = math.lcm(scale, v.denominator)
    return scale


def _satisfaction_values(
    election: Election,
    sat: str,
    flat_p: np.ndarray,
    flat_g: np.ndarray,
    lengths: np.ndarray,
    exact_points: list[Points] | None,
    scale: int,
) -> np.ndarray:
    """Each ballot entry's satisfaction, as integers (times `scale`)."""
    cost_arr = np.asarray([p.cost for p in election.projects], dtype=np.int64)
    if sat in ("additive", "cost-additive"):
        assert exact_points is not None
        scaled = [int(v * scale) for v in exact_points]
        if any(abs(x) >= 2**40 for x in scaled):  # pragma: no cover - absurd inputs
            raise UnsupportedOptionError("points are too large or too fine to count exactly")
        vals = np.asarray(scaled, dtype=np.int64)
        return vals * cost_arr[flat_p] if sat == "cost-additive" else vals
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(len(flat_p), dtype=np.int64) - np.repeat(starts, lengths)
    k = points_k(election) if sat in ("points", "cost-points") else 0
    if sat == "cost":
        vals = cost_arr[flat_p]
    elif sat == "cardinality":
        vals = np.ones(len(flat_p), dtype=np.int64)
    elif sat == "borda":
        vals = lengths[flat_g] - pos - 1
    elif sat == "points":
        vals = k - pos
    else:  # cost-points
        vals = cost_arr[flat_p] * (k - pos)
    return vals * scale


def _points_totals(
    group_ballots: list[tuple[str, ...]],
    group_points: list[tuple[Points, ...] | None],
    weights: np.ndarray,
    index: dict[str, int],
) -> list[int | Fraction]:
    """Each project's total of cardinal points, exactly."""
    totals: list[int | Fraction] = [0] * len(index)
    for g, pts in enumerate(group_points):
        wg = int(weights[g])
        for pid, x in zip(group_ballots[g], pts, strict=True):  # type: ignore[arg-type]
            totals[index[pid]] += wg * x
    return totals


def _entries_by_project(
    flat_g: np.ndarray, flat_p: np.ndarray, vals: np.ndarray, n_projects: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero entries grouped by project (in group order within each), and each project's offset."""
    keep = vals != 0
    eg, ep, ev = flat_g[keep], flat_p[keep], vals[keep]
    # a stable sort of small integers is a radix sort in numpy
    order = np.argsort(ep.astype(np.int16) if n_projects < 2**15 else ep, kind="stable")
    eg, ep, ev = eg[order], ep[order], ev[order]
    offsets = np.zeros(n_projects + 1, dtype=np.int64)
    np.cumsum(np.bincount(ep, minlength=n_projects), out=offsets[1:])
    return eg, ev, offsets


def build_profile(election: Election, sat: str) -> SatProfile:
    vote_type = election.vote_type
    check_satisfaction(sat, vote_type)
    ids = election.project_ids
    index = {pid: i for i, pid in enumerate(ids)}
    costs = tuple(p.cost for p in election.projects)
    cardinal = vote_type in CARDINAL_TYPES

    group_ballots, weights, group_points = _merge_identical_ballots(election)
    flat = _Flat(group_ballots, index)
    w = np.asarray(weights, dtype=np.int64)
    if vote_type in APPROVAL_TYPES and group_ballots:
        # each distinct set of projects is a group, ordered by its first ballot
        first, w = _merge_same_sets(group_ballots, weights, flat)
        group_ballots = [group_ballots[i] for i in first.tolist()]
        group_points = [None] * len(group_ballots)
        flat_p, lengths = flat.take(first), flat.lengths[first]
    else:
        flat_p, lengths = flat.projects, flat.lengths

    flat_g = np.repeat(np.arange(len(group_ballots), dtype=np.int64), lengths)
    approvals = np.bincount(flat_p, weights=w[flat_g], minlength=len(ids)).astype(np.int64)
    exact_points = [x for pts in group_points for x in pts] if cardinal else None  # type: ignore[union-attr]
    scale = _common_denominator(exact_points or [])
    vals = _satisfaction_values(election, sat, flat_p, flat_g, lengths, exact_points, scale)
    if cardinal:
        pts_total = _points_totals(group_ballots, group_points, w, index)
    else:
        pts_total = [int(a) for a in approvals]
    eg, ev, offsets = _entries_by_project(flat_g, flat_p, vals, len(ids))
    return SatProfile(
        vote_type=vote_type,
        sat=sat,
        budget=election.budget,
        project_ids=ids,
        costs=costs,
        n_voters=len(election.ballots),
        weights=w,
        group_ballots=tuple(group_ballots),
        entry_group=eg,
        entry_sat=ev,
        offsets=offsets,
        scale=scale,
        approvals=approvals,
        points_total=tuple(pts_total),
    )


__all__ = ["SatProfile", "build_profile"]

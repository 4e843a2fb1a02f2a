"""What it would have taken to fund each unfunded project (after Boehmer, Faliszewski, Janeczko, Peters,
Pierczyński, Schierreich, Skowron & Sornat, "Evaluation of Project Performance in Participatory Budgeting",
2024), under the rule, satisfaction, completion and threshold of the count:

- `max_cost`: the largest cost (same unit as the file) at which the project would have been funded, all
  else equal; None when even a cost of 0 would not have funded it.
- `more_supporters`: the fewest extra ballots, copies of its supporters' ballots taken in file order and
  cycling, that would have funded it; None when no number up to MAX_COPIES_PER_BALLOT x the number of
  ballots would (always None for a project dearer than the budget, or one nobody supported).

Both are found by recounts. `max_cost`: a binary search between a cost known to fund the project and one
known not to, so f satisfies "a recount at f funds it, a recount at f + 1 does not"; where funding is
monotone in the cost, f is also the largest such cost.

`more_supporters`: a doubling and binary search finds a bound b (funded with b extra supporters, not with
b - 1); then, for every rule but MES, every k below b is recounted, smallest first, and the first that
funds the project is the answer (b when none does), so the figure is exact. Funding is not monotone in
supporters: the copies of the supporters' ballots also raise every other project those ballots back, which
can then overtake the project (the tests' brute force finds such cases under greedy, EAR and Phragmén).
Greedy's scan is cheap: the supporters' totals are built one ballot at a time, and a recount whose order of
the projects is that of the previous one is not run again.
MES is the exception, stated plainly: we know no proof that it is monotone in supporters, nor a case where
it is not (the brute force over the tests' random elections agrees with the search on every MES figure),
and the scan would cost a MES recount per k below b (b is in the thousands on Warsaw 2026, about 50 ms a
recount: minutes per project); so under MES the figure is the search's exact boundary ("funded with b, not
with b - 1"), the smallest only if MES is monotone there.

Recounts: greedy re-sorts the projects' totals (totals are sums over ballots, so added ballots only add
their own totals); MES without a completion reuses the merged profile (a cost change rescales one
project's satisfactions, added ballots add to their groups' weights) and stops a run as soon as the
project is bought or drops out unaffordable; every other rule and completion recounts the changed
election with the rule itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from .model import APPROVAL_TYPES, CARDINAL_TYPES, Ballot, Ballots, Election, Project
from .profile import SatProfile, build_profile
from .progress import Watch
from .rules.greedy import greedy
from .rules.mes import method_of_equal_shares
from .rules.mes_exact import ExactPrices
from .rules.mes_float import FloatPrices, Uncertain
from .rules.mes_model import MesProject, prepare
from .rules.mes_rounds import RoundPrices, run_rounds
from .ties import TieBreaking, lexicographic
from .totals import ProjectTotals, project_totals

MAX_COPIES_PER_BALLOT = 4
COST_SATISFACTIONS = ("cost", "cost-points", "cost-additive")
# rules whose "more supporters" keeps the search's boundary without the exact scan (module docstring)
UNSCANNED = frozenset({"mes"})


@dataclass(frozen=True)
class TakesOptions:
    """The count whose outcome the figures change: its rule, satisfaction, threshold, tie-breaking and
    completion (as the count used them)."""

    rule: str
    sat: str
    threshold: int | Fraction | None = None
    tie_breaking: TieBreaking = lexicographic
    completion: str = "none"


def what_it_takes(
    election: Election,
    selected: tuple[str, ...],
    recount: Callable[[Election], tuple[str, ...]],
    options: TakesOptions,
    *,
    watch: Watch | None = None,
) -> dict[str, dict[str, int | None]]:
    """`{project_id: {"max_cost": ..., "more_supporters": ...}}` for every project not in `selected`.

    `recount(election)` returns the projects the count's rule selects on a changed election; greedy counts
    use a faster recount of their own (same outcome)."""
    watch = watch or Watch()
    unfunded = len(election.projects) - len(set(selected))
    out: dict[str, dict[str, int | None]] = {}
    figures = each_unfunded(election, selected, recount, options)
    for done, (pid, figure) in enumerate(figures):
        watch.report(done / max(1, unfunded), f"what it takes: {done} of {unfunded} projects")
        out[pid] = figure
    watch.report(1.0, "what it takes: done")
    return out


def each_unfunded(
    election: Election,
    selected: tuple[str, ...],
    recount: Callable[[Election], tuple[str, ...]],
    options: TakesOptions,
) -> Iterator[tuple[str, dict[str, int | None]]]:
    """(project id, its figures) for each project not in `selected`, in file order, one at a time."""
    fast: _Recount | None = None
    if options.rule == "greedy" and options.sat:
        fast = _GreedyRecount(election, options.sat, options.threshold, options.tie_breaking)
    elif options.rule == "mes" and options.completion == "none" and election.vote_type not in CARDINAL_TYPES:
        fast = _MesRecount(election, options.sat, options.tie_breaking)
    for project in election.projects:
        if project.id not in set(selected):
            yield project.id, _figures(election, project, recount, fast, options.rule not in UNSCANNED)


def _figures(
    election: Election,
    project: Project,
    recount: Callable[[Election], tuple[str, ...]],
    fast: _Recount | None,
    scan: bool,
) -> dict[str, int | None]:
    pid, backers = project.id, supporters(election, project.id)

    def at_cost(c: int) -> bool:
        if fast is not None:
            return fast.funded_at_cost(pid, c)
        return pid in recount(with_cost(election, pid, c))

    def with_more(k: int) -> bool:
        if fast is not None:
            return fast.funded_with_more(pid, backers, k)
        return pid in recount(with_supporters(election, backers, k))

    return {
        "max_cost": largest_cost(project.cost, at_cost),
        "more_supporters": fewest_supporters(election, project, backers, with_more, scan=scan),
    }


def largest_cost(cost: int, funded_at: Callable[[int], bool]) -> int | None:
    """The largest c < cost with funded_at(c), given not funded_at(cost); None if neither 1 nor 0 funds."""
    # a cost of 0 gives a cost satisfaction nothing to count, so the search starts from 1 when it can
    low = next((c for c in (1, 0) if c < cost and funded_at(c)), None)
    if low is None:
        return None
    high = cost  # funded at low, not at high
    while high - low > 1:
        middle = (low + high) // 2
        if funded_at(middle):
            low = middle
        else:
            high = middle
    return low


def fewest_supporters(
    election: Election,
    project: Project,
    backers: list[int],
    funded_with: Callable[[int], bool],
    *,
    scan: bool = True,
) -> int | None:
    """The smallest k with funded_with(k), given not funded_with(0); None if none up to the cap does.

    A doubling and binary search gives a bound (funded with it, not with one less), then every k below the
    bound not yet recounted is, smallest first, unless `scan` is off (see the module docstring)."""
    if project.cost > election.budget or not backers:
        return None
    cap = MAX_COPIES_PER_BALLOT * max(1, len(election.ballots))
    known: dict[int, bool] = {0: False}

    def funds(k: int) -> bool:
        if k not in known:
            known[k] = funded_with(k)
        return known[k]

    low, high = 0, 1  # not funded with low
    while not funds(high):
        if high >= cap:
            return None
        low, high = high, min(2 * high, cap)
    while high - low > 1:
        middle = (low + high) // 2
        if funds(middle):
            high = middle
        else:
            low = middle
    if not scan:
        return high
    return next((k for k in range(1, high) if funds(k)), high)


def supporters(election: Election, project_id: str) -> list[int]:
    """Indices of the ballots that support the project (name it; with points, give it more than 0)."""
    named = [i for i, projects in enumerate(election.ballots.projects) if project_id in projects]
    if election.vote_type not in CARDINAL_TYPES:
        return named
    out = []
    for i in named:
        ballot = election.ballots[i]
        if ballot.points is None or ballot.points[ballot.projects.index(project_id)] > 0:
            out.append(i)
    return out


def with_cost(election: Election, project_id: str, cost: int) -> Election:
    projects = tuple(replace(p, cost=cost) if p.id == project_id else p for p in election.projects)
    return replace(election, projects=projects)


def extra_ballots(election: Election, backers: list[int], k: int) -> list[Ballot]:
    """k copies of the supporters' ballots (`backers`: their indices), in file order, cycling."""
    ballots = election.ballots
    copies = []
    for j in range(k):
        ballot = ballots[backers[j % len(backers)]]
        copies.append(replace(ballot, voter_id=f"{ballot.voter_id}+{j + 1}"))
    return copies


def with_supporters(election: Election, backers: list[int], k: int) -> Election:
    ballots = Ballots.of((*election.ballots, *extra_ballots(election, backers, k)))
    return replace(election, ballots=ballots)


class _Recount(Protocol):
    def funded_at_cost(self, project_id: str, cost: int) -> bool: ...
    def funded_with_more(self, project_id: str, backers: list[int], k: int) -> bool: ...


class _Stop(Exception):
    def __init__(self, funded: bool) -> None:
        self.funded = funded


class _MesRecount:
    """MES (no completion) recounts on the merged profile, built once: a cost change rescales one project's
    satisfactions (cost satisfactions), added copies of ballots add to their groups' weights. A run stops as
    soon as the project is bought (funded) or leaves the running unaffordable (never funded: money only
    falls); runs use the certified float prices (as add1's search does) and redo exactly when uncertain."""

    def __init__(self, election: Election, sat: str, tie_breaking: TieBreaking) -> None:
        self.election = election
        self.tie_breaking = tie_breaking
        self.sp = build_profile(election, sat)
        self.cost_sat = sat in COST_SATISFACTIONS
        self.index = {pid: i for i, pid in enumerate(self.sp.project_ids)}
        key = frozenset if election.vote_type in APPROVAL_TYPES else tuple
        self.group_of = {key(b): g for g, b in enumerate(self.sp.group_ballots)}
        self.key = key

    def funded_at_cost(self, project_id: str, cost: int) -> bool:
        sp, p = self.sp, self.index[project_id]
        entry_sat = sp.entry_sat
        if self.cost_sat:
            old = sp.costs[p]
            if old == 0:
                return project_id in self._run_full(with_cost(self.election, project_id, cost))
            sl = sp.project_slice(p)
            entry_sat = entry_sat.copy()
            entry_sat[sl] = entry_sat[sl] // old * cost
        changed = replace(sp, costs=(*sp.costs[:p], cost, *sp.costs[p + 1 :]), entry_sat=entry_sat)
        return self._funds(changed, project_id)

    def funded_with_more(self, project_id: str, backers: list[int], k: int) -> bool:
        sp = self.sp
        weights = sp.weights.copy()
        ballots = self.election.ballots.projects
        for j in range(k):
            weights[self.group_of[self.key(ballots[backers[j % len(backers)]])]] += 1
        changed = replace(sp, weights=weights, n_voters=sp.n_voters + k)
        return self._funds(changed, project_id)

    def _run_full(self, election: Election) -> tuple[str, ...]:
        sp = build_profile(election, self.sp.sat)
        return method_of_equal_shares(sp, tie_breaking=self.tie_breaking).selected

    def _funds(self, sp: SatProfile, project_id: str) -> bool:
        projects, free = prepare(sp, self.tie_breaking)
        if project_id in free:
            return True
        if not any(q.id == project_id for q in projects):
            return False
        per_voter = Fraction(sp.budget, sp.n_voters)
        try:
            return self._run(FloatPrices(sp, projects, float(per_voter), jump=False), projects, project_id)
        except Uncertain:
            return self._run(
                ExactPrices(sp, projects, per_voter, jump=False, record=False), projects, project_id
            )

    @staticmethod
    def _run(prices: RoundPrices[Any, Any], projects: list[MesProject], project_id: str) -> bool:
        drop = prices.drop_unaffordable

        def dropped(q: MesProject) -> None:
            if q.id == project_id:
                raise _Stop(False)
            drop(q)

        def bought(funded: list[MesProject]) -> None:
            if funded and funded[-1].id == project_id:
                raise _Stop(True)

        prices.drop_unaffordable = dropped  # type: ignore[method-assign]
        try:
            funded = run_rounds(prices, projects, bought)
        except _Stop as stop:
            return stop.funded
        return any(q.id == project_id for q in funded)


class _GreedyRecount:
    """Greedy recounts without re-reading the ballots: a cost change rescales one project's total (cost
    satisfactions) and added ballots add their own totals (sums over ballots)."""

    def __init__(
        self, election: Election, sat: str, threshold: int | Fraction | None, tie_breaking: TieBreaking
    ) -> None:
        self.election = election
        self.sat = sat
        self.threshold = threshold
        self.tie_breaking = tie_breaking
        self.totals = project_totals(election, sat)
        self.index = {pid: i for i, pid in enumerate(self.totals.project_ids)}
        self._all_backers: dict[str, ProjectTotals] = {}
        self._prefix: list[tuple[tuple[int | Fraction, ...], tuple[int | Fraction, ...]]] = []
        self._last_order: tuple[tuple[object, ...] | None, bool] = (None, False)

    def _selects(self, totals: ProjectTotals, project_id: str) -> bool:
        return project_id in greedy(totals, threshold=self.threshold, tie_breaking=self.tie_breaking).selected

    def funded_at_cost(self, project_id: str, cost: int) -> bool:
        t = self.totals
        p = self.index[project_id]
        total = t.totals[p]
        if self.sat in COST_SATISFACTIONS:
            total = Fraction(total, t.costs[p]) * cost if t.costs[p] else total
        changed = replace(
            t,
            costs=(*t.costs[:p], cost, *t.costs[p + 1 :]),
            totals=(*t.totals[:p], _whole(total), *t.totals[p + 1 :]),
        )
        return self._selects(changed, project_id)

    def funded_with_more(self, project_id: str, backers: list[int], k: int) -> bool:
        extra = self._extra_totals(project_id, backers, k)
        t = self.totals
        changed = replace(
            t,
            totals=tuple(_whole(a + b) for a, b in zip(t.totals, extra.totals, strict=True)),
            points_total=tuple(
                _whole(a + b) for a, b in zip(t.points_total, extra.points_total, strict=True)
            ),
        )
        order = self._strict_order(changed)
        if order is not None and order == self._last_order[0]:
            return self._last_order[1]
        funded = self._selects(changed, project_id)
        self._last_order = (order, funded)
        return funded

    def _strict_order(self, t: ProjectTotals) -> tuple[object, ...] | None:
        """What greedy's outcome depends on here: the order of the projects by satisfaction per cost and
        which reach the threshold. None when two densities are too close to order by floats (or a project
        is free): greedy then decides alone. Two recounts with the same order fund the same projects,
        which spares most of the greedy runs of the exact scan."""
        if 0 in t.costs:
            return None
        density = np.array([float(x) for x in t.totals]) / np.array(t.costs, dtype=float)
        order = np.argsort(-density, kind="stable")
        ranked = density[order]
        if len(ranked) > 1 and np.min(ranked[:-1] - ranked[1:]) <= 1e-9 * max(1.0, float(ranked[0])):
            return None
        reached = () if self.threshold is None else tuple(bool(x >= self.threshold) for x in t.points_total)
        return (tuple(order.tolist()), reached)

    def _extra_totals(self, project_id: str, backers: list[int], k: int) -> ProjectTotals:
        rounds, rest = divmod(k, len(backers))
        if project_id not in self._all_backers:
            self._all_backers = {project_id: self._totals_of(backers)}  # one project at a time
            self._last_order = (None, False)
            self._prefix = [(self._zeros(), self._zeros())]
        whole = self._all_backers[project_id]
        part_totals, part_points = self._prefix_of(backers, rest)
        return replace(
            whole,
            totals=tuple(rounds * a + b for a, b in zip(whole.totals, part_totals, strict=True)),
            points_total=tuple(rounds * a + b for a, b in zip(whole.points_total, part_points, strict=True)),
        )

    def _zeros(self) -> tuple[int | Fraction, ...]:
        return tuple(0 for _ in self.totals.project_ids)

    def _prefix_of(
        self, backers: list[int], r: int
    ) -> tuple[tuple[int | Fraction, ...], tuple[int | Fraction, ...]]:
        """Totals and points of the first r supporters' ballots, built one ballot at a time and kept: the
        exact scan below the search's bound asks for r, r + 1, r + 2, ... (totals are sums over ballots)."""
        while len(self._prefix) <= r:
            totals, points = self._prefix[-1]
            one = self._totals_of([backers[len(self._prefix) - 1]])
            self._prefix.append(
                (
                    tuple(a + b for a, b in zip(totals, one.totals, strict=True)),
                    tuple(a + b for a, b in zip(points, one.points_total, strict=True)),
                )
            )
        return self._prefix[r]

    def _totals_of(self, backers: list[int]) -> ProjectTotals:
        """Totals of these ballots alone, with the whole election's points K."""
        ballots = self.election.ballots
        meta = dict(self.election.meta)
        if self.sat in ("points", "cost-points") and not meta.get("max_length"):
            meta["max_length"] = str(max((len(b) for b in ballots.projects), default=0))
        part = replace(self.election, meta=meta, ballots=Ballots.of([ballots[i] for i in backers]))
        return project_totals(part, self.sat)


def _whole(x: Any) -> int | Fraction:
    return int(x) if isinstance(x, Fraction) and x.denominator == 1 else x

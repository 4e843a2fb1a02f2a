"""Greedy: fund projects by total satisfaction per cost, skipping what no longer fits
(pabutools `greedy_utilitarian_welfare`)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Protocol

from ..explain import exact, project_names, shown
from ..model import Election
from ..options import CountOptions, Explanation, RuleRun
from ..ties import TieBreaking, lexicographic
from ..totals import project_totals


class GreedyProfile(Protocol):
    """What greedy reads: a SatProfile (MES's add1u completion) or ProjectTotals (a greedy count)."""

    @property
    def sat(self) -> str: ...
    @property
    def budget(self) -> int: ...
    @property
    def project_ids(self) -> tuple[str, ...]: ...
    @property
    def costs(self) -> tuple[int, ...]: ...
    @property
    def points_total(self) -> tuple[int | Fraction, ...]: ...
    @property
    def scale(self) -> int: ...
    def total_sat(self, p: int) -> int | Fraction: ...


@dataclass(frozen=True)
class GreedyItem:
    project: str
    score: int | Fraction  # total satisfaction of all voters
    rank: int  # 1 = considered first; 0 = not considered (below threshold / already funded)
    status: str  # "funded", "did_not_fit", "below_threshold", "already_funded"
    budget_left: int  # money left when the project was considered (before funding it)


@dataclass(frozen=True)
class GreedyOutcome:
    selected: tuple[str, ...]
    items: tuple[GreedyItem, ...]  # in the order considered
    threshold: int | Fraction | None


def greedy(
    sp: GreedyProfile,
    *,
    threshold: int | Fraction | None = None,
    initial: tuple[str, ...] = (),
    tie_breaking: TieBreaking = lexicographic,
) -> GreedyOutcome:
    index = {pid: i for i, pid in enumerate(sp.project_ids)}
    initial_set = set(initial)
    left = sp.budget - sum(sp.costs[index[pid]] for pid in initial)
    # pabutools uses its general (non-additive) scheme for Borda: a free project comes first even
    # without support; in the additive scheme it is ranked by its (zero) density.
    free_first_always = sp.sat == "borda"
    keyed = []
    below = []
    for p, pid in enumerate(sp.project_ids):
        if pid in initial_set:
            continue
        if threshold is not None and sp.points_total[p] < threshold:
            below.append(pid)
            continue
        total = Fraction(sp.total_sat(p), sp.scale)
        cost = sp.costs[p]
        if cost == 0 and (total > 0 or free_first_always):
            key: tuple[int, int | Fraction] = (0, 0)
        elif total > 0:
            key = (1, -Fraction(total) / cost)
        else:
            key = (1, 0)
        keyed.append((key, tie_breaking(pid), pid, total))
    keyed.sort(key=lambda t: (t[0], t[1]))
    selected = list(initial)
    items = []
    for rank, (_k, _t, pid, total) in enumerate(keyed, start=1):
        cost = sp.costs[index[pid]]
        score = total if total.denominator != 1 else int(total)
        if cost <= left:
            items.append(GreedyItem(pid, score, rank, "funded", left))
            selected.append(pid)
            left -= cost
        else:
            items.append(GreedyItem(pid, score, rank, "did_not_fit", left))
    for pid in below:
        total = Fraction(sp.total_sat(index[pid]), sp.scale)
        score = total if total.denominator != 1 else int(total)
        items.append(GreedyItem(pid, score, 0, "below_threshold", left))
    return GreedyOutcome(tuple(selected), tuple(items), threshold)


def count_greedy(election: Election, options: CountOptions) -> RuleRun:
    options.watch.report(0.0, "greedy: ranking the projects")
    out = greedy(
        project_totals(election, options.sat), threshold=options.threshold, tie_breaking=options.tie_breaking
    )
    options.watch.report(1.0, "greedy: done")
    return RuleRun(out.selected, partial(explain_greedy, election, out))


def explain_greedy(election: Election, out: GreedyOutcome) -> Explanation:
    names = project_names(election)
    cost = {p.id: p.cost for p in election.projects}
    items = []
    for it in out.items:
        if it.status == "funded":
            text = "funded"
        elif it.status == "did_not_fit":
            text = f"did not fit: {it.budget_left} left, needed {cost[it.project]}"
        elif it.status == "below_threshold":
            text = f"below the threshold: score {shown(it.score)}, needed {shown(out.threshold or 0)}"
        else:
            text = "already funded"
        items.append(
            {
                "id": it.project,
                "name": names[it.project],
                "cost": cost[it.project],
                "score": exact(it.score),
                "rank": it.rank,
                "status": it.status,
                "budget_left": it.budget_left,
                "text": text,
            }
        )
    return {
        "kind": "greedy",
        "threshold": exact(out.threshold) if out.threshold is not None else None,
        "projects": items,
    }

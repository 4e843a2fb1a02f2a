"""Sequential Phragmén for approval ballots (pabutools `sequential_phragmen`).

Voters' loads rise continuously; a project is bought as soon as its supporters' loads can pay for it. The
rule stops at the first project that would be bought but no longer fits the budget. Loads are exact
(Fractions, one per *load class*: every voter's load is the load set when a project they approve was last
bought); floats only pick which projects to compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import partial

import numpy as np

from ..explain import exact, project_names, shown
from ..model import Election
from ..options import CountOptions, Explanation, RuleRun
from ..profile import SatProfile, build_profile
from ..progress import Watch
from ..ties import TieBreaking, lexicographic

_REL = 1e-9


@dataclass(frozen=True)
class PhragmenStep:
    project: str
    cost: int
    supporters: int
    load: Fraction  # the supporters' common load after buying it (money per voter, cumulative)


@dataclass(frozen=True)
class PhragmenOutcome:
    selected: tuple[str, ...]  # in the order bought
    steps: tuple[PhragmenStep, ...]
    stopped_at: str | None  # the project that would have been bought next but did not fit
    stop_load: Fraction | None


def sequential_phragmen(
    sp: SatProfile, *, tie_breaking: TieBreaking = lexicographic, watch: Watch | None = None
) -> PhragmenOutcome:
    watch = watch or Watch()
    budget = sp.budget
    remaining = [p for p in range(sp.n_projects) if sp.costs[p] <= budget]
    loads: list[Fraction] = [Fraction(0)]
    loadsf = np.zeros(1)
    last = np.zeros(len(sp.weights), dtype=np.int64)  # load class of each group
    ew = sp.weights[sp.entry_group].astype(np.float64)
    eproj = np.repeat(np.arange(sp.n_projects), np.diff(sp.offsets))
    scores = sp.approvals
    spent = 0
    steps: list[PhragmenStep] = []
    stopped_at = None
    stop_load = None
    while remaining:
        watch.report(spent / budget if budget else 0.0, f"Phragmén: {len(steps)} projects bought")
        sums_f = np.bincount(eproj, weights=ew * loadsf[last[sp.entry_group]], minlength=sp.n_projects)
        rem = np.asarray(remaining)
        sc = scores[rem].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            new_f = np.where(sc > 0, (sums_f[rem] + np.asarray([sp.costs[p] for p in rem])) / sc, np.inf)
        best_f = float(new_f.min())
        if np.isinf(best_f):
            tied = list(rem)
            best: Fraction | None = None
        else:
            close = rem[new_f <= best_f * (1 + 2 * _REL)]
            exact = {int(p): _exact_load(sp, int(p), loads, last) for p in close}
            best = min(exact.values())
            tied = [p for p, v in exact.items() if v == best]
        if any(spent + sp.costs[p] > budget for p in tied):
            first = min(tied, key=lambda p: tie_breaking(sp.project_ids[p]))
            stopped_at, stop_load = sp.project_ids[first], best
            break
        chosen = min(tied, key=lambda p: tie_breaking(sp.project_ids[p]))
        sl = sp.project_slice(chosen)
        if best is not None:
            loads.append(best)
            loadsf = np.append(loadsf, float(best))
            last[sp.entry_group[sl]] = len(loads) - 1
        spent += sp.costs[chosen]
        steps.append(
            PhragmenStep(sp.project_ids[chosen], sp.costs[chosen], int(scores[chosen]), best or Fraction(0))
        )
        remaining.remove(chosen)
    return PhragmenOutcome(tuple(s.project for s in steps), tuple(steps), stopped_at, stop_load)


def _exact_load(sp: SatProfile, p: int, loads: list[Fraction], last: np.ndarray) -> Fraction:
    sl = sp.project_slice(p)
    groups = sp.entry_group[sl]
    counts = np.bincount(last[groups], weights=sp.weights[groups].astype(np.float64))
    total = Fraction(sp.costs[p])
    for c in np.nonzero(counts)[0]:
        total += int(counts[c]) * loads[c]
    return total / int(sp.approvals[p])


def count_phragmen(election: Election, options: CountOptions) -> RuleRun:
    out = sequential_phragmen(
        build_profile(election, "cardinality"), tie_breaking=options.tie_breaking, watch=options.watch
    )
    options.watch.report(1.0, "Phragmén: done")
    return RuleRun(out.selected, partial(explain_phragmen, election, out))


def explain_phragmen(election: Election, out: PhragmenOutcome) -> Explanation:
    names = project_names(election)
    steps = [
        {
            "id": s.project,
            "name": names[s.project],
            "cost": s.cost,
            "supporters": s.supporters,
            "load": shown(s.load),
            "load_exact": exact(s.load),
            "text": f"bought when each of its {s.supporters} supporters had spent {shown(s.load)} in all",
        }
        for s in out.steps
    ]
    stopped = None
    if out.stopped_at is not None:
        stopped = {
            "id": out.stopped_at,
            "name": names[out.stopped_at],
            "text": "would have been bought next but did not fit the budget: counting stopped",
        }
    return {"kind": "phragmen", "steps": steps, "stopped_at": stopped}

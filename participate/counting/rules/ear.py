"""PB-EAR (Aziz & Lee, AAAI 2021), exactly as defined in docs/counting.md.

Every voter starts with weight 1; a project's quota is n * cost / budget. At depth j each voter supports
their top j projects. While some affordable, unfunded project has support >= quota and > 0, fund the one with
the highest support / quota (ties: tie-breaking, by default the smallest id as a string) and take exactly its
quota from its supporters (each weight times 1 - quota / support). Otherwise go one rank deeper; stop after
the longest ballot, or when nothing affordable is left. Weights are exact Fractions, one per *weight class*
(voters with the same history share a weight); floats only choose which projects to compare exactly.
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
class EarStep:
    project: str
    cost: int
    depth: int  # j: supporters ranked it among their top j
    support: Fraction  # weight of its supporters at that moment
    quota: Fraction
    supporters: int  # voters ranking it in their top j


@dataclass(frozen=True)
class EarOutcome:
    selected: tuple[str, ...]
    steps: tuple[EarStep, ...]


def pb_ear(
    sp: SatProfile,
    positions: np.ndarray,
    *,
    tie_breaking: TieBreaking = lexicographic,
    watch: Watch | None = None,
) -> EarOutcome:
    """`positions[e]` is the rank (0 = first) of entry e of the profile (see rules.ear.entry_positions)."""
    watch = watch or Watch()
    budget = sp.budget
    left = budget
    max_len = max((len(b) for b in sp.group_ballots), default=0)
    quota = _quotas(sp)
    vals: list[Fraction] = [Fraction(0), Fraction(1)]
    valsf = np.array([0.0, 1.0])
    cls = np.ones(len(sp.weights), dtype=np.int64)
    eproj = np.repeat(np.arange(sp.n_projects), np.diff(sp.offsets))
    egroup = sp.entry_group
    ew = sp.weights[egroup].astype(np.float64)
    funded: set[int] = set()
    steps: list[EarStep] = []
    for j in range(1, max_len + 1):
        in_top = positions < j
        while True:
            watch.report(
                (budget - left) / budget if budget else 0.0, f"PB-EAR: depth {j}, {len(steps)} funded"
            )
            open_ = [
                p for p in range(sp.n_projects) if p not in funded and sp.costs[p] <= left and p in quota
            ]
            if not open_:
                return EarOutcome(tuple(s.project for s in steps), tuple(steps))
            sup_f = np.bincount(
                eproj[in_top], weights=(ew * valsf[cls[egroup]])[in_top], minlength=sp.n_projects
            )
            exact = _supports_reaching_quota(sp, open_, quota, sup_f, in_top, vals, cls)
            if not exact:
                break

            ranked = {p: ((0, 0) if quota[p] == 0 else (1, -s / quota[p])) for p, s in exact.items()}
            p = min(exact, key=lambda p: (ranked[p], tie_breaking(sp.project_ids[p])))
            support, q = exact[p], quota[p]
            sl = sp.project_slice(p)
            groups = egroup[sl][in_top[sl]]
            valsf = _pay(groups, 1 - q / support, vals, valsf, cls)
            funded.add(p)
            left -= sp.costs[p]
            steps.append(
                EarStep(sp.project_ids[p], sp.costs[p], j, support, q, int(sp.weights[groups].sum()))
            )
    return EarOutcome(tuple(s.project for s in steps), tuple(steps))


def _quotas(sp: SatProfile) -> dict[int, Fraction]:
    """Each project's quota: its share of the voters, as its cost is of the budget. With no budget, only
    free projects have one."""
    n, budget = sp.n_voters, sp.budget
    return {
        p: Fraction(n * sp.costs[p], budget) if sp.costs[p] else Fraction(0)
        for p in range(sp.n_projects)
        if budget or not sp.costs[p]
    }


def _supports_reaching_quota(
    sp: SatProfile,
    open_: list[int],
    quota: dict[int, Fraction],
    support_f: np.ndarray,
    in_top: np.ndarray,
    vals: list[Fraction],
    cls: np.ndarray,
) -> dict[int, Fraction]:
    """The open projects whose exact support reaches their quota, with that support; the float support
    `support_f` rules out the others first."""
    exact: dict[int, Fraction] = {}
    for p in open_:
        if not (support_f[p] > 0 and support_f[p] >= float(quota[p]) * (1 - _REL)):
            continue
        s = _exact_support(sp, p, in_top, vals, cls)
        if s > 0 and s >= quota[p]:
            exact[p] = s
    return exact


def _pay(
    groups: np.ndarray, factor: Fraction, vals: list[Fraction], valsf: np.ndarray, cls: np.ndarray
) -> np.ndarray:
    """The supporters in `groups` pay for a funded project: each weight class among them is scaled by
    `factor` into a new class (appended to `vals`; 0 stays class 0). Returns the float weights."""
    uniq, inv = np.unique(cls[groups], return_inverse=True)
    new = np.empty(len(uniq), dtype=np.int64)
    added = []
    for k, c in enumerate(uniq):
        v = vals[c] * factor
        if v == 0:
            new[k] = 0
        else:
            new[k] = len(vals)
            vals.append(v)
            added.append(float(v))
    cls[groups] = new[inv.reshape(-1)]
    return np.concatenate([valsf, np.array(added)]) if added else valsf


def _exact_support(
    sp: SatProfile, p: int, in_top: np.ndarray, vals: list[Fraction], cls: np.ndarray
) -> Fraction:
    sl = sp.project_slice(p)
    groups = sp.entry_group[sl][in_top[sl]]
    counts = np.bincount(cls[groups], weights=sp.weights[groups].astype(np.float64))
    total = Fraction(0)
    for c in np.nonzero(counts)[0]:
        total += int(counts[c]) * vals[c]
    return total


def entry_positions(sp: SatProfile) -> np.ndarray:
    """Rank (0 = first) of the project of every entry in its group's ballot."""
    pos = np.empty(len(sp.entry_group), dtype=np.int64)
    eproj = np.repeat(np.arange(sp.n_projects), np.diff(sp.offsets))
    index = {pid: i for i, pid in enumerate(sp.project_ids)}
    lookup = {}
    for g, ballot in enumerate(sp.group_ballots):
        for r, pid in enumerate(ballot):
            lookup[(g, index[pid])] = r
    for e in range(len(pos)):
        pos[e] = lookup[(int(sp.entry_group[e]), int(eproj[e]))]
    return pos


def count_ear(election: Election, options: CountOptions) -> RuleRun:
    sp = build_profile(election, "cardinality")
    out = pb_ear(sp, entry_positions(sp), tie_breaking=options.tie_breaking, watch=options.watch)
    options.watch.report(1.0, "PB-EAR: done")
    return RuleRun(out.selected, partial(explain_ear, election, out))


def explain_ear(election: Election, out: EarOutcome) -> Explanation:
    names = project_names(election)
    steps = [
        {
            "id": s.project,
            "name": names[s.project],
            "cost": s.cost,
            "depth": s.depth,
            "support": shown(s.support),
            "support_exact": exact(s.support),
            "quota": shown(s.quota),
            "quota_exact": exact(s.quota),
            "supporters": s.supporters,
            "text": f"{s.supporters} voters ranked it in their top {s.depth}; their weight {shown(s.support)} "
            f"reached its quota {shown(s.quota)}",
        }
        for s in out.steps
    ]
    funded = set(out.selected)
    return {
        "kind": "ear",
        "steps": steps,
        "not_funded": [
            {"id": p.id, "name": p.name, "cost": p.cost} for p in election.projects if p.id not in funded
        ],
    }

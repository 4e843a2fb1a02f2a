"""LEXIMIN (and MAXIMIN) lotteries over type panels, solved with HiGHS.

Following Flanigan, Gölz, Gupta, Hennig, Procaccia (Nature 596, 2021), over types instead of people, in
two ways that give the same answer:

1. Direct (LEXIMIN only; `from_relaxation`). The LEXIMIN over the LP relaxation P of the type-count
   polytope is a sequence of compact LPs (a fraction of a second even for sf_e's 800 types). Every
   lottery's expected counts lie in P, so that vector bounds every lottery's from above in leximin order;
   decompose.py looks for a lottery of integer panels that reaches it exactly. When it finds one, that
   lottery is the LEXIMIN at every level, with no master LP and no pricing proof at all.
2. General (MAXIMIN; LEXIMIN where P's LEXIMIN is no mix of integer panels, as on many tiny pools).
   Stage by stage (see master.py): maximise the lowest probability z of the types still free over the
   panels found so far (the restricted master, seeded with the direct way's panels), and price new panels
   until a proof says the stage is optimal. Two proofs: the master reaches the stage's bound over P (then
   the types with a positive dual there are at z in every optimal lottery), or pricing shows no panel
   beats the master's duals (then the types with a positive master dual are). Those types are fixed at z
   -- as lower bounds, so later stages never lower them -- and the next stage maximises the minimum of the
   rest. MAXIMIN stops after the first stage.

Every level is exact up to the LP tolerances (about 1e-7; tests/sortition/test_exact.py checks 1e-6
against a brute force and covers both ways): no dual is capped.

Deadlines: the direct way's walk gets WALK_SHARE of the time; cut short, it hands its panels to the general
way. The master always holds a valid lottery over panels that cover everyone who can sit on one, so at the
deadline the current one is returned, flagged as not proved optimal (the levels fixed so far are optimal;
the others are not).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from participate.sortition.decompose import decompose
from participate.sortition.distribution import TypeDistribution
from participate.sortition.errors import SortitionError
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.master import DUAL_EPS, TARGET_SLACK, Master, Relaxation
from participate.sortition.pricing import PanelOracle, Priced
from participate.sortition.solver import FloatArray, IntArray
from participate.sortition.types import TypeModel

PRICE_TOL = 1e-9  # a panel must beat the duals by this much (it is also the stage's optimality gap)
LEVEL_TOL = 1e-8  # a lottery this close to P's LEXIMIN (per person) is taken as reaching it
STAGE_TOL = 1e-8  # a master this close to the relaxation's bound is optimal (levels exact to 1e-6)
MAX_ROUNDS = 1_000_000
BATCH = 10  # extra pricings per master solve (6 features x 300 people: 893 -> 133 master solves)
NOISE = 0.2
PROGRESS_ROUNDS = 20  # long stages report now and then, not only when they end
# The walk's share of the time before a deadline. A walk cut short has built part of the fairest lottery and
# left the other types on no panel yet; the rest of the time goes to the general algorithm, which covers
# them and raises the lowest probability over the walk's panels (5,000 people x 8 features, 60 s: 0 -> 0.015
# against the optimum's 0.018).
WALK_SHARE = 0.75

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Optimised:
    distribution: TypeDistribution
    optimal: bool  # False: stopped at the deadline, only the first `stages` levels are proved
    message: str
    stages: int
    rounds: int  # master LP solves (direct way: steps of the walk)
    lp_pricings: int
    ilp_pricings: int  # pricing ILPs (direct way: MIPs looking for a panel in a face)
    way: str = "general"  # "direct": a lottery reaching P's LEXIMIN (see the module docstring)


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _first_panel(model: TypeModel, oracle: PanelOracle) -> IntArray:
    priced = oracle.price(1.0 / model.sizes, -np.inf)
    panel = priced.panel if priced.panel is not None else oracle.best(1.0 / model.sizes)
    if panel is None:
        raise_infeasible(model)
    return panel


def _cover(
    model: TypeModel, oracle: PanelOracle, deadline: float | None, seeds: list[IntArray]
) -> tuple[list[IntArray], np.ndarray, bool]:
    """Panels covering every type that is on some feasible panel: (panels, covered mask, complete)."""
    panels = [_first_panel(model, oracle), *seeds]
    covered = np.any(np.array(panels) > 0, axis=0)
    while not covered.all():
        if _expired(deadline):
            return panels, covered, False
        priced = oracle.price((~covered).astype(float) / model.sizes, PRICE_TOL, deadline=deadline)
        if priced.timed_out:
            return panels, covered, False
        if priced.panel is None:
            break
        panels.append(priced.panel)
        covered |= priced.panel > 0
    return panels, covered, True


class _ColumnGeneration:
    """The master, the pricing oracle and the panels found so far, for one optimisation."""

    def __init__(self, model: TypeModel, oracle: PanelOracle, active: IntArray, panels: list[IntArray]):
        self.model = model
        self.oracle = oracle
        self.master = Master(model, active)
        self.active = active
        self.seen: set[bytes] = set()
        self.noise = np.random.default_rng(0)
        self.stages = self.rounds = 0
        for panel in panels:
            self.add(panel)

    def add(self, panel: IntArray) -> bool:
        if panel.tobytes() in self.seen:
            return False
        self.seen.add(panel.tobytes())
        self.master.add(panel)
        return True

    def improve(self, y: FloatArray, free: np.ndarray, deadline: float | None) -> Priced:
        """Price at the master's duals `y`; add the panel found and a batch of other improving ones."""
        weights = np.zeros(self.model.n_types)
        weights[self.active] = y / max(float(y[free].sum()), 1e-300) / self.master.sizes
        threshold = float((np.array(self.master.panels) @ weights).max()) + PRICE_TOL
        priced = self.oracle.price(weights, threshold, deadline=deadline)
        if priced.panel is None or not self.add(priced.panel):
            return Priced(None, priced.timed_out)
        # a master solve costs far more than a heuristic pricing: add a batch of other improving panels,
        # priced at randomly perturbed duals (a seeded generator, so runs are reproducible)
        for _ in range(BATCH):
            noisy = weights * self.noise.uniform(1 - NOISE, 1 + NOISE, len(weights))
            extra = self.oracle.heuristic(noisy)
            if extra is not None and float(weights @ extra) > threshold:
                self.add(extra)
        return priced

    def result(self, lam: FloatArray, *, optimal: bool, message: str = "") -> Optimised:
        counts, weights = self.master.lottery(lam)
        return Optimised(
            TypeDistribution(self.model, counts, weights),
            optimal,
            message,
            self.stages,
            self.rounds,
            self.oracle.lp_calls,
            self.oracle.ilp_calls,
        )


def _stopped(stages: int) -> str:
    proved = (
        f"the lowest {stages} probability levels are proved optimal (LEXIMIN), the others are not"
        if stages
        else "no probability level is proved optimal yet"
    )
    return (
        f"Stopped at the deadline: {proved}. This lottery is valid and gives a chance to everyone who can sit "
        "on a panel, but it may not be the fairest; a longer time limit gives a fairer one."
    )


def _valid(model: TypeModel, panels: IntArray) -> bool:
    rows, lo, hi = model.constraint_rows()
    counts = panels @ rows.T
    return bool(
        np.all(panels >= 0)
        and np.all(panels <= model.sizes)
        and np.all(counts >= lo - 0.5)
        and np.all(counts <= hi + 0.5)
    )


def _forward_only(progress: Progress | None) -> Progress | None:
    """`progress` as a bar that never moves back: a walk that hands over to the general way has built a
    share of the lottery, while the general way counts the people whose level is proved, from 0 again."""
    if progress is None:
        return None
    furthest = 0.0

    def report(fraction: float, message: str) -> None:
        nonlocal furthest
        furthest = max(furthest, fraction)
        progress(furthest, message)

    return report


def _walk_deadline(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    now = time.monotonic()
    return now + WALK_SHARE * max(deadline - now, 0.0)


def from_relaxation(
    model: TypeModel, progress: Progress | None, deadline: float | None
) -> Optimised | list[IntArray]:
    """The LEXIMIN as a lottery whose expected counts are the LEXIMIN over P, when the panels allow one.

    Every lottery's expected counts lie in P, so P's LEXIMIN is above every lottery's in leximin order; a
    lottery that reaches it is optimal at every level (up to LEVEL_TOL). Otherwise (P's LEXIMIN is not a
    mix of integer panels, or the walk's share of the time ran out) the panels found, to seed the general
    algorithm.
    """
    relaxed = Relaxation(model, np.arange(model.n_types), slack=TARGET_SLACK).leximin()
    if relaxed is None:  # pragma: no cover - an LP failed numerically: the general algorithm decides
        return []
    target, stages = relaxed
    if progress is not None:
        progress(0.0, f"levels planned: {stages}; building the lottery")
    found = decompose(model, target, deadline=_walk_deadline(deadline), progress=progress)
    if not found.complete:
        return found.panels
    panels = np.array(found.panels)
    weights = np.array(found.weights)
    sizes = np.asarray(model.sizes, dtype=float)
    off = float(np.max(np.abs(weights @ panels - target) / sizes))
    if off > LEVEL_TOL or abs(weights.sum() - 1.0) > LEVEL_TOL or not _valid(model, panels):
        return found.panels  # pragma: no cover - rounding beyond the tolerances: prove it the long way
    dist = TypeDistribution(model, panels, weights / weights.sum())
    return Optimised(dist, True, "", stages, found.steps, 0, found.mips, way="direct")


def optimise(
    model: TypeModel,
    *,
    maximin_only: bool = False,
    progress: Progress | None = None,
    deadline: float | None = None,
) -> Optimised:
    """LEXIMIN (or, with `maximin_only`, MAXIMIN) lottery over type panels.

    `progress(fraction, message)` hears how far it is: on the direct way the share of the lottery built,
    every few steps of the walk; on the general way the share of the people whose level is settled, after
    each stage and every PROGRESS_ROUNDS rounds within one. `deadline` is a `time.monotonic()` value after
    which the best lottery so far is returned, marked not optimal.
    """
    progress = _forward_only(progress)
    if model.seats == 0 or model.n_types == 0:
        return _nobody_to_choose(model)
    seeds: list[IntArray] = []
    if not maximin_only:
        direct = from_relaxation(model, progress, deadline)
        if isinstance(direct, Optimised):
            return direct
        seeds = direct
    oracle = PanelOracle(model)
    panels, covered, complete = _cover(model, oracle, deadline, seeds)
    if not complete:
        uniform = TypeDistribution(model, np.array(panels), np.full(len(panels), 1.0 / len(panels)))
        message = (
            "Stopped at the deadline while looking for the first panels: this lottery is valid but not fair."
        )
        return Optimised(uniform, False, message, 0, 0, oracle.lp_calls, oracle.ilp_calls)
    active = np.flatnonzero(covered)
    search = _ColumnGeneration(model, oracle, active, panels)
    relaxation = None if maximin_only else Relaxation(model, active)
    return _settle_the_levels(search, relaxation, progress, deadline)


def _nobody_to_choose(model: TypeModel) -> Optimised:
    """Every seat is taken by the people who must be on the panel (or nobody is left to choose from)."""
    if model.seats > 0:
        raise_infeasible(model)
    dist = TypeDistribution(model, np.zeros((1, model.n_types), dtype=int), np.ones(1))
    return Optimised(dist, True, "", 0, 0, 0, 0)


def _settle_the_levels(
    search: _ColumnGeneration,
    relaxation: Relaxation | None,
    progress: Progress | None,
    deadline: float | None,
) -> Optimised:
    """Raise the lowest level of selection probability, stage by stage: each stage fixes the people whose
    level can rise no further (MAXIMIN: no `relaxation`, one stage)."""
    master = search.master
    people = master.sizes
    free = np.ones(len(people), dtype=bool)
    bound, bound_duals = relaxation.solve() if relaxation is not None else (np.inf, np.zeros(len(people)))
    while search.rounds < MAX_ROUNDS:
        z, lam, y = master.solve()
        search.rounds += 1
        if z >= bound - STAGE_TOL:
            stuck = free & (bound_duals > DUAL_EPS)
        else:
            priced = search.improve(y, free, deadline) if not _expired(deadline) else Priced(None, True)
            if priced.timed_out:
                return search.result(lam, optimal=False, message=_stopped(search.stages))
            if priced.panel is not None:
                if progress is not None and search.rounds % PROGRESS_ROUNDS == 0:
                    settled = float(people[~free].sum() / people.sum())
                    progress(
                        settled, f"stage {search.stages + 1}: level {z:.6f} so far, {search.rounds} rounds"
                    )
                continue
            stuck = _stuck_by_the_duals(free, y)
        search.stages += 1
        master.fix(np.flatnonzero(stuck), z)
        free &= ~stuck
        if progress is not None:
            settled = float(people[~free].sum() / people.sum())
            progress(settled, f"stage {search.stages}: level {z:.6f} for {int(people[stuck].sum())} people")
        if relaxation is None or not free.any():
            return search.result(lam, optimal=True)
        relaxation.fix(np.flatnonzero(stuck), z)
        bound, bound_duals = relaxation.solve()
    raise SortitionError("The selection did not converge.")  # pragma: no cover


def _stuck_by_the_duals(free: np.ndarray, y: np.ndarray) -> np.ndarray:
    stuck = free & (y > DUAL_EPS)
    if not stuck.any():  # pragma: no cover - the free duals sum to 1
        stuck = free & (y >= y[free].max())
    return stuck

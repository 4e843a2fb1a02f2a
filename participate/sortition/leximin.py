"""LEXIMIN (and MAXIMIN) by column generation over types, solved with HiGHS.

Following Flanigan, Gölz, Gupta, Hennig, Procaccia (Nature 596, 2021), over types instead of people.
Stage by stage (see master.py): maximise the lowest probability z of the types still free over the
panels found so far (the restricted master), and price new panels until a proof says the stage is
optimal. Two proofs: the master reaches the stage's bound over the LP relaxation P of the type-count
polytope (then the types with a positive dual there are at z in every optimal lottery), or pricing shows
no panel beats the master's duals (then the types with a positive master dual are). Those types are
fixed at z -- as lower bounds, so later stages never lower them -- and the next stage maximises the
minimum of the rest. Every level is exact up to the LP tolerances (1e-9): no dual is capped.
MAXIMIN stops after the first stage.

Deadlines: the master always holds a valid lottery, so at the deadline the current one is returned,
flagged as not proved optimal (the levels fixed so far are optimal; the others are not).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.errors import SortitionError
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.master import Master, Relaxation
from participate.sortition.pricing import PanelOracle
from participate.sortition.solver import FloatArray, IntArray
from participate.sortition.types import TypeModel

PRICE_TOL = 1e-9  # a panel must beat the duals by this much (it is also the stage's optimality gap)
STAGE_TOL = 1e-9
DUAL_EPS = 1e-8
MAX_ROUNDS = 1_000_000

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Optimised:
    distribution: TypeDistribution
    optimal: bool  # False: stopped at the deadline, only the first `stages` levels are proved
    message: str
    stages: int
    rounds: int  # master LP solves
    lp_pricings: int
    ilp_pricings: int


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _first_panel(model: TypeModel, oracle: PanelOracle) -> IntArray:
    priced = oracle.price(1.0 / model.sizes, -np.inf)
    panel = priced.panel if priced.panel is not None else oracle.best(1.0 / model.sizes)
    if panel is None:
        raise_infeasible(model)
    return panel


def _cover(
    model: TypeModel, oracle: PanelOracle, deadline: float | None
) -> tuple[list[IntArray], np.ndarray, bool]:
    """Panels covering every type that is on some feasible panel: (panels, covered mask, complete)."""
    panels = [_first_panel(model, oracle)]
    covered = panels[0] > 0
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


def _uniform(model: TypeModel, panels: list[IntArray]) -> TypeDistribution:
    return TypeDistribution(model, np.array(panels), np.full(len(panels), 1.0 / len(panels)))


def optimise(
    model: TypeModel,
    *,
    maximin_only: bool = False,
    progress: Progress | None = None,
    deadline: float | None = None,
) -> Optimised:
    """LEXIMIN (or, with `maximin_only`, MAXIMIN) lottery over type panels.

    `progress(fraction, message)` is called after each stage (fraction: share of the people whose level
    is settled); `deadline` is a `time.monotonic()` value after which the best lottery so far is returned.
    """
    t = model.n_types
    if model.seats == 0 or t == 0:
        if model.seats > 0:
            raise_infeasible(model)
        dist = TypeDistribution(model, np.zeros((1, t), dtype=int), np.ones(1))
        return Optimised(dist, True, "", 0, 0, 0, 0)
    oracle = PanelOracle(model)
    panels, covered, complete = _cover(model, oracle, deadline)
    if not complete:
        return Optimised(
            _uniform(model, panels),
            False,
            "Stopped at the deadline while looking for the first panels: this lottery is valid but not fair.",
            0,
            0,
            oracle.lp_calls,
            oracle.ilp_calls,
        )
    active = np.flatnonzero(covered)
    master = Master(model, active)
    for panel in panels:
        master.add(panel)
    seen = {panel.tobytes() for panel in panels}
    relaxation = None if maximin_only else Relaxation(model, active)
    people = master.sizes
    free = np.ones(len(active), dtype=bool)
    stages = rounds = 0
    bound, bound_duals = relaxation.solve() if relaxation is not None else (np.inf, np.zeros(len(active)))
    lam: FloatArray = np.zeros(0)
    while rounds < MAX_ROUNDS:
        z, lam, y = master.solve()
        rounds += 1
        if z >= bound - STAGE_TOL:
            stuck = free & (bound_duals > DUAL_EPS)
        else:
            if _expired(deadline):
                break
            y = y / max(float(y[free].sum()), 1e-300)
            weights = np.zeros(t)
            weights[active] = y / people
            a_matrix = np.array(master.panels)
            threshold = float((a_matrix @ weights).max()) + PRICE_TOL
            priced = oracle.price(weights, threshold, deadline=deadline)
            if priced.timed_out:
                break
            if priced.panel is not None and priced.panel.tobytes() not in seen:
                seen.add(priced.panel.tobytes())
                master.add(priced.panel)
                continue
            stuck = free & (y > DUAL_EPS)
            if not stuck.any():  # pragma: no cover - the free duals sum to 1
                stuck = free & (y >= y[free].max())
        stages += 1
        master.fix(np.flatnonzero(stuck), z)
        free &= ~stuck
        if progress is not None:
            settled = float(people[~free].sum() / people.sum())
            progress(
                settled,
                f"stage {stages}: level {z:.6f} settled for {int(people[stuck].sum())} people (bound {bound:.6f})",
            )
        if maximin_only or not free.any():
            counts, weights_ = master.lottery(lam)
            return Optimised(
                TypeDistribution(model, counts, weights_),
                True,
                "",
                stages,
                rounds,
                oracle.lp_calls,
                oracle.ilp_calls,
            )
        assert relaxation is not None
        relaxation.fix(np.flatnonzero(stuck), z)
        bound, bound_duals = relaxation.solve()
    if rounds >= MAX_ROUNDS:  # pragma: no cover
        raise SortitionError("The selection did not converge.")
    counts, weights_ = master.lottery(lam)
    return Optimised(
        TypeDistribution(model, counts, weights_),
        False,
        f"Stopped at the deadline: the lowest {stages} probability levels are proved optimal "
        "(LEXIMIN), the others are not; this lottery is valid but may not be the fairest.",
        stages,
        rounds,
        oracle.lp_calls,
        oracle.ilp_calls,
    )

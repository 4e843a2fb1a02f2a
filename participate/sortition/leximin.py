"""LEXIMIN (and MAXIMIN) by column generation over types, solved with HiGHS.

Following Flanigan, Gölz, Gupta, Hennig, Procaccia (Nature 596, 2021), over types instead of people.
With a_tj = c_tj / n_t the probability that a given person of type t is on type panel j, the primal of
one stage is

    max z  s.t.  sum_j a_tj λ_j >= z  (types not fixed yet),  >= f_t (fixed types),  sum_j λ_j = 1.

We solve its dual over the panels found so far,

    min ŷ - sum_{t fixed} f_t y_t  s.t.  sum_t a_tj y_t <= ŷ  for every panel j,  sum_{t free} y_t = 1,

and price a new panel with the ILP  max_c sum_t (y_t / n_t) c_t  over the integer type counts c that meet
the panel size, every quota and the household rule. When no panel prices above ŷ the stage is optimal:
its value z* is the best achievable minimum among the free types, and the free types with a positive
dual are at z* in every optimal lottery (complementary slackness), so they are fixed to z* and the next
stage maximises the minimum of the rest. MAXIMIN stops after the first stage.
"""

from __future__ import annotations

import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.solver import INF, solve
from participate.sortition.types import TypeModel

PRICE_TOL = 1e-9
DUAL_EPS = 1e-7
FIX_SLACK = 1e-10
MAX_ROUNDS = 10_000


class PanelOracle:
    """Finds the type panel of largest weight (the pricing ILP)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self.rows, self.lo, self.hi = model.constraint_rows()
        self.calls = 0

    def best(self, weights: np.ndarray) -> np.ndarray | None:
        self.calls += 1
        t = self.model.n_types
        sol = solve(
            weights,
            self.rows,
            self.lo,
            self.hi,
            np.zeros(t),
            self.model.sizes,
            integer=np.ones(t, dtype=bool),
            maximize=True,
        )
        if sol.status != "optimal" or sol.x is None:
            return None
        return np.rint(sol.x).astype(int)


def _initial_panels(model: TypeModel, oracle: PanelOracle) -> tuple[list[np.ndarray], np.ndarray]:
    """Panels covering every type that is on some feasible panel; returns (panels, coverable mask)."""
    t = model.n_types
    first = oracle.best(1.0 / model.sizes)
    if first is None:
        raise_infeasible(model)
    panels = [first]
    covered = first > 0
    while not covered.all():
        c = oracle.best((~covered).astype(float) / model.sizes)
        if c is None or not (c[~covered] > 0).any():
            break
        panels.append(c)
        covered |= c > 0
    for k in np.flatnonzero(~covered):
        if covered[k]:
            continue
        weights = np.zeros(t)
        weights[k] = 1.0
        c = oracle.best(weights)
        if c is not None and c[k] > 0:
            panels.append(c)
            covered |= c > 0
    return panels, covered


def _solve_dual(a: np.ndarray, free: np.ndarray, fixed_values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Dual LP over the panels' incidence `a` (panels, active types). Returns (y, ŷ, objective)."""
    j, t = a.shape
    # variables: y_0..y_{t-1} >= 0, ŷ free
    cost = np.concatenate([-np.where(free, 0.0, fixed_values), [1.0]])
    matrix = np.zeros((j + 1, t + 1))
    matrix[:j, :t] = a
    matrix[:j, t] = -1.0
    matrix[j, :t] = free.astype(float)
    lo = np.concatenate([np.full(j, -INF), [1.0]])
    hi = np.concatenate([np.zeros(j), [1.0]])
    col_lo = np.concatenate([np.zeros(t), [-INF]])
    col_hi = np.full(t + 1, INF)
    sol = solve(cost, matrix, lo, hi, col_lo, col_hi)
    if sol.status != "optimal" or sol.x is None:  # pragma: no cover - numerical trouble
        raise RuntimeError(f"dual LP failed: {sol.status}")
    return sol.x[:t], float(sol.x[t]), float(sol.objective)


def _solve_primal(a: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """A basic lottery over the panels giving each active type at least its target (up to ~1e-10)."""
    j, t = a.shape
    cost = np.concatenate([np.zeros(j), [1.0]])  # maximise s (s <= 0): the worst shortfall
    matrix = np.zeros((t + 1, j + 1))
    matrix[:t, :j] = a.T
    matrix[:t, j] = -1.0
    matrix[t, :j] = 1.0
    lo = np.concatenate([targets, [1.0]])
    hi = np.concatenate([np.full(t, INF), [1.0]])
    col_lo = np.concatenate([np.zeros(j), [-INF]])
    col_hi = np.concatenate([np.full(j, INF), [0.0]])
    sol = solve(cost, matrix, lo, hi, col_lo, col_hi, maximize=True)
    if sol.x is None:  # pragma: no cover - numerical trouble
        raise RuntimeError(f"primal LP failed: {sol.status}")
    lam = np.clip(sol.x[:j], 0.0, None)
    lam[lam < 1e-13] = 0.0
    return lam / lam.sum()


def optimise(model: TypeModel, *, maximin_only: bool = False) -> TypeDistribution:
    """LEXIMIN (or, with `maximin_only`, MAXIMIN) lottery over type panels."""
    t = model.n_types
    if model.seats == 0 or t == 0:
        if model.seats > 0:
            raise_infeasible(model)
        return TypeDistribution(model, np.zeros((1, t), dtype=int), np.ones(1))
    oracle = PanelOracle(model)
    panels, covered = _initial_panels(model, oracle)
    active = np.flatnonzero(covered)
    sizes = model.sizes[active]
    seen = {tuple(p) for p in panels}
    free = np.ones(len(active), dtype=bool)
    fixed_values = np.zeros(len(active))

    for _ in range(MAX_ROUNDS):
        a = np.array(panels)[:, active] / sizes
        y, y_hat, objective = _solve_dual(a, free, fixed_values)
        weights = np.zeros(t)
        weights[active] = np.clip(y, 0.0, None) / sizes
        c = oracle.best(weights)
        value = float(weights @ c) if c is not None else -INF
        if c is not None and value > y_hat + PRICE_TOL and tuple(c) not in seen:
            panels.append(c)
            seen.add(tuple(c))
            continue
        # stage optimal: z* = objective
        z = objective
        if maximin_only:
            fixed_values[free] = z - FIX_SLACK
            free[:] = False
        else:
            at_min = free & (y > DUAL_EPS)
            if not at_min.any():
                at_min = np.zeros_like(free)
                at_min[np.argmax(np.where(free, y, -INF))] = True
            fixed_values[at_min] = z - FIX_SLACK
            free &= ~at_min
        if not free.any():
            break
    else:  # pragma: no cover
        raise RuntimeError("column generation did not converge")

    a = np.array(panels)[:, active] / sizes
    lam = _solve_primal(a, fixed_values)
    keep = lam > 0
    return TypeDistribution(model, np.array(panels)[keep], lam[keep])

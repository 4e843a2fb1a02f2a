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

import highspy
import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.infeasible import raise_infeasible
from participate.sortition.solver import INF, new_highs, run, solve
from participate.sortition.types import TypeModel

PRICE_TOL = 1e-9
DUAL_EPS = 1e-7
FIX_SLACK = 1e-9
DUAL_BOUND = 1e4
MAX_ROUNDS = 10_000
HEURISTIC_STARTS = 4


class PanelOracle:
    """Finds the type panel of largest weight (the pricing ILP)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self.calls = 0
        t = model.n_types
        rows, lo, hi = model.constraint_rows()
        self.highs = new_highs(mip=True)
        lp = highspy.HighsLp()
        lp.num_col_ = t
        lp.num_row_ = rows.shape[0]
        lp.col_cost_ = np.zeros(t)
        lp.col_lower_ = np.zeros(t)
        lp.col_upper_ = np.asarray(model.sizes, dtype=float)
        lp.row_lower_ = lo
        lp.row_upper_ = hi
        lp.sense_ = highspy.ObjSense.kMaximize
        r, c = np.nonzero(rows)
        starts = np.searchsorted(r, np.arange(rows.shape[0] + 1)).astype(np.int32)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = t
        lp.a_matrix_.num_row_ = rows.shape[0]
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = c.astype(np.int32)
        lp.a_matrix_.value_ = rows[r, c]
        lp.integrality_ = [highspy.HighsVarType.kInteger] * t
        self.highs.passModel(lp)
        self.index = np.arange(t, dtype=np.int32)

    def best(self, weights: np.ndarray) -> np.ndarray | None:
        self.calls += 1
        self.highs.changeColsCost(len(self.index), self.index, np.asarray(weights, dtype=float))
        sol = run(self.highs)
        if sol.status != "optimal" or sol.x is None:
            return None
        return np.rint(sol.x).astype(int)


def local_search(
    model: TypeModel, weights: np.ndarray, start: np.ndarray, *, max_moves: int = 200
) -> np.ndarray:
    """Improve `start` by best single swaps (one person out, one in) that keep every constraint.

    A cheap pricing heuristic: when it finds a panel above the dual bound, the exact ILP is not needed.
    """
    c = start.astype(int).copy()
    inc = model.incidence
    household = np.full(model.n_types, -1)
    for h, group in enumerate(model.households):
        household[list(group)] = h
    for _ in range(max_moves):
        out_ = np.flatnonzero(c > 0)
        in_ = np.flatnonzero(c < model.sizes)
        if not out_.size or not in_.size:
            break
        gain = weights[in_][None, :] - weights[out_][:, None]
        if gain.max() <= 1e-12:
            break
        # A swap out->in is blocked by a quota that cannot lose the one leaving (and the one joining
        # does not share that value), or that cannot gain the one joining (symmetrically).
        q = inc @ c
        stuck_low = q - 1 < model.lower - 1e-9
        stuck_high = q + 1 > model.upper + 1e-9
        blocked = np.zeros(gain.shape, dtype=bool)
        if stuck_low.any():
            rows = inc[stuck_low]
            blocked |= (rows[:, out_].T @ (1 - rows[:, in_])) > 0
        if stuck_high.any():
            rows = inc[stuck_high]
            blocked |= ((1 - rows[:, out_]).T @ rows[:, in_]) > 0
        blocked |= out_[:, None] == in_[None, :]
        if model.households:
            h_count = np.zeros(len(model.households))
            has = household >= 0
            np.add.at(h_count, household[has], c[has])
            h_in = household[in_]
            busy = np.where(h_in >= 0, h_count[np.maximum(h_in, 0)], 0)[None, :]
            same = (h_in[None, :] >= 0) & (household[out_][:, None] == h_in[None, :])
            blocked |= (busy - same) != 0
        gain = np.where(blocked, -np.inf, gain)
        best = np.unravel_index(np.argmax(gain), gain.shape)
        if gain[best] <= 1e-12:
            break
        c[out_[best[0]]] -= 1
        c[in_[best[1]]] += 1
    return c


class DualLP:
    """The stage's dual LP, kept in one HiGHS instance and warm-started as panels are added."""

    def __init__(self, n_active: int) -> None:
        t = n_active
        self.t = t
        self.highs = new_highs(mip=False)
        h = self.highs
        # Primal simplex: once fixed types carry large duals (up to DUAL_BOUND), HiGHS' default dual
        # simplex stalls on this degenerate LP with the tight 1e-9 tolerances (tens of thousands of
        # iterations per re-solve, >60 s for 6 features x 200 people); primal simplex takes a few hundred.
        h.setOptionValue("simplex_strategy", 4)
        lp = highspy.HighsLp()
        lp.num_col_ = t + 1
        lp.num_row_ = 1
        lp.col_cost_ = np.concatenate([np.zeros(t), [1.0]])
        lp.col_lower_ = np.concatenate([np.zeros(t), [-INF]])
        lp.col_upper_ = np.concatenate([np.full(t, DUAL_BOUND), [INF]])
        lp.row_lower_ = np.array([1.0])
        lp.row_upper_ = np.array([1.0])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = t + 1
        lp.a_matrix_.num_row_ = 1
        lp.a_matrix_.start_ = np.array([0, t], dtype=np.int32)
        lp.a_matrix_.index_ = np.arange(t, dtype=np.int32)
        lp.a_matrix_.value_ = np.ones(t)
        h.passModel(lp)

    def add_panel(self, a_row: np.ndarray) -> None:
        nz = np.flatnonzero(a_row)
        idx = np.concatenate([nz, [self.t]]).astype(np.int32)
        val = np.concatenate([a_row[nz], [-1.0]])
        self.highs.addRow(-INF, 0.0, len(idx), idx, val)

    def fix(self, t: int, value: float) -> None:
        self.highs.changeColCost(int(t), -float(value))
        self.highs.changeCoeff(0, int(t), 0.0)

    def solve(self) -> tuple[np.ndarray, float, float]:
        sol = run(self.highs)
        if sol.status != "optimal":  # primal simplex gave up: retry this solve with dual simplex
            self.highs.setOptionValue("simplex_strategy", 1)
            sol = run(self.highs)
            self.highs.setOptionValue("simplex_strategy", 4)
        if sol.status != "optimal" or sol.x is None:  # pragma: no cover - numerical trouble
            raise RuntimeError(f"dual LP failed: {sol.status}")
        return sol.x[: self.t], float(sol.x[self.t]), float(sol.objective)


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


def _solve_primal(a: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """A basic lottery over the panels giving each active type at least its target (up to ~1e-10)."""
    j, t = a.shape
    cost = np.concatenate([np.zeros(j), [1.0]])  # maximise s: the worst shortfall (about 0)
    matrix = np.zeros((t + 1, j + 1))
    matrix[:t, :j] = a.T
    matrix[:t, j] = -1.0
    matrix[t, :j] = 1.0
    lo = np.concatenate([targets, [1.0]])
    hi = np.concatenate([np.full(t, INF), [1.0]])
    col_lo = np.concatenate([np.zeros(j), [-INF]])
    col_hi = np.full(j + 1, INF)
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
    fixed_values = np.zeros(len(active))  # stage optima z*

    dual = DualLP(len(active))
    for panel in panels:
        dual.add_panel(panel[active] / sizes)
    for _ in range(MAX_ROUNDS):
        y, y_hat, objective = dual.solve()
        weights = np.zeros(t)
        weights[active] = np.clip(y, 0.0, None) / sizes
        values = np.array(panels) @ weights
        found = 0
        for start in np.argsort(-values)[:HEURISTIC_STARTS]:
            c = local_search(model, weights, panels[int(start)])
            if float(weights @ c) > y_hat + PRICE_TOL and tuple(c) not in seen:
                panels.append(c)
                seen.add(tuple(c))
                dual.add_panel(c[active] / sizes)
                found += 1
        if found:
            continue
        c = oracle.best(weights)
        value = float(weights @ c) if c is not None else -INF
        if c is not None and value > y_hat + PRICE_TOL and tuple(c) not in seen:
            panels.append(c)
            seen.add(tuple(c))
            dual.add_panel(c[active] / sizes)
            continue
        # stage optimal: z* = objective
        z = objective
        if maximin_only:
            at_min = free.copy()
        else:
            at_min = free & (y > DUAL_EPS)
            if not at_min.any():
                at_min = np.zeros_like(free)
                at_min[np.argmax(np.where(free, y, -INF))] = True
        fixed_values[at_min] = z
        free &= ~at_min
        for k in np.flatnonzero(at_min):
            dual.fix(k, fixed_values[k] - FIX_SLACK)
        if not free.any():
            break
    else:  # pragma: no cover
        raise RuntimeError("column generation did not converge")

    a = np.array(panels)[:, active] / sizes
    lam = _solve_primal(a, fixed_values)
    keep = lam > 0
    return TypeDistribution(model, np.array(panels)[keep], lam[keep])

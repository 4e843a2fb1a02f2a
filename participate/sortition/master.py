"""One LEXIMIN stage as a linear program, in two forms kept warm across stages.

`Master` is the restricted master problem, the standard primal form with panels as columns
(a_tj = c_tj / n_t, the probability that a given person of type t sits on type panel j):

    max z  s.t.  sum_j a_tj λ_j - z >= 0     (types still free)
                 sum_j a_tj λ_j >= f_t - ε   (types fixed at their level f_t)
                 sum_j λ_j = 1,  λ >= 0.

Its duals y_t >= 0 (sum over free types 1) price new panels: a panel c improves the stage iff
sum_t y_t c_t / n_t exceeds ŷ = max over the panels present; and z + (that maximum - ŷ) bounds the
stage's optimum from above (weak duality), so the LP relaxation of pricing gives a proof cheaply.

`Relaxation` is the same stage over the LP relaxation P of the type-count polytope, with expected counts
x in P as variables instead of lotteries. Every lottery's expected counts lie in P, so its optimum bounds
the stage from above; a master that reaches it is proved optimal without pricing, and the types with a
positive dual in it are at the stage's level in every optimal lottery (complementary slackness).
"""

from __future__ import annotations

import numpy as np

from participate.sortition.solver import (
    INF,
    FloatArray,
    IntArray,
    add_column,
    build,
    run,
    set_coefficient,
    set_row_bounds,
    use_primal_simplex,
)
from participate.sortition.types import TypeModel

FIX_SLACK = 1e-8
ROW_TOL = 1e-10  # a lottery short of an absent row by more than this brings the row in
ROWS_PER_ROUND = 50
RELAXATION_SLACK = 1e-7  # looser, so that a level the master reached within its tolerances stays feasible
TARGET_SLACK = 2e-9  # P's own LEXIMIN, a lottery's target: levels only the LP tolerances below optimal
DUAL_EPS = 1e-8  # a type row with a dual above this is at the stage's level


class Master:
    """The restricted master over the `active` types (those on at least one feasible panel).

    Rows are generated lazily: a type's row enters the LP only once the lottery violates it (most types
    sit well above the stage's level), which keeps the simplex basis small. After each solve every
    absent row is checked, so the returned solution and duals are those of the full master.
    """

    def __init__(self, model: TypeModel, active: IntArray) -> None:
        self.active = active
        self.sizes = np.asarray(model.sizes, dtype=float)[active]
        t = len(active)
        self.t = t
        # one row (the lottery sums to 1) and one column (z); type rows and panel columns come later
        self.highs = build([1.0], np.ones((1, 1)) * 0.0, [1.0], [1.0], [-INF], [INF], maximize=True)
        use_primal_simplex(self.highs)  # measured: 3x fewer seconds than dual simplex, 6x than IPM
        self.panels: list[IntArray] = []
        self._a_rows: list[FloatArray] = []  # a_tj of each panel, stacked into `a` when it is read
        self._a = np.zeros((0, t))
        self.row_of = np.full(t, -1)  # LP row of each type, -1 while absent
        self.free = np.ones(t, dtype=bool)
        self.level = np.zeros(t)  # fixed types' levels

    def add(self, panel: IntArray) -> None:
        """Add a type panel (counts over all types of the model)."""
        self.panels.append(panel)
        a = panel[self.active] / self.sizes
        self._a_rows.append(a)
        present = np.flatnonzero((self.row_of >= 0) & (a > 0))
        rows = np.append(self.row_of[present], 0).astype(np.int32)
        add_column(self.highs, 0.0, rows, np.append(a[present], 1.0))

    @property
    def a(self) -> FloatArray:
        """a_tj as (panels, types): the panels added since the last read are stacked on in one copy."""
        if self._a.shape[0] < len(self._a_rows):
            self._a = np.vstack([self._a, *self._a_rows[self._a.shape[0] :]])
        return self._a

    def _add_rows(self, types: IntArray) -> None:
        for k in types:
            row = self.highs.getNumRow()
            nz = np.flatnonzero(self.a[:, k])
            idx = np.append(nz + 1, 0) if self.free[k] else nz + 1
            val = np.append(self.a[nz, k], -1.0) if self.free[k] else self.a[nz, k]
            lower = 0.0 if self.free[k] else self.level[k] - FIX_SLACK
            self.highs.addRow(lower, INF, len(idx), idx.astype(np.int32), val.astype(float))
            self.row_of[k] = row

    def fix(self, types: IntArray, level: float) -> None:
        """Types (indices into `active`) no longer rise with z: they keep at least `level`."""
        self.free[types] = False
        self.level[types] = level
        for k in types:
            if self.row_of[k] >= 0:
                set_coefficient(self.highs, int(self.row_of[k]), 0, 0.0)
                set_row_bounds(self.highs, int(self.row_of[k]), level - FIX_SLACK, INF)

    def _violated(self, z: float, lam: FloatArray) -> IntArray:
        p = lam @ self.a
        need = np.where(self.free, z, self.level - FIX_SLACK)
        short = (self.row_of < 0) & (p < need - ROW_TOL)
        return np.flatnonzero(short)[np.argsort((p - need)[short])][:ROWS_PER_ROUND]

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """(z, λ, y): the stage value over the panels present, the lottery, the type rows' duals."""
        if not (self.free & (self.row_of >= 0)).any():  # z needs a free row to be bounded
            p = np.full(len(self.panels), 1.0 / len(self.panels)) @ self.a
            self._add_rows(np.array([np.flatnonzero(self.free)[np.argmin(p[self.free])]]))
        while True:
            sol = run(self.highs)
            if sol.status != "optimal":  # primal simplex gave up on a degenerate basis: once with dual
                use_primal_simplex(self.highs, False)
                sol = run(self.highs)
                use_primal_simplex(self.highs, True)
            if sol.status != "optimal" or sol.x is None or sol.row_dual is None:  # pragma: no cover
                raise RuntimeError(f"master LP failed: {sol.status}")
            z, lam = float(sol.x[0]), sol.x[1:]
            missing = self._violated(z, lam)
            if not missing.size:
                break
            self._add_rows(missing)
        y = np.zeros(self.t)
        present = self.row_of >= 0
        y[present] = np.clip(-sol.row_dual[self.row_of[present]], 0.0, None)
        return z, lam, y

    def lottery(self, lam: FloatArray) -> tuple[IntArray, FloatArray]:
        weights = np.clip(lam, 0.0, None)
        weights[weights < 1e-13] = 0.0
        keep = weights > 0
        return np.array(self.panels)[keep], weights[keep] / weights[keep].sum()


class Relaxation:
    """The stage over P (continuous expected type counts), updated in place as types are fixed."""

    def __init__(self, model: TypeModel, active: IntArray, *, slack: float = RELAXATION_SLACK) -> None:
        self.slack = slack
        rows, lo, hi = model.constraint_rows()
        n = model.n_types
        t = len(active)
        self.t = t
        self.base_rows = rows.shape[0]
        sizes = np.asarray(model.sizes, dtype=float)
        level_rows = np.zeros((t, n + 1))
        level_rows[np.arange(t), active] = 1.0 / sizes[active]
        level_rows[:, n] = -1.0
        top = np.hstack([rows, np.zeros((rows.shape[0], 1))])
        self.z_col = n
        self.highs = build(
            np.concatenate([np.zeros(n), [1.0]]),
            np.vstack([top, level_rows]),
            np.concatenate([lo, np.zeros(t)]),
            np.concatenate([hi, np.full(t, INF)]),
            np.zeros(n + 1) - np.concatenate([np.zeros(n), [INF]]),
            np.concatenate([sizes, [INF]]),
            maximize=True,
        )
        self.x = np.zeros(n)  # expected type counts at the last solve

    def fix(self, types: IntArray, level: float) -> None:
        for k in types:
            row = self.base_rows + int(k)
            set_coefficient(self.highs, row, self.z_col, 0.0)
            set_row_bounds(self.highs, row, level - self.slack, INF)

    def leximin(self) -> tuple[FloatArray, int] | None:
        """The LEXIMIN over P, stage by stage on this instance: (expected count per type of the model, number
        of stages); None if an LP fails numerically. Fixes every type, so the instance is used up."""
        free = np.ones(self.t, dtype=bool)
        stages = 0
        while free.any():
            z, duals = self.solve()
            stuck = free & (duals > DUAL_EPS)
            if not np.isfinite(z) or not stuck.any():
                return None
            self.fix(np.flatnonzero(stuck), z)
            free &= ~stuck
            stages += 1
        return self.x, stages

    def solve(self) -> tuple[float, FloatArray]:
        """(bound, duals of the type rows); no bound (inf) if the LP fails numerically."""
        sol = run(self.highs)
        if sol.status != "optimal" or sol.row_dual is None or sol.x is None:  # pragma: no cover
            return INF, np.zeros(self.t)
        self.x = sol.x[: self.z_col]
        return sol.objective, np.clip(-sol.row_dual[self.base_rows :], 0.0, None)

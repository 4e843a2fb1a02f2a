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
RELAXATION_SLACK = 1e-7  # looser, so that a level the master reached within its tolerances stays feasible


class Master:
    """The restricted master over the `active` types (those on at least one feasible panel)."""

    def __init__(self, model: TypeModel, active: IntArray) -> None:
        self.active = active
        self.sizes = np.asarray(model.sizes, dtype=float)[active]
        t = len(active)
        self.t = t
        matrix = np.zeros((t + 1, 1))
        matrix[:t, 0] = -1.0
        self.highs = build(
            [1.0],
            matrix,
            np.concatenate([np.zeros(t), [1.0]]),
            np.concatenate([np.full(t, INF), [1.0]]),
            [-INF],
            [INF],
            maximize=True,
        )
        use_primal_simplex(self.highs)  # measured: 3x fewer seconds than dual simplex, 6x than IPM
        self.panels: list[IntArray] = []
        self.rows = np.arange(t + 1, dtype=np.int32)

    def add(self, panel: IntArray) -> None:
        """Add a type panel (counts over all types of the model)."""
        self.panels.append(panel)
        a = panel[self.active] / self.sizes
        nz = np.flatnonzero(a).astype(np.int32)
        add_column(self.highs, 0.0, np.append(nz, self.t).astype(np.int32), np.append(a[nz], 1.0))

    def fix(self, types: IntArray, level: float) -> None:
        """Types (indices into `active`) no longer rise with z: they keep at least `level`."""
        for k in types:
            set_coefficient(self.highs, int(k), 0, 0.0)
            set_row_bounds(self.highs, int(k), level - FIX_SLACK, INF)

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """(z, λ, y): the stage value over the panels present, the lottery, the type rows' duals."""
        sol = run(self.highs)
        if sol.status != "optimal":  # primal simplex gave up on a degenerate basis: once with dual simplex
            use_primal_simplex(self.highs, False)
            sol = run(self.highs)
            use_primal_simplex(self.highs, True)
        if sol.status != "optimal" or sol.x is None or sol.row_dual is None:  # pragma: no cover
            raise RuntimeError(f"master LP failed: {sol.status}")
        y = np.clip(-sol.row_dual[: self.t], 0.0, None)
        return float(sol.x[0]), sol.x[1:], y

    def lottery(self, lam: FloatArray) -> tuple[IntArray, FloatArray]:
        weights = np.clip(lam, 0.0, None)
        weights[weights < 1e-13] = 0.0
        keep = weights > 0
        return np.array(self.panels)[keep], weights[keep] / weights[keep].sum()


class Relaxation:
    """The stage over P (continuous expected type counts), updated in place as types are fixed."""

    def __init__(self, model: TypeModel, active: IntArray) -> None:
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

    def fix(self, types: IntArray, level: float) -> None:
        for k in types:
            row = self.base_rows + int(k)
            set_coefficient(self.highs, row, self.z_col, 0.0)
            set_row_bounds(self.highs, row, level - RELAXATION_SLACK, INF)

    def solve(self) -> tuple[float, FloatArray]:
        """(bound, duals of the type rows); no bound (inf) if the LP fails numerically."""
        sol = run(self.highs)
        if sol.status != "optimal" or sol.row_dual is None:  # pragma: no cover - P holds every lottery
            return INF, np.zeros(self.t)
        return sol.objective, np.clip(-sol.row_dual[self.base_rows :], 0.0, None)

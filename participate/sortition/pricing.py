"""Pricing: the quota-meeting type panel of largest weight, and a proof when none beats a threshold.

A panel is an integer vector c of type counts in the polytope P = {0 <= c <= sizes, sum c = seats,
quota minimums/maximums, at most one per household}. Its LP relaxation solves in milliseconds and is
usually within a fraction of a percent of the integer optimum, while the integer program (ILP) can take
tenths of a second. So `price` first solves the relaxation: if even it cannot beat the threshold, no
panel can (proof without the ILP); if its optimum is integral, that is the best panel; otherwise a tiny
MIP over the types it left fractional (the others fixed at their integral values) usually gives a panel
above the threshold. Only when all that fails does it solve the full ILP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from participate.sortition.solver import (
    FloatArray,
    IntArray,
    Solution,
    build,
    run,
    set_col_bounds,
    set_costs,
    set_time_limit,
)
from participate.sortition.types import TypeModel

INTEGRAL_TOL = 1e-7


@dataclass
class Priced:
    panel: IntArray | None  # a panel above the threshold, or None (none exists, unless timed_out)
    timed_out: bool = False


class PanelOracle:
    """Best type panel for given per-type weights (LP relaxation first, exact ILP when needed)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self.ilp_calls = 0
        self.lp_calls = 0
        rows, lo, hi = model.constraint_rows()
        t = model.n_types
        self.index = np.arange(t, dtype=np.int32)
        self.sizes = np.asarray(model.sizes, dtype=float)

        def make(integer: bool) -> highspy.Highs:
            return build(
                np.zeros(t),
                rows,
                lo,
                hi,
                np.zeros(t),
                self.sizes,
                integer=np.full(t, integer),
                maximize=True,
            )

        self.lp = make(False)
        self.ilp = make(True)

    def _run_ilp(self, weights: FloatArray, time_limit: float | None) -> Solution:
        """The full pricing ILP for `weights`, stopped after `time_limit` seconds (None: no limit)."""
        self.ilp_calls += 1
        set_costs(self.ilp, np.asarray(weights, dtype=float))
        set_time_limit(self.ilp, time_limit)
        return run(self.ilp)

    def best(self, weights: FloatArray) -> IntArray | None:
        """The exact best panel (ILP), None when no panel meets the quotas."""
        sol = self._run_ilp(weights, None)
        if sol.status != "optimal" or sol.x is None:
            return None
        return np.rint(sol.x).astype(int)

    def relaxation(self, weights: FloatArray) -> tuple[float, FloatArray | None]:
        self.lp_calls += 1
        set_costs(self.lp, np.asarray(weights, dtype=float))
        sol = run(self.lp)
        if sol.status != "optimal" or sol.x is None:
            return -np.inf, None
        return sol.objective, sol.x

    def _fractional_mip(self, weights: FloatArray, x: FloatArray) -> IntArray | None:
        """Best panel agreeing with the relaxation on every type it left integral."""
        integral = np.abs(x - np.rint(x)) <= INTEGRAL_TOL
        fixed = np.rint(x[integral])
        idx = self.index[integral]
        set_col_bounds(self.ilp, idx, fixed, fixed)
        try:
            set_costs(self.ilp, np.asarray(weights, dtype=float))
            set_time_limit(self.ilp, None)
            sol = run(self.ilp)
        finally:
            set_col_bounds(self.ilp, idx, np.zeros(len(idx)), self.sizes[integral])
        if sol.status != "optimal" or sol.x is None:
            return None
        return np.rint(sol.x).astype(int)

    def heuristic(self, weights: FloatArray) -> IntArray | None:
        """A good panel for `weights` from the relaxation and the tiny MIP (no proof, no full ILP)."""
        _, x = self.relaxation(weights)
        if x is None:
            return None
        if np.all(np.abs(x - np.rint(x)) <= INTEGRAL_TOL):
            return np.rint(x).astype(int)
        return self._fractional_mip(weights, x)

    def price(self, weights: FloatArray, threshold: float, *, deadline: float | None = None) -> Priced:
        """A panel of weight above `threshold` if one exists."""
        value, x = self.relaxation(weights)
        if x is None or value <= threshold:
            return Priced(None)
        if np.all(np.abs(x - np.rint(x)) <= INTEGRAL_TOL):
            return Priced(np.rint(x).astype(int))
        c = self._fractional_mip(weights, x)
        if c is not None and float(weights @ c) > threshold:
            return Priced(c)
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return Priced(None, timed_out=True)
        sol = self._run_ilp(weights, left)
        if sol.status != "optimal" or sol.x is None:
            return Priced(None, timed_out=sol.status == "time_limit")
        c = np.rint(sol.x).astype(int)
        return Priced(c if float(weights @ c) > threshold else None)

"""The one place that builds HiGHS (highspy) models: quiet and deterministic.

highspy prints a banner on the C-level standard output (file descriptor 1) when the first `Highs()` of
a process is created, before any option can be set; a `--format json` answer would then start with two
non-JSON lines. So every instance is created while descriptor 1 points at descriptor 2 (stderr).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

INF: float = float(highspy.kHighsInf)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int_]

_redirect_lock = threading.Lock()
_redirect_depth = 0
_saved_stdout: int | None = None


@contextlib.contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at descriptor 2 while native code may print (re-entrant, thread-safe)."""
    global _redirect_depth, _saved_stdout
    with _redirect_lock:
        if _redirect_depth == 0:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            try:
                _saved_stdout = os.dup(1)
                os.dup2(2, 1)
            except OSError:  # no descriptor 1 or 2 (a daemon): nothing to protect
                _saved_stdout = None
        _redirect_depth += 1
    try:
        yield
    finally:
        with _redirect_lock:
            _redirect_depth -= 1
            if _redirect_depth == 0 and _saved_stdout is not None:
                os.dup2(_saved_stdout, 1)
                os.close(_saved_stdout)
                _saved_stdout = None


@dataclass
class Solution:
    status: str  # "optimal", "infeasible", "time_limit", "other"
    x: FloatArray | None
    objective: float
    row_dual: FloatArray | None = None


def new_highs(*, mip: bool, mip_gap: float = 1e-9, time_limit: float | None = None) -> highspy.Highs:
    """A quiet, deterministic HiGHS instance with tight tolerances."""
    with native_stdout_to_stderr():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
    # No "threads" option: HiGHS has one task scheduler per process, sized by the first instance that
    # runs; an instance asking for another size then refuses to run (status error). The default is safe
    # whatever else in the process (a test, another engine) created HiGHS first.
    h.setOptionValue("random_seed", 0)
    if mip:
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("mip_abs_gap", 1e-10)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    else:
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    if time_limit is not None:
        set_time_limit(h, time_limit)
    return h


def set_time_limit(h: highspy.Highs, seconds: float | None) -> None:
    h.setOptionValue("time_limit", INF if seconds is None else max(float(seconds), 1e-3))


def use_primal_simplex(h: highspy.Highs, primal: bool = True) -> None:
    """Primal simplex re-optimises fast after columns are added (the basis stays primal feasible)."""
    h.setOptionValue("simplex_strategy", 4 if primal else 1)


def _csr(matrix: npt.ArrayLike) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], FloatArray]:
    dense = np.asarray(matrix, dtype=float)
    rows, cols = np.nonzero(dense)
    starts = np.searchsorted(rows, np.arange(dense.shape[0] + 1)).astype(np.int32)
    return starts, cols.astype(np.int32), dense[rows, cols]


def build(
    cost: npt.ArrayLike,
    matrix: npt.ArrayLike,
    row_lower: npt.ArrayLike,
    row_upper: npt.ArrayLike,
    col_lower: npt.ArrayLike,
    col_upper: npt.ArrayLike,
    *,
    integer: npt.ArrayLike | None = None,
    maximize: bool = False,
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
) -> highspy.Highs:
    """A HiGHS instance holding min/max cost·x s.t. row_lower <= matrix·x <= row_upper, column bounds
    and an optional integrality mask."""
    costs = np.asarray(cost, dtype=float)
    n_cols = len(costs)
    dense = np.asarray(matrix, dtype=float).reshape(-1, n_cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = dense.shape[0]
    lp.col_cost_ = costs
    lp.col_lower_ = np.asarray(col_lower, dtype=float)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    starts, index, value = _csr(dense)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = dense.shape[0]
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    is_mip = integer is not None and bool(np.any(integer))
    if is_mip:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in np.asarray(integer, dtype=bool)
        ]
    h = new_highs(mip=is_mip, mip_gap=mip_gap, time_limit=time_limit)
    h.passModel(lp)
    return h


def run(h: highspy.Highs) -> Solution:
    """Run a prepared HiGHS instance and collect the solution."""
    h.run()
    status = h.getModelStatus()
    solution = h.getSolution()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        name = "infeasible"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        name = "time_limit"
    else:
        name = "other"
    has_x = name == "optimal" or (name == "time_limit" and info.primal_solution_status == 2)
    x = np.array(solution.col_value, dtype=float) if has_x else None
    duals = np.array(solution.row_dual, dtype=float) if name == "optimal" and solution.dual_valid else None
    objective = float(info.objective_function_value) if has_x else float("nan")
    return Solution(name, x, objective, duals)


def add_column(h: highspy.Highs, cost: float, rows: npt.NDArray[np.int32], values: FloatArray) -> None:
    h.addCol(float(cost), 0.0, INF, len(rows), rows.astype(np.int32), values.astype(float))


def set_costs(h: highspy.Highs, costs: FloatArray) -> None:
    n = len(costs)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(costs, dtype=float))


def set_col_bounds(
    h: highspy.Highs, cols: npt.NDArray[np.int32], lower: FloatArray, upper: FloatArray
) -> None:
    h.changeColsBounds(len(cols), cols.astype(np.int32), lower.astype(float), upper.astype(float))


def set_row_bounds(h: highspy.Highs, row: int, lower: float, upper: float) -> None:
    h.changeRowBounds(int(row), float(lower), float(upper))


def set_coefficient(h: highspy.Highs, row: int, col: int, value: float) -> None:
    h.changeCoeff(int(row), int(col), float(value))

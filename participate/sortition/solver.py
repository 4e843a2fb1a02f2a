"""Thin helpers around HiGHS (highspy): build an LP/MIP from numpy arrays and solve it."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

INF = highspy.kHighsInf


@dataclass
class Solution:
    status: str  # "optimal", "infeasible", "time_limit", "other"
    x: np.ndarray | None
    objective: float
    row_dual: np.ndarray | None = None


def _csr(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    matrix = np.asarray(matrix, dtype=float)
    rows, cols = np.nonzero(matrix)
    starts = np.zeros(matrix.shape[0] + 1, dtype=np.int32)
    np.add.at(starts, rows + 1, 1)
    starts = np.cumsum(starts).astype(np.int32)
    return starts, cols.astype(np.int32), matrix[rows, cols]


def solve(
    cost: np.ndarray,
    matrix: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    *,
    integer: np.ndarray | None = None,
    maximize: bool = False,
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
) -> Solution:
    """Solve min/max cost·x s.t. row_lower <= matrix·x <= row_upper, col bounds, integrality mask."""
    n_rows, n_cols = np.asarray(matrix).shape if np.asarray(matrix).size else (len(row_lower), len(cost))
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(col_lower, dtype=float)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    if n_rows:
        starts, index, value = _csr(matrix)
    else:
        starts, index, value = np.zeros(1, dtype=np.int32), np.zeros(0, np.int32), np.zeros(0)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    if integer is not None and np.any(integer):
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in integer
        ]
    h = new_highs(mip=integer is not None and bool(np.any(integer)), mip_gap=mip_gap, time_limit=time_limit)
    h.passModel(lp)
    return run(h)


def new_highs(*, mip: bool, mip_gap: float = 1e-9, time_limit: float | None = None) -> highspy.Highs:
    """A quiet, single-threaded, deterministic HiGHS instance with tight tolerances."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if mip:
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("mip_abs_gap", 1e-10)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    else:
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
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
    x = np.array(solution.col_value) if has_x else None
    duals = np.array(solution.row_dual) if name == "optimal" and solution.dual_valid else None
    objective = info.objective_function_value if has_x else float("nan")
    return Solution(name, x, objective, duals)

"""A lottery over integer panels whose expected type counts are exactly a given target.

The LEXIMIN of the LP relaxation P of the type-count polytope (master.Relaxation.leximin) bounds the
LEXIMIN over lotteries from above, level by level; a lottery whose expected counts equal that target is
therefore the LEXIMIN. Such a lottery exists exactly when the target lies in H, the convex hull of the
integer panels. On pools of real size it usually does (on every pool of the bench), on pools of a dozen
people often not; finding it this way needs no master LP.

The walk (Carathéodory's proof, run on P): at a point x of the minimal face F of P containing x, take an
integer panel v in F and move from v through x to the boundary of F (a ratio test). x is the mix of v and
the new point, which lies in a smaller face, so after at most dim P + 1 steps the walk ends at an integer
panel. A panel of a face comes from a random vertex of the face when that is integral, else from a
feasibility pump, else from a MIP (each cheaper way is kept only while it spares enough MIPs). Where P is
wider than H the walk may leave H and reach a face without integer panels; it then backs up to an earlier
point and decomposes that one by column generation over its face, whose free types are few (an LP with one
row per free type). Backing up to the start and failing there proves nothing about H
by itself: the caller then runs the general algorithm, seeded with the panels found here.

Arithmetic: the walk keeps the unnormalised rest r = mass · x, so rounding errors do not grow as the mass
shrinks; every ratio-test denominator is an integer (0/1 rows, integer panels and bounds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from participate.sortition.solver import INF, FloatArray, IntArray, build, run, set_costs
from participate.sortition.types import TypeModel

TIGHT = 1e-9  # a constraint this close (in expected people) to its bound is tight
INTEGRAL = 1e-7
BACKUP = 16  # steps backed up first; doubled after each failed repair
REPAIR_ROUNDS = 200  # pricing rounds per repair LP
REPAIR_TYPES = 300  # free types beyond which backing up stops (each is a row of the repair LP)
IMPROVES = 1e-9
PROGRESS_STEPS = 10
VERTEX_TRIES = 4  # random vertices of a face tried before its feasibility MIP (an LP costs far less)
PUMP_ROUNDS = 3
PUMP_NOISE = 0.05
MIP_IN_LPS = 15  # a face's feasibility MIP costs 10-20 of its LPs (27-30 ms against 1.5-3 ms, 800 types)
PAYOFF_TRIAL = 30  # LPs spent before a way to spare MIPs is judged
SOLVED = 1e-9  # total slack (expected people) at which a repair LP decomposes its point


@dataclass
class Decomposition:
    panels: list[IntArray] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    complete: bool = False  # False: weights sum to less than 1 (panels are still useful as columns)
    steps: int = 0
    mips: int = 0


@dataclass
class _Payoff:
    """Whether LPs that look for panels without a MIP pay: they do while each panel they find (a MIP
    spared) has cost at most MIP_IN_LPS of them. Counted, not timed, so that runs are reproducible."""

    lps: int = 0
    found: int = 0

    def pays(self) -> bool:
        return self.lps < PAYOFF_TRIAL or self.found * MIP_IN_LPS >= self.lps


Bounds = tuple[FloatArray, FloatArray, FloatArray, FloatArray]  # column lower/upper, row lower/upper


class _Faces:
    """The polytope P with mutable bounds, to look for integer panels inside one face at a time."""

    def __init__(self, model: TypeModel) -> None:
        rows, lo, hi = model.constraint_rows()
        self.rows, self.lo, self.hi = rows, lo, hi
        self.sizes = np.asarray(model.sizes, dtype=float)
        t = model.n_types
        self.t, self.r = t, rows.shape[0]
        self.cols = np.arange(t, dtype=np.int32)
        self.row_index = np.arange(self.r, dtype=np.int32)
        zeros = np.zeros(t)
        self.lp = build(zeros, rows, lo, hi, zeros, self.sizes, maximize=True)
        self.mip = build(zeros, rows, lo, hi, zeros, self.sizes, integer=np.ones(t, bool), maximize=True)
        # A face's feasibility MIP is found by HiGHS's heuristics (feasibility jump) at the root; presolve
        # costs more than it spares there (12 faces of 2,000 x 8 features: 1.04 -> 0.73 s CPU; the walk's
        # first 80 steps: 5.5 -> 4.8 s CPU). The pricing and repair MIPs keep presolve.
        self.mip.setOptionValue("presolve", "off")
        self.noise = np.random.default_rng(0)  # seeded: runs are reproducible
        self.mips = 0
        self.retries = _Payoff()  # more random vertices: half are integral on the Sortition Foundation
        self.pumping = _Payoff()  # pool, 3% on 8 features x 1,000 people

    def face(self, rest: FloatArray, mass: float) -> Bounds:
        """Column and row bounds of the minimal face holding rest / mass: tight constraints are fixed."""
        at_zero = rest <= TIGHT
        at_top = rest >= mass * self.sizes - TIGHT
        col_lo = np.where(at_top, self.sizes, 0.0)
        col_hi = np.where(at_zero, 0.0, self.sizes)
        ar = self.rows @ rest
        at_lo = np.isfinite(self.lo) & (ar - mass * self.lo <= TIGHT)
        at_hi = np.isfinite(self.hi) & (mass * self.hi - ar <= TIGHT)
        return col_lo, col_hi, np.where(at_hi, self.hi, self.lo), np.where(at_lo, self.lo, self.hi)

    def _bound(self, h: object, bounds: Bounds) -> None:
        col_lo, col_hi, row_lo, row_hi = bounds
        h.changeColsBounds(self.t, self.cols, col_lo, col_hi)  # type: ignore[attr-defined]
        h.changeRowsBounds(self.r, self.row_index, row_lo, row_hi)  # type: ignore[attr-defined]

    def _inside(self, c: FloatArray, bounds: Bounds) -> bool:
        col_lo, col_hi, row_lo, row_hi = bounds
        counts = self.rows @ c
        return bool(
            np.all(c >= col_lo)
            and np.all(c <= col_hi)
            and np.all(counts >= row_lo)
            and np.all(counts <= row_hi)
        )

    def _pump(self, bounds: Bounds, x: FloatArray) -> IntArray | None:
        """The feasibility pump: round the vertex, move to the face's vertex nearest to the rounding (an
        LP), repeat; an integer panel of the face if a rounding lands inside it."""
        col_lo, col_hi = bounds[0], bounds[1]
        for _ in range(PUMP_ROUNDS):
            rounded = np.rint(x)
            if self._inside(rounded, bounds):
                self.pumping.found += 1
                return rounded.astype(int)
            self.pumping.lps += 1
            toward = np.where(rounded >= col_hi, 1.0, 0.0) - np.where(rounded <= col_lo, 1.0, 0.0)
            set_costs(self.lp, toward + self.noise.normal(scale=PUMP_NOISE, size=self.t))
            sol = run(self.lp)
            if sol.status != "optimal" or sol.x is None:
                return None
            x = sol.x
        return None

    def integer_point(self, bounds: Bounds, weights: FloatArray | None = None) -> IntArray | None:
        """An integer panel in the face (of largest `weights` if given), None if the face has none."""
        if weights is None:
            cheap = self._cheap_point(bounds)
            if cheap is not None:
                return cheap
        self.mips += 1
        self._bound(self.mip, bounds)
        set_costs(self.mip, np.zeros(self.t) if weights is None else weights)
        sol = run(self.mip)
        if sol.status != "optimal" or sol.x is None:
            return None
        return np.rint(sol.x).astype(int)

    def _cheap_point(self, bounds: Bounds) -> IntArray | None:
        """Random vertices of the face, then the feasibility pump from the last one: LPs, each a fraction
        of the feasibility MIP's cost, that often find an integer panel (None proves nothing)."""
        self._bound(self.lp, bounds)
        vertex = None
        for attempt in range(VERTEX_TRIES if self.retries.pays() else 1):
            set_costs(self.lp, self.noise.normal(size=self.t))
            sol = run(self.lp)
            if sol.status != "optimal" or sol.x is None:
                return None
            vertex = sol.x
            integral = bool(np.all(np.abs(vertex - np.rint(vertex)) <= INTEGRAL))
            if attempt:
                self.retries.lps += 1
                self.retries.found += integral
            if integral:
                return np.rint(vertex).astype(int)
        return None if vertex is None or not self.pumping.pays() else self._pump(bounds, vertex)


def _largest_step(faces: _Faces, rest: FloatArray, mass: float, v: IntArray) -> float:
    """The largest weight w <= mass of v such that (rest - w v) / (mass - w) stays in P."""
    n, lo, hi = faces.sizes, faces.lo, faces.hi
    ar, av = faces.rows @ rest, faces.rows @ v
    steps = [mass]
    with np.errstate(divide="ignore", invalid="ignore"):
        for numerator, denominator in (
            (rest, v.astype(float)),  # stays >= 0
            (mass * n - rest, n - v),  # stays <= size
            (ar - mass * lo, av - lo),  # rows stay >= lo
            (mass * hi - ar, hi - av),  # rows stay <= hi
        ):
            binding = np.isfinite(numerator) & (denominator > 0.5)
            if binding.any():
                steps.append(float(np.min(np.maximum(numerator[binding], 0.0) / denominator[binding])))
    return min(steps)


def _repair(
    faces: _Faces,
    rest: FloatArray,
    mass: float,
    bounds: Bounds,
    columns: list[IntArray],
    deadline: float | None,
) -> tuple[list[IntArray], FloatArray] | None:
    """Weights (summing to `mass`) over `columns` and new panels of rest's face (`bounds`) that give `rest`
    exactly.

    Column generation on min sum|slack| s.t. sum_j λ_j v_j = rest on the face's free types, sum λ = mass.
    None when pricing proves the point is not in H (or at the round limit or deadline)."""
    free = np.flatnonzero(bounds[1] > bounds[0])
    f = len(free)
    columns = list(columns)
    # variables: slack+ (f), slack- (f), then λ per column; rows: free types, then the mass
    eye = np.eye(f)
    h = build(
        np.concatenate([np.ones(2 * f)]),
        np.vstack([np.hstack([eye, -eye]), np.zeros((1, 2 * f))]),
        np.concatenate([rest[free], [mass]]),
        np.concatenate([rest[free], [mass]]),
        np.zeros(2 * f),
        np.full(2 * f, INF),
    )
    rows = np.arange(f + 1, dtype=np.int32)
    for column in columns:
        h.addCol(0.0, 0.0, INF, f + 1, rows, np.append(column[free], 1.0).astype(float))
    for _ in range(REPAIR_ROUNDS):
        if deadline is not None and time.monotonic() >= deadline:
            return None
        sol = run(h)
        if sol.status != "optimal" or sol.x is None or sol.row_dual is None:
            return None
        if sol.objective <= SOLVED:
            return columns, np.clip(sol.x[2 * f :], 0.0, None)
        duals = sol.row_dual
        weights = np.zeros(faces.t)
        weights[free] = duals[:f]
        best = faces.integer_point(bounds, weights)
        if best is None or float(duals[:f] @ best[free]) + float(duals[f]) <= IMPROVES:
            return None
        columns.append(best)
        h.addCol(0.0, 0.0, INF, f + 1, rows, np.append(best[free], 1.0).astype(float))
    return None


def decompose(
    model: TypeModel,
    target: FloatArray,
    *,
    deadline: float | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Decomposition:
    """Integer panels and weights (summing to 1) whose expected type counts are `target`, if found.

    `progress(fraction, message)` hears the share of the lottery built, every PROGRESS_STEPS steps."""
    faces = _Faces(model)
    out = Decomposition()
    rest, mass = np.array(target, dtype=float), 1.0
    history: list[tuple[FloatArray, float]] = []  # (rest, mass) before each step
    for _ in range(2 * model.n_types + 2):
        if deadline is not None and time.monotonic() >= deadline:
            break
        x = rest / mass
        if np.all(np.abs(x - np.rint(x)) <= INTEGRAL):
            out.panels.append(np.rint(x).astype(int))
            out.weights.append(mass)
            out.complete = True
            break
        v = faces.integer_point(faces.face(rest, mass))
        if v is None:
            out.complete = _back_up(faces, out, history, rest, mass, deadline)
            break
        w = _largest_step(faces, rest, mass, v)
        history.append((rest, mass))
        if progress is not None and len(history) % PROGRESS_STEPS == 0:
            progress(1.0 - mass, f"building the lottery: {len(history)} panels")
        out.panels.append(v)
        out.weights.append(w)
        rest, mass = rest - w * v, mass - w
        rest[np.abs(rest) < 1e-14] = 0.0
    out.steps = len(history)
    out.mips = faces.mips
    return out


def _back_up(
    faces: _Faces,
    out: Decomposition,
    history: list[tuple[FloatArray, float]],
    rest: FloatArray,
    mass: float,
    deadline: float | None,
) -> bool:
    """Replace the walk's last steps by an exact decomposition of an earlier point, backing up further
    while the point is not in H. False when even the start fails (out keeps every panel found)."""
    back = BACKUP
    while True:
        start = max(len(history) - back, 0)
        point, point_mass = history[start] if history else (rest, mass)
        bounds = faces.face(point, point_mass)
        if int(np.sum(bounds[1] > bounds[0])) > REPAIR_TYPES:
            return False  # a repair this wide costs more than the general algorithm seeded with the walk
        repaired = _repair(faces, point, point_mass, bounds, out.panels[start:], deadline)
        if repaired is not None:
            columns, weights = repaired
            keep = weights > 0
            out.panels[start:] = [c for c, k in zip(columns, keep, strict=True) if k]
            out.weights[start:] = list(weights[keep])
            return True
        if start == 0 or (deadline is not None and time.monotonic() >= deadline):
            return False
        back *= 2

"""The add1 jump: how far every voter's budget can grow before the outcome of a MES run could change.

A run at per-voter budget b + x is affine in x while its combinatorial shape (who is capped, which project
wins each round, which are unaffordable) stays the same. Every round adds the inequalities that keep its
shape to a `JumpLimit`; the exact and the float runs (mes_exact, mes_float) share this bookkeeping through
`RoundPrices`, the interface of the round loop (mes_rounds.py)."""

from __future__ import annotations

from fractions import Fraction
from typing import Protocol

import numpy as np

from .mes_model import BAND, MARGIN, MesProject, Vector, dot

Bound = float | Vector  # one inequality's term, or one per supporter
Line = tuple[float, float, float, float]  # a price bound a + g x, with the magnitudes of a and g


class FloatMoneyView(Protocol):
    """Float money and its slope in x, per money class (`cls`: the class of each ballot group)."""

    valsf: Vector
    slopesf: Vector
    cls: Vector


class JumpLimit:
    """The add1 jump. With every voter's budget b + x, all money is affine in x while the run's combinatorial
    shape (who is capped, which project wins each round, which are unaffordable) stays the same; `dmax` is a
    lower bound on the x at which the first of those inequalities could fail, so the outcome is the same for
    every budget in [b, b + dmax). Each inequality a + c x >= 0 (> 0 if strict) holds at x = 0; floats are
    correctly rounded images of exact values and the margins (1e-9 of the magnitudes involved) dwarf the
    rounding errors, so dmax is a true lower bound; when in doubt it is 0 and add1 steps by one unit."""

    def __init__(self) -> None:
        self.dmax = float("inf")

    def add(self, a: Bound, a_mag: Bound, c: Bound, c_mag: Bound) -> None:
        """Require a + c x >= 0, knowing a and c up to MARGIN times their magnitudes a_mag and c_mag."""
        if self.dmax == 0.0:
            return
        if not isinstance(a, np.ndarray) and not isinstance(c, np.ndarray):
            low = float(a) - MARGIN * float(a_mag) - 1e-300
            rate = -float(c) + MARGIN * float(c_mag) + 1e-300  # how fast a + c x may fall, at most
            if rate > 0:
                self.dmax = 0.0 if low <= 0 else min(self.dmax, low / rate)
            return
        lows = np.atleast_1d(np.asarray(a, dtype=np.float64)) - MARGIN * np.asarray(a_mag) - 1e-300
        rates = -np.atleast_1d(np.asarray(c, dtype=np.float64)) + MARGIN * np.asarray(c_mag) + 1e-300
        binding = rates > 0
        if not binding.any():
            return
        lows = np.broadcast_to(lows, binding.shape)[binding]
        rates = np.broadcast_to(rates, binding.shape)[binding]
        if (lows <= 0).any():
            self.dmax = 0.0
            return
        self.dmax = min(self.dmax, float((lows / rates).min()))


def tangent_slope(
    q: MesProject, money: FloatMoneyView, rho_f: float, o: Vector, rs: Vector
) -> tuple[float, float]:
    """A lower bound g on the right derivative of q's price in x (q's price is convex in x, so
    price(x) >= price(0) + g x), and the magnitude of the terms for the error margin."""
    d = money.slopesf[money.cls[q.groups[o]]]
    w = q.weight_f[o]
    s = q.sat_f[o]
    band = BAND * abs(rho_f)
    capped = rs < rho_f - band
    uncapped = rs > rho_f + band
    unsure = ~(capped | uncapped)
    a0 = float(dot(w[capped], d[capped]))
    b0 = float(dot(w[uncapped], s[uncapped]))
    mag = float(dot(w[capped], np.abs(d[capped])))
    if not unsure.any():
        return -a0 / b0, mag / b0 + abs(a0 / b0)
    # root of psi(x) = a0 + x b0 + sum_unsure w max(d, x s) (an upper bound of the derivative equation)
    du, wu, su = d[unsure], w[unsure], s[unsure]
    bp = du / su
    order = np.argsort(bp)
    du, wu, su, bp = du[order], wu[order], su[order], bp[order]
    const = a0 + float(dot(wu, du))  # all unsure at "d"
    lin = b0
    mag += float(dot(wu, np.abs(du)))
    lo = -np.inf
    for k in range(len(bp) + 1):
        hi = bp[k] if k < len(bp) else np.inf
        # on [lo, hi]: psi(x) = const + lin x
        if lin > 0:
            x = -const / lin
            if x <= hi:
                return max(x, lo) if x < lo else x, mag / lin + abs(x)
        elif const >= 0 and lo == -np.inf:  # pragma: no cover - degenerate
            return -np.inf, 0.0
        if k < len(bp):
            const -= wu[k] * du[k]
            lin += wu[k] * su[k]
            lo = hi
    return -np.inf, 0.0  # pragma: no cover


def constrain(
    limit: JumpLimit,
    q: MesProject,
    money: FloatMoneyView,
    rho: Fraction | float,
    drho: Fraction | float,
    order: Vector,
    capped: int,
    remaining: dict[int, MesProject],
    lines: dict[int, Line],
    tied_ok: set[int] | frozenset[int] = frozenset(),
) -> None:
    """Keep the round's shape: the first `capped` supporters of q in `order` stay capped (they pay all they
    have), the others uncapped, and every other remaining project's price stays above q's."""
    rf, df = float(rho), float(drho)
    cls = money.cls[q.groups[order]]
    v, d, s = money.valsf[cls], money.slopesf[cls], q.sat_f[order]
    sign = np.where(
        np.arange(len(order)) < capped, -1.0, 1.0
    )  # capped: rho s - v >= 0; uncapped: v - rho s >= 0
    limit.add(sign * (v - rf * s), np.abs(v) + abs(rf) * s, sign * (d - df * s), np.abs(d) + abs(df) * s)
    rows = [lines[p] for p, other in remaining.items() if other is not q and p not in tied_ok]
    if rows:
        a, amag, g, gmag = np.array(rows).T
        # every other project's price must stay above q's (strictly if it would win a tie)
        limit.add(a - rf, amag + abs(rf), g - df, gmag + abs(df))

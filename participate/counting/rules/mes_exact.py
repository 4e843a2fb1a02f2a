"""Exact MES money: every voter's money is an exact Fraction.

Voters with the same history hold the same amount, so money is stored per *class* (values computed on demand
from the class's parent and the round's payment) and each ballot group points to its class. Floats only order
the search: a project's price rho is estimated in floating point, the projects whose estimate is within a
tolerance of the best are recomputed exactly, and the capped/uncapped split of the chosen project's
supporters is confirmed exactly (falling back to a fully exact computation if not)."""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..profile import SatProfile
from .mes_jump import constrain, tangent_slope
from .mes_model import BAND, REL, MesPayment, MesProject, MesRound, Vector, dot
from .mes_rounds import RoundPrices

ExactPrice = tuple[Fraction, Vector, int]  # rho, supporters by money/sat, how many of them are capped


class ClassValues:
    """Exact per-class values, computed on demand: class c holds its parent's value minus
    deltas[round[c]] * sat[c] (the payment of that round)."""

    def __init__(self, money: ExactMoney, memo: list[Fraction | None], deltas: list[Fraction]) -> None:
        self.m, self.memo, self.deltas = money, memo, deltas

    def __getitem__(self, c: int | np.integer[Any]) -> Fraction:
        memo, m = self.memo, self.m
        c = int(c)
        known = memo[c]
        if known is not None:
            return known
        chain = []
        while memo[c] is None:
            chain.append(c)
            c = m.parent[c]
        v = memo[c]
        assert v is not None  # the roots (classes 0 and 1) are always known
        for x in reversed(chain):
            v = v - self.deltas[m.rnd[x]] * m.sv[x]
            memo[x] = v
        return v


class ExactMoney:
    """Exact money of every group: a class per group, class values exact on demand (floats eagerly)."""

    def __init__(self, n_groups: int, per_voter: Fraction) -> None:
        self.parent: list[int] = [0, 1]
        self.rnd: list[int] = [0, 0]
        self.sv: list[int] = [0, 0]
        self.rhos: list[Fraction] = []
        self.drhos: list[Fraction] = []
        self._vals: list[Fraction | None] = [Fraction(0), per_voter]
        self._slopes: list[Fraction | None] = [Fraction(0), Fraction(1)]  # d(money)/d(budget), add1 jump
        self.vals = ClassValues(self, self._vals, self.rhos)
        self.slopes = ClassValues(self, self._slopes, self.drhos)
        self.valsf = np.array([0.0, float(per_voter)])
        self.slopesf = np.array([0.0, 1.0])
        self.cls = np.ones(n_groups, dtype=np.int64)
        self.paid: list[tuple[np.ndarray, np.ndarray]] = []  # per round: its project's supporters, their sat
        self._weight_of = np.zeros(n_groups, dtype=np.int64)  # scratch space of exact_sum, kept all zero
        self._numerators: list[int] = []  # rhos over a common denominator (_rho_numerators)
        self._denominator = 1

    def exact_sum(self, groups: np.ndarray, weights: np.ndarray) -> Fraction:
        """Exact total money of the given ballot groups (weights: voters per group, integers).

        A group that ever paid all it had holds 0 (class 0); any other holds the per-voter budget minus
        rho_t * (its satisfaction with round t's project) for every round t whose project it supports. So the
        total is budget * (voters still holding money) - sum over rounds of rho_t * (an integer dot product)."""
        alive = self.cls[groups] != 0
        groups, weights = groups[alive], weights[alive]
        per_voter = self._vals[1]
        assert per_voter is not None
        weight_of = self._weight_of
        weight_of[groups] = weights
        # int64 dot products: exact, and no BLAS
        amounts = [int(np.dot(weight_of[paid_groups], paid_sat)) for paid_groups, paid_sat in self.paid]
        weight_of[groups] = 0
        # sum of rho_t * amount_t over one common denominator: a single Fraction instead of two per round
        paid = sum(map(operator.mul, self._rho_numerators(), amounts))
        return per_voter * int(weights.sum()) - Fraction(paid, self._denominator)

    def _rho_numerators(self) -> list[int]:
        """The numerators of every round's rho over their least common denominator (kept up to date)."""
        for rho in self.rhos[len(self._numerators) :]:
            common = math.lcm(self._denominator, rho.denominator)
            if common != self._denominator:
                factor = common // self._denominator
                self._numerators = [n * factor for n in self._numerators]
                self._denominator = common
            self._numerators.append(rho.numerator * (common // rho.denominator))
        return self._numerators


def _float_rho(q: MesProject, money: ExactMoney) -> tuple[float, Vector, int, Vector, float] | None:
    """Float estimate of rho; None if the supporters certainly cannot afford q (exactly checked)."""
    bud = money.valsf[money.cls[q.groups]]
    money_of_group = q.weight_f * bud
    total = float(money_of_group.sum())
    tol = REL * q.cost + 1e-12 * q.voters * float(money.valsf[1])
    if total < q.cost - tol or (total < q.cost + tol and money.exact_sum(q.groups, q.weight) < q.cost):
        return None
    ratio = bud / q.sat_f
    order = np.argsort(ratio, kind="stable")
    money_sorted = money_of_group[order]
    prefix = np.cumsum(money_sorted) - money_sorted
    suffix = np.cumsum(q.weighted_sat_f[order][::-1])[::-1]
    ratios = ratio[order]
    cond = (q.cost - prefix) <= ratios * suffix
    capped = int(np.argmax(cond)) if cond.any() else len(order) - 1
    rho = (q.cost - prefix[capped]) / suffix[capped]
    return rho, order, capped, ratios, (q.cost + prefix[capped]) / suffix[capped]


def _exact_rho(
    q: MesProject, money: ExactMoney, order: Vector, capped: int, ratios: Vector, rho_f: float
) -> ExactPrice:
    """Exact rho and the number of capped supporters (first `capped` of order `order`), confirmed exactly."""
    cls_sorted = money.cls[q.groups[order]]
    capped_money = (
        money.exact_sum(q.groups[order[:capped]], q.weight[order[:capped]]) if capped else Fraction(0)
    )
    den = int(dot(q.weight[order][capped:], q.sat[order][capped:]))
    if den > 0:
        rho = (q.cost - capped_money) / den
        slack = (
            BAND * abs(rho_f) + 1e-11 * float(money.valsf[1]) / q.sat_f[order]
        )  # + rounding of float money
        band = np.nonzero(np.abs(ratios - rho_f) <= slack)[0]
        ok = True
        for j in band:
            have = money.vals[cls_sorted[j]]
            need = rho * int(q.sat[order][j])
            if (j < capped and have > need) or (j >= capped and have < need):
                ok = False
                break
        if ok:
            return rho, order, capped
    return _exact_rho_slow(q, money)


def _exact_rho_slow(q: MesProject, money: ExactMoney) -> ExactPrice:
    vals = money.vals
    cls = money.cls[q.groups]
    keys = [vals[c] / int(s) for c, s in zip(cls, q.sat, strict=True)]
    o = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    paid = Fraction(0)
    den = q.total_sat
    for i, j in enumerate(o):
        rho = (q.cost - paid) / den
        s = int(q.sat[j])
        if rho * s <= vals[cls[j]]:
            return rho, o, i
        paid += int(q.weight[j]) * vals[cls[j]]
        den -= int(q.weight[j]) * s
    raise AssertionError("unaffordable project reached exact rho")  # pragma: no cover


def _pay(
    q: MesProject,
    money: ExactMoney,
    rho: Fraction,
    order: np.ndarray,
    capped: int,
    record: bool,
    drho: Fraction = Fraction(0),
) -> MesRound | None:
    groups = q.groups[order]
    old = money.cls[groups]
    payments = _Payments()
    gave_all = 0
    if record:
        capped_counts = (
            np.bincount(old[:capped], weights=q.weight_f[order][:capped]) if capped else np.zeros(0)
        )
        for c in np.nonzero(capped_counts)[0].tolist():
            voters = int(capped_counts[c])
            payments.add(money.vals[c], voters)
            if money.vals[c] > 0:  # a supporter with nothing left pays nothing: not one who gave all
                gave_all += voters
    money.cls[groups[:capped]] = 0
    u_groups = groups[capped:]
    s_u = q.sat[order][capped:]
    s_vals, s_code = np.unique(s_u, return_inverse=True)
    uniq, inv = np.unique(old[capped:] * len(s_vals) + s_code.reshape(-1), return_inverse=True)
    inv = inv.reshape(-1)
    c_old = uniq // len(s_vals)
    sv = s_vals[uniq % len(s_vals)]
    t = len(money.rhos)
    money.rhos.append(rho)
    money.paid.append((q.groups, q.sat))
    money.drhos.append(drho)
    first = len(money.parent)
    money.parent.extend(c_old.tolist())
    money.rnd.extend([t] * len(uniq))
    money.sv.extend(sv.tolist())
    money._vals.extend([None] * len(uniq))
    money._slopes.extend([None] * len(uniq))
    new_f = money.valsf[c_old] - float(rho) * sv
    money.valsf = np.concatenate([money.valsf, new_f])
    money.slopesf = np.concatenate([money.slopesf, money.slopesf[c_old] - float(drho) * sv])
    money.cls[u_groups] = first + inv
    if not record:
        return None
    per_key = np.bincount(inv, weights=q.weight_f[order][capped:])
    per_sat = np.bincount(uniq % len(s_vals), weights=per_key, minlength=len(s_vals))
    near_zero = np.abs(new_f) <= 1e-9 * float(money.valsf[1])
    for k in np.flatnonzero(near_zero).tolist():
        if money.vals[first + k] == 0:
            gave_all += int(per_key[k])
    for sat, n in zip(s_vals.tolist(), per_sat.tolist(), strict=True):
        payments.add(rho * sat, int(n))
    pays = payments.largest_first()
    payers = sum(p.voters for p in pays if p.amount.numerator > 0)
    return MesRound(q.id, q.cost, q.voters, payers, gave_all, pays)


class _Payments:
    """Voters per distinct amount paid in a round. Fractions are keyed by their (normalised) terms and sorted
    by their float values, checked exactly: hashing and comparing Fractions is what made rounds slow."""

    def __init__(self) -> None:
        self.voters: dict[tuple[int, int], int] = {}
        self.amounts: dict[tuple[int, int], Fraction] = {}

    def add(self, amount: Fraction, voters: int) -> None:
        key = (amount.numerator, amount.denominator)
        if key in self.voters:
            self.voters[key] += voters
        else:
            self.voters[key] = voters
            self.amounts[key] = amount

    def largest_first(self) -> tuple[MesPayment, ...]:
        # n / d of ints is correctly rounded, and rounding keeps order: distinct floats are ordered exactly
        value = {nd: nd[0] / nd[1] for nd in self.voters}
        keys = sorted(self.voters, key=value.__getitem__, reverse=True)
        if any(value[a] == value[b] for a, b in itertools.pairwise(keys)):  # too close for floats
            keys.sort(key=self.amounts.__getitem__, reverse=True)
        return tuple(MesPayment(self.amounts[k], self.voters[k]) for k in keys if self.voters[k])


def _price_slope(q: MesProject, money: ExactMoney, order: np.ndarray, capped: int) -> Fraction:
    """d(rho)/dx of the chosen project with its capped set fixed: -(sum_capped w d) / (sum_uncapped w s)."""
    groups = q.groups[order]
    capped_slope = Fraction(0)
    if capped:
        counts = np.bincount(money.cls[groups[:capped]], weights=q.weight_f[order][:capped])
        for c in np.nonzero(counts)[0]:
            capped_slope += int(counts[c]) * money.slopes[c]
    return -capped_slope / int(dot(q.weight[order][capped:], q.sat[order][capped:]))


def _has_boundary(q: MesProject, money: ExactMoney, rho: Fraction, order: np.ndarray) -> bool:
    """Whether a supporter of q has exactly rho * sat left (then q's price slope is ambiguous)."""
    cls = money.cls[q.groups[order]]
    r = money.valsf[cls] / q.sat_f[order]
    rf = float(rho)
    for j in np.nonzero(np.abs(r - rf) <= BAND * abs(rf) + 1e-300)[0]:
        if money.vals[cls[j]] == rho * int(q.sat[order][j]):
            return True
    return False


@dataclass(eq=False)
class ExactQuote:
    project: MesProject
    rho_f: float  # float estimate of the price
    order: Vector  # supporters by money / sat, ascending
    capped: int  # the first `capped` of them (float guess) pay all they have
    ratios: Vector  # money / sat in that order


@dataclass(eq=False)
class ExactChoice:
    project: MesProject
    rho: Fraction
    order: Vector
    capped: int
    exact_prices: dict[int, tuple[MesProject, Fraction, Vector, int]]  # every quote priced exactly this round


class ExactPrices(RoundPrices[ExactQuote, ExactChoice]):
    """A MES run in exact money; with `record`, the payments of every round are kept in `rounds`."""

    money: ExactMoney

    def __init__(
        self, sp: SatProfile, projects: list[MesProject], per_voter: Fraction, *, jump: bool, record: bool
    ) -> None:
        super().__init__(projects, jump)
        self.money = ExactMoney(len(sp.weights), per_voter)
        self.record = record
        self.rounds: list[MesRound] = []

    def quote(
        self, q: MesProject, ceiling: float = math.inf
    ) -> tuple[float, float, ExactQuote | None] | None:
        estimate = _float_rho(q, self.money)
        if estimate is None:
            return None
        rho_f, order, capped, ratios, magnitude = estimate
        if self.limit is not None:
            slope, slope_magnitude = tangent_slope(q, self.money, rho_f, order, ratios)
            self.lines[q.index] = (rho_f, magnitude, slope, slope_magnitude)
        return rho_f * (1 - REL), rho_f * (1 + REL), ExactQuote(q, rho_f, order, capped, ratios)

    def choose(self, quotes: list[ExactQuote], ceiling: float) -> ExactChoice:
        best: tuple[MesProject, Fraction, Vector, int] | None = None
        exact_prices = {}
        for quote in quotes:
            if quote.rho_f * (1 - REL) > ceiling:
                continue
            q = quote.project
            rho, order, capped = _exact_rho(
                q, self.money, quote.order, quote.capped, quote.ratios, quote.rho_f
            )
            exact_prices[q.index] = (q, rho, order, capped)
            if best is None or (rho, q.tie) < (best[1], best[0].tie):
                best = (q, rho, order, capped)
        assert best is not None
        return ExactChoice(*best, exact_prices)

    def buy(self, choice: ExactChoice, remaining: dict[int, MesProject]) -> MesProject:
        q, rho, o, i = choice.project, choice.rho, choice.order, choice.capped
        drho = Fraction(0)
        if self.limit is not None:
            drho = _price_slope(q, self.money, o, i)
            tied_ok = set()
            for p2, (q2, rho2, o2, i2) in choice.exact_prices.items():
                if q2 is not q and rho2 == rho:
                    # an exact tie q wins: it persists harmlessly while q2's price rises at least as fast
                    if (
                        not _has_boundary(q2, self.money, rho2, o2)
                        and _price_slope(q2, self.money, o2, i2) >= drho
                    ):
                        tied_ok.add(p2)
                    else:
                        self.limit.dmax = 0.0
            constrain(self.limit, q, self.money, rho, drho, o, i, remaining, self.lines, tied_ok)
        paid = _pay(q, self.money, rho, o, i, self.record, drho)
        if paid is not None:
            self.rounds.append(paid)
        return q

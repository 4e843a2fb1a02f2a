"""Certified floating-point MES runs, for add1's search.

add1 may need hundreds of MES runs (one per unit step where the outcome can change). They only decide *when*
to stop, so they run in floating point, and every decision they take (which project is cheapest, whether a
project is affordable) is certified: if two candidates, or money and cost, come within a tolerance far above
the accumulated rounding error, `Uncertain` is raised and the run is redone exactly (mes_exact). Only the
final, reported run is always exact."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..profile import SatProfile
from .mes_jump import constrain, tangent_slope
from .mes_model import BAND, CERT, MARGIN, MesProject, Vector, dot
from .mes_rounds import RoundPrices


class Uncertain(Exception):
    pass


class FloatMoney:
    """Per-group float money and slope, as a FloatMoneyView (each group its own class)."""

    def __init__(self, n_groups: int, per_voter: float, *, jump: bool) -> None:
        self.valsf = np.full(n_groups, per_voter)
        # slopes and classes serve only the jump bound (a run without it skips making them)
        self.slopesf = np.ones(n_groups if jump else 0)
        self.cls = np.arange(n_groups if jump else 0)


def _rho_float(
    q: MesProject, b: Vector, scale_money: float, floor: float, ceiling: float
) -> tuple[float, float, Vector, Vector] | tuple[float, float, None, None] | None:
    """(rho, err, capped mask, supporters' money) or None if certainly unaffordable; raises Uncertain near a
    decision. Run hundreds of times per add1 search: every numpy call counts.

    rho is found by iterating from below: each step prices q as if the supporters capped so far were all
    that are capped, which can only undershoot. It starts at `floor`, a known lower bound of the price (the
    price the previous round found: prices only rise during a run), and stops early, with (lower bound, its
    error, None, None), once q certainly costs more than `ceiling`."""
    bud = b[q.groups]
    money = q.weight_f * bud  # of each supporter group
    total = float(np.add.reduce(money))
    tol = CERT * (q.cost + scale_money)
    if total < q.cost - tol:
        return None
    if total < q.cost + tol:
        raise Uncertain
    s = q.weighted_sat_total
    uncapped_price = q.cost / s
    rho = max(uncapped_price, floor)
    sat = q.sat_f if q.uniform_sat is None else q.uniform_sat
    for _ in range(60):
        capped = bud < rho * sat
        capped_sat = float(dot(q.weighted_sat_f, capped))  # > 0 exactly when some supporter is capped
        if not capped_sat:  # then nobody is capped at the price either
            return uncapped_price, CERT * (q.cost + scale_money) / s, capped, bud
        x = float(dot(money, capped))
        s = q.weighted_sat_total - capped_sat
        new = (q.cost - x) / s
        err = CERT * (q.cost + x + scale_money) / s
        if new <= rho:
            return (rho if new < rho else new), err, capped, bud
        rho = new
        if rho - 2 * err > ceiling:
            return rho, err, None, None
    raise Uncertain  # pragma: no cover - pathological; the exact run decides


@dataclass(eq=False)
class FloatQuote:
    project: MesProject
    rho: float
    err: float  # bound on rho's error
    capped: Vector  # bool per supporter group: pays all it has
    money: Vector  # money per supporter group

    @property
    def ratios(self) -> Vector:
        """money / sat per supporter group (only near ties and jumps need it)."""
        ratios: Vector = self.money / self.project.sat_f
        return ratios


@dataclass(eq=False)
class FloatChoice:
    quote: FloatQuote
    others: list[FloatQuote]
    tied_ok: set[int]  # projects in an exact tie that the chosen one wins for every x


class FloatPrices(RoundPrices[FloatQuote, FloatChoice]):
    """A MES run in float money whose decisions are certified (or Uncertain is raised)."""

    money: FloatMoney

    def __init__(
        self,
        sp: SatProfile,
        projects: list[MesProject],
        per_voter: float,
        *,
        jump: bool,
        likely_winners: list[int] | None = None,
    ) -> None:
        """`likely_winners`: the projects (indices) a run at a nearby budget funded, in order."""
        super().__init__(projects, jump)
        self.likely_winners = likely_winners or []
        self.money = FloatMoney(len(sp.weights), per_voter, jump=jump)
        self.scale_money = per_voter * sp.n_voters * 1e-3
        self.floors: dict[int, float] = {}  # per project: a lower bound of its price from its last quote

    def quote(
        self, q: MesProject, ceiling: float = math.inf
    ) -> tuple[float, float, FloatQuote | None] | None:
        # the jump's bookkeeping needs every quote in full
        stop_above = ceiling if self.limit is None else math.inf
        estimate = _rho_float(
            q, self.money.valsf, self.scale_money, self.floors.get(q.index, 0.0), stop_above
        )
        if estimate is None:
            return None
        rho, err, capped, money = estimate
        self.floors[q.index] = rho - 2 * err
        if capped is None or money is None:
            return rho - 2 * err, math.inf, None
        return rho - 2 * err, rho + 2 * err, FloatQuote(q, rho, err, capped, money)

    def first_to_price(self, rounds_done: int) -> int | None:
        return self.likely_winners[rounds_done] if rounds_done < len(self.likely_winners) else None

    def choose(self, quotes: list[FloatQuote], ceiling: float) -> FloatChoice:
        evaluated = sorted(quotes, key=lambda t: (t.rho, t.project.tie))
        best = evaluated[0]
        near = [t for t in evaluated[1:] if t.rho - t.err <= best.rho + best.err]
        tied_ok: set[int] = set()
        if near:
            # Decidable exactly only if no supporter of any of them is (nearly) capped: then each price is
            # exactly cost / total satisfaction, and it stays so as the budget grows (slope 0).
            group = [best, *near]
            if any((t.ratios <= t.rho * (1 + BAND)).any() for t in group):
                raise Uncertain
            exact = sorted(group, key=lambda t: (_uncapped_price(t.project), t.project.tie))
            best = exact[0]
            exact_rho = _uncapped_price(best.project)
            for t in evaluated:
                if t is best:
                    continue
                if t in group and _uncapped_price(t.project) == exact_rho:
                    tied_ok.add(t.project.index)
                elif t.rho - t.err <= best.rho + best.err and _uncapped_price(t.project) <= exact_rho:
                    raise Uncertain  # pragma: no cover - cannot happen after the exact sort
        return FloatChoice(best, [t for t in evaluated if t is not best], tied_ok)

    def buy(self, choice: FloatChoice, remaining: dict[int, MesProject]) -> MesProject:
        best = choice.quote
        q, rho, capped = best.project, best.rho, best.capped
        money, slopes = self.money.valsf, self.money.slopesf
        drho = 0.0
        if self.limit is not None:
            drho = -float(dot(q.weight_f[capped], slopes[q.groups][capped])) / float(
                q.weighted_sat_f[~capped].sum()
            )
            for other in choice.others:
                everyone = np.arange(len(other.project.groups))
                g, gmag = tangent_slope(other.project, self.money, other.rho, everyone, other.ratios)
                self.lines[other.project.index] = (other.rho, (other.err + best.err) / MARGIN, g, gmag)
            # own piece must stay valid; rivals must stay dearer; same as the exact run's constraints
            order = np.argsort(~capped, kind="stable")
            constrain(
                self.limit,
                q,
                self.money,
                rho,
                drho,
                order,
                int(capped.sum()),
                remaining,
                self.lines,
                choice.tied_ok,
            )
        sup = q.groups
        # the quote's money is still every supporter's money; the uncapped pay rho * sat, the capped all
        # (money - rho * sat is negative exactly for them, as the float comparison that capped them says)
        sat = q.sat_f if q.uniform_sat is None else q.uniform_sat
        money[sup] = np.maximum(best.money - rho * sat, 0.0)
        if self.limit is not None:
            slopes[sup] = np.where(capped, 0.0, slopes[sup] - drho * q.sat_f)
        return q


def _uncapped_price(q: MesProject) -> Fraction:
    return Fraction(q.cost, q.total_sat)

"""Certified floating-point MES runs, for add1's search.

add1 may need hundreds of MES runs (one per unit step where the outcome can change). They only decide *when*
to stop, so they run in floating point, and every decision they take (which project is cheapest, whether a
project is affordable) is certified: if two candidates, or money and cost, come within a tolerance far above
the accumulated rounding error, `Uncertain` is raised and the run is redone exactly (mes_exact). Only the
final, reported run is always exact."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..satisfaction import SatProfile
from .mes_jump import RoundPrices, constrain, tangent_slope
from .mes_model import BAND, CERT, MARGIN, MesProject, Vector, dot


class Uncertain(Exception):
    pass


class FloatMoney:
    """Per-group float money and slope, as a FloatMoneyView (each group its own class)."""

    def __init__(self, n_groups: int, per_voter: float) -> None:
        self.valsf = np.full(n_groups, per_voter)
        self.slopesf = np.ones(n_groups)
        self.cls = np.arange(n_groups)


def _rho_float(q: MesProject, b: Vector, scale_money: float) -> tuple[float, float, Vector, Vector] | None:
    """(rho, err, capped mask, supporters' money) or None if certainly unaffordable; raises Uncertain near a
    decision. Run hundreds of times per add1 search: every numpy call counts."""
    bud = b[q.groups]
    total = float(dot(q.weight_f, bud))
    tol = CERT * (q.cost + scale_money)
    if total < q.cost - tol:
        return None
    if total < q.cost + tol:
        raise Uncertain
    rho = q.cost / q.weighted_sat_total
    s = q.weighted_sat_total
    for _ in range(60):
        capped = bud < rho * q.sat_f
        if not np.count_nonzero(capped):
            return rho, CERT * (q.cost + scale_money) / s, capped, bud
        x = float(dot(q.weight_f, bud * capped))
        s = q.weighted_sat_total - float(dot(q.weighted_sat_f, capped))
        new = (q.cost - x) / s
        if new <= rho:
            err = CERT * (q.cost + x + scale_money) / s
            return (rho if new < rho else new), err, capped, bud
        rho = new
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

    def __init__(self, sp: SatProfile, projects: list[MesProject], per_voter: float, *, jump: bool) -> None:
        super().__init__(projects, jump)
        self.money = FloatMoney(len(sp.weights), per_voter)
        self.scale_money = per_voter * sp.n_voters * 1e-3

    def quote(self, q: MesProject) -> tuple[float, float, FloatQuote] | None:
        estimate = _rho_float(q, self.money.valsf, self.scale_money)
        if estimate is None:
            return None
        rho, err, capped, money = estimate
        return rho - 2 * err, rho + 2 * err, FloatQuote(q, rho, err, capped, money)

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
        money[sup] = np.where(capped, 0.0, best.money - rho * q.sat_f)
        if self.limit is not None:
            slopes[sup] = np.where(capped, 0.0, slopes[sup] - drho * q.sat_f)
        return q


def _uncapped_price(q: MesProject) -> Fraction:
    return Fraction(q.cost, q.total_sat)

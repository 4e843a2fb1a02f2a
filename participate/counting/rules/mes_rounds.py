"""The round loop of a MES run and its interface: `run_rounds` asks a `RoundPrices` (exact money in
mes_exact, certified floats in mes_float) for price quotes, the cheapest of them and the purchase, round
after round. mes.py runs it; mes_jump keeps the add1 jump's bookkeeping that RoundPrices carries."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

from .mes_jump import FloatMoneyView, JumpLimit, Line
from .mes_model import REL, MesProject, dot

Quote = TypeVar("Quote")
Choice = TypeVar("Choice")


class RoundPrices(ABC, Generic[Quote, Choice]):
    """What the round loop of a MES run asks of its money (exact or float): a price quote for a project,
    the cheapest of the quotes, and the purchase. The jump limit and price lines are kept here."""

    money: FloatMoneyView

    def __init__(self, projects: list[MesProject], jump: bool) -> None:
        self.limit = JumpLimit() if jump else None
        # every project's price is at least its price with nobody capped, whatever x
        self.lines: dict[int, Line] = {
            q.index: (q.cost / q.total_sat, q.cost / q.total_sat, 0.0, 0.0) for q in projects
        }

    @property
    def dmax(self) -> float:
        return self.limit.dmax if self.limit is not None else 0.0

    @abstractmethod
    def quote(self, q: MesProject, ceiling: float = math.inf) -> tuple[float, float, Quote | None] | None:
        """(lower bound, upper bound, quote) of q's price now, or None if its supporters cannot afford it.
        May stop at (lower bound, inf, None) once the lower bound exceeds `ceiling` (q cannot win the round)."""

    def first_to_price(self, rounds_done: int) -> int | None:
        """The project (index) likely to win the next round, priced first so that the round's ceiling is low
        early: any order gives the same outcome, this one prices the others less far."""
        return None

    @abstractmethod
    def choose(self, quotes: list[Quote], ceiling: float) -> Choice:
        """The cheapest project (ties by tie-breaking) among the quotes whose lower bound is <= ceiling."""

    @abstractmethod
    def buy(self, choice: Choice, remaining: dict[int, MesProject]) -> MesProject:
        """Fund the chosen project: its supporters pay; with the jump, keep the round's shape."""

    def drop_unaffordable(self, q: MesProject) -> None:
        """q leaves the run: with the jump, its supporters' money must stay below its cost."""
        if self.limit is None:
            return
        cls = self.money.cls[q.groups]
        money, slope = self.money.valsf[cls], self.money.slopesf[cls]
        self.limit.add(
            q.cost - float(dot(q.weight_f, money)),
            q.cost + float(dot(q.weight_f, np.abs(money))),
            -float(dot(q.weight_f, slope)),
            float(dot(q.weight_f, np.abs(slope))),
        )


def run_rounds(
    prices: RoundPrices[Any, Any],
    projects: list[MesProject],
    before_round: Callable[[list[MesProject]], None],
) -> list[MesProject]:
    """One MES run: the projects funded, in order. Projects are priced cheapest-bound first, and only while
    their lower bound can still beat the best upper bound of the round."""
    remaining = {q.index: q for q in projects}
    # a project's price can only rise during a run; at first it is at least cost / total satisfaction
    lower = {q.index: (q.cost / q.total_sat) * (1 - REL) for q in projects}
    funded: list[MesProject] = []
    while remaining:
        before_round(funded)
        quotes = []
        ceiling = float("inf")
        for index in _pricing_order(remaining, lower, prices.first_to_price(len(funded))):
            if lower[index] > ceiling:
                break
            q = remaining[index]
            quoted = prices.quote(q, ceiling)
            if quoted is None:
                prices.drop_unaffordable(q)
                del remaining[index]
                continue
            lower[index], high, quote = quoted
            if quote is None:  # priced only far enough to know it is dearer than the round's best
                continue
            ceiling = min(ceiling, high)
            quotes.append(quote)
        if not quotes:
            break
        bought = prices.buy(prices.choose(quotes, ceiling), remaining)
        funded.append(bought)
        del remaining[bought.index]
    return funded


def _pricing_order(remaining: dict[int, MesProject], lower: dict[int, float], first: int | None) -> list[int]:
    """The projects still in the running, cheapest lower bound first (`first`, if given, before all)."""
    order = sorted(remaining, key=lower.__getitem__)
    if first in remaining:
        order.remove(first)
        order.insert(0, first)
    return order

"""Method of Equal Shares (pabutools `method_of_equal_shares`), with the add1 completion
(`voter_budget_increment=1`).

Every voter gets an equal share of the budget. Each round, every project still in the running is priced: its
price rho is the smallest amount such that its supporters, each paying rho per unit of satisfaction or all
they have left, pay its cost. The cheapest project (ties to the tie-breaking order) is funded and its
supporters pay; a project its supporters can no longer afford leaves the running. With add1, every voter's
share is raised by one currency unit until the next outcome would overspend (or the outcome is exhaustive).

The round loop (`run_rounds`, mes_rounds.py, with its interface `RoundPrices`) is shared by the exact runs (mes_exact: exact Fractions, the run reported) and
the certified float runs of add1's search (mes_float); mes_jump lets that search skip the budgets at which
the outcome cannot change.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..errors import CountingError
from ..explain import exact, payment, project_names, shown
from ..model import Election
from ..options import Explanation
from ..profile import SatProfile
from ..progress import Watch
from ..ties import TieBreaking, lexicographic
from .greedy import GreedyOutcome, explain_greedy
from .mes_exact import ExactMoney, ExactPrices
from .mes_float import FloatPrices, Uncertain
from .mes_model import MesOutcome, MesPayment, MesProject, MesRound, MesUnfunded, prepare
from .mes_rounds import RoundPrices, run_rounds

__all__ = ["MesOutcome", "MesPayment", "MesRound", "MesUnfunded", "method_of_equal_shares"]

_ADD1_PROGRESS = 0.9  # the share of the progress bar for add1's search (the final exact run takes the rest)


def method_of_equal_shares(
    sp: SatProfile,
    *,
    completion: str = "none",
    tie_breaking: TieBreaking = lexicographic,
    per_voter_budget: Fraction | None = None,
    jump: bool = True,
    watch: Watch | None = None,
) -> MesOutcome:
    """MES; `completion="add1"` raises every voter's budget by 1 unit until the next step would
    overspend (exactly pabutools' `voter_budget_increment=1`). Progress: the add1 search reports up to 0.9,
    the final exact run the rest."""
    watch = watch or Watch()
    if completion not in ("none", "add1"):
        raise ValueError(completion)
    projects, free = prepare(sp, tie_breaking)
    if sp.n_voters == 0:
        return MesOutcome((), Fraction(0), 0, (), (), ())
    base = per_voter_budget if per_voter_budget is not None else Fraction(sp.budget, sp.n_voters)
    if completion == "none":
        return _reported_run(sp, projects, free, base, 0, watch)
    k = _add1_increments(sp, projects, base, jump, watch)
    return _reported_run(sp, projects, free, base + k, k, watch)


def _add1_increments(
    sp: SatProfile, projects: list[MesProject], base: Fraction, jump: bool, watch: Watch
) -> int:
    """The number k of unit increments pabutools' iterated MES stops at (returning the run at base + k)."""
    k = 0
    last_k = -1
    short = 0  # consecutive runs whose jump was under one unit
    previous: list[int] = []
    while True:
        try_jump = jump and _jump_worth_trying(short)
        prices: RoundPrices[Any, Any]
        try:
            if not jump:  # reference mode: exact runs, one unit at a time
                raise Uncertain
            prices = FloatPrices(sp, projects, float(base + k), jump=try_jump, likely_winners=previous)
            funded = run_rounds(prices, projects, lambda _: watch.check())
        except Uncertain:
            prices = ExactPrices(sp, projects, base + k, jump=try_jump, record=False)
            funded = run_rounds(prices, projects, lambda _: watch.check())
        previous = [q.index for q in funded]  # the next run, one or more units on, likely funds the same
        spent = _cost(funded)
        watch.report(_ADD1_PROGRESS * _share(spent, sp.budget), f"MES add1: {k} units added to each voter")
        short = short + 1 if prices.dmax < 1 else 0
        if spent > sp.budget:
            return last_k
        if _is_exhaustive(sp, projects, funded):
            return k
        # the outcome is the same for every budget in [base + k, base + k + dmax)
        step = 1 if prices.dmax < 1 else math.ceil(prices.dmax)
        if not math.isfinite(prices.dmax) or step > 10**15:
            raise CountingError("MES with add1 would never stop on this election")
        last_k = k + step - 1
        k += step


def _jump_worth_trying(short: int) -> bool:
    """Whether to compute the jump bound, after `short` runs in a row whose bound was under one unit.

    A run with the jump bound costs about three plain runs; where the outcome changes within every unit
    (Warsaw 2026: ~180 runs, none jumps) it is tried only after 1, 8, 64, 512, ... such runs, where it keeps
    working (Budapest: ~51,500 units in a few hundred runs) it is tried every time."""
    return short == 0 or (short & (short - 1) == 0 and short.bit_length() % 3 == 1)


def _reported_run(
    sp: SatProfile, projects: list[MesProject], free: list[str], per_voter: Fraction, k: int, watch: Watch
) -> MesOutcome:
    """The exact run at `per_voter` with every payment recorded for the explanation."""
    if k < 0:  # pabutools returns its initial allocation (only free projects)
        return MesOutcome(tuple(free), per_voter, 0, (), _unfunded(projects, None, set()), tuple(free))
    progress_from = _ADD1_PROGRESS if k else 0.0

    def report(funded: list[MesProject]) -> None:
        done = progress_from + (1 - progress_from) * _share(_cost(funded), sp.budget)
        watch.report(done, f"MES: {len(funded)} projects funded")

    prices = ExactPrices(sp, projects, per_voter, jump=False, record=True)
    funded = run_rounds(prices, projects, report)
    return MesOutcome(
        selected=tuple(free) + tuple(q.id for q in funded),
        budget_per_voter=per_voter,
        increments=k,
        rounds=tuple(prices.rounds),
        unfunded=_unfunded(projects, prices.money, {q.index for q in funded}),
        free=tuple(free),
    )


def _unfunded(
    projects: list[MesProject], money: ExactMoney | None, funded: set[int]
) -> tuple[MesUnfunded, ...]:
    return tuple(
        MesUnfunded(
            q.id,
            q.cost,
            q.voters,
            money.exact_sum(q.groups, q.weight) if money is not None else Fraction(0),
        )
        for q in projects
        if q.index not in funded
    )


def _cost(funded: list[MesProject]) -> int:
    return sum(q.cost for q in funded)


def _share(spent: int, budget: int) -> float:
    return min(spent / budget, 1.0) if budget else 1.0


def _is_exhaustive(sp: SatProfile, projects: list[MesProject], funded: list[MesProject]) -> bool:
    spent = _cost(funded)
    taken = {q.index for q in funded}
    return all(q.index in taken or spent + q.cost > sp.budget for q in projects)


def explain_mes(
    election: Election, out: MesOutcome, completion: str, extra: GreedyOutcome | None
) -> Explanation:
    names = project_names(election)
    n = len(election.ballots)
    funded = []
    for number, r in enumerate(out.rounds, start=1):
        payments = (payment(p.amount.numerator, p.amount.denominator, p.voters) for p in r.payments)
        pays = [p for p in payments if p is not None]
        if len(pays) == 1:
            text = f"{r.payers} supporters paid {pays[0]['amount']} each"
        else:
            text = f"{r.payers} supporters paid: " + ", ".join(
                f"{p['voters']} paid {p['amount']}" for p in pays
            )
        if r.gave_all:
            text += f" ({r.gave_all} of them gave all they had left)"
        funded.append(
            {
                "id": r.project,
                "name": names[r.project],
                "cost": r.cost,
                "round": number,
                "supporters": r.supporters,
                "payers": r.payers,
                "gave_all": r.gave_all,
                "payments": pays,
                "text": text,
            }
        )
    for pid in out.free:
        funded.insert(
            0,
            {
                "id": pid,
                "name": names[pid],
                "cost": 0,
                "round": 0,
                "supporters": None,
                "payers": 0,
                "gave_all": 0,
                "payments": [],
                "text": "costs nothing: funded first",
            },
        )
    selected = set(out.selected) | (set(extra.selected) if extra else set())
    considered = {u.project: u for u in out.unfunded}
    not_funded = []
    for p in election.projects:
        if p.id in selected:
            continue
        u = considered.get(p.id)
        if u is None:
            not_funded.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "cost": p.cost,
                    "supporters": 0,
                    "supporters_money": "0",
                    "supporters_money_exact": 0,
                    "shortfall": p.cost,
                    "effective_support_percent": 0,
                    "supporters_needed": None,
                    "text": "nobody supported it",
                }
            )
            continue
        short = max(Fraction(p.cost) - u.money, Fraction(0))
        percent = int(100 * u.money / p.cost) if p.cost else 100
        needed = None
        if u.money > 0:
            needed = -((-p.cost * u.supporters) // u.money)  # ceil: supporters with their average money
            needed = int(needed)
        text = f"its {u.supporters} supporters had {shown(u.money)} left, it costs {p.cost}" + (
            f": at their average of {shown(u.money / u.supporters)} each, it would have needed {needed} supporters"
            if needed
            else ""
        )
        not_funded.append(
            {
                "id": p.id,
                "name": p.name,
                "cost": p.cost,
                "supporters": u.supporters,
                "supporters_money": shown(u.money),
                "supporters_money_exact": exact(u.money),
                "shortfall": exact(short),
                "effective_support_percent": percent,
                "supporters_needed": needed,
                "text": text,
            }
        )
    result = {
        "kind": "mes",
        "voters": n,
        "budget_per_voter": shown(out.budget_per_voter),
        "budget_per_voter_exact": exact(out.budget_per_voter),
        "increments": out.increments,
        "funded": funded,
        "not_funded": not_funded,
    }
    if completion == "add1u":
        result["completed_by_greedy"] = explain_greedy(election, extra)["projects"] if extra else []
    return result

"""Explanations: plain numbers and sentences, JSON-ready, so the results page only renders them."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from .model import Election
from .options import Explanation

if TYPE_CHECKING:  # the rules import their explanations
    from .rules.ear import EarOutcome
    from .rules.greedy import GreedyOutcome
    from .rules.mes import MesOutcome
    from .rules.phragmen import PhragmenOutcome


def exact(x: int | Fraction) -> int | str:
    """An exact number for JSON: an int, or 'numerator/denominator'. Fractions whose terms exceed 200 bits
    (PB-EAR weights after many rounds have thousands of digits) are given as a 15-digit decimal string."""
    if isinstance(x, int) or x.denominator == 1:
        return int(x)
    if max(abs(x.numerator).bit_length(), x.denominator.bit_length()) > 200:
        return f"{float(x):.15g}"
    return f"{x.numerator}/{x.denominator}"


def shown(x: int | Fraction) -> str:
    """A number as shown to residents (two decimals when not whole)."""
    if isinstance(x, int) or x.denominator == 1:
        return str(int(x))
    return f"{float(x):.2f}"


def _payment(numerator: int, denominator: int, voters: int) -> dict[str, int | str] | None:
    """A positive MES payment as the contract shows it (as shown() and exact() would: thousands of payments
    are written for a large election, so this works on the terms directly), or None if nothing was paid."""
    if numerator <= 0:
        return None
    if denominator == 1:
        return {"amount": str(numerator), "amount_exact": numerator, "voters": voters}
    if max(numerator.bit_length(), denominator.bit_length()) > 200:
        amount_exact: int | str = f"{numerator / denominator:.15g}"
    else:
        amount_exact = f"{numerator}/{denominator}"
    return {"amount": f"{numerator / denominator:.2f}", "amount_exact": amount_exact, "voters": voters}


def _names(election: Election) -> dict[str, str]:
    return {p.id: p.name for p in election.projects}


def explain_greedy(election: Election, out: GreedyOutcome) -> Explanation:
    names = _names(election)
    cost = {p.id: p.cost for p in election.projects}
    items = []
    for it in out.items:
        if it.status == "funded":
            text = "funded"
        elif it.status == "did_not_fit":
            text = f"did not fit: {it.budget_left} left, needed {cost[it.project]}"
        elif it.status == "below_threshold":
            text = f"below the threshold: score {shown(it.score)}, needed {shown(out.threshold or 0)}"
        else:
            text = "already funded"
        items.append(
            {
                "id": it.project,
                "name": names[it.project],
                "cost": cost[it.project],
                "score": exact(it.score),
                "rank": it.rank,
                "status": it.status,
                "budget_left": it.budget_left,
                "text": text,
            }
        )
    return {
        "kind": "greedy",
        "threshold": exact(out.threshold) if out.threshold is not None else None,
        "projects": items,
    }


def explain_mes(
    election: Election, out: MesOutcome, completion: str, extra: GreedyOutcome | None
) -> Explanation:
    names = _names(election)
    n = len(election.ballots)
    funded = []
    for number, r in enumerate(out.rounds, start=1):
        payments = (_payment(p.amount.numerator, p.amount.denominator, p.voters) for p in r.payments)
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


def explain_phragmen(election: Election, out: PhragmenOutcome) -> Explanation:
    names = _names(election)
    steps = [
        {
            "id": s.project,
            "name": names[s.project],
            "cost": s.cost,
            "supporters": s.supporters,
            "load": shown(s.load),
            "load_exact": exact(s.load),
            "text": f"bought when each of its {s.supporters} supporters had spent {shown(s.load)} in all",
        }
        for s in out.steps
    ]
    stopped = None
    if out.stopped_at is not None:
        stopped = {
            "id": out.stopped_at,
            "name": names[out.stopped_at],
            "text": "would have been bought next but did not fit the budget: counting stopped",
        }
    return {"kind": "phragmen", "steps": steps, "stopped_at": stopped}


def explain_ear(election: Election, out: EarOutcome) -> Explanation:
    names = _names(election)
    steps = [
        {
            "id": s.project,
            "name": names[s.project],
            "cost": s.cost,
            "depth": s.depth,
            "support": shown(s.support),
            "support_exact": exact(s.support),
            "quota": shown(s.quota),
            "quota_exact": exact(s.quota),
            "supporters": s.supporters,
            "text": f"{s.supporters} voters ranked it in their top {s.depth}; their weight {shown(s.support)} "
            f"reached its quota {shown(s.quota)}",
        }
        for s in out.steps
    ]
    funded = set(out.selected)
    return {
        "kind": "ear",
        "steps": steps,
        "not_funded": [
            {"id": p.id, "name": p.name, "cost": p.cost} for p in election.projects if p.id not in funded
        ],
    }

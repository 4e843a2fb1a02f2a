"""Why each proposal was or was not funded, in the reader's language: sentences written here from the
numbers of the engine's explanation (its English `text` fields are never shown)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

Money = Callable[[Fraction], str]  # an amount in the export's unit, formatted as money


@dataclass
class Reason:
    id: str
    funded: bool
    sentences: list[str] = field(default_factory=list)
    takes: str = ""  # what would have funded it (unfunded proposals, when the count computed it)


def number(value: Any) -> Fraction:
    """An exact number from the explanation (an int, 'a/b' or a decimal string)."""
    return Fraction(str(value))


def shown(value: Any) -> str:
    x = number(value)
    return str(int(x)) if x.denominator == 1 else f"{float(x):.2f}"


def reasons(explanation: dict[str, Any], money: Money) -> tuple[list[str], dict[str, Reason]]:
    """An introduction and, per proposal id, whether the rule funded it, why, and what would have funded it."""
    intro, found = _reasons(explanation, money)
    for pid, figures in (explanation.get("what_it_takes") or {}).items():
        reason = found.setdefault(pid, Reason(pid, False, [_("Not funded.")]))
        reason.takes = what_it_takes(figures, money)
    return intro, found


def what_it_takes(figures: dict[str, Any], money: Money) -> str:
    """'It would have been funded if it had cost X or less, or had N more supporters.' (or one half)."""
    cost, more = figures.get("max_cost"), figures.get("more_supporters")
    if cost is not None and more is not None:
        return _(
            "It would have been funded if it had cost %(cost)s or less, or had %(more)d more supporters.",
            cost=money(number(cost)),
            more=more,
        )
    if cost is not None:
        return _("It would have been funded if it had cost %(cost)s or less.", cost=money(number(cost)))
    if more is not None:
        return _("It would have been funded with %(more)d more supporters.", more=more)
    return ""


def _reasons(explanation: dict[str, Any], money: Money) -> tuple[list[str], dict[str, Reason]]:
    kind = explanation.get("kind")
    if kind == "mes":
        return _mes(explanation, money)
    if kind == "greedy":
        return [_("Proposals were funded in order of their score, skipping those that no longer fit.")], {
            r.id: r for r in _greedy(explanation.get("projects", []), money)
        }
    if kind == "ear":
        return _ear(explanation)
    if kind == "phragmen":
        return _phragmen(explanation, money)
    return [], {}


def _mes(ex: dict[str, Any], money: Money) -> tuple[list[str], dict[str, Reason]]:
    intro = [
        _(
            "Each of the %(voters)d voters had an equal share of %(share)s to spend on the proposals they chose.",
            voters=ex.get("voters", 0),
            share=money(number(ex.get("budget_per_voter_exact", 0))),
        )
    ]
    found: dict[str, Reason] = {}
    for item in ex.get("funded", []):
        reason = Reason(item["id"], True)
        payments = item.get("payments", [])
        if not payments:
            reason.sentences.append(_("Funded first: it costs nothing."))
        elif len(payments) == 1:
            reason.sentences.append(
                _(
                    "Funded: %(payers)d of its %(supporters)d supporters paid %(amount)s each.",
                    payers=item["payers"],
                    supporters=item["supporters"] or item["payers"],
                    amount=money(number(payments[0]["amount_exact"])),
                )
            )
        elif len(payments) > 3:
            amounts = [number(p["amount_exact"]) for p in payments]
            reason.sentences.append(
                _(
                    "Funded: %(payers)d of its %(supporters)d supporters paid between %(low)s and %(high)s each.",
                    payers=item["payers"],
                    supporters=item["supporters"] or item["payers"],
                    low=money(min(amounts)),
                    high=money(max(amounts)),
                )
            )
        else:
            groups = ", ".join(
                _("%(voters)d paid %(amount)s", voters=p["voters"], amount=money(number(p["amount_exact"])))
                for p in payments
            )
            reason.sentences.append(
                _(
                    "Funded: %(payers)d of its %(supporters)d supporters paid for it (%(groups)s).",
                    payers=item["payers"],
                    supporters=item["supporters"] or item["payers"],
                    groups=groups,
                )
            )
        if item.get("gave_all"):
            reason.sentences.append(
                _(
                    "%(n)d of these %(payers)d gave all the money they had left.",
                    n=item["gave_all"],
                    payers=item["payers"],
                )
            )
        found[reason.id] = reason
    for item in ex.get("not_funded", []):
        reason = Reason(item["id"], False)
        if not item.get("supporters"):
            reason.sentences.append(_("Not funded: nobody supported it."))
        else:
            reason.sentences.append(
                _(
                    "Not funded: its %(supporters)d supporters had %(money)s left between them, "
                    "and it costs %(cost)s.",
                    supporters=item["supporters"],
                    money=money(number(item["supporters_money_exact"])),
                    cost=money(number(item["cost"])),
                )
            )
            reason.sentences.append(
                _(
                    "Its effective support was %(percent)s%% of what it needed.",
                    percent=item["effective_support_percent"],
                )
            )
            if item.get("supporters_needed"):
                reason.sentences.append(
                    _(
                        "With the same money each, it would have needed %(needed)d supporters.",
                        needed=item["supporters_needed"],
                    )
                )
        found[reason.id] = reason
    completed = [r for r in _greedy(ex.get("completed_by_greedy", []), money) if r.funded]
    if completed:
        intro.append(
            _("The money left over was then spent on the proposals with the most support that still fitted.")
        )
    for reason in completed:
        reason.sentences.insert(0, _("Funded with the money left over after equal shares."))
        found[reason.id] = reason
    return intro, found


def _greedy(items: list[dict[str, Any]], money: Money) -> list[Reason]:
    made = []
    for item in items:
        status = item.get("status")
        if status == "already_funded":
            continue
        values = {"rank": item["rank"], "score": shown(item["score"])}
        if status == "funded":
            reason = Reason(
                item["id"], True, [_("Funded: ranked %(rank)d with a score of %(score)s.", **values)]
            )
        elif status == "did_not_fit":
            reason = Reason(
                item["id"],
                False,
                [
                    _(
                        "Not funded: ranked %(rank)d with a score of %(score)s, but it did not fit: "
                        "%(left)s was left and it needed %(cost)s.",
                        left=money(number(item["budget_left"])),
                        cost=money(number(item["cost"])),
                        **values,
                    )
                ],
            )
        else:
            reason = Reason(
                item["id"],
                False,
                [_("Not funded: its score of %(score)s was below the threshold.", **values)],
            )
        made.append(reason)
    return made


def _ear(ex: dict[str, Any]) -> tuple[list[str], dict[str, Reason]]:
    intro = [
        _(
            "Each proposal has a quota of voters' weight in proportion to its cost; the count looks one rank "
            "deeper at a time and funds proposals whose supporters reach their quota."
        )
    ]
    found: dict[str, Reason] = {}
    for step in ex.get("steps", []):
        found[step["id"]] = Reason(
            step["id"],
            True,
            [
                _(
                    "Funded: %(supporters)d voters ranked it in their top %(depth)d; their combined weight "
                    "%(support)s reached its quota of %(quota)s.",
                    supporters=step["supporters"],
                    depth=step["depth"],
                    support=shown(step["support_exact"]),
                    quota=shown(step["quota_exact"]),
                )
            ],
        )
    for item in ex.get("not_funded", []):
        found[item["id"]] = Reason(
            item["id"], False, [_("Not funded: its supporters' weight never reached its quota.")]
        )
    return intro, found


def _phragmen(ex: dict[str, Any], money: Money) -> tuple[list[str], dict[str, Reason]]:
    found: dict[str, Reason] = {}
    for step in ex.get("steps", []):
        found[step["id"]] = Reason(
            step["id"],
            True,
            [
                _(
                    "Funded when each of its %(supporters)d supporters had spent %(load)s in all.",
                    supporters=step["supporters"],
                    load=money(number(step["load_exact"])),
                )
            ],
        )
    stopped = ex.get("stopped_at")
    if stopped:
        found[stopped["id"]] = Reason(
            stopped["id"], False, [_("Not funded: it would have been next but did not fit the budget.")]
        )
    return [], found

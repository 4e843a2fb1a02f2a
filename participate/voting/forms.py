"""The ballot's form: its fields depend on the budgets, so they are read here from the posted data.

One field per proposal and budget, named `b<budget id>-p<proposal id>`: a rank ("" for not ranked), a
ticked box ("1") or a number of points. The review step carries the same names in hidden fields, so
reviewing, changing and casting read the ballot the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from participate.core.errors import ValidationFailed
from participate.core.numbers import whole_number
from participate.voting.models import BallotType

REVIEW, CHANGE, CAST = "review", "change", "cast"


class BallotForm(FlaskForm):
    """Only the CSRF token; `read_ballot` reads the rest."""


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[InputRequired(), Length(max=64)])


def field_name(budget: Any, proposal: Any) -> str:
    return f"b{budget.id}-p{proposal.id}"


def _number(raw: str, largest: int) -> int | None:
    return whole_number(raw.strip(), largest=largest)


def read_ballot(budget: Any, proposals: Sequence[Any], data: Mapping[str, str]) -> list[Any]:
    """The choices the posted fields make, in the shape voting.services.check_choices takes; a rank
    given twice or a value that is not on offer is a ValidationFailed saying what to fix."""
    kind = BallotType(budget.ballot_type)
    if kind is BallotType.APPROVAL:
        return [p.id for p in proposals if data.get(field_name(budget, p)) == "1"]
    if kind is BallotType.POINTS:
        points = []
        for p in proposals:
            raw = data.get(field_name(budget, p), "").strip() or "0"
            given = _number(raw, budget.points_total or 999_999)
            if given is None:
                raise ValidationFailed(
                    _("Give %(title)s a whole number of points from 0 to %(total)d.",
                      title=p.title, total=budget.points_total or 999_999)
                )  # fmt: skip
            if given:
                points.append([p.id, given])
        return points
    ranked: dict[int, Any] = {}
    for p in proposals:
        raw = data.get(field_name(budget, p), "").strip()
        if not raw:
            continue
        rank = _number(raw, len(proposals))
        if not rank:
            raise ValidationFailed(_("Choose a rank from the list for %(title)s.", title=p.title))
        if rank in ranked:
            raise ValidationFailed(
                _("%(first)s and %(second)s both have rank %(rank)d: give each proposal its own rank.",
                  first=ranked[rank].title, second=p.title, rank=rank)
            )  # fmt: skip
        ranked[rank] = p
    return [ranked[rank].id for rank in sorted(ranked)]


def values_of(budget: Any, choices: Sequence[Any] | None) -> dict[str, str]:
    """The field values that show `choices` (a stored ballot) on the form again."""
    kind = BallotType(budget.ballot_type)
    values: dict[str, str] = {}
    for position, choice in enumerate(choices or [], start=1):
        if kind is BallotType.POINTS:
            values[f"b{budget.id}-p{choice[0]}"] = str(choice[1])
        else:
            values[f"b{budget.id}-p{choice}"] = "1" if kind is BallotType.APPROVAL else str(position)
    return values


@dataclass
class Line:
    """One proposal on one budget's ballot, as the page shows it."""

    proposal: Any
    name: str
    value: str
    statement: str | None = None


@dataclass
class BudgetBallot:
    """One budget's ballot on the page: its proposals with the voter's current values, and what the
    instructions and totals say."""

    budget: Any
    kind: str
    lines: list[Line]
    voted: bool = False
    error: str | None = None
    chosen: list[Line] = field(default_factory=list)

    @property
    def cost_chosen(self) -> int:
        return sum(line.proposal.effective_cost for line in self.chosen)

    @property
    def points_given(self) -> int:
        return sum(whole_number(line.value) or 0 for line in self.chosen)

    @property
    def ranks(self) -> list[int]:
        return ranks_offered(self.budget, len(self.lines))

    @property
    def over_cap(self) -> bool:
        return bool(self.budget.spending_cap) and self.cost_chosen > self.budget.budget_minor


def ranks_offered(budget: Any, candidates: int) -> list[int]:
    """The ranks a ranked ballot offers: no more than there are proposals, nor than may be chosen."""
    most = candidates if budget.max_choices is None else min(candidates, budget.max_choices)
    return list(range(1, most + 1))


def budget_ballot(
    budget: Any,
    proposals: Sequence[Any],
    values: Mapping[str, str],
    *,
    statements: Mapping[int, str | None] | None = None,
    voted: bool = False,
) -> BudgetBallot:
    statements = statements or {}
    lines = [
        Line(p, field_name(budget, p), values.get(field_name(budget, p), ""), statements.get(p.id))
        for p in proposals
    ]
    kind = BallotType(budget.ballot_type)
    chosen = [line for line in lines if line.value not in ("", "0")]
    if kind is BallotType.RANKED:
        chosen.sort(key=lambda line: whole_number(line.value) or 0)
    return BudgetBallot(budget, kind.value, lines, voted=voted, chosen=chosen)


def carried(data: Mapping[str, str], ballots: Sequence[BudgetBallot]) -> dict[str, str]:
    """The ballot fields of the posted data (to carry through the review step in hidden fields)."""
    names = {line.name for ballot in ballots for line in ballot.lines}
    return {name: data[name] for name in sorted(names) if data.get(name, "").strip()}

"""Forms of the vote's staff screens and the kiosk: input shape and validation only (the services check
the rest)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participate.core.forms import MoneyField, one_line
from participate.core.numbers import whole_number
from participate.counting import COMPLETIONS, RULES, SATISFACTIONS
from participate.eligibility.forms import NO_DISTRICT, district_choices
from participate.eligibility.models import Eligibility
from participate.voting.models import BALLOT_TYPE_LABELS, BallotType, DistrictScope
from participate.voting.setup import OFFERED_RULES, BudgetInput, SettingsInput

ELIGIBILITY_LABELS = {
    Eligibility.CENSUS.value: _l("Census: residents confirm their identity number and birth year"),
    Eligibility.ACCOUNT.value: _l("Account: any confirmed account, declaring their district"),
}
SCOPE_LABELS = {
    DistrictScope.OWN.value: _l("Their own district's budget only"),
    DistrictScope.OWN_AND_CITYWIDE.value: _l("Their own district's budget and the city-wide budgets"),
}
RULE_LABELS = {
    "mes": _l("Method of Equal Shares"),
    "greedy": _l("Most support first (greedy)"),
    "ear": _l("Expanding Approvals Rule (ranked ballots only)"),
}
SAT_LABELS = {
    "cost": _l("Cost"),
    "cardinality": _l("Number of projects"),
    "borda": _l("Borda (ranked)"),
    "points": _l("Points by rank (ranked)"),
    "additive": _l("Points given (points ballots)"),
    "cost-points": _l("Cost × points of its rank (ranked)"),
    "cost-additive": _l("Cost × points given (points ballots)"),
}
COMPLETION_LABELS = {
    "none": _l("None"),
    "add1": _l("Add 1"),
    "add1u": _l("Add 1, then greedy"),
}


class VoteSettingsForm(FlaskForm):
    eligibility = RadioField(
        _l("Who may vote"), choices=list(ELIGIBILITY_LABELS.items()), default=Eligibility.CENSUS.value
    )
    district_scope = RadioField(
        _l("Which budgets residents vote on"),
        choices=list(SCOPE_LABELS.items()),
        default=DistrictScope.OWN_AND_CITYWIDE.value,
    )
    min_age = IntegerField(_l("Minimum age (optional)"), validators=[Optional(), NumberRange(min=0, max=120)])
    submit = SubmitField(_l("Save vote settings"))

    def to_input(self) -> SettingsInput:
        return SettingsInput(self.eligibility.data, self.district_scope.data, self.min_age.data)


class BudgetForm(FlaskForm):
    budget_id = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), one_line, Length(max=120)])
    district = SelectField(_l("District"))
    amount = MoneyField(_l("Budget"), validators=[InputRequired()])
    ballot_type = RadioField(
        _l("Ballot type"),
        choices=[(t.value, label) for t, label in BALLOT_TYPE_LABELS.items()],
        default=BallotType.RANKED.value,
    )
    min_choices = IntegerField(
        _l("Least number of choices"), default=1, validators=[InputRequired(), NumberRange(min=0, max=1000)]
    )
    max_choices = IntegerField(
        _l("Most choices (optional)"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    spending_cap = BooleanField(_l("The choices on one ballot may cost at most the budget"))
    points_total = IntegerField(
        _l("Points each voter shares out (points ballots)"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
    )
    rule = SelectField(
        _l("Counting rule"), choices=[(name, RULE_LABELS[name]) for name in OFFERED_RULES if name in RULES]
    )
    sat = SelectField(
        _l("Satisfaction measure"),
        choices=[("", _l("None (the rule uses none)")), *((n, SAT_LABELS.get(n, n)) for n in SATISFACTIONS)],
        default="cost-points",
    )
    completion = SelectField(
        _l("Completion (Method of Equal Shares only)"),
        choices=[(n, COMPLETION_LABELS.get(n, n)) for n in COMPLETIONS],
        default="add1u",
    )
    submit = SubmitField(_l("Save budget"))

    @classmethod
    def for_process(cls, process: Any, budget: Any = None) -> BudgetForm:
        # Values named one by one, never `obj=`: `budget.district` is an object, the select holds an id.
        form = cls() if budget is None else cls(data=cls._values(budget))
        form.district.choices = district_choices(process, _l("None: city-wide"))
        form.amount.currency = process.currency
        return form

    @staticmethod
    def _values(budget: Any) -> dict[str, Any]:
        return {
            "budget_id": str(budget.id),
            "name": budget.name,
            "district": str(budget.district_id) if budget.district_id else NO_DISTRICT,
            "amount": budget.budget_minor,
            "ballot_type": budget.ballot_type,
            "min_choices": budget.min_choices,
            "max_choices": budget.max_choices,
            "spending_cap": budget.spending_cap,
            "points_total": budget.points_total,
            "rule": budget.rule,
            "sat": budget.sat or "",
            "completion": budget.completion,
        }

    def to_input(self) -> BudgetInput:
        return BudgetInput(
            name=self.name.data or "",
            district_id=whole_number(self.district.data),
            budget_minor=self.amount.data or 0,
            ballot_type=self.ballot_type.data,
            min_choices=self.min_choices.data or 0,
            max_choices=self.max_choices.data,
            spending_cap=bool(self.spending_cap.data),
            points_total=self.points_total.data,
            rule=self.rule.data,
            sat=self.sat.data or None,
            completion=self.completion.data,
        )


class BudgetDeleteForm(FlaskForm):
    budget_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Delete"))


class KioskCodeForm(FlaskForm):
    code = StringField(
        _l("Voting code"), validators=[DataRequired(), Length(max=40)], render_kw={"autocomplete": "off"}
    )
    submit = SubmitField(_l("Show the ballot"))


class KioskBallotForm(FlaskForm):
    """The code travels in a hidden field; the choices are read from the raw form by the online ballot's
    reader (voting.forms.read_ballot), with its field names."""

    code = HiddenField(validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Cast the ballot"))

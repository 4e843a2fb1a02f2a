from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from participate.core.money import to_minor
from participate.processes.models import PHASE_ORDER

CURRENCIES = [
    ("SEK", "SEK"),
    ("EUR", "EUR"),
    ("NOK", "NOK"),
    ("DKK", "DKK"),
    ("GBP", "GBP"),
    ("PLN", "PLN"),
    ("CHF", "CHF"),
    ("USD", "USD"),
    ("HUF", "HUF"),
]

AMOUNT_PATTERN = r"^\s*\d[\d\s\u00a0]*([.,]\d{1,2})?\s*$"


def parse_amount(field, currency: str) -> int:
    try:
        return to_minor(field.data or "", currency)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class ProcessForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = StringField(_l("One-line summary"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=50_000)])
    budget = StringField(
        _l("Total budget"),
        validators=[
            DataRequired(),
            Regexp(AMOUNT_PATTERN, message=_l("Write an amount such as 1 500 000 or 2500.50.")),
        ],
    )
    currency = SelectField(_l("Currency"), choices=CURRENCIES, default="SEK")
    submit = SubmitField(_l("Save process"))


def _both_or_neither(first, second, message) -> bool:
    """`Optional()` stops validation of an empty field, so a pair rule must live in the form's validate()."""
    if bool(first.data) == bool(second.data):
        return True
    missing = second if first.data else first
    missing.errors = [*missing.errors, message]
    return False


class WindowForm(Form):
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        paired = _both_or_neither(
            self.starts_on, self.ends_on, _l("Give both dates, or neither to skip this phase.")
        )
        return valid and paired


class ScheduleForm(FlaskForm):
    proposals = FormField(WindowForm)
    deliberation = FormField(WindowForm)
    panel = FormField(WindowForm)
    voting = FormField(WindowForm)
    results = FormField(WindowForm)
    submit = SubmitField(_l("Save dates"))

    PHASE_FIELDS = tuple(phase.value for phase in PHASE_ORDER)


class DistrictForm(Form):
    name = StringField(_l("District name"), validators=[Optional(), Length(max=120)])
    budget = StringField(
        _l("District budget"),
        validators=[
            Optional(),
            Regexp(AMOUNT_PATTERN, message=_l("Write an amount such as 1 500 000 or 2500.50.")),
        ],
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.name.data = (self.name.data or "").strip()
        self.budget.data = (self.budget.data or "").strip()
        paired = _both_or_neither(
            self.name, self.budget, _l("Give a district both a name and a budget, or leave both empty.")
        )
        return valid and paired


class DistrictsForm(FlaskForm):
    districts = FieldList(FormField(DistrictForm), min_entries=3)
    submit = SubmitField(_l("Save districts"))


class AdvancePhaseForm(FlaskForm):
    phase = SelectField(_l("Move to phase"), validators=[DataRequired()])
    submit = SubmitField(_l("Move now"))


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish"))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[
            ("facilitator", _l("Facilitator")),
            ("staff", _l("Council staff")),
            ("admin", _l("Administrator")),
        ],
    )
    grant = SubmitField(_l("Grant"))
    revoke = SubmitField(_l("Revoke"))

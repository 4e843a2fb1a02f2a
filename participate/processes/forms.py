"""Forms of the process management screens: input shape and validation only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from participate.core.forms import MoneyField, one_line
from participate.core.numbers import whole_number
from participate.processes.models import PHASE_ORDER, PROCESS_ROLE_LABELS
from participate.processes.services import DistrictInput, ProcessInput, WindowInput

CURRENCIES = [(code, code) for code in ("SEK", "EUR", "NOK", "DKK", "GBP", "PLN", "CHF", "USD", "HUF")]
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


class ProcessForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), one_line, Length(max=200)])
    summary = StringField(_l("One-line summary"), validators=[Optional(), one_line, Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=50_000)])
    budget = MoneyField(_l("Total budget"), validators=[InputRequired()], currency_field="currency")
    currency = SelectField(_l("Currency"), choices=CURRENCIES, default="SEK")
    language = SelectField(
        _l("Language residents write in"), choices=[("en", "English"), ("sv", "Svenska")], default="en"
    )
    submit = SubmitField(_l("Save process"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.budget.currency = self.currency.data or "SEK"

    @classmethod
    def for_process(cls, process: Any) -> ProcessForm:
        # Values named one by one, never `obj=`: a field named like a relationship would get an object.
        return cls(
            data={
                "title": process.title,
                "summary": process.summary,
                "description": process.description,
                "budget": process.budget_minor,
                "currency": process.currency,
                "language": process.language,
            }
        )

    def to_input(self) -> ProcessInput:
        return ProcessInput(
            title=self.title.data,
            summary=self.summary.data or "",
            description=self.description.data or "",
            budget_minor=self.budget.data or 0,
            currency=self.currency.data,
            language=self.language.data,
        )


def _both_or_neither(
    first: Any, second: Any, message: Any, given: Callable[[Any], bool] = lambda field: bool(field.data)
) -> bool:
    """`Optional()` stops validation of an empty field, so a pair rule must live in the form's validate()."""
    if given(first) == given(second):
        return True
    missing = second if given(first) else first
    missing.errors = [*missing.errors, message]
    return False


def _within_calendar(field: Any) -> bool:
    if field.data and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        field.errors = [*field.errors, _l("Choose a date between 2000 and 2100.")]
        return False
    return True


class WindowForm(Form):
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        in_range = _within_calendar(self.starts_on) & _within_calendar(self.ends_on)
        paired = _both_or_neither(
            self.starts_on, self.ends_on, _l("Give both dates, or neither to skip this phase.")
        )
        return valid and in_range and paired


class ScheduleForm(FlaskForm):
    proposals = FormField(WindowForm)
    deliberation = FormField(WindowForm)
    panel = FormField(WindowForm)
    voting = FormField(WindowForm)
    results = FormField(WindowForm)
    submit = SubmitField(_l("Save dates"))

    PHASE_FIELDS = tuple(phase.value for phase in PHASE_ORDER)

    @classmethod
    def for_process(cls, process: Any) -> ScheduleForm:
        form = cls()
        if not form.is_submitted():
            form.fill(process.windows())
        return form

    def fill(self, windows: list[Any]) -> None:
        for window in windows:
            sub = self[window.phase]
            sub.starts_on.data, sub.ends_on.data = window.starts_on, window.ends_on

    def to_input(self) -> list[WindowInput]:
        return [
            WindowInput(PHASE_ORDER[i], self[name].starts_on.data, self[name].ends_on.data)
            for i, name in enumerate(self.PHASE_FIELDS)
            if self[name].starts_on.data
        ]


class DistrictForm(Form):
    id = HiddenField()  # the district this row edits: a rename keeps what refers to it
    name = StringField(_l("District name"), validators=[Optional(), one_line, Length(max=120)])
    budget = MoneyField(_l("District budget"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        self.name.data = (self.name.data or "").strip()
        paired = _both_or_neither(
            self.name,
            self.budget,
            _l("Give a district both a name and a budget, or leave both empty."),
            given=lambda field: bool(getattr(field, "text", None) or field.data),
        )
        return valid and paired


class DistrictsForm(FlaskForm):
    districts = FieldList(FormField(DistrictForm), min_entries=3)
    submit = SubmitField(_l("Save districts"))

    @classmethod
    def for_process(cls, process: Any) -> DistrictsForm:
        form = cls()
        if form.is_submitted():
            form.use_currency(process.currency)
        else:
            form.fill(process.districts, process.currency)
        return form

    def fill(self, districts: list[Any], currency: str, blanks: int = 3) -> None:
        while len(self.districts) > 0:
            self.districts.pop_entry()
        for district in districts:
            self.districts.append_entry(
                {"id": district.id, "name": district.name, "budget": district.budget_minor}
            )
        for _blank in range(blanks):
            self.districts.append_entry()
        self.use_currency(currency)

    def use_currency(self, currency: str) -> None:
        for entry in self.districts:
            entry.form.budget.currency = currency

    def to_input(self) -> list[DistrictInput]:
        return [
            DistrictInput(entry.form.name.data, entry.form.budget.data, whole_number(entry.form.id.data))
            for entry in self.districts
            if entry.form.name.data
        ]


class AdvancePhaseForm(FlaskForm):
    phase = SelectField(_l("Move to phase"), validators=[DataRequired()])
    submit = SubmitField(_l("Move now"))


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish"))


class ProcessRoleForm(FlaskForm):
    email = EmailField(
        _l("Email address of the person"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(
        _l("Role in this process"),
        choices=[(role.value, label) for role, label in PROCESS_ROLE_LABELS.items()],
    )
    submit = SubmitField(_l("Grant role"))


class RevokeProcessRoleForm(FlaskForm):
    grant_id = IntegerField(
        widget=HiddenInput(), validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)]
    )
    submit = SubmitField(_l("Remove"))


class BoundariesForm(FlaskForm):
    file = FileField(
        _l("District outlines (GeoJSON)"), validators=[FileRequired(_l("Choose a GeoJSON file."))]
    )
    submit = SubmitField(_l("Upload outlines"))

"""Forms of eligibility: the census import, decisions on conflicts, voting codes, the residents'
verification page and the kiosk's check-in. Input shape and validation only (the services check the rest)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from participate.core.forms import one_line
from participate.core.numbers import whole_number
from participate.eligibility.codes import MAX_CODES

NO_DISTRICT = ""


def district_choices(process: Any, none_label: Any) -> list[tuple[str, Any]]:
    return [(NO_DISTRICT, none_label), *((str(d.id), d.name) for d in process.districts)]


class CensusForm(FlaskForm):
    file = FileField(_l("Census file (CSV)"), validators=[FileRequired(_l("Choose a CSV file."))])
    mode = RadioField(
        _l("What to do with it"),
        choices=[
            ("add", _l("Add these people to the census")),
            ("replace", _l("Replace the census with this file")),
        ],
        default="add",
    )
    submit = SubmitField(_l("Import"))


class ConflictActionForm(FlaskForm):
    conflict_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Decide"))


class CodesForm(FlaskForm):
    count = IntegerField(
        _l("How many codes"), default=100, validators=[InputRequired(), NumberRange(min=1, max=MAX_CODES)]
    )
    district = SelectField(_l("District"))
    batch = StringField(_l("Batch label"), validators=[DataRequired(), one_line, Length(max=80)])
    submit = SubmitField(_l("Make the codes"))

    @classmethod
    def for_process(cls, process: Any) -> CodesForm:
        form = cls()
        form.district.choices = district_choices(process, _l("None (city-wide ballot only)"))
        return form

    def district_id(self) -> int | None:
        return whole_number(self.district.data)


class CensusVerifyForm(FlaskForm):
    identity_number = StringField(
        _l("Personal identity number"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    birth_year = IntegerField(
        _l("Year of birth"), validators=[InputRequired(), NumberRange(min=1880, max=2100)]
    )
    submit = SubmitField(_l("Confirm"))


class CheckInForm(CensusVerifyForm):
    """Staff check a resident in for paper voting with the identity number and birth year they show."""

    PREFIX = "checkin"  # its fields sit on the kiosk page beside the code form's
    submit = SubmitField(_l("Check in"))


class AccountVerifyForm(FlaskForm):
    district = SelectField(_l("Your district"))
    submit = SubmitField(_l("Confirm"))

    @classmethod
    def for_process(cls, process: Any) -> AccountVerifyForm:
        form = cls()
        form.district.choices = district_choices(process, _l("None of these"))
        return form

    def district_id(self) -> int | None:
        return whole_number(self.district.data)

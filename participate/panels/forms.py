"""Forms of citizens' panels. The registration form is built for each panel from its features."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from participate.core.forms import MoneyField
from participate.panels.models import ALGORITHM_LABELS, REGISTRATION_MODE_LABELS, Panel
from participate.panels.pool import PREFER_NOT_TO_SAY
from participate.panels.setup import FeatureInput, PanelInput, parse_values


class PanelForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose: the question the panel answers"), validators=[Length(max=5000)])
    size = IntegerField(_l("Panel size (members)"), validators=[DataRequired(), NumberRange(min=2, max=1000)])
    meeting_dates = TextAreaField(_l("Meeting dates, one a line"), validators=[Length(max=3000)])
    stipend = MoneyField(_l("Stipend per meeting"))
    travel_covered = BooleanField(_l("Travel costs are paid"), default=True)
    childcare_offered = BooleanField(_l("Childcare is offered"))
    interpretation = StringField(
        _l("Interpretation offered (languages, sign language)"), validators=[Length(max=500)]
    )
    household_rule = BooleanField(_l("At most one member per household"), default=True)
    algorithm = SelectField(
        _l("Selection algorithm"),
        choices=[(str(k), v) for k, v in ALGORITHM_LABELS.items()],
        default="leximin",
    )
    registration_mode = SelectField(
        _l("How people register"),
        choices=[(str(k), v) for k, v in REGISTRATION_MODE_LABELS.items()],
        default="invitation",
    )
    max_registrations_per_code = IntegerField(
        _l("Registrations allowed per invitation code (household)"),
        default=2,
        validators=[DataRequired(), NumberRange(min=1, max=20)],
    )
    purge_after = DateField(_l("Erase the personal data of people not seated after"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def fill(self, panel: Panel) -> None:
        for name in (
            "title",
            "purpose",
            "size",
            "meeting_dates",
            "travel_covered",
            "childcare_offered",
            "interpretation",
            "household_rule",
            "algorithm",
            "registration_mode",
            "max_registrations_per_code",
            "purge_after",
        ):
            self[name].data = getattr(panel, name)
        self.stipend.data = panel.stipend_minor

    def to_input(self) -> PanelInput:
        return PanelInput(
            title=self.title.data or "",
            purpose=self.purpose.data or "",
            size=self.size.data or 0,
            meeting_dates=self.meeting_dates.data or "",
            stipend_minor=self.stipend.data or 0,
            travel_covered=bool(self.travel_covered.data),
            childcare_offered=bool(self.childcare_offered.data),
            interpretation=self.interpretation.data or "",
            household_rule=bool(self.household_rule.data),
            algorithm=self.algorithm.data or "leximin",
            registration_mode=self.registration_mode.data or "invitation",
            max_registrations_per_code=self.max_registrations_per_code.data or 1,
            purge_after=self.purge_after.data,
        )


class FeatureForm(FlaskForm):
    name = StringField(
        _l("Key (short, lower case, such as “age”)"), validators=[DataRequired(), Length(max=40)]
    )
    label = StringField(_l("Question as respondents see it"), validators=[DataRequired(), Length(max=200)])
    allow_prefer_not_to_say = BooleanField(_l("Offer “prefer not to say”"))
    values = TextAreaField(
        _l("Values, one a line: key | label | min | max | census %"),
        validators=[DataRequired(), Length(max=6000)],
    )
    submit = SubmitField(_l("Save feature"))

    def to_input(self) -> FeatureInput:
        return FeatureInput(
            name=self.name.data or "",
            label=self.label.data or "",
            allow_prefer_not_to_say=bool(self.allow_prefer_not_to_say.data),
            values=parse_values(self.values.data or ""),
        )


class CensusQuotaForm(FlaskForm):
    tolerance = IntegerField(
        _l("Tolerance (seats either side)"), default=0, validators=[Optional(), NumberRange(min=0, max=50)]
    )
    submit = SubmitField(_l("Compute quotas from census shares"))


class StatusForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    submit = SubmitField()


class RegisterUploadForm(FlaskForm):
    name = StringField(_l("Name of the register"), validators=[Length(max=200)])
    file = FileField(
        _l("Address register (CSV: address, postcode, district)"),
        validators=[FileRequired(_l("Choose a CSV file."))],
    )
    submit = SubmitField(_l("Import addresses"))


class FeaturesUploadForm(FlaskForm):
    file = FileField(
        _l("Features and quotas (Sortition Foundation CSV: feature, value, min, max)"),
        validators=[FileRequired(_l("Choose a CSV file."))],
    )
    submit = SubmitField(_l("Import features"))


class PeopleUploadForm(FlaskForm):
    file = FileField(
        _l("Respondents (Sortition Foundation CSV)"), validators=[FileRequired(_l("Choose a CSV file."))]
    )
    submit = SubmitField(_l("Import respondents"))


class SuggestForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    response_rate = StringField(_l("Expected response rate (%)"), default="3")
    per_seat = IntegerField(
        _l("Respondents wanted per seat"), default=5, validators=[Optional(), NumberRange(1, 100)]
    )


class DrawForm(FlaskForm):
    register_id = SelectField(_l("Address register"), coerce=int, validate_choice=False)
    size = IntegerField(
        _l("Letters to send (addresses to draw)"), validators=[DataRequired(), NumberRange(1, 50_000)]
    )
    seed = StringField(
        _l("Seed (leave empty for a random one; it is recorded and shown)"), validators=[Length(max=100)]
    )
    stratified = BooleanField(_l("Stratify by district"))
    weights = TextAreaField(
        _l("District weights, one a line, such as “Rinkeby: 1.5”"), validators=[Length(max=5000)]
    )
    submit = SubmitField(_l("Draw addresses"))


class EraseForm(FlaskForm):
    respondent = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Length(max=300)])
    submit = SubmitField(_l("Withdraw and erase"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("Withdraw and erase my details"))


def feature_field(name: str) -> str:
    return f"feature_{name}"


class RegistrationForm(FlaskForm):
    """The fields every panel asks; `registration_form` adds the panel's features."""

    code = StringField(_l("Code from your letter"), validators=[Length(max=40)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=20)])
    district = StringField(_l("District or neighbourhood"), validators=[Length(max=120)])
    support_needs = TextAreaField(
        _l("Anything you need to take part (access, diet, interpretation, childcare)"),
        validators=[Length(max=4000)],
    )
    consent = BooleanField(_l("I agree that my details are kept as described above"))
    # Bots fill every field they find; people never see this one.
    website = StringField(_l("Leave this field empty"))
    started = HiddenField()
    submit = SubmitField(_l("Send my registration"))

    feature_names: tuple[str, ...] = ()

    def answers(self, panel: Panel) -> dict[int, int | None]:
        chosen: dict[int, int | None] = {}
        for feature in panel.features:
            raw = self[feature_field(feature.name)].data
            if raw == PREFER_NOT_TO_SAY:
                chosen[feature.id] = None
            elif raw:
                chosen[feature.id] = int(raw)
        return chosen


def registration_form(panel: Panel, **kwargs: Any) -> RegistrationForm:
    fields: dict[str, Any] = {}
    for feature in panel.features:
        choices = [(str(v.id), v.label) for v in feature.values]
        if feature.allow_prefer_not_to_say:
            choices.append((PREFER_NOT_TO_SAY, str(_l("Prefer not to say"))))
        fields[feature_field(feature.name)] = RadioField(
            feature.label, choices=choices, validators=[DataRequired(_l("Please choose an answer."))]
        )
    form_class = type("PanelRegistrationForm", (RegistrationForm,), fields)
    form = form_class(**kwargs)
    form.feature_names = tuple(feature_field(f.name) for f in panel.features)
    return form

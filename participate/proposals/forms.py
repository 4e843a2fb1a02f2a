"""Forms for proposals: input shape and validation only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participate.core.forms import MoneyField, one_line
from participate.core.numbers import whole_number
from participate.proposals.models import ProposalStatus
from participate.proposals.services import DECISIONS, ProposalInput


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), one_line, Length(min=5, max=150)])
    summary = StringField(
        _l("Summary in one sentence"), validators=[DataRequired(), one_line, Length(max=300)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    cost = MoneyField(_l("Estimated cost"), validators=[InputRequired()])
    district = SelectField(_l("District"), coerce=whole_number, validate_choice=True)
    category = SelectField(_l("Category"), coerce=whole_number, validate_choice=True)
    image = FileField(_l("Image (optional)"))
    latitude = FloatField(_l("Latitude (optional)"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(
        _l("Longitude (optional)"), validators=[Optional(), NumberRange(min=-180, max=180)]
    )
    address = StringField(_l("Street address (optional)"), validators=[Optional(), Length(max=200)])
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Publish"))

    @classmethod
    def editing(cls, proposal: Any) -> ProposalForm:
        """The form filled from a saved proposal. Its values are named one by one (never `obj=`): the
        selects hold ids, and `obj=` would hand them the related objects and lose the choice."""
        return cls(
            data={
                "title": proposal.title,
                "summary": proposal.summary,
                "description": proposal.description,
                "cost": proposal.cost_minor,
                "district": proposal.district_id,
                "category": proposal.category_id,
                "latitude": proposal.latitude,
                "longitude": proposal.longitude,
            }
        )

    def for_process(self, process: Any, categories: list[Any]) -> ProposalForm:
        self.cost.currency = process.currency
        self.district.choices = [(None, _l("The whole city"))] + [(d.id, d.name) for d in process.districts]
        self.category.choices = [(None, _l("No category"))] + [(c.id, c.name) for c in categories]
        return self

    def to_input(self) -> ProposalInput:
        upload = self.image.data
        return ProposalInput(
            title=self.title.data,
            summary=self.summary.data or "",
            description=self.description.data or "",
            cost_minor=self.cost.data or 0,
            district_id=self.district.data,
            category_id=self.category.data,
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            address=(self.address.data or "").strip(),
            image=upload.read() if upload and getattr(upload, "filename", "") else None,
        )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why are you withdrawing it?"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Withdraw the proposal"))


DECISION_LABELS = {
    ProposalStatus.UNDER_REVIEW: _l("Under review"),
    ProposalStatus.FEASIBLE: _l("Feasible: it can go to the vote"),
    ProposalStatus.NOT_FEASIBLE: _l("Not feasible"),
    ProposalStatus.MERGED: _l("Merged into another proposal"),
}


class ReviewForm(FlaskForm):
    decision = SelectField(
        _l("Decision"), choices=[(status.value, DECISION_LABELS[status]) for status in DECISIONS]
    )
    answer = TextAreaField(_l("Public answer"), validators=[Optional(), Length(max=5_000)])
    adjusted_cost = MoneyField(_l("Adjusted cost (optional)"), validators=[Optional()])
    merged_into = IntegerField(
        _l("Number of the proposal it joins (when merging)"),
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
    )
    submit = SubmitField(_l("Save the decision"))


class ProposalSettingsForm(FlaskForm):
    categories = TextAreaField(_l("Categories, one per line"), validators=[Optional(), Length(max=3_000)])
    supports_per_person = IntegerField(
        _l("Supports each person may give (empty: no limit)"),
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    submit = SubmitField(_l("Save"))

    def category_names(self) -> list[str]:
        return [line.strip()[:80] for line in (self.categories.data or "").splitlines() if line.strip()]

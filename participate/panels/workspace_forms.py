"""Forms of the members' workspace: drafting and amending recommendations, support votes, minority
statements and the facilitators' support rounds. Choices that come from the database are set by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from participate.panels.recommendation_models import SUPPORT_LEVEL_LABELS, SupportLevel
from participate.panels.recommendations import NOTE_MAX, STATEMENT_MAX, TEXT_MAX, TITLE_MAX


class RecommendationForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Give the recommendation a title.")), Length(max=TITLE_MAX)]
    )
    text = TextAreaField(
        _l("Recommendation"),
        validators=[InputRequired(_l("Write the recommendation.")), Length(max=TEXT_MAX)],
        render_kw={"rows": 10},
    )
    note = StringField(_l("What changed and why (shown in the history)"), validators=[Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Save"))


class VoteForm(FlaskForm):
    level = RadioField(
        _l("Your support"),
        choices=[(level.value, SUPPORT_LEVEL_LABELS[level]) for level in SupportLevel],
        validators=[InputRequired(_l("Choose support, can live with it, or oppose."))],
    )
    submit = SubmitField(_l("Save my vote"))


class MinorityStatementForm(FlaskForm):
    text = TextAreaField(
        _l("Minority statement"),
        validators=[InputRequired(_l("Write the statement.")), Length(max=STATEMENT_MAX)],
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("Add the minority statement"))


class OpenRoundForm(FlaskForm):
    recommendations = SelectMultipleField(
        _l("Recommendations in this round"),
        coerce=int,
        validators=[InputRequired(_l("Choose at least one recommendation."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    threshold_percent = IntegerField(
        _l("Adoption threshold (%)"),
        default=80,
        validators=[
            InputRequired(_l("Give the threshold.")),
            NumberRange(min=50, max=100, message=_l("Between 50 and 100.")),
        ],
    )
    submit = SubmitField(_l("Open the support round"))

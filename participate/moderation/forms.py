"""Forms for moderation: input shape and validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participate.core.forms import one_line
from participate.moderation.models import REASON_LABELS, REPORT_TEXT_MAX
from participate.moderation.services import BLOCKED_REASON_MAX, HIDDEN_REASON_MAX


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with it?"),
        choices=list(REASON_LABELS.items()),
        validators=[InputRequired(message=_l("Choose why you are reporting this."))],
    )
    text = TextAreaField(
        _l("Tell the moderators more (required for “Something else”)"),
        validators=[Optional(), Length(max=REPORT_TEXT_MAX)],
    )
    submit = SubmitField(_l("Send the report"))


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason shown to the public"), validators=[DataRequired(), one_line, Length(max=HIDDEN_REASON_MAX)]
    )
    submit = SubmitField(_l("Hide"))


class BlockForm(FlaskForm):
    reason = StringField(
        _l("Reason shown to the person"),
        validators=[DataRequired(), one_line, Length(max=BLOCKED_REASON_MAX)],
    )
    submit = SubmitField(_l("Block the author"))


class ModerationSettingsForm(FlaskForm):
    hide_after_reports = IntegerField(
        _l("Hide an item automatically after this many open reports (0: never)"),
        validators=[InputRequired(), NumberRange(min=0, max=1000)],
    )
    submit = SubmitField(_l("Save"))

"""Staff forms of the council's answer to a panel's recommendation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from participate.panels.answer_models import DECISION_LABELS
from participate.panels.answers import MAX_REASONS


class AnswerForm(FlaskForm):
    decision = RadioField(
        _l("The council's decision"),
        choices=[(str(key.value), label) for key, label in DECISION_LABELS.items()],
        validators=[InputRequired(_l("Choose the council's decision."))],
    )
    reasons = TextAreaField(
        _l("Reasons (Markdown)"),
        validators=[DataRequired(_l("Give the council's reasons.")), Length(max=MAX_REASONS)],
    )
    deadline = DateField(_l("Done by (required unless not accepted)"), validators=[Optional()])
    submit = SubmitField(_l("Publish the answer"))


class AnswersDueForm(FlaskForm):
    answers_due = DateField(_l("The council answers by"), validators=[Optional()])
    submit = SubmitField(_l("Save the deadline"))

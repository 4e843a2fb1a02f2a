"""The form of a panel's statement on a proposal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from participate.panels.statements import MAX_LENGTH


class StatementForm(FlaskForm):
    text = TextAreaField(
        _l("The panel's statement (Markdown)"),
        validators=[DataRequired(_l("Write the panel's statement.")), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField(_l("Publish the statement"))

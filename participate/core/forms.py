from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("sv", "Svenska")])
    next = HiddenField()
    submit = SubmitField(_l("Change language"))


class ConfirmForm(FlaskForm):
    """An empty form for buttons that change state: it carries only the CSRF token."""

    confirm = HiddenField(default="yes", validators=[DataRequired()])

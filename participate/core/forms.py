from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("sv", "Svenska")])
    next = HiddenField()
    submit = SubmitField(_l("Change language"))

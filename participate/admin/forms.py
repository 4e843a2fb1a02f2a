from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from participate.accounts.models import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    grant = SubmitField(_l("Grant"))
    revoke = SubmitField(_l("Revoke"))


class VerifyChainForm(FlaskForm):
    submit = SubmitField(_l("Verify the whole chain now"))

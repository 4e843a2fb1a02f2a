"""Staff forms of the Results tab."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from participate.core.forms import one_line
from participate.results.models import TRACKING_LABELS


class TrackingForm(FlaskForm):
    status = RadioField(
        _l("Status"),
        choices=[(str(key.value), label) for key, label in TRACKING_LABELS.items()],
        validators=[InputRequired(_l("Choose a status."))],
    )
    progress = IntegerField(
        _l("Progress (percent, 0 to 100)"), validators=[InputRequired(_l("Give the progress as a number."))]
    )
    submit = SubmitField(_l("Save progress"))


class MilestoneForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    text = StringField(
        _l("What happened"),
        validators=[InputRequired(_l("Say what happened.")), one_line, Length(max=500)],
    )
    submit = SubmitField(_l("Add milestone"))

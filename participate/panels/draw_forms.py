"""Facilitators' forms for the selection, the draw and the confirmation calls."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from participate.panels.selection_models import SEAT_STATUS_LABELS

ALGORITHM_CHOICES = [
    ("leximin", _l("LEXIMIN (fairest; recommended)")),
    ("maximin", _l("MAXIMIN (for comparison)")),
    ("legacy", _l("Legacy greedy (for comparison)")),
]


class RunForm(FlaskForm):
    algorithm = SelectField(_l("Method"), choices=ALGORITHM_CHOICES, default="leximin")
    deadline_seconds = IntegerField(
        _l("Time limit (seconds)"),
        default=120,
        validators=[Optional(), NumberRange(min=1, max=3600, message=_l("Between 1 and 3,600 seconds."))],
    )
    lottery_size = IntegerField(
        _l("Panels in the published lottery (M)"),
        default=1000,
        validators=[
            InputRequired(_l("Give M.")),
            NumberRange(min=1, max=10000, message=_l("Between 1 and 10,000.")),
        ],
    )
    submit = SubmitField(_l("Run the selection"))


class DrawForm(FlaskForm):
    seed = StringField(
        _l("Seed"),
        validators=[InputRequired(_l("Enter the seed from the public event.")), Length(max=500)],
    )
    event = StringField(_l("The public event"), validators=[Length(max=500)])
    witnesses = TextAreaField(
        _l("Witnesses (one name per line)"),
        validators=[InputRequired(_l("Name at least one witness of the public event.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Record the seed and draw the panel"))


class SeatStatusForm(FlaskForm):
    status = SelectField(
        _l("New status"), choices=[(s.value, label) for s, label in SEAT_STATUS_LABELS.items()]
    )
    note = StringField(_l("Call note"), validators=[Length(max=500)])
    submit = SubmitField(_l("Save"))


class ReplaceForm(FlaskForm):
    note = StringField(_l("Reason (kept in the audit log)"), validators=[Length(max=500)])
    submit = SubmitField(_l("Replace from the alternates"))


class AlternatesForm(FlaskForm):
    """The dropout rate of every feature value, in percent, and how many alternates to choose. The rate
    fields are added per panel by `alternates_form`; `rates` lists them with their feature and value."""

    count = IntegerField(
        _l("Number of alternates"),
        validators=[
            InputRequired(_l("Give the number of alternates.")),
            NumberRange(min=0, max=1000, message=_l("Between 0 and 1,000.")),
        ],
    )
    submit = SubmitField(_l("Choose the alternates again"))
    rates: list[tuple[str, str, Field]]


def alternates_form(
    values: list[tuple[str, str, str, float]], count: int, *, submitted: bool = False
) -> AlternatesForm:
    """`values`: (feature, value, label, current rate 0..1) for every feature value of the pool; with
    `submitted`, the fields are read from the request."""

    class Form(AlternatesForm):
        pass

    for i, (_feature, _value, label, rate) in enumerate(values):
        setattr(
            Form,
            f"rate_{i}",
            StringField(
                _l("%(value)s: dropout rate (%%)", value=label),
                default=format_decimal(round(100 * rate, 1)),
                validators=[Length(max=10)],
            ),
        )
    form = Form() if submitted else Form(formdata=None)
    if not submitted:
        form.count.data = count
    form.rates = [(f, v, getattr(form, f"rate_{i}")) for i, (f, v, _label, _rate) in enumerate(values)]
    return form

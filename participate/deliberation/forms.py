"""Forms of the discussion: input shape and validation only. The services check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from participate.deliberation.models import STANCE_LABELS
from participate.deliberation.services import MAX_BODY, MAX_SUMMARY, SORTS, VOTE_VALUES

STANCE_CHOICES = [(stance.value, label) for stance, label in STANCE_LABELS.items()]


class _KeepsPlace(FlaskForm):
    # The order the person was reading in, so that the redirect lands on the same page of the thread.
    sort = HiddenField(validators=[Optional(), AnyOf(SORTS)])


class CommentForm(_KeepsPlace):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=MAX_BODY)])
    stance = RadioField(
        _l("Your position"),
        choices=STANCE_CHOICES,
        validators=[InputRequired(_l("Say whether you are in favour, neutral or against."))],
    )
    submit = SubmitField(_l("Post comment"))


class ReplyForm(_KeepsPlace):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=MAX_BODY)])
    stance = RadioField(_l("Your position (optional)"), choices=STANCE_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Post reply"))


class EditCommentForm(_KeepsPlace):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=MAX_BODY)])
    stance = RadioField(_l("Your position"), choices=STANCE_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Save changes"))


class DeleteCommentForm(_KeepsPlace):
    submit = SubmitField(_l("Delete comment"))


class VoteForm(_KeepsPlace):
    direction = HiddenField(validators=[DataRequired(), AnyOf(tuple(VOTE_VALUES))])


class SummaryForm(_KeepsPlace):
    summary = TextAreaField(_l("What we heard"), validators=[Optional(), Length(max=MAX_SUMMARY)])
    submit = SubmitField(_l("Pin summary"))

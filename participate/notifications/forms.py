from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from participate.notifications.models import KIND_LABELS, Kind


class MarkAllReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))


class OpenForm(FlaskForm):
    """The button of one notification: opening it marks it read."""


class FollowForm(FlaskForm):
    pass


class PreferencesForm(FlaskForm):
    reply = BooleanField(KIND_LABELS[Kind.REPLY])
    mention = BooleanField(KIND_LABELS[Kind.MENTION])
    proposal_answered = BooleanField(KIND_LABELS[Kind.PROPOSAL_ANSWERED])
    hidden = BooleanField(KIND_LABELS[Kind.HIDDEN])
    phase_changed = BooleanField(KIND_LABELS[Kind.PHASE_CHANGED])
    reported = BooleanField(KIND_LABELS[Kind.REPORTED])
    recommendation_answered = BooleanField(KIND_LABELS[Kind.RECOMMENDATION_ANSWERED])
    panel_post = BooleanField(KIND_LABELS[Kind.PANEL_POST])
    submit = SubmitField(_l("Save my choices"))

    def kind_fields(self) -> list:
        return [self[kind.value] for kind in Kind]

    def choices(self) -> dict[Kind, bool]:
        return {kind: bool(self[kind.value].data) for kind in Kind}


class UnsubscribeForm(FlaskForm):
    """No CSRF token: the signed link is the proof, and mail programs post it with one click (RFC 8058)."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("Stop these emails"))

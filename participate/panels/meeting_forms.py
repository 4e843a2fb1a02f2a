"""Facilitators' forms for meetings, attendance, the support checklist, table plans and materials."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from participate.core.clock import council_timezone
from participate.core.forms import one_line
from participate.panels.meeting_models import Meeting
from participate.panels.meetings import MeetingInput

FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def to_utc(local: datetime | None) -> datetime | None:
    """A time the facilitator typed in the council's time zone, as naive UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=council_timezone()).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(council_timezone()).replace(tzinfo=None)


class MeetingForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=FORMATS,
        validators=[DataRequired(_l("Give the date and time the meeting starts."))],
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=FORMATS, validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), one_line, Length(max=300)])
    video_link = StringField(_l("Video link"), validators=[Optional(), one_line, Length(max=500)])
    video_link_public = BooleanField(_l("Show the video link on the public page (observers may join)"))
    agenda = TextAreaField(_l("Agenda (Markdown)"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save the meeting"))

    def fill(self, meeting: Meeting) -> None:
        self.starts_at.data = to_local(meeting.starts_at)
        self.ends_at.data = to_local(meeting.ends_at)
        self.place.data = meeting.place
        self.video_link.data = meeting.video_link
        self.video_link_public.data = meeting.video_link_public
        self.agenda.data = meeting.agenda

    def to_input(self) -> MeetingInput:
        starts = to_utc(self.starts_at.data)
        assert starts is not None  # DataRequired
        return MeetingInput(
            starts_at=starts,
            ends_at=to_utc(self.ends_at.data),
            place=self.place.data or "",
            video_link=self.video_link.data or "",
            video_link_public=bool(self.video_link_public.data),
            agenda=self.agenda.data or "",
        )


class AttendanceForm(FlaskForm):
    """The marks come as one radio group per member (`seat-<id>`), read by the view."""

    submit = SubmitField(_l("Save the attendance"))


class ChecklistForm(FlaskForm):
    submit = SubmitField(_l("Save the checklist"))


class TablesForm(FlaskForm):
    seed = StringField(
        _l("Seed (optional; the same seed and attendance give the same plan)"),
        validators=[Optional(), one_line, Length(max=100)],
    )
    submit = SubmitField(_l("Plan the tables"))


class MaterialForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=[("document", _l("A PDF document")), ("link", _l("A link"))],
        default="document",
        validators=[DataRequired()],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the material a title.")), one_line, Length(max=200)]
    )
    file = FileField(_l("PDF file (at most 5 MB)"))
    url = StringField(_l("Web address of the link"), validators=[Optional(), one_line, Length(max=500)])
    meeting_id = SelectField(_l("Meeting"), coerce=int, default=0)
    public = BooleanField(_l("Public (shown on the panel's public page); otherwise for members only"))
    submit = SubmitField(_l("Add the material"))

"""A seated panel at work: its meetings, who attended each, the support arranged for each member at each
meeting, each meeting's table plan, and the panel's materials (documents and links).

Attendance, support and the table plan name seats (`panel_seat`), never a person's details; they are for
the panel's facilitators only. A material is public or for members only; only public ones reach the
public page and the API.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    AttendanceStatus.ABSENT: _l("Absent"),
}


class MaterialKind(StrEnum):
    DOCUMENT = "document"
    LINK = "link"


class Meeting(Model):
    __tablename__ = "panel_meeting"
    __table_args__ = (
        CheckConstraint("place <> '' OR video_link <> ''", name="place_or_link"),
        Index("ix_panel_meeting_panel_starts", "panel_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    # A video link may be for members only (shared with them, not published).
    video_link_public: Mapped[bool] = mapped_column(default=False)
    agenda: Mapped[str] = mapped_column(Text, default="")  # Markdown
    # The table plan: lists of seat ids, one list a table; None until a plan is made.
    tables: Mapped[list[list[int]] | None] = mapped_column(JSON)
    tables_made_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def public_link(self) -> str:
        return self.video_link if self.video_link_public else ""


class Attendance(Model):
    __tablename__ = "panel_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seat_id", name="one_mark_per_seat"),
        CheckConstraint("status IN ('present', 'excused', 'absent')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("panel_seat.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SupportArranged(Model):
    """One support need of one member, arranged for one meeting (ticked on the meeting's checklist)."""

    __tablename__ = "panel_support_arranged"
    __table_args__ = (UniqueConstraint("meeting_id", "seat_id", "need", name="one_tick_per_need"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("panel_seat.id", ondelete="CASCADE"), index=True)
    need: Mapped[str] = mapped_column(String(300))
    arranged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    arranged_at: Mapped[datetime] = mapped_column(default=utcnow)


class Material(Model):
    """A PDF document or a link, for one meeting or (meeting None) in the panel's information kit."""

    __tablename__ = "panel_material"
    __table_args__ = (
        CheckConstraint("kind IN ('document', 'link')", name="known_kind"),
        CheckConstraint(
            "(kind = 'document' AND stored_name IS NOT NULL) OR (kind = 'link' AND url <> '')",
            name="document_or_link",
        ),
        UniqueConstraint("stored_name"),
        Index("ix_panel_material_panel_meeting", "panel_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    stored_name: Mapped[str | None] = mapped_column(String(64))  # random, under the uploads folder
    filename: Mapped[str] = mapped_column(String(200), default="")  # offered to the browser
    size_bytes: Mapped[int] = mapped_column(default=0)
    public: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()

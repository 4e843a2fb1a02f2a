"""Reports of content and each process's moderation settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participate.core.clock import utcnow
from participate.extensions import Model


class ReportReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


REASON_LABELS = {
    ReportReason.SPAM.value: _l("Spam or advertising"),
    ReportReason.OFFENSIVE.value: _l("Offensive, hateful or abusive"),
    ReportReason.OFF_TOPIC.value: _l("Off topic for this process"),
    ReportReason.OTHER.value: _l("Something else"),
}


class Resolution(StrEnum):
    HIDDEN = "hidden"  # a moderator (or the automatic threshold) hid the item
    DISMISSED = "dismissed"  # a moderator found nothing wrong
    RESTORED = "restored"  # the item was shown again after being hidden


_REASON_SQL = ", ".join(f"'{reason.value}'" for reason in ReportReason)
_RESOLUTION_SQL = ", ".join(f"'{resolution.value}'" for resolution in Resolution)
REPORT_TEXT_MAX = 1000
DEFAULT_HIDE_AFTER = 3


class Report(Model):
    """One person's report of one item. The unique constraint makes a second report impossible, even when
    two requests race. Reports are people's data, not audit entries: they go with the reporter's account."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", "reporter_id", name="uq_report_once_per_person"),
        CheckConstraint(f"reason IN ({_REASON_SQL})", name="known_reason"),
        CheckConstraint(f"resolution IS NULL OR resolution IN ({_RESOLUTION_SQL})", name="known_resolution"),
        CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="resolved_has_resolution"),
        Index("ix_report_process_open", "process_id", "resolved_at"),
        Index("ix_report_item", "item_type", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int]
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason])


class ModerationSettings(Model):
    """A process's moderation rules: one row per process; without a row the defaults apply."""

    __tablename__ = "moderation_settings"
    __table_args__ = (CheckConstraint("hide_after_reports >= 0", name="hide_after_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), unique=True)
    # Open reports that hide an item automatically until a moderator looks; 0: never automatically.
    hide_after_reports: Mapped[int] = mapped_column(default=DEFAULT_HIDE_AFTER)

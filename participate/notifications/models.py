"""Notification rows, each person's email choices, process follows and the last phase announced."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participate.core.clock import utcnow
from participate.extensions import Model


class Kind(StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    PROPOSAL_ANSWERED = "proposal_answered"
    HIDDEN = "hidden"
    PHASE_CHANGED = "phase_changed"
    REPORTED = "reported"
    RECOMMENDATION_ANSWERED = "recommendation_answered"
    PANEL_POST = "panel_post"


KIND_LABELS = {
    Kind.REPLY: _l("Replies to my comments"),
    Kind.MENTION: _l("Mentions of me"),
    Kind.PROPOSAL_ANSWERED: _l("Answers to my proposals"),
    Kind.HIDDEN: _l("Something of mine was hidden by a moderator"),
    Kind.PHASE_CHANGED: _l("Phase changes in processes I follow"),
    Kind.REPORTED: _l("New reports in processes I moderate"),
    Kind.RECOMMENDATION_ANSWERED: _l("The council's answers to citizens' panels in processes I follow"),
    Kind.PANEL_POST: _l("New posts in the workspace of a citizens' panel I sit on"),
}
# Email is on unless a person turned it off: following a process is already an explicit choice.
EMAIL_DEFAULTS = dict.fromkeys(Kind, True)


class Notification(Model):
    """One thing that happened for one person. The text is rendered when read, in the reader's language,
    from `kind` and `data` (see notifications/messages.py)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500))  # a path on this site
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(Model):
    """A person's choice for one kind; no row means the default (EMAIL_DEFAULTS)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    email: Mapped[bool] = mapped_column(default=True)


class ProcessFollow(Model):
    __tablename__ = "process_follow"
    __table_args__ = (UniqueConstraint("user_id", "process_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessPhaseNotice(Model):
    """The phase last announced to a process's followers (None: before the first phase).

    Written when someone first follows the process (the baseline) and whenever the phase change is
    announced, by staff advancing it or by `flask notify-phase-changes`; so each change is announced once.
    """

    __tablename__ = "process_phase_notice"

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), primary_key=True)
    phase: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

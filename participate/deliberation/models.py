"""Threads, comments, votes and mentions.

A thread belongs to one subject (`subject_type`, `subject_id`: a process, a proposal, a panel…); the
subjects registry (subjects.py) says how to load and check each kind. Counts are cached on the rows and
recomputed under a row lock by the services, so a page reads them without counting.

Ordering: a top-level comment has depth 0 and no root; a reply has depth 1–3 and `root_id` naming its
top-level ancestor, so one query loads every reply of a page of top-level comments. `path` is the
chain of zero-padded ids from the root ("0000000012/0000000034"): ordering replies by it gives the
tree in reading order, oldest sibling first. `score` is the Wilson lower bound of the up/down votes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.extensions import Model

MAX_DEPTH = 3  # top-level comments have depth 0; replies go three levels down
PATH_DIGITS = 10


class Stance(StrEnum):
    IN_FAVOUR = "in_favour"
    NEUTRAL = "neutral"
    AGAINST = "against"


STANCE_LABELS = {
    Stance.IN_FAVOUR: _l("In favour"),
    Stance.NEUTRAL: _l("Neutral"),
    Stance.AGAINST: _l("Against"),
}
_STANCE_SQL = ", ".join(f"'{stance.value}'" for stance in Stance)


def stance_label(stance: Stance | str | None) -> str:
    return str(STANCE_LABELS[Stance(stance)]) if stance else ""


def path_segment(comment_id: int) -> str:
    return f"{comment_id:0{PATH_DIGITS}d}"


class Thread(Model):
    __tablename__ = "thread"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id"),
        CheckConstraint(
            "comment_count >= 0 AND in_favour_count >= 0 AND neutral_count >= 0 AND against_count >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "What we heard": Markdown pinned at the top by a facilitator of the subject's process.
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    summary_at: Mapped[datetime | None]
    # Visible comments (neither deleted nor hidden), and their stances.
    comment_count: Mapped[int] = mapped_column(default=0)
    in_favour_count: Mapped[int] = mapped_column(default=0)
    neutral_count: Mapped[int] = mapped_column(default=0)
    against_count: Mapped[int] = mapped_column(default=0)

    summary_by: Mapped[User | None] = relationship(foreign_keys=[summary_by_id])


class Comment(Model):
    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint(f"stance IS NULL OR stance IN ({_STANCE_SQL})", name="known_stance"),
        CheckConstraint(f"depth >= 0 AND depth <= {MAX_DEPTH}", name="depth_in_range"),
        CheckConstraint("(depth = 0) = (parent_id IS NULL)", name="replies_have_parents"),
        CheckConstraint("upvotes >= 0 AND downvotes >= 0", name="votes_not_negative"),
        # A page of top-level comments in each order, read from an index.
        Index("ix_comment_roots_best", "thread_id", "depth", "score", "id"),
        Index("ix_comment_roots_by_id", "thread_id", "depth", "id"),
        Index("ix_comment_replies", "root_id", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Moderation (hiding, with the reason shown instead of the body) is another domain's use case.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    upvotes: Mapped[int] = mapped_column(default=0)
    downvotes: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(default=0.0)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    parent: Mapped[Comment | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        return not self.is_deleted and not self.is_hidden


class CommentVote(Model):
    """One person's up or down vote on one comment; the unique constraint makes a second one impossible."""

    __tablename__ = "comment_vote"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="up_or_down"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CommentMention(Model):
    """Who a comment mentions; kept so that an edit notifies only the newly mentioned."""

    __tablename__ = "comment_mention"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

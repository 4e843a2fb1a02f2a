from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.extensions import Model
from participate.processes.models import District, Process


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    ProposalStatus.DRAFT: _l("Draft"),
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.UNDER_REVIEW: _l("Under review"),
    ProposalStatus.FEASIBLE: _l("Feasible"),
    ProposalStatus.NOT_FEASIBLE: _l("Not feasible"),
    ProposalStatus.MERGED: _l("Merged"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
}
# What the public sees: everything but drafts (hidden items show as hidden, not at all in lists).
PUBLIC_STATUSES = tuple(status.value for status in ProposalStatus if status is not ProposalStatus.DRAFT)
# Staff's answer closes the author's editing; only these can still change hands.
OPEN_STATUSES = (ProposalStatus.SUBMITTED.value, ProposalStatus.UNDER_REVIEW.value)
_STATUS_SQL = ", ".join(f"'{status.value}'" for status in ProposalStatus)


class Category(Model):
    __tablename__ = "proposal_category"
    __table_args__ = (UniqueConstraint("process_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))


class ProposalSettings(Model):
    """A process's rules for proposals, set by staff: one row per process."""

    __tablename__ = "proposal_settings"
    __table_args__ = (CheckConstraint("supports_per_person >= 0", name="supports_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), unique=True)
    # None: no limit.
    supports_per_person: Mapped[int | None]


class Proposal(Model):
    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint("cost_minor >= 0", name="cost_not_negative"),
        CheckConstraint(
            "adjusted_cost_minor IS NULL OR adjusted_cost_minor >= 0", name="adjusted_not_negative"
        ),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="known_status"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"),
        CheckConstraint("support_count >= 0", name="supports_not_negative"),
        Index("ix_proposal_process_status", "process_id", "status"),
        # Each order of the list, read from an index even many pages deep (the id breaks ties).
        Index("ix_proposal_process_supports", "process_id", "support_count", "id"),
        Index("ix_proposal_process_comments", "process_id", "comment_count", "id"),
        Index("ix_proposal_process_published", "process_id", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    adjusted_cost_minor: Mapped[int | None] = mapped_column(BigInteger)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_category.id", ondelete="SET NULL"))
    image_filename: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Where it is, in words (for those who place it without the map): shown beside the district.
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The search language, copied from the process when the proposal is created.
    language: Mapped[str] = mapped_column(String(2), default="en")
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.DRAFT.value)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    support_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    process: Mapped[Process] = relationship()
    author: Mapped[User | None] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    category: Mapped[Category | None] = relationship(lazy="joined")
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])

    @property
    def effective_cost(self) -> int:
        return self.cost_minor if self.adjusted_cost_minor is None else self.adjusted_cost_minor

    @property
    def is_public(self) -> bool:
        return self.status != ProposalStatus.DRAFT

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[ProposalStatus(self.status)])


class Support(Model):
    """One resident's support for one proposal: the unique constraint is what stops double supports."""

    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(Model):
    __tablename__ = "proposal_follow"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The members' workspace and the panel's recommendations.

A seated member reaches the workspace through their account: a facilitator sends each confirmed seat an
invitation link and the person accepts it signed in, which links the seat to that account
(`panel_member`). Members draft recommendations; every edit keeps the text it replaced as a numbered
version (`panel_recommendation_version`). Facilitators open a support round on the drafts they choose,
members vote on each with a graded scale (one vote per member per recommendation per round: a database
constraint), and closing the round stores each recommendation's counts and whether it reached the
round's threshold. Publishing the report makes the closed recommendations public, never the drafts, the
discussion or who voted what.
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
from participate.panels.models import Panel
from participate.panels.selection_models import PanelSeat


def _sql_list(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class PanelMember(Model):
    """A seat's link to the account its holder uses in the workspace (None until they accept)."""

    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("seat_id", name="one_account_link_per_seat"),
        UniqueConstraint("panel_id", "user_id", name="one_seat_per_account"),
        UniqueConstraint("token_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("panel_seat.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The invitation link's token, kept only as a keyed hash; cleared once accepted.
    token_hash: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None]

    seat: Mapped[PanelSeat] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()


class RecommendationStatus(StrEnum):
    DRAFT = "draft"
    IN_VOTE = "in_vote"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"
    WITHDRAWN = "withdrawn"


RECOMMENDATION_STATUS_LABELS = {
    RecommendationStatus.DRAFT: _l("Draft"),
    RecommendationStatus.IN_VOTE: _l("In the support round"),
    RecommendationStatus.ADOPTED: _l("Adopted"),
    RecommendationStatus.NOT_ADOPTED: _l("Not adopted"),
    RecommendationStatus.WITHDRAWN: _l("Withdrawn"),
}
DECIDED = frozenset({RecommendationStatus.ADOPTED, RecommendationStatus.NOT_ADOPTED})


class Recommendation(Model):
    __tablename__ = "panel_recommendation"
    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(RecommendationStatus)})", name="known_status"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_panel_recommendation_panel_status", "panel_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # Markdown
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=RecommendationStatus.DRAFT.value)
    # The number of the current text; earlier texts are in panel_recommendation_version.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the report that holds it is published: from then on it is public.
    published_at: Mapped[datetime | None]

    panel: Mapped[Panel] = relationship()
    author: Mapped[User | None] = relationship()
    minority_statements: Mapped[list[MinorityStatement]] = relationship(
        order_by="MinorityStatement.id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def adopted(self) -> bool:
        return self.status == RecommendationStatus.ADOPTED.value

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def status_label(self) -> str:
        return str(RECOMMENDATION_STATUS_LABELS[RecommendationStatus(self.status)])


class RecommendationVersion(Model):
    """A text a recommendation had before an amendment replaced it, and who amended it and why."""

    __tablename__ = "panel_recommendation_version"
    __table_args__ = (UniqueConstraint("recommendation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    # Who wrote this text (the author of version 1, the amender of later ones) and their note.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class MinorityStatement(Model):
    """Members who did not agree say why; shown with the recommendation in the report."""

    __tablename__ = "panel_minority_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class SupportRound(Model):
    """One round of support votes, opened and closed by a facilitator. `threshold_percent` is fixed when
    the round opens: a recommendation is adopted when the members who chose "support" or "can live with
    it" are at least that share of the members who voted on it."""

    __tablename__ = "panel_support_round"
    __table_args__ = (
        UniqueConstraint("panel_id", "number"),
        CheckConstraint("threshold_percent >= 50 AND threshold_percent <= 100", name="threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    threshold_percent: Mapped[int] = mapped_column(default=80)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]

    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", order_by="RoundItem.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundItem(Model):
    """A recommendation in a round; the counts are written when the round closes (abstain: members of the
    panel who did not vote on it)."""

    __tablename__ = "panel_round_item"
    __table_args__ = (
        UniqueConstraint("round_id", "recommendation_id"),
        CheckConstraint(
            "support >= 0 AND can_live_with >= 0 AND oppose >= 0 AND abstain >= 0", name="counts_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("panel_support_round.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), index=True
    )
    # The version the members voted on.
    version: Mapped[int] = mapped_column(default=1)
    support: Mapped[int] = mapped_column(default=0)
    can_live_with: Mapped[int] = mapped_column(default=0)
    oppose: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)
    adopted: Mapped[bool | None]

    round: Mapped[SupportRound] = relationship(back_populates="items")
    recommendation: Mapped[Recommendation] = relationship(lazy="joined")


class SupportLevel(StrEnum):
    SUPPORT = "support"
    CAN_LIVE_WITH = "can_live_with"
    OPPOSE = "oppose"


SUPPORT_LEVEL_LABELS = {
    SupportLevel.SUPPORT: _l("Support"),
    SupportLevel.CAN_LIVE_WITH: _l("Can live with it"),
    SupportLevel.OPPOSE: _l("Oppose"),
}


class SupportVote(Model):
    """One member's support level for one recommendation in one round. Never shown to anyone but its
    member: the report shows counts only."""

    __tablename__ = "panel_support_vote"
    __table_args__ = (
        UniqueConstraint("round_id", "recommendation_id", "member_id", name="one_vote_per_member"),
        CheckConstraint(f"level IN ({_sql_list(SupportLevel)})", name="known_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("panel_support_round.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(14))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)

"""A counted budget's outcome and the accountability of funded projects."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from participate.core.clock import utcnow
from participate.extensions import Model


class ResultStatus(StrEnum):
    COUNTED = "counted"  # staff can review it; the public cannot see it yet
    PUBLISHED = "published"


class BudgetResult(Model):
    """One budget's count: what the rule funded, why (the engine's explanation), the comparison with the
    greedy rule, and the SHA-256 of the exact pabulib export it was counted from. A recount replaces it."""

    __tablename__ = "budget_result"
    __table_args__ = (CheckConstraint("status IN ('counted', 'published')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("vote_budget.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=ResultStatus.COUNTED.value)
    # Proposal ids (strings, as in the export), in the order the rule chose them.
    selected: Mapped[list[str]] = mapped_column(JSON, default=list)
    total_cost_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    greedy_selected: Mapped[list[str]] = mapped_column(JSON, default=list)
    comparison: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voters: Mapped[int] = mapped_column(default=0)
    ballots_sha256: Mapped[str] = mapped_column(String(64))
    # The exact pabulib text that was counted: the download serves it, so the file stays the one the hash in
    # the audit log names even if a proposal's title changes after the count.
    ballots_pb: Mapped[str | None] = mapped_column(Text)
    # "major" (the export's money is in whole currency units) or "minor" (öre, cents).
    unit: Mapped[str] = mapped_column(String(5), default="major")
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))


class TrackingStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


TRACKING_LABELS = {
    TrackingStatus.PLANNED: _l("Planned"),
    TrackingStatus.IN_PROGRESS: _l("In progress"),
    TrackingStatus.DONE: _l("Done"),
    TrackingStatus.CANCELLED: _l("Cancelled"),
}
_TRACKING_SQL = ", ".join(f"'{s.value}'" for s in TrackingStatus)


# A tracking row and its milestones follow one thing the council does: a funded proposal, or a citizens'
# panel's recommendation the council answered (exactly one of the two columns is set). The panel's table is
# named here only as a foreign key: this domain never imports the panels.
_ONE_SUBJECT = "(proposal_id IS NULL) <> (recommendation_id IS NULL)"


class ProjectTracking(Model):
    """How a funded proposal or an answered recommendation is coming along, kept up to date by staff."""

    __tablename__ = "project_tracking"
    __table_args__ = (
        CheckConstraint(f"status IN ({_TRACKING_SQL})", name="known_status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint(_ONE_SUBJECT, name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(12), default=TrackingStatus.PLANNED.value)
    progress: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def status_label(self) -> Any:
        return TRACKING_LABELS[TrackingStatus(self.status)]


class ProjectMilestone(Model):
    """A dated step of a funded proposal ("Tender awarded", "Playground opened") or of an answered
    recommendation ("The council adopted the plan")."""

    __tablename__ = "project_milestone"
    __table_args__ = (CheckConstraint(_ONE_SUBJECT, name="one_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

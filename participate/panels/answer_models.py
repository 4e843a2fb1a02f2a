"""The council's answer to a panel's recommendation: its decision, the reasons and a deadline. How the
answer is carried out is tracked by the results' accountability tracking (results.tracking), as funded
proposals are."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model
from participate.panels.recommendation_models import Recommendation


class Decision(StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"


DECISION_LABELS = {
    Decision.ACCEPTED: _l("Accepted"),
    Decision.PARTLY: _l("Accepted in part"),
    Decision.NOT_ACCEPTED: _l("Not accepted"),
}
_DECISIONS_SQL = ", ".join(f"'{d.value}'" for d in Decision)


class RecommendationAnswer(Model):
    """One answer per recommendation (a database constraint); staff may revise it, the audit chain keeps
    every version. `deadline`: when what was accepted will be done (required unless not accepted)."""

    __tablename__ = "panel_recommendation_answer"
    __table_args__ = (
        CheckConstraint(f"decision IN ({_DECISIONS_SQL})", name="known_decision"),
        CheckConstraint("decision = 'not_accepted' OR deadline IS NOT NULL", name="accepted_has_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("panel_recommendation.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[str] = mapped_column(String(12))
    reasons: Mapped[str] = mapped_column(Text)  # Markdown
    deadline: Mapped[date | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    recommendation: Mapped[Recommendation] = relationship()

    @property
    def decision_label(self) -> str:
        return str(DECISION_LABELS[Decision(self.decision)])

    @property
    def accepted(self) -> bool:
        return self.decision != Decision.NOT_ACCEPTED.value

"""What a citizens' panel tells the voters: its statement on a proposal of its process, shown on the
proposal's page and beside it on the ballot (through `voting.statements`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model
from participate.proposals.models import Proposal


class PanelStatement(Model):
    """One statement per panel and proposal (Markdown); withdrawing it deletes the row (the audit chain
    keeps its text)."""

    __tablename__ = "panel_statement"
    __table_args__ = (UniqueConstraint("panel_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()

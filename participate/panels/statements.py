"""A panel's statements on the feasible proposals of its process.

The panel's facilitators write them on the panel's behalf once it is seated; `ballot_statements` is the
source `voting.statements` asks (registered in participate.panels.register), so the ballot and the
proposal page show the statement without the vote knowing about panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import IllegalTransition, NotFound, ValidationFailed
from participate.core.unique import add_unique
from participate.extensions import db
from participate.panels.models import Panel, PanelStatus
from participate.panels.setup import record_on_panel, require_manager
from participate.panels.statement_models import PanelStatement
from participate.proposals.models import Proposal, ProposalStatus

MAX_LENGTH = 5000


def feasible_proposals(panel: Panel) -> list[Proposal]:
    """What the panel reviews: the proposals of its process the review found feasible (not hidden)."""
    rows = db.session.execute(
        select(Proposal)
        .where(
            Proposal.process_id == panel.process_id,
            Proposal.status == ProposalStatus.FEASIBLE.value,
            Proposal.hidden_at.is_(None),
        )
        .order_by(Proposal.title, Proposal.id)
    ).scalars()
    return list(rows)


def feasible_proposal(panel: Panel, proposal_id: int) -> Proposal:
    for proposal in feasible_proposals(panel):
        if proposal.id == proposal_id:
            return proposal
    raise NotFound(_("The panel can only review the feasible proposals of its process."))


def statements_of(panel: Panel) -> dict[int, PanelStatement]:
    rows = db.session.execute(select(PanelStatement).where(PanelStatement.panel_id == panel.id)).scalars()
    return {s.proposal_id: s for s in rows}


def statement_on(panel: Panel, proposal: Proposal) -> PanelStatement | None:
    return db.session.execute(
        select(PanelStatement).where(
            PanelStatement.panel_id == panel.id, PanelStatement.proposal_id == proposal.id
        )
    ).scalar_one_or_none()


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Write the panel's statement."))
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(_("Keep the statement under %(n)d characters.", n=MAX_LENGTH))
    return text


def _require_seated(panel: Panel) -> None:
    if panel.status != PanelStatus.SEATED.value:
        raise IllegalTransition(_("A panel speaks on proposals once it is seated."))


def save_statement(actor: User | None, panel: Panel, proposal: Proposal, text: str) -> PanelStatement:
    """Publishes the panel's statement on the proposal, or replaces the one it published."""
    require_manager(actor, panel)
    assert actor is not None  # a manager is a person
    _require_seated(panel)
    proposal = feasible_proposal(panel, proposal.id)
    text = _clean(text)
    statement = statement_on(panel, proposal)
    created = statement is None
    if statement is None:
        statement = PanelStatement(panel_id=panel.id, proposal_id=proposal.id, text=text, author_id=actor.id)
        if not add_unique(statement):
            # published a moment ago in another tab: this save edits that statement
            statement = statement_on(panel, proposal)
            assert statement is not None
            created = False
    statement.text, statement.author_id, statement.updated_at = text, actor.id, utcnow()
    action = "panel.statement_published" if created else "panel.statement_edited"
    record_on_panel(action, actor, panel, proposal_id=proposal.id, text=text)
    db.session.flush()
    return statement


def withdraw_statement(actor: User | None, panel: Panel, proposal: Proposal) -> None:
    require_manager(actor, panel)
    statement = statement_on(panel, proposal)
    if statement is None:
        raise NotFound(_("The panel has no statement on this proposal."))
    record_on_panel("panel.statement_withdrawn", actor, panel, proposal_id=proposal.id, text=statement.text)
    db.session.delete(statement)
    db.session.flush()


def ballot_statements(proposals: Sequence[Any]) -> dict[int, str]:
    """The statements of seated panels on these proposals, by proposal id (the latest, if several panels
    spoke on one)."""
    ids = [p.id for p in proposals]
    rows = db.session.execute(
        select(PanelStatement.proposal_id, PanelStatement.text)
        .join(Panel, Panel.id == PanelStatement.panel_id)
        .where(PanelStatement.proposal_id.in_(ids), Panel.status == PanelStatus.SEATED.value)
        .order_by(PanelStatement.updated_at.desc(), PanelStatement.id.desc())
    )
    latest: dict[int, str] = {}
    for proposal_id, text in rows:
        latest.setdefault(proposal_id, text)
    return latest

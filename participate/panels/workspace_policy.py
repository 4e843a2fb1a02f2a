"""Who may enter a panel's workspace: its seated members (a confirmed seat linked to their account) and
the panel's facilitators. Nobody else learns what is said or drafted there, nor how anyone voted."""

from __future__ import annotations

from sqlalchemy import select

from participate.accounts.models import User
from participate.extensions import db
from participate.panels import policy
from participate.panels.models import Panel
from participate.panels.recommendation_models import PanelMember
from participate.panels.selection_models import PanelSeat, SeatStatus


def membership(actor: User | None, panel: Panel) -> PanelMember | None:
    """The actor's link to a confirmed seat of this panel, or None."""
    if actor is None:
        return None
    return db.session.scalar(
        select(PanelMember)
        .join(PanelSeat, PanelSeat.id == PanelMember.seat_id)
        .where(
            PanelMember.panel_id == panel.id,
            PanelMember.user_id == actor.id,
            PanelSeat.status == SeatStatus.CONFIRMED.value,
        )
    )


def is_member(actor: User | None, panel: Panel) -> bool:
    return membership(actor, panel) is not None


def can_facilitate(actor: User | None, panel: Panel) -> bool:
    return policy.can_manage_panel(actor, panel)


def can_use_workspace(actor: User | None, panel: Panel) -> bool:
    return can_facilitate(actor, panel) or is_member(actor, panel)

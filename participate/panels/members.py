"""Linking seated members to their accounts, so they can enter the workspace.

A facilitator invites the confirmed seats; each invitation is a link with a random token (kept as a
hash) sent to the email the person gave when registering, or handed over on paper when they gave none.
The person opens the link while signed in (or after creating an account) and accepts: the seat is then
linked to that account, and the token is spent. A seat that drops out loses the workspace with it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound
from participate.core.locks import take_turns
from participate.core.unique import add_unique
from participate.extensions import db
from participate.panels.models import Panel
from participate.panels.recommendation_models import PanelMember
from participate.panels.selection_models import PanelSeat, SeatStatus
from participate.panels.setup import record_on_panel, require_manager

TOKEN_MAX = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(f"panel-member:{token}".encode()).hexdigest()


def members_of(panel: Panel) -> list[PanelMember]:
    return list(
        db.session.execute(
            select(PanelMember).where(PanelMember.panel_id == panel.id).order_by(PanelMember.id)
        ).scalars()
    )


def active_members(panel: Panel) -> list[PanelMember]:
    """Members who joined and still hold a confirmed seat: the people who vote."""
    return [
        m for m in members_of(panel) if m.user_id is not None and m.seat.status == SeatStatus.CONFIRMED.value
    ]


def confirmed_seats(panel: Panel) -> list[PanelSeat]:
    return list(
        db.session.execute(
            select(PanelSeat)
            .where(PanelSeat.panel_id == panel.id, PanelSeat.status == SeatStatus.CONFIRMED.value)
            .order_by(PanelSeat.id)
        ).scalars()
    )


@dataclass(frozen=True)
class Invited:
    member: PanelMember
    token: str


def invite(actor: User | None, panel: Panel, seats: list[PanelSeat]) -> list[Invited]:
    """A new link for each confirmed seat that has not joined yet (a second invitation replaces the first
    link). Returns the links: the view emails them, or shows them for the seats without an email."""
    require_manager(actor, panel)
    take_turns("panel members", panel.id)
    by_seat = {member.seat_id: member for member in members_of(panel)}
    invited = []
    for seat in seats:
        if seat.panel_id != panel.id or seat.status != SeatStatus.CONFIRMED.value:
            continue
        member = by_seat.get(seat.id) or PanelMember(panel_id=panel.id, seat_id=seat.id)
        if member.user_id is not None:
            continue
        token = secrets.token_urlsafe(24)
        member.token_hash, member.invited_at = token_hash(token), utcnow()
        db.session.add(member)
        invited.append(Invited(member, token))
    db.session.flush()
    if invited:
        record_on_panel("panel.members_invited", actor, panel, count=len(invited))
    return invited


def by_token(panel: Panel, token: str) -> PanelMember | None:
    if not token or len(token) > TOKEN_MAX:
        return None
    member = db.session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id, PanelMember.token_hash == token_hash(token)
        )
    )
    return member if member is not None and member.seat.status == SeatStatus.CONFIRMED.value else None


def accept(actor: User, panel: Panel, token: str) -> PanelMember:
    member = by_token(panel, token)
    if member is None:
        raise NotFound(
            _("This invitation link is not valid any more. Ask the panel's facilitators for a new one.")
        )
    member.user_id, member.token_hash, member.joined_at = actor.id, None, utcnow()
    if not add_unique(member):
        raise Conflict(_("Your account is already linked to another seat on this panel."))
    record_on_panel("panel.member_joined", actor, panel, seat_id=member.seat_id)
    return member

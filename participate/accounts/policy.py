"""Who may change whose account and roles."""

from __future__ import annotations

from participate.accounts.models import GRANTABLE_ROLES, Role, User


def can_change_roles(actor: User | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN)


def can_grant(actor: User | None, user: User, role: str) -> bool:
    return can_change_roles(actor) and user.is_active and role in {r.value for r in GRANTABLE_ROLES}


def can_revoke(actor: User | None, user: User, role: str) -> bool:
    """An administrator cannot remove their own administrator role (someone must stay in charge)."""
    own_admin = actor is not None and role == Role.ADMIN and actor.id == user.id
    return can_change_roles(actor) and not own_admin

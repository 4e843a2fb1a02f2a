"""Who may open the administration screens."""

from __future__ import annotations

from participate.accounts.models import Role, User


def can_open_dashboard(actor: User | None) -> bool:
    return actor is not None and actor.has_role(Role.STAFF)


def can_read_audit_log(actor: User | None) -> bool:
    return can_open_dashboard(actor)


def can_manage_users(actor: User | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN)

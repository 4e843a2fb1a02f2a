"""What the audit chain records of the domains below it, which publish events rather than import audit
(accounts sits below audit in the domain order: docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from participate.accounts.models import User
from participate.audit.services import record
from participate.core.events import subscribe


@subscribe("role.granted")
def record_role_granted(actor: User | None, user: User, role: str, by: str | None = None) -> None:
    data: dict[str, Any] = {"role": role} | ({"by": by} if by else {})
    record("role.granted", actor=actor, subject_type="user", subject_id=user.id, data=data)


@subscribe("role.revoked")
def record_role_revoked(actor: User, user: User, role: str) -> None:
    record("role.revoked", actor=actor, subject_type="user", subject_id=user.id, data={"role": role})


# No address in the chain: it is kept for ever, and an erased account must leave none there.
@subscribe("account.email_changed")
def record_email_changed(actor: User | None, user: User) -> None:
    record("account.email_changed", actor=actor, subject_type="user", subject_id=user.id, data={})


@subscribe("account.email_change_undone")
def record_email_change_undone(actor: User | None, user: User) -> None:
    record("account.email_change_undone", actor=actor, subject_type="user", subject_id=user.id, data={})

"""Who may change whose account and roles."""

from __future__ import annotations

from flask_babel import gettext as _

from participate.accounts.models import GRANTABLE_ROLES, Role, User


def participation_refusal(actor: User | None, *, log_in: str, confirm: str | None = None) -> str | None:
    """Why this person may not write anything (submit, support, comment, report), or None when they may:
    they must be logged in, have confirmed their address and not be blocked. `log_in` and `confirm` word
    the first two for the place asking."""
    if actor is None or not actor.is_active:
        return log_in
    if not actor.is_confirmed:
        return confirm or _("Confirm your email address first: we sent you a link when you registered.")
    if actor.is_blocked:
        return _("Your account has been blocked by the moderators: %(reason)s", reason=actor.blocked_reason)
    return None


def can_change_roles(actor: User | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN)


def can_grant(actor: User | None, user: User, role: str) -> bool:
    return can_change_roles(actor) and user.is_active and role in {r.value for r in GRANTABLE_ROLES}


def can_revoke(actor: User | None, user: User, role: str) -> bool:
    """An administrator cannot remove their own administrator role (someone must stay in charge)."""
    own_admin = actor is not None and role == Role.ADMIN and actor.id == user.id
    return can_change_roles(actor) and not own_admin

"""Account use cases. They flush, never commit; the view commits once per request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from participate.accounts import policy, tokens
from participate.accounts.models import GRANTABLE_ROLES, LoginSession, Role, User, UserRole
from participate.accounts.names import display_name_problem, normalise_display_name
from participate.accounts.passwords import burn_time, hash_password, password_problem, verify_password
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.mail import send_email
from participate.core.numbers import row_by_id
from participate.core.pagination import Page, escape_like, paginate
from participate.core.unique import add_unique
from participate.core.urls import external_url
from participate.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def _check_password(password: str, email: str, display_name: str) -> None:
    problem = password_problem(password, email=email, display_name=display_name)
    if problem:
        raise ValidationFailed(problem)


def clean_display_name(display_name: str) -> str:
    """NFC-normalised and trimmed; refuses invisible names and bidirectional or control characters."""
    name = normalise_display_name(display_name)
    problem = display_name_problem(name)
    if problem:
        raise ValidationFailed(problem)
    return name


def register_user(*, email: str, display_name: str, password: str) -> User | None:
    """Creates an unconfirmed account, or, when the address is taken, warns its owner by email.

    Both cases look the same to the visitor (the same page, the same message, an email to the address),
    so the form does not reveal who has an account. Returns the new user, or None for a taken address.
    """
    email = normalise_email(email)
    display_name = clean_display_name(display_name)
    _check_password(password, email, display_name)
    password_hash = hash_password(password)  # also for a taken address, so both take as long
    if find_user_by_email(email) is not None:
        _warn_owner_of_taken_address(email)
        return None
    user = User(email=email, display_name=display_name, password_hash=password_hash)
    if not add_unique(user):  # two registrations raced for the same address: the other one won
        _warn_owner_of_taken_address(email)
        return None
    send_confirmation(user)
    return user


def _warn_owner_of_taken_address(email: str) -> None:
    owner = find_user_by_email(email)
    if owner is None or not owner.is_active:
        return
    body = _(
        "Hello %(name)s,\n\nSomeone tried to create a new account with your email address. "
        "You already have an account, so no new one was created.\n\n"
        "If it was you, log in here:\n%(login)s\n\nIf you have forgotten your password, choose a new "
        "one here:\n%(forgot)s\n\nIf it was not you, you can ignore this message; your account is "
        "unchanged.",
        name=owner.display_name,
        login=external_url("accounts.login"),
        forgot=external_url("accounts.forgot_password"),
    )
    send_email(owner.email, _("Someone tried to register with your email address"), body)


def send_confirmation(user: User) -> None:
    link = external_url("accounts.confirm_email", token=tokens.make_confirm_token(user))
    body = _(
        "Hello %(name)s,\n\nPlease confirm your email address by opening this link:\n%(link)s\n\n"
        "The link works for 48 hours. If you did not register, you can ignore this message.",
        name=user.display_name,
        link=link,
    )
    send_email(user.email, _("Confirm your email address"), body)


def _account_of_link(token: str, salt: str, max_age: str, *, expired: str, invalid: str) -> tuple[User, dict]:
    """The active account an emailed link names, and the link's data; ValidationFailed with `expired` for a
    link past `current_app.config[max_age]` seconds, with `invalid` for any other bad link. The caller
    checks the rest of the data with the same `invalid`, so a guess learns nothing from the message."""
    try:
        data = tokens.read_token(token, salt, current_app.config[max_age])
    except tokens.TokenInvalid as exc:
        raise ValidationFailed(expired if exc.expired else invalid) from exc
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active:
        raise ValidationFailed(invalid)
    return user, data


def confirm_email(token: str) -> User:
    invalid = _("This confirmation link is not valid.")
    user, data = _account_of_link(
        token,
        tokens.CONFIRM_SALT,
        "CONFIRM_TOKEN_MAX_AGE",
        expired=_("This confirmation link has expired. Log in to get a new one."),
        invalid=invalid,
    )
    if user.email != data.get("email"):
        raise ValidationFailed(invalid)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        burn_time()
        return None
    return user if verify_password(user.password_hash, password) else None


def request_password_reset(email: str) -> None:
    """Always behaves the same, so the form does not reveal who has an account."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = external_url("accounts.reset_password", token=tokens.make_reset_token(user))
    body = _(
        "Hello %(name)s,\n\nSomeone asked to reset the password of your account. To choose a new password, "
        "open this link within one hour:\n%(link)s\n\nIf it was not you, ignore this message; "
        "your password stays the same.",
        name=user.display_name,
        link=link,
    )
    send_email(user.email, _("Reset your password"), body)


def check_reset_token(token: str) -> User:
    """The account a reset link is for; ValidationFailed when the link is garbage, expired or used."""
    invalid = _("This reset link is not valid or has already been used. Ask for a new one.")
    user, data = _account_of_link(
        token,
        tokens.RESET_SALT,
        "RESET_TOKEN_MAX_AGE",
        expired=_("This reset link has expired. Ask for a new one."),
        invalid=invalid,
    )
    if not tokens.reset_token_matches(user, data):
        raise ValidationFailed(invalid)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = check_reset_token(token)
    _set_password(user, new_password)
    end_login_sessions(user)
    # Following the emailed link proves the address.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def _set_password(user: User, new_password: str) -> None:
    _check_password(new_password, user.email, user.display_name)
    user.password_hash = hash_password(new_password)
    user.session_version += 1


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed(_("Your current password is not correct."))
    _set_password(user, new_password)
    # Every other device is logged out; this one stays (the view logs it in under the new version).
    end_login_sessions(user, keep_token=user.login_token)


def update_profile(user: User, *, display_name: str, email: str, current_password: str = "") -> bool:
    """Saves the name; returns True when a change of email address was asked for.

    The address does not change here: the new one gets a confirmation link (or, when another account uses
    it, a notice instead, and the answer is the same, so the form tells nobody who has an account), the
    old one a notice with a link to undo. A change needs the current password: a session left open on a
    shared computer must not be enough to move the account, and with it its password resets, elsewhere.
    """
    email = normalise_email(email)
    user.display_name = clean_display_name(display_name)
    if email == user.email:
        return False
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationFailed(_("To change your email address, enter your current password."))
    owner = find_user_by_email(email)
    if owner is not None:
        _tell_owner_of_address_asked_for(owner)
        return True
    user.pending_email = email
    _send_change_confirmation(user, email)
    _tell_old_address_of_change(user, email)
    return True


def _send_change_confirmation(user: User, new_email: str) -> None:
    link = external_url("accounts.confirm_email_change", token=tokens.make_change_token(user, new_email))
    body = _(
        "Hello %(name)s,\n\nTo use this address for your account, open this link within 48 hours:\n%(link)s"
        "\n\nUntil then your account keeps its old address. If you did not ask for this, ignore this "
        "message.",
        name=user.display_name,
        link=link,
    )
    send_email(new_email, _("Confirm your new email address"), body)


def _tell_old_address_of_change(user: User, new_email: str) -> None:
    link = external_url(
        "accounts.undo_email_change", token=tokens.make_undo_change_token(user, user.email, new_email)
    )
    body = _(
        "Hello %(name)s,\n\nSomeone logged in to your account asked to change its email address to "
        "%(new)s. The change happens only when the link sent to that address is opened.\n\n"
        "If it was you, there is nothing to do.\n\nIf it was not you, open this link: it cancels the change "
        "(or moves the account back to this address if it already happened) and logs out every device. "
        "It works for 14 days:\n%(link)s",
        name=user.display_name,
        new=new_email,
        link=link,
    )
    send_email(user.email, _("Your email address is about to change"), body)


def _tell_owner_of_address_asked_for(owner: User) -> None:
    if not owner.is_active:
        return
    body = _(
        "Hello %(name)s,\n\nSomeone with another account tried to change its email address to yours. "
        "An address belongs to one account only, so nothing was changed, and your account is unchanged."
        "\n\nIf you have forgotten your password, choose a new one here:\n%(forgot)s",
        name=owner.display_name,
        forgot=external_url("accounts.forgot_password"),
    )
    send_email(owner.email, _("Someone tried to use your email address"), body)


def confirm_email_change(token: str) -> User:
    """The account moves to the address its link was sent to, if that is still the one asked for."""
    invalid = _("This confirmation link is not valid or has already been used.")
    user, data = _account_of_link(
        token,
        tokens.CHANGE_SALT,
        "CONFIRM_TOKEN_MAX_AGE",
        expired=_("This confirmation link has expired. Ask for the change again."),
        invalid=invalid,
    )
    if user.pending_email is None or user.pending_email != data.get("email"):
        raise ValidationFailed(invalid)
    user.email, user.pending_email, user.email_confirmed_at = user.pending_email, None, utcnow()
    if not add_unique(user):  # another account took the address since the change was asked for
        raise Conflict(_("Another account now uses this email address, so yours was not changed."))
    # No address in the audit chain: it is kept for ever, and an erased account must leave none there.
    publish("account.email_changed", actor=user, user=user)
    return user


def check_undo_email_change(token: str) -> tuple[User, str, str]:
    """The account, its old and its new address, while the change can still be undone."""
    invalid = _("This link is not valid, or the change has already been undone.")
    user, data = _account_of_link(
        token,
        tokens.UNDO_CHANGE_SALT,
        "EMAIL_UNDO_MAX_AGE",
        expired=_("This link has expired."),
        invalid=invalid,
    )
    old, new = data.get("old"), data.get("new")
    if not isinstance(old, str) or not isinstance(new, str):
        raise ValidationFailed(invalid)
    if not (user.pending_email == new or user.email == new):
        raise ValidationFailed(invalid)
    return user, old, new


def undo_email_change(token: str) -> User:
    """The owner of the old address says it was not them: the change is cancelled (or reversed), every
    device is logged out and the password stops working, so whoever made the change is out; the owner
    then chooses a new password through "Forgot your password" at their own address."""
    user, old, new = check_undo_email_change(token)
    user.pending_email = None
    if user.email == new:
        user.email = old
        if not add_unique(user):
            raise Conflict(_("Another account now uses your old address. Please contact the council."))
    user.password_hash = "!email-change-undone"
    user.session_version += 1
    end_login_sessions(user)
    publish("account.email_change_undone", actor=None, user=user)
    return user


def delete_account(user: User, *, password: str) -> None:
    """Erase personal data; contributions stay, attributed to 'Deleted user'.

    The row is kept (not deleted) so that proposals, comments and audit entries keep a valid author,
    but nothing in it identifies the person any more.
    """
    if not verify_password(user.password_hash, password):
        raise ValidationFailed(_("Your password is not correct."))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = "Deleted user"
    user.password_hash = "!deleted"
    user.email_confirmed_at = None
    user.pending_email = None
    user.deleted_at = utcnow()
    user.session_version += 1
    user.roles.clear()
    end_login_sessions(user)
    db.session.flush()


# Login sessions: one row per login on a device. The cookie holds a random token; the row only its hash.

SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
ENDED_SESSIONS_KEPT_FOR = timedelta(days=30)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _first_label(user_agent: str, markers: tuple[tuple[str, str], ...]) -> str:
    # Order matters: Edge and Opera also say "Chrome/", Chrome also says "Safari/".
    return next((label for marker, label in markers if marker in user_agent), "")


def device_label(user_agent: str) -> str:
    """A short, human label such as 'Firefox / Windows', from the browser's User-Agent header."""
    ua = user_agent or ""
    browser, system = _first_label(ua, BROWSERS), _first_label(ua, SYSTEMS)
    if browser and system:
        return f"{browser} / {system}"
    return (browser or system or ua.split(" ")[0])[:120]


def start_login_session(user: User, *, user_agent: str = "") -> str:
    """Records a new login of `user` on one device; returns the secret token for the session cookie."""
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            LoginSession.ended_at < utcnow() - ENDED_SESSIONS_KEPT_FOR,
        )
    )
    db.session.add(
        LoginSession(user_id=user.id, token_hash=_token_hash(token), user_agent=device_label(user_agent))
    )
    db.session.flush()
    user.login_token = token
    return token


def find_login_session(user_id: int, token: str) -> LoginSession | None:
    """The live login session that `token` opens for this user, or None (unknown, someone else's, ended)."""
    row = db.session.execute(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    return row


def touch_login_session(row: LoginSession) -> None:
    """Notes activity at most every few minutes; saved with the request's own commit, if it has one."""
    now = utcnow()
    if now - row.last_seen_at >= SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now


def end_login_session(user: User, token: str | None) -> None:
    """Logout: this device's session ends on the server, so a copy of its cookie opens nothing."""
    if not token:
        return
    db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.token_hash == _token_hash(token),
            LoginSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )


def end_login_sessions(user: User, *, keep_token: str | None = None) -> int:
    """Ends every live session of `user` except the one `keep_token` opens; returns how many ended."""
    stmt = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep_token:
        stmt = stmt.where(LoginSession.token_hash != _token_hash(keep_token))
    result = db.session.execute(stmt.values(ended_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def list_login_sessions(user: User) -> list[LoginSession]:
    """The devices where `user` is logged in, most recently used first."""
    return list(
        db.session.execute(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        ).scalars()
    )


def is_current_login_session(user: User, row: LoginSession) -> bool:
    return bool(user.login_token) and row.token_hash == _token_hash(user.login_token or "")


def log_out_other_devices(user: User) -> int:
    """'Log out everywhere else': ends every session of the acting user but the one they are using."""
    if not user.login_token:
        raise ValidationFailed(_("Log in again first."))
    return end_login_sessions(user, keep_token=user.login_token)


def _require_admin(actor: User) -> None:
    if not policy.can_change_roles(actor):
        raise PermissionDenied(_("Only administrators can change roles."))


def grant_role(actor: User, user: User, role: str) -> None:
    _require_admin(actor)
    if role not in {r.value for r in GRANTABLE_ROLES}:
        raise ValidationFailed(_("Unknown role."))
    if not policy.can_grant(actor, user, role):
        raise ValidationFailed(_("This account has been deleted."))
    if any(grant.role == role for grant in user.roles):
        return
    if not add_unique(UserRole(user_id=user.id, role=role)):
        raise Conflict(_("This role was granted at the same moment by someone else."))
    db.session.expire(user, ["roles"])
    publish("role.granted", actor=actor, user=user, role=role)


def revoke_role(actor: User, user: User, role: str) -> None:
    _require_admin(actor)
    if not policy.can_revoke(actor, user, role):
        raise ValidationFailed(_("You cannot remove your own administrator role."))
    grant = next((g for g in user.roles if g.role == role), None)
    if grant is None:
        return
    user.roles.remove(grant)
    db.session.flush()
    publish("role.revoked", actor=actor, user=user, role=role)


def create_admin(email: str, *, password: str, display_name: str = "Administrator") -> User:
    """Used by `flask create-admin`: creates the account if needed, confirms it and makes it an admin."""
    user = find_user_by_email(email)
    if user is None:
        email = normalise_email(email)
        _check_password(password, email, display_name)
        user = User(email=email, display_name=display_name, password_hash=hash_password(password))
        db.session.add(user)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    if not any(grant.role == Role.ADMIN for grant in user.roles):
        user.roles.append(UserRole(role=Role.ADMIN.value))
    db.session.flush()
    publish("role.granted", actor=None, user=user, role=Role.ADMIN.value, by="cli")
    return user


def list_users(query: str = "", *, page: int = 1, per_page: int = 50) -> Page[User]:
    stmt = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name, User.id)
    if query.strip():
        like = f"%{escape_like(query.strip().lower())}%"
        stmt = stmt.where(
            func.lower(User.email).like(like, escape="\\")
            | func.lower(User.display_name).like(like, escape="\\")
        )
    return paginate(stmt, page, per_page)


def find_user(user_id: int | str) -> User | None:
    return row_by_id(User, user_id)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user

"""Account use cases. They flush, never commit; the view commits once per request."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participate.accounts import policy, tokens
from participate.accounts.models import GRANTABLE_ROLES, Role, User, UserRole
from participate.accounts.passwords import burn_time, hash_password, password_problem, verify_password
from participate.audit.services import record
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from participate.core.mail import send_email
from participate.core.pagination import Page, escape_like, paginate
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


def register_user(*, email: str, display_name: str, password: str) -> User:
    email = normalise_email(email)
    display_name = display_name.strip()
    _check_password(password, email, display_name)
    if find_user_by_email(email) is not None:
        raise Conflict(
            _("An account with this email address already exists. Try logging in or resetting your password.")
        )
    user = User(email=email, display_name=display_name, password_hash=hash_password(password))
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # two registrations raced for the same address
        raise Conflict(_("An account with this email address already exists.")) from exc
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    link = url_for("accounts.confirm_email", token=tokens.make_confirm_token(user), _external=True)
    body = _(
        "Hello %(name)s,\n\nPlease confirm your email address by opening this link:\n%(link)s\n\n"
        "The link works for 48 hours. If you did not register, you can ignore this message.",
        name=user.display_name,
        link=link,
    )
    send_email(user.email, _("Confirm your email address"), body)


def confirm_email(token: str) -> User:
    try:
        data = tokens.read_token(token, tokens.CONFIRM_SALT, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except tokens.TokenInvalid as exc:
        if exc.expired:
            raise ValidationFailed(_("This confirmation link has expired. Log in to get a new one.")) from exc
        raise ValidationFailed(_("This confirmation link is not valid.")) from exc
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or user.email != data.get("email"):
        raise ValidationFailed(_("This confirmation link is not valid."))
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
    link = url_for("accounts.reset_password", token=tokens.make_reset_token(user), _external=True)
    body = _(
        "Hello %(name)s,\n\nSomeone asked to reset the password of your account. To choose a new password, "
        "open this link within one hour:\n%(link)s\n\nIf it was not you, ignore this message; "
        "your password stays the same.",
        name=user.display_name,
        link=link,
    )
    send_email(user.email, _("Reset your password"), body)


def reset_password(token: str, new_password: str) -> User:
    invalid = _("This reset link is not valid or has already been used. Ask for a new one.")
    try:
        data = tokens.read_token(token, tokens.RESET_SALT, current_app.config["RESET_TOKEN_MAX_AGE"])
    except tokens.TokenInvalid as exc:
        if exc.expired:
            raise ValidationFailed(_("This reset link has expired. Ask for a new one.")) from exc
        raise ValidationFailed(invalid) from exc
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or not tokens.reset_token_matches(user, data):
        raise ValidationFailed(invalid)
    _set_password(user, new_password)
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


def update_profile(user: User, *, display_name: str, email: str) -> bool:
    """Returns True when the email changed and must be confirmed again."""
    email = normalise_email(email)
    user.display_name = display_name.strip()
    if email == user.email:
        return False
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise Conflict(_("Another account already uses this email address."))
    user.email = email
    user.email_confirmed_at = None
    send_confirmation(user)
    return True


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
    user.deleted_at = utcnow()
    user.session_version += 1
    user.roles.clear()
    db.session.flush()


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
    user.roles.append(UserRole(role=role))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("This role was granted at the same moment by someone else.")) from exc
    record("role.granted", actor=actor, subject_type="user", subject_id=user.id, data={"role": role})


def revoke_role(actor: User, user: User, role: str) -> None:
    _require_admin(actor)
    if not policy.can_revoke(actor, user, role):
        raise ValidationFailed(_("You cannot remove your own administrator role."))
    grant = next((g for g in user.roles if g.role == role), None)
    if grant is None:
        return
    user.roles.remove(grant)
    db.session.flush()
    record("role.revoked", actor=actor, subject_type="user", subject_id=user.id, data={"role": role})


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
    record(
        "role.granted",
        actor=None,
        subject_type="user",
        subject_id=user.id,
        data={"role": "admin", "by": "cli"},
    )
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
    return db.session.get(User, int(user_id)) if str(user_id).isdigit() else None


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user

"""Notification use cases: notify (in-app always, email by choice), read, preferences, follows, phases.

Services take the acting user, flush and never commit. Emails go through core.mail.send_email, so they
leave only once the transaction that created the notification commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urljoin

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from participate.accounts.models import Role, User, UserRole
from participate.core.clock import today, utcnow
from participate.core.errors import PermissionDenied
from participate.core.events import publish
from participate.core.mail import send_email
from participate.core.pagination import Page, paginate
from participate.core.unique import add_unique
from participate.core.urls import base_url, external_url, safe_next, site_path
from participate.extensions import db
from participate.notifications import policy
from participate.notifications.messages import describe, email_body, email_subject
from participate.notifications.models import (
    EMAIL_DEFAULTS,
    KIND_LABELS,
    Kind,
    Notification,
    NotificationPreference,
    ProcessFollow,
    ProcessPhaseNotice,
)
from participate.notifications.tokens import make_unsubscribe_token, read_unsubscribe_token
from participate.processes.models import Phase, Process, ProcessRole, ProcessRoleName, phase_index

PER_PAGE = 20


# Links in emails -------------------------------------------------------------------------------------


def unsubscribe_url(user_id: int, kind: str) -> str:
    return external_url("notifications.unsubscribe", token=make_unsubscribe_token(user_id, kind))


# Preferences -----------------------------------------------------------------------------------------


def email_choices(user_id: int) -> dict[Kind, bool]:
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: bool(chosen.get(kind.value, EMAIL_DEFAULTS[kind])) for kind in Kind}


def _set_choice(user_id: int, kind: Kind, email: bool) -> None:
    row = db.session.execute(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind.value
        )
    ).scalar_one_or_none()
    if row is not None:
        row.email = email
        db.session.flush()
        return
    if not add_unique(NotificationPreference(user_id=user_id, kind=kind.value, email=email)):
        # the same choice saved at the same moment elsewhere: set it on that row
        db.session.execute(
            update(NotificationPreference)
            .where(NotificationPreference.user_id == user_id, NotificationPreference.kind == kind.value)
            .values(email=email)
        )


def set_email_choices(actor: User, choices: dict[Kind, bool]) -> None:
    if not policy.is_member(actor):
        raise PermissionDenied(_("Log in to choose your emails."))
    for kind, email in choices.items():
        _set_choice(actor.id, Kind(kind), bool(email))


def unsubscribe_target(token: str) -> tuple[User, Kind] | None:
    """Whose email of which kind a link turns off; None when the link is not ours or the account is gone."""
    found = read_unsubscribe_token(token)
    if found is None:
        return None
    user = db.session.get(User, found[0])
    if user is None or not user.is_active:
        return None
    return user, found[1]


def unsubscribe(user: User, kind: Kind) -> None:
    """Reached through a signed link (no login): the token is the person's consent, for its kind only."""
    _set_choice(user.id, kind, False)


# Notifying -------------------------------------------------------------------------------------------


def moderators_of(process: Any) -> list[int]:
    roles = (ProcessRoleName.MODERATOR.value, ProcessRoleName.FACILITATOR.value)
    chosen = (
        db.session.execute(
            select(ProcessRole.user_id)
            .where(ProcessRole.process_id == process.id, ProcessRole.role.in_(roles))
            .distinct()
        )
        .scalars()
        .all()
    )
    if chosen:
        return list(chosen)
    staff = (Role.STAFF.value, Role.ADMIN.value)
    return list(
        db.session.execute(select(UserRole.user_id).where(UserRole.role.in_(staff)).distinct()).scalars()
    )


def notify(user_id: int | None, kind: Kind, data: dict[str, Any], url: str) -> Notification | None:
    """An in-app notification, always; an email too when the person wants this kind by email."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        return None
    notification = Notification(user_id=user.id, kind=kind.value, data=data, url=url)
    db.session.add(notification)
    db.session.flush()
    if user.is_confirmed and email_choices(user.id)[kind]:
        _email(user, notification)
    return notification


def _email(user: User, notification: Notification) -> None:
    # Accounts keep no language choice, so emails are written in the council's default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = describe(notification.kind, notification.data)
        unsubscribe_link = unsubscribe_url(user.id, notification.kind)
        body = email_body(
            name=user.display_name,
            text=text,
            link=_link(notification.url),
            kind_label=str(KIND_LABELS[Kind(notification.kind)]),
            unsubscribe=unsubscribe_link,
            preferences=external_url("notifications.preferences"),
        )
        subject = email_subject(notification.kind, notification.data)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    send_email(user.email, subject, body, headers)


def _link(path: str) -> str:
    """The notification's page; only paths on this site (never a link elsewhere in an email)."""
    safe = safe_next(path)
    return urljoin(base_url(), safe) if safe else external_url("notifications.index")


def display_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.display_name if user is not None else ""


# Reading ---------------------------------------------------------------------------------------------


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def list_notifications(actor: User, page: int) -> Page[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == actor.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(stmt, page, PER_PAGE)


def mark_read(actor: User, notification: Notification) -> str:
    """Marks it read and answers where it leads."""
    if not policy.can_read(actor, notification):
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification.url


def mark_all_read(actor: User) -> int:
    if not policy.is_member(actor):
        raise PermissionDenied(_("Log in to see your notifications."))
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Following processes and their phases ----------------------------------------------------------------


def is_following(user_id: int, process_id: int) -> bool:
    return (
        db.session.scalar(
            select(ProcessFollow.id).where(
                ProcessFollow.user_id == user_id, ProcessFollow.process_id == process_id
            )
        )
        is not None
    )


def follow(actor: User, process: Process, *, on: date | None = None) -> None:
    if not policy.can_follow(actor, process):
        raise PermissionDenied(_("Log in to follow a process."))
    if is_following(actor.id, process.id):
        return
    if not add_unique(ProcessFollow(user_id=actor.id, process_id=process.id)):
        return  # followed at the same moment in another tab: already done
    _phase_notice(process, default=process.current_phase(on or today()))


def unfollow(actor: User, process: Process) -> None:
    if not policy.is_member(actor):
        raise PermissionDenied(_("Log in to follow a process."))
    for row in db.session.execute(
        select(ProcessFollow).where(ProcessFollow.user_id == actor.id, ProcessFollow.process_id == process.id)
    ).scalars():
        db.session.delete(row)
    db.session.flush()


def follower_ids(process_id: int) -> list[int]:
    return list(
        db.session.execute(
            select(ProcessFollow.user_id)
            .where(ProcessFollow.process_id == process_id)
            .order_by(ProcessFollow.id)
        ).scalars()
    )


def _phase_notice(process: Process, *, default: Phase | None) -> ProcessPhaseNotice:
    """The process's last announced phase, created with `default` (the baseline) the first time."""
    notice = db.session.get(ProcessPhaseNotice, process.id)
    if notice is not None:
        return notice
    notice = ProcessPhaseNotice(process_id=process.id, phase=default.value if default else None)
    if not add_unique(notice):
        notice = db.session.get(ProcessPhaseNotice, process.id, populate_existing=True)
    assert notice is not None
    return notice


def announce_phase(process: Process, phase: Phase | str) -> int:
    """Tell every follower that the process is now in `phase`, and remember it was announced."""
    target = Phase(phase)
    notice = _phase_notice(process, default=target)
    notice.phase = target.value
    if not process.published:
        db.session.flush()
        return 0  # a draft's followers cannot see it; the change is remembered, not announced
    url = site_path("processes.detail", slug=process.slug)
    count = 0
    for user_id in follower_ids(process.id):
        if notify(user_id, Kind.PHASE_CHANGED, {"process": process.title, "phase": target.value}, url):
            count += 1
    db.session.flush()
    return count


def publish_phase_changes(on: date | None = None) -> int:
    """Publish `process.phase_changed` for each followed, published process whose phase moved forward
    since it was last announced (by date at midnight). Running it twice announces each change once."""
    on = on or today()
    published = 0
    notices = db.session.execute(
        select(ProcessPhaseNotice, Process)
        .join(Process, Process.id == ProcessPhaseNotice.process_id)
        .where(Process.published.is_(True))
        .order_by(Process.id)
    ).all()
    for notice, process in notices:
        current = process.current_phase(on)
        if phase_index(current) > phase_index(notice.phase):
            publish("process.phase_changed", process=process, phase=current)
            published += 1
        elif current is not None and current.value != notice.phase:
            notice.phase = current.value  # the dates moved back (never announced)
    db.session.flush()
    return published

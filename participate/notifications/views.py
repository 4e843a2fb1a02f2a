"""Notification pages: the list, opening one, email choices, unsubscribe links, following a process.

The header's unread count and the follow button's flags come from this blueprint's context processor.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.exc import SQLAlchemyError

from participate.core.access import current_actor, load
from participate.core.after_commit import commit
from participate.core.transaction import run_form
from participate.core.urls import safe_next
from participate.extensions import csrf
from participate.notifications import policy, services
from participate.notifications.forms import (
    FollowForm,
    MarkAllReadForm,
    OpenForm,
    PreferencesForm,
    UnsubscribeForm,
)
from participate.notifications.messages import describe
from participate.notifications.models import KIND_LABELS, Notification
from participate.processes import policy as process_policy
from participate.processes.models import Process

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def notification_globals() -> dict[str, Any]:
    return {"unread_notifications": _unread_for_header(), "follow_flags": _follow_flags}


def _unread_for_header() -> int | None:
    """One COUNT on the (user_id, read_at) index; None for visitors, or when the database is failing
    (an error page must still render)."""
    actor = current_actor()
    if actor is None:
        return None
    try:
        return services.unread_count(actor.id)
    except SQLAlchemyError:
        current_app.logger.warning("Could not count unread notifications", exc_info=True)
        return None


def _follow_flags(process: Process) -> dict[str, bool]:
    actor = current_actor()
    can_follow = policy.can_follow(actor, process)
    return {
        "can_follow": can_follow,
        "following": can_follow and services.is_following(actor.id, process.id),
    }


@bp.get("/")
@login_required
def index():
    actor = current_actor()
    listing = services.list_notifications(actor, request.args.get("page", 1, type=int))
    rows = [
        {
            "id": n.id,
            "text": describe(n.kind, n.data or {}),
            "created_at": n.created_at,
            "unread": n.unread,
        }
        for n in listing.items
    ]
    return render_template(
        "notifications/index.html",
        listing=listing,
        rows=rows,
        has_unread=services.unread_count(actor.id) > 0,
        mark_all_form=MarkAllReadForm(),
        open_form=OpenForm(),
    )


@bp.post("/read-all")
@login_required
def mark_all_read():
    form = MarkAllReadForm()
    return run_form(
        form,
        lambda: services.mark_all_read(current_actor()),
        done=lambda _count: (_("All your notifications are marked as read."), url_for(".index")),
        render=lambda: abort(400),
    )


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    notification = load(Notification, notification_id, see=policy.can_read)
    if not OpenForm().validate_on_submit():
        abort(400)
    target = services.mark_read(current_actor(), notification)
    commit()
    return redirect(safe_next(target) or url_for(".index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    actor = current_actor()
    form = PreferencesForm(data={kind.value: on for kind, on in services.email_choices(actor.id).items()})
    return run_form(
        form,
        lambda: services.set_email_choices(actor, form.choices()),
        done=lambda _r: (_("Your email choices are saved."), url_for(".preferences")),
        render=lambda: render_template("notifications/preferences.html", form=form),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    found = services.unsubscribe_target(token)
    if found is None:
        return render_template("notifications/unsubscribe_invalid.html"), 400
    user, kind = found
    form = UnsubscribeForm()
    return run_form(
        form,
        lambda: services.unsubscribe(user, kind),
        done=lambda _r: (
            _("You will no longer receive emails for: %(kind)s.", kind=KIND_LABELS[kind]),
            url_for(".unsubscribed"),
        ),
        render=lambda: render_template(
            "notifications/unsubscribe.html", form=form, kind_label=KIND_LABELS[kind]
        ),
    )


@bp.get("/unsubscribed")
def unsubscribed():
    return render_template("notifications/unsubscribed.html")


def _load_process(process_id: int) -> Process:
    return load(Process, process_id, see=process_policy.can_view, act=policy.can_follow)


def _follow_button(process_id: int, use_case: Any, message: str) -> Any:
    process = _load_process(process_id)
    return run_form(
        FollowForm(),
        lambda: use_case(current_actor(), process),
        done=lambda _r: (message, url_for("processes.detail", slug=process.slug)),
        render=lambda: abort(400),
    )


@bp.post("/follow/<int:process_id>")
def follow(process_id: int):
    return _follow_button(
        process_id, services.follow, _("You follow this process: we will tell you when its phase changes.")
    )


@bp.post("/unfollow/<int:process_id>")
def unfollow(process_id: int):
    return _follow_button(process_id, services.unfollow, _("You no longer follow this process."))

"""Development only: the emails this process has "sent" (MAIL_BACKEND=log), with clickable links.

Registered by create_app only when DEV_OUTBOX is on (DevelopmentConfig, or a debug run), never in
production; elsewhere /dev/outbox is a 404. Even then it holds reset links for every account (the demo's
admin too), so it answers only a browser on this machine or a logged-in administrator.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request

from participate.core.access import current_actor

bp = Blueprint("dev", __name__, url_prefix="/dev")

LINK = re.compile(r"https?://[^\s<>\"']+")
LOOPBACK = {"127.0.0.1", "::1"}
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def _from_this_machine() -> bool:
    """The connection itself comes from loopback, and no proxy says it is passing on someone else's
    request (a reverse proxy on the same machine connects from 127.0.0.1 too)."""
    address = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR", request.remote_addr)
    return address in LOOPBACK and not any(name in request.headers for name in PROXY_HEADERS)


@bp.before_request
def _only_here_or_for_admins() -> None:
    actor = current_actor()
    if not (_from_this_machine() or (actor is not None and actor.has_role("admin"))):
        abort(404)


def body_parts(body: str) -> list[tuple[str, str]]:
    """The body as ("text", ...) and ("link", ...) pieces, so the template can make links clickable."""
    parts: list[tuple[str, str]] = []
    position = 0
    for match in LINK.finditer(body):
        parts.append(("text", body[position : match.start()]))
        parts.append(("link", match.group()))
        position = match.end()
    parts.append(("text", body[position:]))
    return [(kind, text) for kind, text in parts if text]


@bp.get("/outbox")
def outbox():
    mailer = current_app.extensions["mailer"]
    messages = list(getattr(mailer, "outbox", []))
    emails = [
        {"to": message.to, "subject": message.subject, "parts": body_parts(message.body)}
        for message in reversed(messages)
    ]
    return render_template("dev/outbox.html", emails=emails, keeps_outbox=hasattr(mailer, "outbox"))

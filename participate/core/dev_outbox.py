"""Development only: the emails this process has "sent" (MAIL_BACKEND=log), with clickable links.

Registered by create_app only when DEV_OUTBOX is on (DevelopmentConfig, or a debug run), never in
production; elsewhere /dev/outbox is a 404.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template

bp = Blueprint("dev", __name__, url_prefix="/dev")

LINK = re.compile(r"https?://[^\s<>\"']+")


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

"""Unsubscribe links: a signed token names one person and one kind, and works without logging in.

They do not expire (an old email's link must keep working) and do nothing but turn one kind's email off.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from participate.notifications.models import Kind

UNSUBSCRIBE_SALT = "participate.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(user_id: int, kind: str) -> str:
    return str(_serializer().dumps({"uid": user_id, "kind": str(kind)}))


def read_unsubscribe_token(token: str) -> tuple[int, Kind] | None:
    """(user id, kind), or None for a token this site did not sign."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    try:
        return data["uid"], Kind(str(data.get("kind")))
    except ValueError:
        return None

"""Signed, expiring tokens for email confirmation and password reset.

A reset token carries a fingerprint of the current password hash: once the password changes, every
earlier reset link stops working, so a link is single-use without storing it.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from participate.accounts.models import User

CONFIRM_SALT = "participate.confirm-email"
RESET_SALT = "participate.reset-password"
CHANGE_SALT = "participate.change-email"
UNDO_CHANGE_SALT = "participate.undo-email-change"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "fp": _fingerprint(user)})


def make_change_token(user: User, new_email: str) -> str:
    """For the new address: opening it proves the address, and only then does the account move to it."""
    return _serializer(CHANGE_SALT).dumps({"uid": user.id, "email": new_email})


def make_undo_change_token(user: User, old_email: str, new_email: str) -> str:
    """For the old address: its owner can cancel the change, or take the account back if it went through."""
    return _serializer(UNDO_CHANGE_SALT).dumps({"uid": user.id, "old": old_email, "new": new_email})


class TokenInvalid(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_token(token: str, salt: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenInvalid(expired=True) from exc
    except BadSignature as exc:
        raise TokenInvalid(expired=False) from exc
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenInvalid(expired=False)
    return data


def reset_token_matches(user: User, data: dict) -> bool:
    return data.get("fp") == _fingerprint(user)

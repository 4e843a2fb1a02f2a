"""Password policy and hashing (argon2id)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn scores 0–4; 3 means at least 10^8 guesses, the level it calls "safely unguessable" online.
MIN_STRENGTH = 3

_strong = PasswordHasher()
# Tests hash hundreds of passwords; the cheap parameters are only ever chosen by TestingConfig.
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _strong


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    words = set(FREQUENCY_LISTS["passwords"])
    for key in ("english_wikipedia", "us_tv_and_film", "surnames", "female_names", "male_names"):
        words.update(FREQUENCY_LISTS.get(key, ())[:2000])
    return frozenset(words)


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    personal = [
        part for part in (email.split("@")[0].lower(), *display_name.lower().split()) if len(part) >= 3
    ]
    if any(part in lowered for part in personal):
        return _("Do not use your name or email address in your password.")
    too_common = _(
        "This password is too common. Choose something harder to guess, such as a few unrelated words."
    )
    if lowered in _common_passwords():
        return too_common
    # zxcvbn only looks at the first 100 characters; longer passwords are not guessable by pattern.
    if zxcvbn(password[:100], user_inputs=personal)["score"] < MIN_STRENGTH:
        return too_common
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time() -> None:
    """Spend as long as a real check, so unknown emails cannot be told apart by timing."""
    verify_password(hash_password("timing-equaliser-password"), "not-the-same-password")

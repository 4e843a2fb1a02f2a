"""Keys derived from the server's ballot secret, and the codes people copy from paper.

Every key is derived from one server secret (`BALLOT_SECRET_KEY`, else `SECRET_KEY`) that never enters
the database, so a database reader can neither reverse a keyed hash nor open a sealed ballot. Eligibility
hashes identity numbers and voting codes with it; the vote seals ballots and keys receipts with it."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

# Receipts and voting codes use letters and digits that cannot be mistaken for each other when read
# aloud or copied from paper (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def _secret() -> bytes:
    secret = current_app.config.get("BALLOT_SECRET_KEY") or current_app.config["SECRET_KEY"]
    return secret.encode() if isinstance(secret, str) else secret


def key(purpose: str) -> bytes:
    return hmac.new(_secret(), f"participate/{purpose}".encode(), hashlib.sha256).digest()


def mac(purpose: str, message: str) -> str:
    return hmac.new(key(purpose), message.encode(), hashlib.sha256).hexdigest()


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def shown_code(code: str) -> str:
    """ABCD-EFGH-JKMN: groups of four are easier to copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())

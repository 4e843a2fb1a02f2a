"""Invitation codes, pseudonyms and withdrawal tokens.

An invitation code is derived from the server's secret and the letter (panel, batch, address), so the
same letters can be printed again, while the database keeps only a keyed hash of each code: a reader of
the database can neither list the codes nor forge one. Codes use letters and digits that cannot be
mistaken for each other when copied from paper (no 0/O, 1/I/L).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PSEUDONYM_LENGTH = 8


def _key(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, f"participate/panels/{purpose}".encode(), hashlib.sha256).digest()


def _mac(purpose: str, message: str) -> bytes:
    return hmac.new(_key(purpose), message.encode(), hashlib.sha256).digest()


def _spell(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    letters = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[index])
    return "".join(letters)


def invitation_code(panel_id: int, batch_id: int, address_id: int) -> str:
    return _spell(_mac("invitation", f"{panel_id}:{batch_id}:{address_id}"), CODE_LENGTH)


def normalise_code(code: str) -> str:
    """What a person types, as the code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return _mac("invitation-hash", normalise_code(code)).hex()


def shown_code(code: str) -> str:
    """ABCD-EFGH: groups of four are easier to copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_pseudonym() -> str:
    """A public id with no relation to the person: random, checked unique per panel by a constraint."""
    return "".join(secrets.choice(ALPHABET) for _ in range(PSEUDONYM_LENGTH))


def new_withdraw_token() -> str:
    return secrets.token_urlsafe(24)


def withdraw_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

"""The keys and codes of the vote: census hashes, voting codes, receipts, and the sealed ballot box.

Every key is derived from one server secret (`BALLOT_SECRET_KEY`, else `SECRET_KEY`) that never enters
the database, so a database reader can neither reverse an identity number nor open a sealed ballot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

# Receipts and voting codes use letters and digits that cannot be mistaken for each other when read
# aloud or copied from paper (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 12
CODE_LENGTH = 12


def _secret() -> bytes:
    secret = current_app.config.get("BALLOT_SECRET_KEY") or current_app.config["SECRET_KEY"]
    return secret.encode() if isinstance(secret, str) else secret


def _key(purpose: str) -> bytes:
    return hmac.new(_secret(), f"participate/{purpose}".encode(), hashlib.sha256).digest()


def _mac(purpose: str, message: str) -> str:
    return hmac.new(_key(purpose), message.encode(), hashlib.sha256).hexdigest()


def normalise_identity(identity: str) -> str:
    """Identity numbers are compared without spaces, dashes and plus signs (19900101-1234 = 199001011234)."""
    return "".join(ch for ch in identity if ch.isalnum()).upper()


def census_hash(identity: str) -> str:
    return _mac("census", normalise_identity(identity))


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def shown_code(code: str) -> str:
    """ABCD-EFGH-JKMN: groups of four are easier to copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def voting_code_hash(code: str) -> str:
    return _mac("voting-code", normalise_code(code))


def receipt_hash(receipt: str) -> str:
    """Public: SHA-256 of the receipt, published with each ballot so anyone can look theirs up."""
    return hashlib.sha256(normalise_code(receipt).encode()).hexdigest()


def tracker(receipt: str) -> str:
    """Keyed, so that the sealed box and the published ballots share no value a reader could match."""
    return _mac("tracker", normalise_code(receipt))


def owner_tag(budget_id: int, voter: str) -> str:
    """`voter` is "user:<id>" or "code:<id>"; the tag finds a voter's sealed ballot to replace it."""
    return _mac("owner", f"{budget_id}:{voter}")


def seal(content: dict[str, Any], padded_to: int) -> str:
    """Encrypted, after padding the JSON with spaces (which JSON ignores) to `padded_to` bytes: every
    sealed ballot of a budget is then as long as every other. A longer content is padded to the next
    power of two instead; voting.services.padded_size makes that not happen for a ballot the budget
    allows."""
    box = AESGCM(_key("ballot-box"))
    nonce = secrets.token_bytes(12)
    data = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    data = data.ljust(padded_to if len(data) <= padded_to else 1 << (len(data) - 1).bit_length(), b" ")
    return base64.b64encode(nonce + box.encrypt(nonce, data, None)).decode()


class BrokenSeal(Exception):
    """A sealed ballot that does not open with this server's key (a changed key or a tampered row)."""


def unseal(payload: str) -> dict[str, Any]:
    raw = base64.b64decode(payload)
    try:
        data = AESGCM(_key("ballot-box")).decrypt(raw[:12], raw[12:], None)
    except InvalidTag as exc:
        raise BrokenSeal from exc
    return json.loads(data)

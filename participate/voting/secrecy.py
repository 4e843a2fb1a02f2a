"""The keys of the vote: receipts, trackers and the sealed ballot box (keys from core.keyed, which a
database reader cannot derive)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from participate.core.keyed import key as _key
from participate.core.keyed import mac as _mac

# a receipt is a code like a voting code: voting's modules take these from here
from participate.core.keyed import new_code as new_code
from participate.core.keyed import normalise_code as normalise_code
from participate.core.keyed import shown_code as shown_code

RECEIPT_LENGTH = 12


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

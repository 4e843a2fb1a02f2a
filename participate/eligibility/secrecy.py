"""The keyed hashes eligibility keeps instead of identity numbers and voting codes (core.keyed)."""

from __future__ import annotations

from participate.core.keyed import mac, normalise_code


def normalise_identity(identity: str) -> str:
    """Identity numbers are compared without spaces, dashes and plus signs (19900101-1234 = 199001011234)."""
    return "".join(ch for ch in identity if ch.isalnum()).upper()


def census_hash(identity: str) -> str:
    return mac("census", normalise_identity(identity))


def voting_code_hash(code: str) -> str:
    return mac("voting-code", normalise_code(code))

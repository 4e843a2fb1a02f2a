"""Shared paths and helpers of the counting engine tests (plain pytest, no Flask app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ci import unavailable

ROOT = Path(__file__).resolve().parents[2]
PABULIB = ROOT.parent / "shared" / "data" / "pabulib"
FIXTURES = ROOT / "tests" / "data" / "counting"
REFERENCE = FIXTURES / "pabutools_reference.json"


def missing(reason: str) -> None:
    """Skip locally; in CI a reference comparison that cannot run is a failure, not a pass."""
    unavailable(reason)


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    if not PABULIB.exists():
        missing(f"sample pabulib files not found at {PABULIB}")
    return PABULIB


def load_reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))

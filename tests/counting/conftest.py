"""Shared paths and helpers of the counting engine tests (plain pytest, no Flask app)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PABULIB = ROOT.parent / "shared" / "data" / "pabulib"
FIXTURES = ROOT / "tests" / "data" / "counting"
REFERENCE = FIXTURES / "pabutools_reference.json"


def missing(reason: str) -> None:
    """Skip locally; in CI (env CI set) a reference comparison that cannot run is a failure, not a pass."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: reference comparisons must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    if not PABULIB.exists():
        missing(f"sample pabulib files not found at {PABULIB}")
    return PABULIB


def load_reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))

"""The counting engine is fully typed: `mypy --strict participate/counting` finds nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.counting.conftest import ROOT

api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")


def test_mypy_strict_passes_on_the_engine():
    # the cache lives in the venv (ignored by git), so reruns take about a second
    cache = Path(sys.prefix) / "mypy-cache"
    out, err, status = api.run(
        [
            "--strict",
            "--cache-dir",
            str(cache),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(ROOT / "participate" / "counting"),
        ]
    )
    assert status == 0, out + err

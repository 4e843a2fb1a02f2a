"""What CI must run. `.ci/run` exports CI=true; where something a test needs is missing (a reference
file, Redis, Chromium, playwright), the test is skipped locally with the reason, and fails in CI: a
comparison or a journey that did not run must never count as a pass there."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str, *, allow_module_level: bool = False) -> NoReturn:
    if in_ci():
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=allow_module_level)

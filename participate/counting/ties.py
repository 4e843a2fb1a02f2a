"""Tie-breaking. The default, like pabutools' `lexico_tie_breaking`, prefers the smallest project id as a
string. A different order may be passed to any rule as `tie_breaking=` (a key function on project ids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TieBreaking = Callable[[str], Any]


def lexicographic(project_id: str) -> str:
    return project_id

"""What other parts of the panels package show in the members' workspace (the meetings' agenda, the
materials), without the workspace importing them:

    add_workspace_part("agenda", "panels/meetings/_workspace_agenda.html", lambda panel, actor: {...})

Each slot ("agenda", "materials") shows its registered part; an empty slot shows the panel's meeting
dates (agenda) or a placeholder saying what will appear there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SLOTS = ("agenda", "materials")


@dataclass(frozen=True)
class WorkspacePart:
    slot: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]


_PARTS: dict[str, WorkspacePart] = {}


def add_workspace_part(slot: str, template: str, context: Callable[[Any, Any], dict[str, Any]]) -> None:
    if slot not in SLOTS:
        raise ValueError(f"unknown workspace slot {slot!r}; use one of {SLOTS}")
    _PARTS[slot] = WorkspacePart(slot, template, context)


def workspace_parts(panel: Any, actor: Any) -> dict[str, tuple[str, dict[str, Any]] | None]:
    """For each slot: (template, its context) or None when nothing fills it yet."""
    return {
        slot: (part.template, part.context(panel, actor)) if (part := _PARTS.get(slot)) else None
        for slot in SLOTS
    }

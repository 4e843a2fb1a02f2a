"""What other parts of the panels package show in the members' workspace (the meetings' agenda, the
materials), without the workspace importing them:

    add_workspace_part("agenda", "panels/meetings/_workspace_agenda.html", lambda panel, actor: {...})

Each slot ("agenda", "materials") shows its registered part; an empty slot shows the panel's meeting
dates (agenda) or a placeholder saying what will appear there. Slots registered with the same context
function share one call of it per page, so data that fills both (the materials) is read once.
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
    contexts: dict[Callable[[Any, Any], dict[str, Any]], dict[str, Any]] = {}

    def context_of(part: WorkspacePart) -> dict[str, Any]:
        if part.context not in contexts:
            contexts[part.context] = part.context(panel, actor)
        return contexts[part.context]

    return {slot: (part.template, context_of(part)) if (part := _PARTS.get(slot)) else None for slot in SLOTS}

"""Statements shown beside a proposal on the ballot (a citizen panel's, once panels exist).

A later domain registers a source without this one importing it:

    register_statement_source(panel_statements)

A source answers the statements (Markdown) of those of the proposals it has one for, by proposal id: one
query for a whole ballot. The first source to answer for a proposal wins."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

StatementSource = Callable[[Sequence[Any]], Mapping[int, str]]
SOURCES: list[StatementSource] = []


def register_statement_source(source: StatementSource) -> StatementSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def unregister_statement_source(source: StatementSource) -> None:
    if source in SOURCES:
        SOURCES.remove(source)


def statements_for(proposals: Sequence[Any]) -> dict[int, str]:
    """The statement of each proposal that has one, by id."""
    found: dict[int, str] = {}
    for source in SOURCES:
        unanswered = [p for p in proposals if getattr(p, "id", None) is not None and p.id not in found]
        if not unanswered:
            break
        found.update((pid, text) for pid, text in source(unanswered).items() if text and pid not in found)
    return found


def statement_for(proposal: Any) -> str | None:
    return statements_for([proposal]).get(getattr(proposal, "id", None))  # type: ignore[arg-type]

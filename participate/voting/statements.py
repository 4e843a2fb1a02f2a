"""Statements shown beside a proposal on the ballot (a citizen panel's, once panels exist).

A later domain registers a source without this one importing it:

    register_statement_source(lambda proposal: panel_statement_text(proposal))

A source answers the statement's text (Markdown) or None; the first answer wins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StatementSource = Callable[[Any], str | None]
SOURCES: list[StatementSource] = []


def register_statement_source(source: StatementSource) -> StatementSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def unregister_statement_source(source: StatementSource) -> None:
    if source in SOURCES:
        SOURCES.remove(source)


def statement_for(proposal: Any) -> str | None:
    for source in SOURCES:
        text = source(proposal)
        if text:
            return text
    return None

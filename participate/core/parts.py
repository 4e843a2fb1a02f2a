"""Parts of a page that other domains add: a template and the function that gives its context, so the
page's own domain imports none of them (the process page, "What the council did")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Context = Callable[..., dict[str, Any]]


class PageParts:
    def __init__(self) -> None:
        self.parts: list[tuple[str, Context]] = []

    def add(self, template: str, context: Context) -> None:
        if all(existing != template for existing, _context in self.parts):
            self.parts.append((template, context))

    def contexts(self, *args: Any) -> list[tuple[str, dict[str, Any]]]:
        """Each part's template and its context for this page (the template reads it as `part`)."""
        return [(template, context(*args)) for template, context in self.parts]

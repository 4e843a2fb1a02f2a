"""Whole numbers that arrive as text (a form field, a query string, a URL): ids, ranks and counts.

`str.isdigit()` also accepts digits `int()` refuses ("²") or reads as another number ("١٢" is 12), and an
id too large for its column overflows the database driver (a 500 page) instead of finding nothing. So only
plain ASCII digits count, and an id is at most the largest a row can have.
"""

from __future__ import annotations

from typing import Any, TypeVar

from werkzeug.routing import IntegerConverter

from participate.extensions import db

Row = TypeVar("Row")

MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL)


def whole_number(raw: object, *, largest: int = MAX_ROW_ID) -> int | None:
    """`raw` (text or an int) as a number from 0 to `largest`, or None if it is anything else."""
    text = "" if raw is None else str(raw)
    if not text or len(text) > len(str(largest)) or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= largest else None


def row_by_id(model: type[Row], raw: object) -> Row | None:
    """The `model` row whose id `raw` names (text from a request, or an int), or None if it names none."""
    row_id = whole_number(raw)
    return db.session.get(model, row_id) if row_id is not None else None


class RowIdConverter(IntegerConverter):
    """`<int:...>` in this app's URLs: an id no row can have does not match (404), like any unknown id."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)

"""Pages of a query: the page's rows, and whether there is a page before or after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from participate.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def paginate(
    stmt: Select[*tuple[Any, ...]], page: int, per_page: int, *, key: Any = None, rows: bool = False
) -> Page[Any]:
    """One page of `stmt`'s entities (or, with `rows`, of its result rows: a grouped query). With `key`
    (the entity's id column), the page is first chosen by key alone and only its rows are then loaded
    whole: a deep page then sorts and skips narrow rows instead of whole ones (proposals carry their
    description)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    number = min(max(1, page), last)
    window = stmt.limit(per_page).offset((number - 1) * per_page)
    if rows:
        return Page(list(db.session.execute(window).all()), number, per_page, total)
    if key is None:
        return Page(list(db.session.execute(window).scalars()), number, per_page, total)
    keys = list(db.session.execute(window.with_only_columns(key)).scalars())
    entity = stmt.column_descriptions[0]["entity"]
    by_key = {
        getattr(row, key.key): row
        for row in db.session.execute(select(entity).where(key.in_(keys))).scalars()
    }
    return Page([by_key[k] for k in keys if k in by_key], number, per_page, total)


def escape_like(text: str) -> str:
    """Search text is literal: % and _ match themselves, not anything."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page_of(items: list[T], page: int, per_page: int) -> Page[T]:
    """One page of a list already in memory (an ordered list kept as JSON, say)."""
    last = max(1, -(-len(items) // per_page))
    number = min(max(1, page), last)
    return Page(items[(number - 1) * per_page : number * per_page], number, per_page, len(items))

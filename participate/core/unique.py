"""Rows whose uniqueness a database constraint guards (one support per person, one vote per comment…)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from participate.extensions import db


def add_unique(row: object) -> bool:
    """Add the row, or write its changes, in a savepoint. False when a constraint refused it: an equal row
    exists, perhaps written a moment ago by a parallel request; the rest of the transaction goes on
    unharmed."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def insert_new(model: type[Any], **values: Any) -> bool:
    """Insert a row unless a unique constraint says an equal one exists: True when it was inserted. One
    statement (INSERT … ON CONFLICT DO NOTHING), where add_unique takes three; the row is not kept in the
    session, for callers that only need to know whether it was new."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    inserted = statement.returning(*model.__table__.primary_key.columns)
    return db.session.execute(inserted).first() is not None

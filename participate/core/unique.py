"""Rows whose uniqueness a database constraint guards (one support per person, one vote per comment…)."""

from __future__ import annotations

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

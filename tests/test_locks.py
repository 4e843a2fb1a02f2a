"""core.locks: several turns taken in one round trip are all held, each in its mode, until the end of the
transaction."""

from __future__ import annotations

import zlib

import pytest
from sqlalchemy import text

from participate.core.locks import Turn, take_turns_in_order
from participate.extensions import db
from tests.conftest import ON_POSTGRES


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks are PostgreSQL's; SQLite takes its write lock")
def test_turns_taken_together_are_each_held_in_their_mode_until_the_commit(app):
    take_turns_in_order(Turn("census entry", 41), Turn("vote close", 7, shared=True), Turn("ballot box", 5))
    held = db.session.execute(
        text(
            "SELECT classid, objid, mode FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() ORDER BY objid"
        )
    ).all()
    namespace = {
        name: zlib.crc32(name.encode()) % 2**31 for name in ("census entry", "vote close", "ballot box")
    }
    assert [tuple(row) for row in held] == [
        (namespace["ballot box"], 5, "ExclusiveLock"),
        (namespace["vote close"], 7, "ShareLock"),
        (namespace["census entry"], 41, "ExclusiveLock"),
    ]
    db.session.commit()
    assert (
        db.session.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        ).scalar()
        == 0
    )

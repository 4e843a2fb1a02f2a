"""Requests that must take turns: a rule that counts rows and then adds one (a limit per person, an
automatic hide after N reports, the next link of the audit chain) is only safe one request at a time.

On PostgreSQL `take_turns` takes a transaction-scoped advisory lock: a second request with the same
name and key waits until the first commits or rolls back. SQLite has one lock for the whole database:
there `take_turns` (and `locked`) take SQLite's write lock before the count, so every such request takes
its turn with every other writer (core.sqlite.take_writers_turn). Letting SQLite serialise the writes
alone is not enough: both requests would count before either wrote.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select, text

from participate.core.sqlite import take_writers_turn
from participate.extensions import db

Row = TypeVar("Row")


def take_turns(name: str, key: int, *, shared: bool = False) -> None:
    """`name` says what is guarded ("supports in process 7"), `key` whose turn it is (a person's id).
    `shared`: any number of requests hold it at once, all of them taking turns with one that takes it
    unshared (ballots being cast, and the close that must wait for them)."""
    take_turns_in_order(Turn(name, key, shared))


@dataclass(frozen=True)
class Turn:
    name: str
    key: int
    shared: bool = False


def take_turns_in_order(*turns: Turn) -> None:
    """Several turns in one round trip, taken one after the other in the order given. Every request that
    takes more than one must take them in one order, so that none holds a turn another waits on while
    waiting on one the other holds."""
    if not turns or take_writers_turn(db.session.connection()):
        return
    if len(turns) == 1:
        (turn,) = turns
        db.session.execute(
            text(f"SELECT {_function(turn)}(:namespace, :key)"),
            {"namespace": _namespace(turn.name), "key": turn.key},
        )
        return
    # A PL/pgSQL block runs its statements in order, where the functions of one SELECT list need not run
    # in the order written. A block takes no parameters, so the integers are written into it; sent as it
    # is, so that its many texts do not crowd SQLAlchemy's cache of compiled statements.
    steps = " ".join(f"PERFORM {_function(t)}({_namespace(t.name):d}, {int(t.key):d});" for t in turns)
    db.session.connection().exec_driver_sql(f"DO $$ BEGIN {steps} END $$")


def _function(turn: Turn) -> str:
    return "pg_advisory_xact_lock_shared" if turn.shared else "pg_advisory_xact_lock"


def _namespace(name: str) -> int:
    # PostgreSQL's two-integer form: one namespace per name, so unrelated locks never share a key.
    return zlib.crc32(name.encode()) % 2**31


def take_turns_on(row: Any, name: str) -> None:
    """`take_turns` keyed on a row (`name` says what of it is guarded), then forget what this session had
    read of the row: the turn before may have replaced its related rows, and what follows must start from
    what that turn committed (PostgreSQL's statements see it once the lock is held)."""
    take_turns(name, row.id)
    db.session.expire(row)


def locked(row: Row) -> Row:
    """The row again, locked until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL) and with its
    values as last committed: a count recomputed after this sees every change committed before it, where
    one recomputed in a statement that merely waits for the row would miss them. On SQLite: the write lock."""
    take_writers_turn(db.session.connection())
    model: Any = type(row)
    fresh: Row = db.session.execute(
        select(model)
        .where(model.id == getattr(row, "id"))  # noqa: B009 - every model has an id; Row does not say so
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return fresh

"""Side effects (emails, background work) wait for the commit that makes them true.

`after_commit(fn, *args)` queues a call on the current database session. When the outermost transaction
commits, the queued calls run; when it rolls back, they are dropped. So a request that fails sends no
email and starts no job for a change that never happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from participate.extensions import db

_PENDING = "participate.after_commit.pending"
_COMMITTED = "participate.after_commit.committed"


def after_commit(fn: Callable[..., object], *args: Any) -> None:
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of a transaction that wrote nothing, drops the call
    session.info.setdefault(_PENDING, []).append((fn, args))


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    # The session cannot run SQL inside this event; the effects run right after commit() returns.
    committed = session.info.pop(_PENDING, [])
    if committed:
        session.info.setdefault(_COMMITTED, []).extend(committed)


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint rolled back; the request's own transaction goes on
    session.info.pop(_PENDING, None)


def run_committed_effects() -> None:
    effects = db.session.info.pop(_COMMITTED, [])
    for fn, args in effects:
        fn(*args)


def rollback() -> None:
    """Roll the request back and forget what waited for its commit, even if nothing had been written."""
    db.session.rollback()
    db.session.info.pop(_PENDING, None)


def commit() -> None:
    """Commit the request's transaction, then run what waited for it."""
    db.session.commit()
    run_committed_effects()

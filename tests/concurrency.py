"""Races: the tests that check a rule still holds when requests arrive at the same moment.

They run on PostgreSQL (CI) and, locally, on a SQLite database in a file of their own (tests.conftest
gives the marked tests one): an in-memory SQLite database is private to its connection and cannot race,
but SQLite in a file, the embedded default, lets every request read at once and so can lose a
count-then-insert race as PostgreSQL can.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from participate.core.errors import ServiceError
from participate.extensions import db

DONE = "done"
# Marks a race test (or a module of them): on SQLite it gets a database file that its threads share, so
# every race test runs on both databases.
races = pytest.mark.races


def at_once(app: Any, calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread and application context (so its own session and connection), all
    released at the same moment. Each call's result, or the exception it raised, in the order given; the
    test's own session then sees what they committed."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int, call: Callable[[], Any]) -> None:
        with app.app_context():
            start.wait()
            try:
                results[n] = call()
            except Exception as exc:  # noqa: BLE001 - handed to the test, which asserts on it
                db.session.rollback()
                results[n] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.expire_all()
    return results


def as_request(use_case: Callable[[], Any]) -> Callable[[], str]:
    """A use case run as one request would: committed ("done"), or rolled back with the refusal's message."""

    def call() -> str:
        try:
            use_case()
        except ServiceError as refusal:
            db.session.rollback()
            return refusal.message
        db.session.commit()
        return DONE

    return call


def posts_at_once(app: Any, requests: Sequence[tuple[Any, str, dict[str, str]]]) -> list[int]:
    """(test client, path, form data) posted at the same moment, each as its own request: their statuses."""
    return at_once(
        app,
        [lambda c=client, p=path, d=data: c.post(p, data=d).status_code for client, path, data in requests],
    )

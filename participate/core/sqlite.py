"""SQLite, made to behave: foreign keys on every connection, savepoints inside a transaction, and a way
for a request to take its turn as the one writer.

Python's sqlite3 driver starts a transaction only before a write. A use case that first reads and then
adds a row in a savepoint (`core.unique.add_unique`) would send SAVEPOINT outside any transaction;
SQLite then opens one for it, and releasing the savepoint commits the row at once, so a later failure
in the same request could not roll it back. Starting the transaction first keeps the request's writes
all-or-nothing. Reads still take no lock, so readers never block a writer's commit.

Every transaction this module starts is `BEGIN IMMEDIATE`, which takes SQLite's one write lock at once,
and the driver starts its own only at a write, which takes it too: a connection in a transaction holds
the write lock. That is what `take_writers_turn` relies on."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


@event.listens_for(Engine, "connect")
def _enable_sqlite_foreign_keys(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _begin_before_a_savepoint(conn: Connection, name: str) -> None:
    driver = conn.connection.dbapi_connection
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def take_writers_turn(conn: Connection) -> bool:
    """On SQLite, hold the database's write lock from now until the transaction ends, waiting for the
    writer before (up to the driver's timeout); False on other databases. SQLite lets one writer in at a
    time, but not one *reader-then-writer*: two requests that each count rows before adding one would
    both count before either adds, so such a request must take the lock before it counts."""
    driver = conn.connection.dbapi_connection
    if not isinstance(driver, sqlite3.Connection):
        return False
    if not driver.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    return True

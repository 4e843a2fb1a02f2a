"""Shared fixtures. SQLite in memory by default; PostgreSQL when TEST_DATABASE_URL is set (as in CI).

On PostgreSQL the schema comes from the Alembic migrations (so CI proves them), one database per
xdist worker; on SQLite each test gets a fresh in-memory database built from the models.
"""

from __future__ import annotations

import os
import re

import pytest
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from participate import create_app
from participate.extensions import db
from tests.ci import in_ci
from tests.factories import DEFAULT_PASSWORD

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

# Property-based tests (Hypothesis): no time limit per example (the machine is shared and the database is
# slow to start), and in CI the same examples every run, so a red build is reproducible and not a dice roll.
# Each test sets its own bounded max_examples; HYPOTHESIS_PROFILE=dev explores freshly at each run.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "dev"))
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))


def pytest_collection_finish(session):
    # CI must never "pass" by running nothing.
    if not session.items and not session.config.option.collectonly:
        raise pytest.UsageError("No tests were collected.")


def _worker_database_url() -> str:
    from config import _database_url

    url = _database_url(TEST_DATABASE_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    import psycopg

    base, _, name = url.rpartition("/")
    worker_name = f"{name}_{worker}"
    admin_url = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (worker_name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{worker_name}"')
    return f"{base}/{worker_name}"


@pytest.fixture(scope="session")
def database_url() -> str:
    if not ON_POSTGRES:
        return "sqlite://"
    url = _worker_database_url()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The test body keeps an app context pushed for database work; without this, requests would reuse it
    and share `g` (the logged-in user, the CSRF token) across clients and requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def make_app(database_url, request, tmp_path):
    """Build an app with config overrides; the database is empty when each test starts. A race test
    (tests.concurrency.races) on SQLite gets a database file, which its threads' connections share."""
    created = []
    if not ON_POSTGRES and request.node.get_closest_marker("races"):
        database_url = f"sqlite:///{tmp_path / 'races.db'}"

    def factory(**overrides):
        own_database = "SQLALCHEMY_DATABASE_URI" not in overrides
        app = create_app("testing", **{"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        app.test_client_class = FreshContextClient
        ctx = app.app_context()
        ctx.push()
        if own_database and not ON_POSTGRES:
            db.create_all()
        created.append((ctx, own_database))
        return app

    yield factory
    for ctx, own_database in reversed(created):
        db.session.rollback()
        if ON_POSTGRES and own_database:
            _empty_all_tables()
        db.session.remove()
        db.engine.dispose()
        ctx.pop()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture(scope="session")
def demo_snapshot():
    """The demo council, seeded once per session (per xdist worker) on SQLite and kept as a database
    snapshot: tests.demo_pages.demo_app gives each module its own copy to change."""
    import sqlite3

    from participate.demo import seed_demo

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.close()
        snapshot = sqlite3.connect(":memory:")
        db.engine.raw_connection().driver_connection.backup(snapshot)
        db.engine.dispose()
    return snapshot


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    return app.extensions["mailer"].outbox


CSRF_RE = re.compile(
    r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token(client, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict | None = None, *, token_from: str = "/", **kwargs):
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def deletes_a_milestone_or_says_why(client, page_url: str, delete_url, mine: int, theirs: int) -> None:
    """The walk of a tracked item's delete buttons (a funded project's, an answered recommendation's), on
    the item's page: another item's milestone is refused, the item's own is deleted, its stale button then
    refused, in Swedish too; each answer goes back to the page, which says what happened."""
    refused = "This milestone is no longer here: it may have been deleted already."
    for milestone_id, language, message in (
        (theirs, "en", refused),
        (mine, "en", "The milestone is deleted."),
        (mine, "en", refused),
        (mine, "sv", "Den här milstolpen finns inte längre"),
    ):
        headers = {"Accept-Language": language}
        response = post_form(client, delete_url(milestone_id), token_from=page_url, headers=headers)
        assert response.status_code == 302 and response.headers["Location"].endswith(page_url)
        assert message in client.get(page_url, headers=headers).get_data(as_text=True), message


def login(client, email: str, password: str = DEFAULT_PASSWORD):
    response = post_form(client, "/accounts/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def as_user(client):
    """Log the test client in as a user: `as_user(user)`."""

    def do_login(user, password: str = DEFAULT_PASSWORD):
        login(client, user.email, password)
        return client

    return do_login

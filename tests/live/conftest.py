"""Real servers (bench/live.py): PostgreSQL and Redis must already run (.ci/run starts them); where one is
missing the test is skipped locally and fails in CI (tests/ci.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench import live
from tests.ci import unavailable
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL

# Each test's Redis database of its own: the Celery queue and the rate-limit counters of one must not
# reach another running at the same time (tests/web/test_jobs.py takes 15).
REDIS_BASE = os.environ.get("TEST_REDIS_BASE_URL", "redis://127.0.0.1:6379")


@pytest.fixture
def postgres_url() -> str:
    if not ON_POSTGRES:
        unavailable("gunicorn and a restore need PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")
    if not live._postgres_answers(TEST_DATABASE_URL):
        unavailable(f"no PostgreSQL answers at {TEST_DATABASE_URL}")
    if not (live.BIN / "gunicorn").exists():
        unavailable("gunicorn is not installed (make install-test installs it)")
    return TEST_DATABASE_URL


def redis_url(number: int) -> str:
    url = f"{REDIS_BASE}/{number}"
    if not live._redis_answers(url):
        unavailable(f"no Redis at {url} (.ci/run starts one)")
    live.flush_redis(url)
    return url


@contextmanager
def own_database(base_url: str, suffix: str) -> Iterator[str]:
    """A fresh database beside the suite's, dropped afterwards."""
    url = live.fresh_database(base_url, f"{live.database_name(base_url)}_{suffix}")
    try:
        yield url
    finally:
        live.drop_database(url)

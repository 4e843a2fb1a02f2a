"""The live tests fail in CI when a server they need is missing, instead of passing by skipping."""

from __future__ import annotations

import pytest

from tests.live import conftest


def test_a_missing_redis_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(conftest, "REDIS_BASE", "redis://127.0.0.1:1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI: no Redis at redis://127.0.0.1:1/3"):
        conftest.redis_url(3)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no Redis"):
        conftest.redis_url(3)


def test_without_postgresql_the_live_tests_fail_in_ci(monkeypatch):
    monkeypatch.setattr(conftest, "ON_POSTGRES", False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI: gunicorn and a restore need PostgreSQL"):
        conftest.postgres_url.__wrapped__()

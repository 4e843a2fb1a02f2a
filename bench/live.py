"""The product as it runs in production, for the load test and the tests that need real servers:
PostgreSQL and Redis (reused when they answer, started otherwise), a fresh database, gunicorn and a
Celery worker as processes of their own.

Servers run with PARTICIPATE_ENV=development and the production services named in the environment
(PostgreSQL, Redis for the jobs and the rate limits, the two secret keys): production's own config
marks cookies `Secure`, which a client speaking plain HTTP to 127.0.0.1 would rightly not send back.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql://participate:participate@127.0.0.1:5432/participate"


class Unavailable(RuntimeError):
    """Something the servers need is missing (PostgreSQL, Redis, gunicorn)."""


def _admin_url(url: str) -> str:
    base, _, _name = plain_url(url).rpartition("/")
    return f"{base}/postgres"


def plain_url(url: str) -> str:
    """A libpq URL (psycopg, pg_dump) from an app's SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")


def database_named(url: str, name: str) -> str:
    base, _, _old = plain_url(url).rpartition("/")
    return f"{base}/{name}"


def database_name(url: str) -> str:
    return plain_url(url).rpartition("/")[2]


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(_admin_url(url), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def ensure_postgres(url: str) -> None:
    """Reuse a PostgreSQL that answers at `url`; otherwise start the local cluster as .ci/run does."""
    if _postgres_answers(url):
        return
    if shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters"):
        clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.split()
        if len(clusters) >= 2:
            subprocess.run(["pg_ctlcluster", clusters[0], clusters[1], "start"], capture_output=True)
        for _ in range(30):
            if _postgres_answers(url):
                return
            time.sleep(1)
    raise Unavailable(f"no PostgreSQL answers at {_admin_url(url)}")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False
    return True


def ensure_redis(url: str) -> None:
    """Reuse a Redis that answers at `url`; otherwise start one on its port (no persistence)."""
    if _redis_answers(url):
        return
    server = shutil.which("redis-server")
    if server:
        port = re.search(r":(\d+)", url.split("//", 1)[1])
        args = ["--daemonize", "yes", "--port", port.group(1) if port else "6379", "--save", ""]
        subprocess.run([server, *args, "--appendonly", "no"], capture_output=True)
        for _ in range(20):
            if _redis_answers(url):
                return
            time.sleep(0.5)
    raise Unavailable(f"no Redis answers at {url}")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def fresh_database(url: str, name: str) -> str:
    """An empty database called `name` on the server of `url` (dropped first if it exists)."""
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_named(url, name)


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of every server process of one system: one database, one Redis, one set of keys."""
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "FLASK_APP")}
    env.update(
        PARTICIPATE_ENV="development",
        DATABASE_URL=plain_url(database_url),
        SECRET_KEY="live-servers-secret-key-of-this-run",
        BALLOT_SECRET_KEY="live-servers-ballot-key-of-this-run",
        MAIL_BACKEND="log",
        PYTHONUNBUFFERED="1",
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env.update(CELERY_BROKER_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url)
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`flask --app wsgi ...` as an operator types it, in the servers' environment."""
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def migrate(env: dict[str, str]) -> None:
    done = flask(env, "db", "upgrade", check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr[-3000:]}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": the name may hold spaces and parentheses, so read after the last ")".
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _wait_for(url: str, process: subprocess.Popen[Any], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[Any], grace: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


class Gunicorn:
    """`gunicorn wsgi:app` with sync workers on 127.0.0.1:`port`."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 4, port: int | None = None):
        if not (BIN / "gunicorn").exists():
            raise Unavailable("gunicorn is not installed (make install-test installs it)")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.workers = workers
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
                + ["--timeout", "120", "--graceful-timeout", "10", "--preload", "wsgi:app"],
                cwd=ROOT,
                env={**env, "PUBLIC_BASE_URL": self.url},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for(f"{self.url}/healthz", self.process, 90, log)

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid)

    def kill_a_worker(self) -> int:
        """SIGKILL one worker, as the kernel's OOM killer or a crash would; the master starts another."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def stop(self) -> None:
        _stop(self.process)


class CeleryWorker:
    """The app's Celery worker (participate.celery_worker), one task at a time."""

    def __init__(self, env: dict[str, str], log: Path):
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "participate.celery_worker:celery", "worker"]
                + ["--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle"]
                + ["--loglevel=WARNING"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        _stop(self.process)


@contextmanager
def running(*starters: Any) -> Iterator[list[Any]]:
    """Start each server in turn (each a callable returning a Gunicorn or CeleryWorker); stop them all
    at the end, also when one fails to start."""
    started: list[Any] = []
    try:
        for start in starters:
            started.append(start())
        yield started
    finally:
        for server in reversed(started):
            server.stop()

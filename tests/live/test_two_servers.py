"""Two gunicorn instances on different ports, one PostgreSQL and one Redis: the product behaves as one
system whichever server a request reaches (docs/deploy.md)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench import live
from bench.loadtest import HIDDEN, RANK_FIELD, RECEIPT, csrf_of
from participate import create_app
from participate.extensions import db
from tests.factories import (
    DEFAULT_PASSWORD,
    make_process,
    make_proposal,
    make_user,
    make_vote,
    register_voter,
)
from tests.live.conftest import own_database, redis_url

LOGIN_LIMIT = 6


@contextmanager
def app_on(url: str, env: dict[str, str]) -> Iterator[None]:
    """The app in this process on the servers' database and keys, to build the schema and seed it."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url.replace("postgresql://", "postgresql+psycopg://"),
        SECRET_KEY=env["SECRET_KEY"],
        BALLOT_SECRET_KEY=env["BALLOT_SECRET_KEY"],
    )
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def log_in(
    browser: httpx.Client, server: str, email: str, password: str = DEFAULT_PASSWORD
) -> httpx.Response:
    page = browser.get(f"{server}/accounts/login")
    return browser.post(
        f"{server}/accounts/login",
        data={"csrf_token": csrf_of(page.text), "email": email, "password": password},
    )


def post_form(browser: httpx.Client, page_url: str, action_url: str) -> httpx.Response:
    page = browser.get(page_url)
    return browser.post(action_url, data={"csrf_token": csrf_of(page.text)})


def test_two_gunicorns_on_one_database_and_one_redis_are_one_system(postgres_url, tmp_path: Path):
    broker = redis_url(13)
    with own_database(postgres_url, "two_servers") as url:
        env = live.server_env(url, broker, LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute")
        with app_on(url, env):
            db.create_all()
            staff = make_user("staff")
            voter = make_user()
            process = make_process(days_in=21)  # in its voting phase
            for cost in (100_000_00, 200_000_00):
                make_proposal(process, status="feasible", cost_minor=cost)
            make_vote(process)
            register_voter(voter, process)
            staff_email, voter_email, slug = staff.email, voter.email, process.slug
        with live.running(
            lambda: live.Gunicorn(env, tmp_path / "a.log", workers=1),
            lambda: live.Gunicorn(env, tmp_path / "b.log", workers=1),
            lambda: live.CeleryWorker(env, tmp_path / "celery.log"),
        ) as (server_a, server_b, _worker):
            a, b = server_a.url, server_b.url
            # Both servers are at 127.0.0.1: one cookie jar serves both, as one site behind a load balancer.
            with httpx.Client(timeout=60) as browser:
                # Log in on one, vote on the other, check the receipt on the first.
                assert log_in(browser, a, voter_email).status_code == 302
                ballot = browser.get(f"{b}/processes/{slug}/vote")
                fields = list(dict.fromkeys(RANK_FIELD.findall(ballot.text)))
                assert ballot.status_code == 200 and len(fields) == 2
                review = browser.post(
                    f"{b}/processes/{slug}/vote",
                    data={"csrf_token": csrf_of(ballot.text), "action": "review", fields[1]: "1"},
                )
                cast = browser.post(
                    f"{b}/processes/{slug}/vote",
                    data={
                        "csrf_token": csrf_of(review.text),
                        **dict(HIDDEN.findall(review.text)),
                        "action": "cast",
                    },
                )
                receipt = RECEIPT.search(cast.text)
                assert cast.status_code == 200 and receipt
                check = browser.post(
                    f"{a}/processes/{slug}/vote/receipt",
                    data={"csrf_token": csrf_of(browser.get(f"{a}/processes/{slug}/vote/receipt").text),
                          "code": receipt.group(1)},
                )  # fmt: skip
                assert "Sealed in the ballot box" in check.text

                # A logout on one server ends the session on both: its cookie, kept, opens nothing on B.
                kept = dict(browser.cookies.items())
                logout = post_form(browser, f"{a}/accounts/profile", f"{a}/accounts/logout")
                assert logout.status_code == 302
            with httpx.Client(timeout=60, cookies=kept) as stale:
                after = stale.get(f"{b}/processes/{slug}/vote")
                assert after.status_code == 302 and "/accounts/login" in after.headers["location"]

            # "Log out other devices" on A logs out the phone that is using B.
            with httpx.Client(timeout=60) as laptop, httpx.Client(timeout=60) as phone:
                assert log_in(laptop, a, voter_email).status_code == 302
                assert log_in(phone, b, voter_email).status_code == 302
                assert phone.get(f"{b}/processes/{slug}/vote").status_code == 200
                done = post_form(laptop, f"{a}/accounts/profile", f"{a}/accounts/devices/log-out-others")
                assert done.status_code == 302
                gone = phone.get(f"{b}/processes/{slug}/vote")
                assert gone.status_code == 302 and "/accounts/login" in gone.headers["location"]
                assert laptop.get(f"{b}/processes/{slug}/vote").status_code == 200

            # A job started on A is run by the Celery worker; B shows its progress and result.
            with httpx.Client(timeout=60) as desk:
                assert log_in(desk, a, staff_email).status_code == 302
                started = post_form(desk, f"{a}/admin/audit", f"{a}/admin/audit/verify")
                job = re.search(r"/jobs/(\d+)$", started.headers.get("location", ""))
                assert started.status_code == 302 and job
                seen = []
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    status = desk.get(f"{b}/jobs/{job.group(1)}/status").json()
                    seen.append(status["status"])
                    if status["status"] in ("done", "failed"):
                        break
                    time.sleep(0.2)
                assert status["status"] == "done", (status, (tmp_path / "celery.log").read_text()[-2000:])
                assert status["progress"] == 100 and status["result"]["intact"] is True
                page = desk.get(f"{b}/jobs/{job.group(1)}")
                assert "Finished" in page.text

            # The login rate limit counts the attempts made on both servers together (Redis).
            live.flush_redis(broker)  # the counts the logins above left
            with httpx.Client(timeout=60) as guesser:
                answers = [
                    log_in(guesser, (a, b)[n % 2], voter_email, "wrong password 1234").status_code
                    for n in range(LOGIN_LIMIT + 1)
                ]
            assert answers == [401] * LOGIN_LIMIT + [429]

"""The last evening of a vote: many voters at once on gunicorn, one worker killed, then the close, the
count and the bulletin board checked voter by voter.

    .venv/bin/python bench/loadtest.py [--voters N] [--concurrency C] [--eligible E] [--short]

`make loadtest` runs it at full size, `make loadtest SHORT=1` (CI) with 20 voters. It reuses the
PostgreSQL at LOADTEST_DATABASE_URL (else TEST_DATABASE_URL, else the local default) and the Redis at
LOADTEST_REDIS_URL, starting either when it does not answer, and works in a database of its own
(`<name>_loadtest`, dropped at the end unless --keep). Then:

1. migrates that database (`flask db upgrade`) and seeds a vote in bulk (bench/loadtest_seed.py):
   `eligible` census-verified voters, one ranked budget, one staff account;
2. starts gunicorn with 4 sync workers (`--preload`) and the app's Celery worker, sharing the database
   and Redis (which also keeps the rate limits; the login limit is raised, since every simulated voter
   comes from 127.0.0.1);
3. logs every voter in and opens and reviews their ballot, `concurrency` voters at a time, with the
   CSRF token of each form, as a browser does;
4. casts every ballot, `concurrency` at once; a tenth of the voters press "Cast" twice at the same
   moment, and once a quarter of the casts are answered one gunicorn worker gets SIGKILL (a request cut
   off is sent again, as a voter would press the button again);
5. a tenth of the voters come back later and change their ballot;
6. measures /healthz on the same server with the same number of clients;
7. a staff member closes the vote and counts it on the results tab, the Celery worker runs the count,
   staff publish, and the client reads the whole bulletin board: every voter's last receipt must be on
   it exactly once and it must hold one ballot per voter.

Its last line:

    loadtest: voters=N ballots_sent=S ballots_stored=N lost=0 duplicates=0 rps=R p99_ms=P hello_rps=H

`voters`: voters who got a receipt; `ballots_sent`: every cast request sent (doubles and resends
included); `ballots_stored`: the ballots on the bulletin board after the count; `lost`: voters whose
last receipt is not on it; `duplicates`: ballots beyond one per voter; `rps`: answered casts per second
while the casts ran (step 4) and `p99_ms` their 99th-percentile latency; `hello_rps`: /healthz answers
per second. With a double submission the voter holds two receipts and cannot know which was stored
last; exactly one of the two must be on the board.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import hashlib
import math
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench import live  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RANK_FIELD = re.compile(r'name="(b\d+-p\d+)"')
RECEIPT = re.compile(r'<code class="receipt-code">([A-Z0-9-]+)</code>')
BOARD_HASH = re.compile(r"<code>([0-9a-f]{64})</code>")
BOARD_TOTAL = re.compile(r"Ballots in all: ([\d\s,.\u00a0\u202f]+)<")
JOB_URL = re.compile(r"/jobs/(\d+)$")
ATTEMPTS = 8  # a voter presses again after a failed connection, but not forever
T = TypeVar("T")


class LoadTestFailed(RuntimeError):
    pass


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise LoadTestFailed("no CSRF token on the page")
    return match.group(1) or match.group(2)


def receipt_hash(receipt: str) -> str:
    """As the bulletin board publishes it: SHA-256 of the code without its dashes (voting.secrecy)."""
    return hashlib.sha256("".join(ch for ch in receipt.upper() if ch.isalnum()).encode()).hexdigest()


@dataclass
class Counters:
    casts_sent: int = 0
    cast_latencies: list[float] = field(default_factory=list)  # seconds, of casts that got a receipt
    resent: int = 0  # requests sent again after a cut-off connection (any page)


@dataclass
class Voter:
    email: str
    client: httpx.AsyncClient
    review: dict[str, str] = field(default_factory=dict)  # the review page's form, ready to cast
    # The receipts one of which is the voter's last: one, or two after pressing "Cast" twice at once.
    last: list[str] = field(default_factory=list)


async def send(client: httpx.AsyncClient, counters: Counters, method: str, url: str, **kwargs: Any):
    """One request; a connection refused or cut off (a killed worker) is sent again, as a browser user
    reloads or presses the button again."""
    for attempt in range(ATTEMPTS):
        try:
            return await client.request(method, url, **kwargs)
        except httpx.TransportError:
            if attempt == ATTEMPTS - 1:
                raise
            counters.resent += 1
            await asyncio.sleep(0.25 * (attempt + 1))
    raise AssertionError("unreachable")


async def log_in(client: httpx.AsyncClient, counters: Counters, email: str, password: str) -> None:
    page = await send(client, counters, "GET", "/accounts/login")
    data = {"csrf_token": csrf_of(page.text), "email": email, "password": password}
    answer = await send(client, counters, "POST", "/accounts/login", data=data)
    if answer.status_code != 302:
        raise LoadTestFailed(f"login of {email}: {answer.status_code}")


async def open_and_review(voter: Voter, counters: Counters, slug: str, rng: random.Random) -> None:
    """Open the ballot, rank some proposals and press "Review": the review page's form is what a cast
    sends."""
    page = await send(voter.client, counters, "GET", f"/processes/{slug}/vote")
    fields = list(dict.fromkeys(RANK_FIELD.findall(page.text)))
    if page.status_code != 200 or not fields:
        raise LoadTestFailed(f"ballot of {voter.email}: {page.status_code}")
    chosen = rng.sample(fields, rng.randint(1, min(5, len(fields))))
    data = {"csrf_token": csrf_of(page.text), "action": "review"}
    data.update({name: str(rank) for rank, name in enumerate(chosen, start=1)})
    review = await send(voter.client, counters, "POST", f"/processes/{slug}/vote", data=data)
    if review.status_code != 200:
        raise LoadTestFailed(f"review of {voter.email}: {review.status_code}")
    voter.review = {"csrf_token": csrf_of(review.text), **dict(HIDDEN.findall(review.text)), "action": "cast"}


async def cast(voter: Voter, counters: Counters, slug: str) -> str:
    """Press "Cast my vote"; the receipt shown. A cut-off request is pressed again (a new cast)."""
    for attempt in range(ATTEMPTS):
        counters.casts_sent += 1
        started = time.perf_counter()
        try:
            answer = await voter.client.post(f"/processes/{slug}/vote", data=voter.review)
        except httpx.TransportError:
            counters.resent += 1
            await asyncio.sleep(0.25 * (attempt + 1))
            continue
        receipt = RECEIPT.search(answer.text)
        if answer.status_code != 200 or not receipt:
            raise LoadTestFailed(f"cast of {voter.email}: {answer.status_code} {answer.text[:300]}")
        counters.cast_latencies.append(time.perf_counter() - started)
        return receipt.group(1)
    raise LoadTestFailed(f"cast of {voter.email}: no answer after {ATTEMPTS} attempts")


async def in_turns(limit: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run the jobs with at most `limit` at once."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


def _transport() -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=None))


def _client(base_url: str, transport: httpx.AsyncHTTPTransport | None = None) -> httpx.AsyncClient:
    """One client per voter: its own cookies (session, CSRF), as one browser. Many clients share one
    `transport` (its pool of connections): a client of its own each would build its own TLS context,
    which costs the load client more time than a request costs the server. Closing such a client would
    close the shared transport: close the transport instead."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=180, follow_redirects=False, transport=transport or _transport()
    )


async def hello(base_url: str, clients: int, seconds: float) -> float:
    """/healthz answers per second with `clients` clients asking in a loop."""
    answered = 0
    counters = Counters()
    transport = _transport()
    users = [_client(base_url, transport) for _ in range(clients)]
    start = time.perf_counter() + 0.5  # every client asks from the start: the first answers are counted
    stop = start + seconds

    async def loop(client: httpx.AsyncClient) -> None:
        nonlocal answered
        while time.perf_counter() < stop:
            answer = await send(client, counters, "GET", "/healthz")
            if answer.status_code == 200 and start <= time.perf_counter() <= stop:
                answered += 1

    try:
        await asyncio.gather(*(loop(client) for client in users))
    finally:
        await transport.aclose()
    return answered / seconds


async def close_count_and_publish(base_url: str, staff_email: str, password: str, process_id: int) -> dict:
    """Staff's clicks on the results tab: close the vote and count (the count job runs on the worker),
    then publish. Returns the count job's status document."""
    counters = Counters()
    async with _client(base_url) as staff:
        await log_in(staff, counters, staff_email, password)
        close_url = f"/manage/processes/{process_id}/results/close"
        page = await send(staff, counters, "GET", close_url)
        answer = await send(staff, counters, "POST", close_url, data={"csrf_token": csrf_of(page.text)})
        job = JOB_URL.search(answer.headers.get("location", ""))
        if answer.status_code != 302 or not job:
            raise LoadTestFailed(f"close and count: {answer.status_code} {answer.text[:500]}")
        deadline = time.monotonic() + 600
        while True:
            status = (await send(staff, counters, "GET", f"/jobs/{job.group(1)}/status")).json()
            if status["status"] in ("done", "failed"):
                break
            if time.monotonic() > deadline:
                raise LoadTestFailed(f"the count did not finish: {status}")
            await asyncio.sleep(0.5)
        if status["status"] != "done":
            raise LoadTestFailed(f"the count failed: {status}")
        publish_url = f"/manage/processes/{process_id}/results/publish"
        page = await send(staff, counters, "GET", publish_url)
        answer = await send(staff, counters, "POST", publish_url, data={"csrf_token": csrf_of(page.text)})
        if answer.status_code != 302:
            raise LoadTestFailed(f"publish: {answer.status_code}")
        return status


async def read_board(base_url: str, slug: str, budget_id: int) -> tuple[list[str], int, int]:
    """Every receipt hash on the bulletin board, the total the board states, and the voters the
    published count states."""
    counters = Counters()
    async with _client(base_url) as reader:
        url = f"/processes/{slug}/results/{budget_id}/ballots"
        first = await send(reader, counters, "GET", url)
        total = BOARD_TOTAL.search(first.text)
        if first.status_code != 200 or not total:
            raise LoadTestFailed(f"bulletin board: {first.status_code}")
        stated = int(re.sub(r"\D", "", total.group(1)))
        hashes = BOARD_HASH.findall(first.text)
        per_page = max(1, len(hashes))
        for number in range(2, math.ceil(stated / per_page) + 1):
            page = await send(reader, counters, "GET", url, params={"page": number})
            hashes += BOARD_HASH.findall(page.text)
        document = (await send(reader, counters, "GET", f"/processes/{slug}/results.json")).json()
        voters = next(b["voters"] for b in document["budgets"] if b["id"] == budget_id)
    return hashes, stated, voters


@dataclass
class Outcome:
    voters: int
    ballots_sent: int
    ballots_stored: int
    lost: int
    duplicates: int
    rps: float
    p99_ms: float
    hello_rps: float
    killed_worker: int | None
    notes: list[str]

    def line(self) -> str:
        return (
            f"loadtest: voters={self.voters} ballots_sent={self.ballots_sent} "
            f"ballots_stored={self.ballots_stored} lost={self.lost} duplicates={self.duplicates} "
            f"rps={self.rps:.1f} p99_ms={self.p99_ms:.0f} hello_rps={self.hello_rps:.1f}"
        )


def tally(voters: list[Voter], board: list[str]) -> tuple[int, int]:
    """(lost, duplicates): voters none of whose last receipts is on the board, and ballots beyond one per
    voter (a voter's receipts found more than once in all, and ballots no voter holds a receipt of)."""
    on_board: dict[str, int] = {}
    for digest in board:
        on_board[digest] = on_board.get(digest, 0) + 1
    lost = duplicates = 0
    claimed = 0
    for voter in voters:
        found = sum(on_board.get(receipt_hash(r), 0) for r in set(voter.last))
        claimed += found
        lost += found == 0
        duplicates += max(0, found - 1)
    return lost, duplicates + (len(board) - claimed)


async def vote(
    base_url: str,
    seeded: Any,
    *,
    voters: int,
    concurrency: int,
    kill: Callable[[], int] | None,
    hello_seconds: float,
    rng: random.Random,
    say: Callable[[str], None],
) -> tuple[list[Voter], Counters, float, float, int | None]:
    counters = Counters()
    transport = _transport()
    people = [Voter(email, _client(base_url, transport)) for email in seeded.voter_emails[:voters]]
    try:
        started = time.perf_counter()

        async def prepare(voter: Voter) -> None:
            await log_in(voter.client, counters, voter.email, seeded.password)
            await open_and_review(voter, counters, seeded.slug, rng)

        await in_turns(concurrency, [lambda v=v: prepare(v) for v in people])
        say(f"{voters} voters logged in and reviewed their ballots in {time.perf_counter() - started:.1f} s")

        doubles = set(rng.sample(range(voters), max(1, voters // 10)))
        killed: list[int] = []
        kill_after = max(1, voters // 4)

        async def cast_once(n: int) -> None:
            voter = people[n]
            if n in doubles:  # "Cast" pressed twice at the same moment: two requests at once
                voter.last = list(await asyncio.gather(*(cast(voter, counters, seeded.slug) for _ in "ab")))
            else:
                voter.last = [await cast(voter, counters, seeded.slug)]
            if kill is not None and not killed and len(counters.cast_latencies) >= kill_after:
                killed.append(kill())
                say(f"SIGKILL to gunicorn worker {killed[0]} after {len(counters.cast_latencies)} casts")

        started = time.perf_counter()
        await in_turns(concurrency, [lambda n=n: cast_once(n) for n in range(voters)])
        elapsed = time.perf_counter() - started
        answered = len(counters.cast_latencies)
        rps = answered / elapsed
        say(f"{answered} casts answered in {elapsed:.1f} s ({len(doubles)} voters pressed twice at once)")

        changers = rng.sample(range(voters), max(1, voters // 10))

        async def change(n: int) -> None:
            voter = people[n]
            await open_and_review(voter, counters, seeded.slug, rng)
            voter.last = [await cast(voter, counters, seeded.slug)]

        await in_turns(concurrency, [lambda n=n: change(n) for n in changers])
        say(f"{len(changers)} voters came back and changed their ballot")
        hello_rps = await hello(base_url, concurrency, hello_seconds)
        return people, counters, rps, hello_rps, killed[0] if killed else None
    finally:
        await transport.aclose()


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000


def _database_url() -> str:
    return (
        os.environ.get("LOADTEST_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or live.DEFAULT_DATABASE_URL
    )


def _in_a_loop_of_its_own(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs the coroutine on a fresh thread's event loop.

    The caller's thread may already run one: in the test suite, Playwright's sync API leaves a loop
    running on the pytest worker that also runs the live tests.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run(
    *,
    voters: int,
    concurrency: int,
    eligible: int,
    workers: int = 4,
    hello_seconds: float = 5.0,
    database_url: str | None = None,
    redis_url: str | None = None,
    keep: bool = False,
    database_suffix: str = "loadtest",
    say: Callable[[str], None] = print,
    seed: int = 2026,
) -> Outcome:
    """The whole run (see the module's docstring)."""
    from bench.loadtest_seed import seed as seed_vote
    from participate import create_app
    from participate.extensions import db

    if voters > eligible:
        raise ValueError("more voters than eligible people")
    base = database_url or _database_url()
    redis_url = redis_url or os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/12")
    live.ensure_postgres(base)
    live.ensure_redis(redis_url)
    live.flush_redis(redis_url)
    url = live.fresh_database(base, f"{live.database_name(base)}_{database_suffix}")
    env = live.server_env(url, redis_url, LOGIN_RATE_LIMIT="100000 per minute")
    logs = Path(tempfile.mkdtemp(prefix="loadtest-"))
    try:
        started = time.perf_counter()
        live.migrate(env)
        app = create_app(
            "development",
            SQLALCHEMY_DATABASE_URI=live.plain_url(url).replace("postgresql://", "postgresql+psycopg://"),
            SECRET_KEY=env["SECRET_KEY"],
            BALLOT_SECRET_KEY=env["BALLOT_SECRET_KEY"],
        )
        with app.app_context():
            seeded = seed_vote(eligible)
            db.engine.dispose()
        say(f"migrated and seeded {eligible} eligible voters in {time.perf_counter() - started:.1f} s")
        say("starting gunicorn and the Celery worker")
        with live.running(
            lambda: live.Gunicorn(env, logs / "gunicorn.log", workers=workers),
            lambda: live.CeleryWorker(env, logs / "celery.log"),
        ) as (server, _worker):
            say(f"gunicorn ({workers} workers) at {server.url}; logs in {logs}")
            people, counters, rps, hello_rps, killed = _in_a_loop_of_its_own(
                vote(
                    server.url,
                    seeded,
                    voters=voters,
                    concurrency=concurrency,
                    kill=server.kill_a_worker,
                    hello_seconds=hello_seconds,
                    rng=random.Random(seed),
                    say=say,
                )
            )
            notes = []
            if killed is not None:
                workers_now = server.worker_pids()
                notes.append(f"worker {killed} killed; the master runs {len(workers_now)} workers again")
                if killed in workers_now:
                    raise LoadTestFailed("the killed worker is still running")
            status = _in_a_loop_of_its_own(
                close_count_and_publish(server.url, seeded.staff_email, seeded.password, seeded.process_id)
            )
            say(f"closed and counted by the Celery worker: {status['result']}")
            board, stated, counted = _in_a_loop_of_its_own(
                read_board(server.url, seeded.slug, seeded.budget_id)
            )
        say("servers stopped")
        lost, duplicates = tally(people, board)
        got_receipt = sum(1 for voter in people if voter.last)
        if stated != len(board) or counted != len(board):
            notes.append(
                f"the board states {stated} ballots and the count {counted} voters; {len(board)} read"
            )
            duplicates = max(duplicates, abs(stated - len(board)), abs(counted - len(board)))
        notes.append(f"{counters.resent} requests sent again after a cut-off connection")
        for note in notes:
            say(note)
        return Outcome(
            voters=got_receipt,
            ballots_sent=counters.casts_sent,
            ballots_stored=len(board),
            lost=lost,
            duplicates=duplicates,
            rps=rps,
            p99_ms=p99(counters.cast_latencies),
            hello_rps=hello_rps,
            killed_worker=killed,
            notes=notes,
        )
    finally:
        if not keep:
            live.drop_database(url)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--eligible", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--short", action="store_true", help="CI's run: 20 voters, a few seconds")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    began = time.perf_counter()
    if args.short:
        args.voters, args.concurrency, args.eligible = 20, 20, 40
    outcome = run(
        voters=args.voters,
        concurrency=args.concurrency,
        eligible=args.eligible,
        workers=args.workers,
        hello_seconds=2.0 if args.short else 5.0,
        keep=args.keep,
        say=lambda text: print(f"[{time.perf_counter() - began:6.1f} s] {text}", flush=True),
    )
    target = outcome.rps >= outcome.hello_rps / 4
    print(f"target rps >= hello_rps/4: {'met' if target else 'NOT met'}", flush=True)
    print(outcome.line(), flush=True)
    good = outcome.lost == 0 and outcome.duplicates == 0 and outcome.ballots_stored == outcome.voters
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

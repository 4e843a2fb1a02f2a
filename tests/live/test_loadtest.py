"""`make loadtest SHORT=1` as a test: 20 voters on gunicorn with a worker killed mid-run, some pressing
"Cast" twice at once and some changing their ballot; after the close and the count on the Celery worker,
every voter's last receipt is on the bulletin board once and the board holds one ballot per voter."""

from __future__ import annotations

import asyncio
import threading

from bench import loadtest
from tests.live.conftest import redis_url


def test_the_short_loadtest_loses_no_ballot_and_stores_none_twice(postgres_url):
    said: list[str] = []
    outcome = loadtest.run(
        voters=20,
        concurrency=20,
        eligible=40,
        workers=4,
        hello_seconds=1.0,
        database_url=postgres_url,
        redis_url=redis_url(11),
        database_suffix="loadtest_short",
        say=said.append,
    )
    assert outcome.voters == 20, said
    assert outcome.lost == 0 and outcome.duplicates == 0, said
    assert outcome.ballots_stored == outcome.voters
    # two requests for each voter who pressed twice at once, and one more for each who changed later
    assert outcome.ballots_sent >= 20 + 2 + 2
    assert outcome.killed_worker is not None
    assert outcome.line().startswith("loadtest: voters=20 ballots_sent=")


def test_the_loadtest_runs_even_when_its_callers_thread_already_runs_an_event_loop():
    # Playwright's sync API leaves a loop running on the pytest worker that also runs this file.
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def caller() -> int:
        return loadtest._in_a_loop_of_its_own(answer())

    # Like that worker: a thread whose loop is running when the loadtest is called.
    answers: list[int] = []
    thread = threading.Thread(target=lambda: answers.append(asyncio.run(caller())))
    thread.start()
    thread.join()
    assert answers == [42]

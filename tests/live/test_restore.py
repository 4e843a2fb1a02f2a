"""A backup taken with pg_dump in the middle of an open vote, restored into a new database with
pg_restore: the app started on the copy finds every sealed ballot by its receipt, every voter's ballot,
and an intact audit chain (`flask audit verify`). The copy opens only with the same BALLOT_SECRET_KEY,
which is why that key is kept, and backed up, apart from the database (docs/deploy.md)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import text

from bench import live
from bench.loadtest import csrf_of
from participate.audit.services import record
from participate.core.clock import today
from participate.extensions import db
from participate.voting import services as voting
from tests.ci import unavailable
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter
from tests.live.conftest import own_database
from tests.live.test_two_servers import app_on, log_in

# What must come back exactly: the ballots (sealed, with their trackers), who voted, the eligibility,
# the audit chain and the accounts.
TABLES = ("sealed_ballot", "voter_roll", "voter_registration", "audit_entry", '"user"', "login_session")


def snapshot() -> dict[str, list[tuple]]:
    return {
        table: sorted(tuple(map(str, row)) for row in db.session.execute(text(f"SELECT * FROM {table}")))
        for table in TABLES
    }


def check_receipt(browser: httpx.Client, server: str, slug: str, code: str) -> str:
    page = browser.get(f"{server}/processes/{slug}/vote/receipt")
    answer = browser.post(
        f"{server}/processes/{slug}/vote/receipt", data={"csrf_token": csrf_of(page.text), "code": code}
    )
    return answer.text


def test_a_dump_taken_during_the_vote_restores_with_every_ballot_receipt_and_the_audit_chain(
    postgres_url, tmp_path: Path
):
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (PostgreSQL's client tools)")
    with (
        own_database(postgres_url, "restore_source") as source,
        own_database(postgres_url, "restore_copy") as copy,
    ):
        env = live.server_env(source, None)
        with app_on(source, env):
            db.create_all()
            from flask_migrate import stamp

            stamp()  # the copy must know its schema's revision for the next upgrade
            staff = make_user("staff")
            process = make_process(days_in=21)
            proposals = [
                make_proposal(process, status="feasible", cost_minor=c * 100_000_00) for c in (1, 2, 3)
            ]
            (budget,) = make_vote(process)
            voters = [make_user() for _ in range(5)]
            receipts = {}
            for n, voter in enumerate(voters):
                register_voter(voter, process)
                choices = [proposals[n % 3].id, proposals[(n + 1) % 3].id]
                receipts[voter.email] = voting.cast_ballot(voter, budget, choices, today()).shown
                record("process.updated", actor=staff, subject_type="process", subject_id=process.id)
                db.session.commit()
            replaced = receipts[voters[0].email]
            receipts[voters[0].email] = voting.cast_ballot(
                voters[0], budget, [proposals[2].id], today()
            ).shown
            db.session.commit()
            before = snapshot()
            slug, first_voter = process.slug, voters[0].email
            field = f"b{budget.id}-p{proposals[2].id}"

        dump = tmp_path / "participate.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(dump), live.plain_url(source)], check=True
        )
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", live.plain_url(copy), str(dump)],
            check=True,
        )

        restored_env = live.server_env(copy, None)
        with app_on(copy, restored_env):
            assert snapshot() == before
            assert db.session.execute(text("SELECT count(*) FROM sealed_ballot")).scalar_one() == 5
        verified = live.flask(restored_env, "audit", "verify", check=False)
        assert verified.returncode == 0, verified.stderr
        assert "Audit chain intact: 5 entries." in verified.stdout

        server_log = tmp_path / "copy.log"
        with (
            live.running(lambda: live.Gunicorn(restored_env, server_log, workers=1)) as (server,),
            httpx.Client(timeout=60) as browser,
        ):
            for code in receipts.values():
                assert "Sealed in the ballot box" in check_receipt(browser, server.url, slug, code)
            assert "Receipt not found" in check_receipt(browser, server.url, slug, replaced)
            # The voter finds their own (changed) ballot on the copy and can still change it.
            assert log_in(browser, server.url, first_voter).status_code == 302
            ballot = browser.get(f"{server.url}/processes/{slug}/vote")
            assert ballot.status_code == 200
            # the ballot shows the changed choice, ranked first, and nothing else
            chosen = re.findall(
                r'<select id="([^"]+)"[^>]*>(?:(?!</select>).)*?<option value="(\d+)" selected',
                ballot.text,
                re.S,
            )
            assert chosen == [(field, "1")]

        # Without the ballot key (here: another one) the copy's sealed ballots stay shut.
        with app_on(copy, {**restored_env, "BALLOT_SECRET_KEY": "not-the-key-of-the-vote"}):
            from participate.processes.models import Process

            copied = db.session.execute(db.select(Process).where(Process.slug == slug)).scalar_one()
            assert not voting.check_receipt(copied, receipts[first_voter]).found

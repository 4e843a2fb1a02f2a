"""Server time of the busiest pages at city scale: 10,000 proposals and 200,000 comments.

    .venv/bin/python bench/pages.py [--proposals N] [--comments N] [--requests N]

Builds a fresh database with the migrations (SQLite in a temporary file; also PostgreSQL when
TEST_DATABASE_URL is set, in a database of its own), fills it in bulk (one process, 12 districts,
10,000 proposals with realistic words, one discussion per proposal, 200,000 comments of which one
thread holds 5,000 with replies three deep), then times, inside the app, the proposal list (every
order, several pages), full-text searches and the busiest thread's pages. It prints the median and p95
per page kind and backend, and ends with the line the issue names:

    pages: proposals=N comments=N list_p95_ms=X search_p95_ms=Y thread_p95_ms=Z queries_per_page=Q

(the figures of that line are the slowest backend's).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "park",
    "bench",
    "tree",
    "playground",
    "lighting",
    "path",
    "bike",
    "lane",
    "school",
    "yard",
    "library",
    "square",
    "fountain",
    "meadow",
    "shade",
    "water",
    "garden",
    "skate",
    "football",
    "court",
    "bus",
    "stop",
    "crossing",
    "pavement",
    "toilet",
    "dog",
    "ramp",
    "stairs",
    "youth",
    "elderly",
    "children",
    "family",
    "safe",
    "green",
    "clean",
    "quiet",
    "warm",
    "summer",
    "winter",
    "night",
    "evening",
    "market",
]
SV_WORDS = ["parken", "bänkar", "träd", "lekplats", "belysning", "cykelbana", "skolgård", "bibliotek", "torg"]
BUSY_THREAD_COMMENTS = 5_000
PATH_DIGITS = 10


def _vocabulary() -> list[str]:
    from faker import Faker

    return Faker("en_US").get_words_list()  # about 1,000 everyday English words


ENGLISH = _vocabulary()


def _text(rng: random.Random, n: int) -> str:
    """Everyday English with the civic words of a budget mixed in (about one word in six): a search for
    "park" then finds roughly a fifth of the proposals, as in a real process, rather than all of them."""
    return " ".join(rng.choice(WORDS) if rng.random() < 0.15 else rng.choice(ENGLISH) for _ in range(n))


def _seed(app, proposals: int, comments: int) -> tuple[str, int]:
    """Bulk rows through SQLAlchemy Core; returns the process slug and the busiest proposal's id."""
    from sqlalchemy import insert, text

    from participate.accounts.models import User
    from participate.core.clock import today, utcnow
    from participate.deliberation.models import Comment, Thread
    from participate.extensions import db
    from participate.processes.models import District, PhaseWindow, Process
    from participate.proposals import search
    from participate.proposals.models import Category, Proposal

    rng = random.Random(2026)
    now = utcnow()
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"p{n}@bench.example",
                    "display_name": f"Person {n}",
                    "password_hash": "!",
                    "email_confirmed_at": now,
                }
                for n in range(2_000)
            ],
        )
        start = today() - timedelta(days=3)
        db.session.execute(
            insert(Process).values(
                slug="bench",
                title="Bench budget",
                summary="",
                description="",
                budget_minor=10**12,
                currency="SEK",
                language="en",
                published=True,
            )
        )
        process_id = db.session.execute(text("SELECT id FROM process WHERE slug = 'bench'")).scalar_one()
        db.session.execute(
            insert(PhaseWindow),
            [
                {
                    "process_id": process_id,
                    "phase": "proposals",
                    "starts_on": start,
                    "ends_on": start + timedelta(days=60),
                }
            ],
        )
        db.session.execute(
            insert(District),
            [{"process_id": process_id, "name": f"District {n}", "budget_minor": 10**9} for n in range(12)],
        )
        db.session.execute(
            insert(Category), [{"process_id": process_id, "name": f"Category {n}"} for n in range(8)]
        )
        district_ids = list(db.session.execute(text("SELECT id FROM district")).scalars())
        category_ids = list(db.session.execute(text("SELECT id FROM proposal_category")).scalars())
        rows = []
        for n in range(proposals):
            rows.append(
                {
                    "process_id": process_id,
                    "author_id": 1 + n % 2_000,
                    "title": f"{_text(rng, 5)} {n}".capitalize(),
                    "summary": _text(rng, 12),
                    "description": _text(rng, 60),
                    "cost_minor": rng.randrange(10_000, 5_000_000) * 100,
                    "district_id": rng.choice(district_ids),
                    "category_id": rng.choice(category_ids),
                    "language": "en",
                    "status": rng.choice(
                        ("submitted", "submitted", "feasible", "under_review", "not_feasible")
                    ),
                    "support_count": rng.randrange(0, 400),
                    "comment_count": 0,
                    "published_at": now - timedelta(minutes=n),
                }
            )
        db.session.execute(insert(Proposal), rows)
        if db.engine.dialect.name == "sqlite":
            db.session.execute(
                text(f"INSERT INTO {search.FTS_TABLE} (rowid, body) VALUES (:id, :body)"),
                [
                    {
                        "id": n + 1,
                        "body": " ".join(
                            search.stems(f"{r['title']} {r['summary']} {r['description']}", "en")
                        ),
                    }
                    for n, r in enumerate(rows)
                ],
            )
        proposal_ids = list(db.session.execute(text("SELECT id FROM proposal ORDER BY id")).scalars())
        db.session.execute(
            insert(Thread),
            [{"subject_type": "proposal", "subject_id": pid, "created_at": now} for pid in proposal_ids],
        )
        thread_of = dict(db.session.execute(text("SELECT subject_id, id FROM thread")).all())
        busiest = proposal_ids[0]
        _comments(db, Comment, rng, thread_of, proposal_ids, busiest, comments, now)
        db.session.execute(
            text(
                "UPDATE thread SET comment_count = (SELECT count(*) FROM comment WHERE comment.thread_id = thread.id),"
                " in_favour_count = (SELECT count(*) FROM comment WHERE comment.thread_id = thread.id"
                " AND stance = 'in_favour')"
            )
        )
        db.session.execute(
            text(
                "UPDATE proposal SET comment_count = (SELECT comment_count FROM thread"
                " WHERE thread.subject_type = 'proposal' AND thread.subject_id = proposal.id)"
            )
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return "bench", busiest


def _comments(db, Comment, rng, thread_of, proposal_ids, busiest, total, now) -> None:
    """Top-level comments and replies (to depth 3) with ids assigned here, so paths can be written at once."""
    from sqlalchemy import insert

    from participate.deliberation.services import wilson_lower_bound

    next_id = 1
    batch: list[dict] = []

    def add(thread_id: int, parent: dict | None) -> dict:
        nonlocal next_id
        up, down = rng.randrange(0, 30), rng.randrange(0, 10)
        row = {
            "id": next_id,
            "thread_id": thread_id,
            "author_id": 1 + rng.randrange(2_000),
            "parent_id": parent["id"] if parent else None,
            "root_id": (parent["root_id"] or parent["id"]) if parent else None,
            "depth": parent["depth"] + 1 if parent else 0,
            "path": (f"{parent['path']}/" if parent else "") + f"{next_id:0{PATH_DIGITS}d}",
            "body": _text(rng, 25),
            "stance": rng.choice(("in_favour", "neutral", "against")) if parent is None else None,
            "created_at": now - timedelta(seconds=next_id),
            "upvotes": up,
            "downvotes": down,
            "score": wilson_lower_bound(up, down),
        }
        next_id += 1
        batch.append(row)
        return row

    def flush() -> None:
        if batch:
            db.session.execute(insert(Comment), batch)
            batch.clear()

    def thread_of_size(thread_id: int, size: int) -> None:
        made = 0
        while made < size:
            top = add(thread_id, None)
            made += 1
            parent = top
            for _ in range(rng.randrange(0, 4)):
                if made >= size or parent["depth"] >= 3:
                    break
                parent = add(thread_id, parent)
                made += 1
            if len(batch) > 20_000:
                flush()

    thread_of_size(thread_of[busiest], BUSY_THREAD_COMMENTS)
    rest = total - BUSY_THREAD_COMMENTS
    others = proposal_ids[1:]
    per_thread, extra = divmod(rest, len(others))
    for n, pid in enumerate(others):
        thread_of_size(thread_of[pid], per_thread + (1 if n < extra else 0))
    flush()


@contextmanager
def counted(engine):
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _time(client, paths: list[str], repeat: int) -> list[float]:
    timings = []
    for n in range(repeat):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return timings


def _summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def run(database_url: str, label: str, proposals: int, comments: int, repeat: int) -> dict[str, float]:
    from flask_migrate import upgrade

    from participate import create_app
    from participate.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, JOBS_RUN_INLINE=True)
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    slug, busiest = _seed(app, proposals, comments)
    print(
        f"{label}: seeded {proposals:,} proposals and {comments:,} comments in {time.perf_counter() - started:.0f} s"
    )
    client = app.test_client()
    rng = random.Random(7)
    lists = [
        f"/processes/{slug}/proposals/?sort={sort}&page={page}"
        for sort in ("newest", "supports", "comments", "random")
        for page in (1, 2, 50, 400)
    ]
    lists += [f"/processes/{slug}/proposals/?district={d}&status=feasible" for d in range(1, 13)]
    searches = [
        f"/processes/{slug}/proposals/?q={rng.choice(WORDS)}+{rng.choice(WORDS)}&sort=relevance"
        for _ in range(30)
    ]
    searches += [f"/processes/{slug}/proposals/?q={rng.choice(WORDS)}" for _ in range(30)]
    threads = [
        f"/proposals/{busiest}?comments_sort={sort}&comments_page={page}"
        for sort in ("best", "newest", "oldest")
        for page in (1, 2, 10, 25)
    ]
    results = {}
    for name, paths in (("list", lists), ("search", searches), ("thread", threads)):
        _time(client, paths[:3], 3)  # warm caches
        timings = _time(client, paths, repeat)
        median, p95 = _summary(timings)
        slowest = max(range(len(timings)), key=timings.__getitem__)
        slowest_path = paths[slowest % len(paths)]
        results[name] = p95
        print(
            f"{label}: {name:<7} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({repeat} requests;"
            f" slowest {timings[slowest]:.0f} ms: {slowest_path})"
        )
    with app.app_context(), counted(db.engine) as statements:
        client.get(lists[0])
    results["queries"] = len(statements)
    print(f"{label}: queries on the proposal list page: {len(statements)}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("RATELIMIT_ENABLED", "false")
    backends = []
    with tempfile.TemporaryDirectory() as folder:
        backends.append(("sqlite", f"sqlite:///{folder}/bench.db"))
        postgres = os.environ.get("TEST_DATABASE_URL", "")
        if postgres.startswith(("postgres://", "postgresql")):
            backends.append(("postgresql", _fresh_postgres(postgres)))
        figures = [run(url, label, args.proposals, args.comments, args.requests) for label, url in backends]
    worst = {key: max(f[key] for f in figures) for key in figures[0]}
    print(
        f"pages: proposals={args.proposals} comments={args.comments} list_p95_ms={worst['list']:.1f} "
        f"search_p95_ms={worst['search']:.1f} thread_p95_ms={worst['thread']:.1f} queries_per_page={worst['queries']}"
    )


def _fresh_postgres(url: str) -> str:
    import psycopg

    from config import _database_url

    base, _, _name = _database_url(url).rpartition("/")
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "participate_bench"')
        conn.execute('CREATE DATABASE "participate_bench"')
    return f"{base}/participate_bench"


if __name__ == "__main__":
    main()

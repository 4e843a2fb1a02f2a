"""A panel selection started from the web, timed until its background job is done.

    .venv/bin/python bench/panel_selection.py [--runs N]

For each reference pool (the Nature paper's 2,000-person example with a panel of 200, the Sortition
Foundation's 150-person fixture with a panel of 22): load it into a panel in a fresh SQLite database,
log a facilitator in, post the "Run the selection" form (LEXIMIN, M = 1000) and poll the job's status
URL, as the job page does, until the job has finished in its background thread. Prints the seconds from
the POST to the finished job (median of N runs) and the engine's own seconds, and ends with:

    panel_selection: example_large_2000=Xs sf_fixture_150=Ys

Figures taken on a shared machine are noisy; the issue asks for under 10 s and under 2 s on 2 cores. The
CPU seconds of this process over the same interval (the job runs in a thread of it; the polling costs
little) are what the job would take on cores of its own: when wall is far above CPU, other work shared the
machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent.parent / "shared" / "data" / "sortition"
sys.path.insert(0, str(ROOT))

POOLS = {
    "example_large_2000": (
        "replication-example_large_200/categories.csv",
        "replication-example_large_200/respondents.csv",
        "id",
        200,
    ),
    "sf_fixture_150": (
        "sortition-algorithms-fixture/features.csv",
        "sortition-algorithms-fixture/candidates.csv",
        "nationbuilder_id",
        22,
    ),
}


def _data_dir() -> Path:
    for candidate in (DATA, Path("/work/shared/data/sortition")):
        if candidate.exists():
            return candidate
    raise SystemExit("the reference pools (../shared/data/sortition) are not here")


def _load(process, features_csv: Path, people_csv: Path, id_column: str, size: int):
    from participate.extensions import db
    from participate.panels.models import (
        Panel,
        PanelFeature,
        PanelFeatureValue,
        PanelStatus,
        Respondent,
        RespondentValue,
    )
    from participate.sortition import load_pool

    pool = load_pool(str(features_csv), str(people_csv), id_column=id_column)
    panel = Panel(process_id=process.id, title="Bench panel", size=size, household_rule=False)
    panel.status = PanelStatus.POOL_CLOSED.value
    for position, feature in enumerate(pool.features):
        row = PanelFeature(name=feature.name, label=feature.name, position=position)
        row.values = [
            PanelFeatureValue(value=q.value, label=q.value, min=q.min, max=q.max, position=i)
            for i, q in enumerate(feature.quotas)
        ]
        panel.features.append(row)
    db.session.add(panel)
    db.session.flush()
    value_ids = [{v.value: v.id for v in f.values} for f in panel.features]
    for n, person in enumerate(pool.people):
        respondent = Respondent(panel_id=panel.id, pseudonym=f"B{n:05d}", name="", district="")
        respondent.answers = [
            RespondentValue(feature_id=f.id, value_id=value_ids[i][person.values[i]])
            for i, f in enumerate(panel.features)
        ]
        db.session.add(respondent)
    db.session.commit()
    return panel


def _time_one(client, panel, token: str) -> tuple[float, float, float]:
    base = f"/manage/processes/{panel.process.slug}/panels/{panel.id}"
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        f"{base}/selection/runs",
        data={"csrf_token": token, "algorithm": "leximin", "deadline_seconds": "600", "lottery_size": "1000"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    status_url = response.headers["Location"].rstrip("/") + "/status"
    while True:
        document = client.get(status_url).get_json()
        if document["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert document["status"] == "done", document
    return elapsed, float(document["result"]["seconds"]), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from participate import create_app
    from participate.accounts.models import Role
    from participate.extensions import db
    from tests.conftest import CSRF_RE, login
    from tests.factories import make_process, make_user

    data = _data_dir()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db", JOBS_RUN_INLINE=False
        )
        with app.app_context():
            db.create_all()
            staff = make_user(Role.STAFF)
            client = app.test_client()
            login(client, staff.email)
            for name, (features, people, id_column, size) in POOLS.items():
                panel = _load(make_process(), data / features, data / people, id_column, size)
                page = client.get(f"/manage/processes/{panel.process.slug}/panels/{panel.id}/selection")
                match = CSRF_RE.search(page.get_data(as_text=True))
                assert match, "no form on the selection page"
                token = match.group(1) or match.group(2)
                timings = [_time_one(client, panel, token) for _ in range(args.runs)]
                web = statistics.median(t for t, _e, _c in timings)
                engine = statistics.median(e for _t, e, _c in timings)
                cpu = statistics.median(c for _t, _e, c in timings)
                results[name] = web
                print(
                    f"{name}: {size} seats, web to finished job {web:.2f}s wall, {cpu:.2f}s CPU of this process"
                    f" (engine {engine:.2f}s wall), {args.runs} runs"
                )
    print("panel_selection: " + " ".join(f"{name}={seconds:.2f}s" for name, seconds in results.items()))


if __name__ == "__main__":
    main()

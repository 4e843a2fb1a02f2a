"""Server time of a citizens' panel's busiest pages with 5,000 respondents: the pool dashboard (quota
counts, response rates, the feasibility check) and registration (the form, and a registration sent).

    .venv/bin/python bench/panels.py [--respondents N] [--requests N]

Builds a fresh SQLite database in a temporary file (and PostgreSQL when TEST_DATABASE_URL is set, in a
database of its own), fills it in bulk (20,000 addresses, 8,000 letters, N respondents with three
features and a few shared addresses), then times the pages inside the app and prints the median and p95:

    panels: respondents=N dashboard_p95_ms=X register_form_p95_ms=Y register_post_p95_ms=Z
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DISTRICTS = ("Fosie", "Hyllie", "Oxie", "Södra Innerstaden")


def _seed(respondents: int):
    from sqlalchemy import insert, select

    from participate.accounts.models import Role, User, UserRole
    from participate.accounts.passwords import hash_password
    from participate.core.clock import utcnow
    from participate.extensions import db
    from participate.panels import codes, invitations, setup
    from participate.panels.models import (
        AddressRegister,
        Invitation,
        PanelStatus,
        RegisterAddress,
        Respondent,
        RespondentValue,
    )
    from participate.processes.models import Process
    from participate.sortition.model import normalise_address

    rng = random.Random(5)
    staff = User(
        email="staff@bench.example", display_name="Staff", password_hash=hash_password("bench-password-1")
    )
    staff.email_confirmed_at = utcnow()
    staff.roles = [UserRole(role=Role.STAFF.value)]
    process = Process(slug="bench", title="Bench", budget_minor=100, currency="SEK", published=True)
    db.session.add_all([staff, process])
    db.session.flush()
    panel = setup.create_panel(
        staff,
        process,
        setup.PanelInput("Bench panel", "", 40, "", 0, True, False, "", True, "leximin", "open", 2, None),
    )
    for name, lines in (
        ("gender", "woman | Woman | | | 50\nman | Man | | | 49\nother | Other | | | 1"),
        ("age", "a | 16-29 | | | 24\nb | 30-44 | | | 28\nc | 45-64 | | | 29\nd | 65+ | | | 19"),
        ("district", "\n".join(f"d{i} | {d} | | | 25" for i, d in enumerate(DISTRICTS))),
    ):
        setup.save_feature(
            staff, panel, setup.FeatureInput(name, name, name == "gender", setup.parse_values(lines)), None
        )
    panel.status = PanelStatus.RECRUITING.value
    register = AddressRegister(panel_id=panel.id, name="bench", address_count=20_000)
    db.session.add(register)
    db.session.flush()
    db.session.execute(
        insert(RegisterAddress),
        [
            {
                "register_id": register.id,
                "address": f"Gata {i}",
                "postcode": "21000",
                "district": DISTRICTS[i % 4],
            }
            for i in range(20_000)
        ],
    )
    invitations.draw_batch(staff, panel, invitations.DrawInput(register.id, 8_000, "bench", True, {}))
    letters = db.session.execute(
        select(Invitation.id, RegisterAddress.address, RegisterAddress.district).join(
            RegisterAddress, RegisterAddress.id == Invitation.address_id
        )
    ).all()
    features = panel.features
    people, answers = [], []
    for n in range(respondents):
        letter = letters[n % len(letters)]
        people.append(
            {
                "id": n + 1,
                "panel_id": panel.id,
                "pseudonym": codes.new_pseudonym(),
                "name": f"Person {n}",
                "email": f"p{n}@example.org",
                "address": letter.address,
                "postcode": "21000",
                "district": letter.district,
                "household_key": normalise_address([letter.address, "21000"]),
                "invitation_id": letter.id,
                "status": "registered",
                "source": "registration",
                "created_at": utcnow(),
            }
        )
        for feature in features:
            value = rng.choice(feature.values)
            answers.append({"respondent_id": n + 1, "feature_id": feature.id, "value_id": value.id})
    db.session.execute(insert(Respondent), people)
    db.session.execute(insert(RespondentValue), answers)
    db.session.commit()
    return panel.id, staff.email, [f.id for f in features], [[v.id for v in f.values] for f in features]


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def run(database_url: str, label: str, respondents: int, requests: int) -> dict[str, float]:
    import re

    from flask_migrate import upgrade

    from participate import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PANEL_FORM_MIN_SECONDS=0)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        panel_id, email, _feature_ids, value_ids = _seed(respondents)
        print(f"{label}: seeded {respondents:,} respondents in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    page = client.get("/accounts/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/accounts/login", data={"csrf_token": token, "email": email, "password": "bench-password-1"})
    dashboard = f"/manage/processes/bench/panels/{panel_id}/pool"
    register = f"/processes/bench/panels/{panel_id}/register"
    figures: dict[str, float] = {}
    for name, path in (("dashboard", dashboard), ("register_form", register)):
        client.get(path)  # warm
        timings = []
        for _ in range(requests):
            t = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        median, p95 = _percentiles(timings)
        figures[f"{name}_p95_ms"] = p95
        print(f"{label}: {name} median {median:.0f} ms, p95 {p95:.0f} ms")
    timings = []
    for n in range(requests):
        form = client.get(register).get_data(as_text=True)
        data = {
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1),
            "started": re.search(r'name="started" type="hidden" value="([^"]+)"', form).group(1),
            "feature_gender": str(value_ids[0][0]),
            "feature_age": str(value_ids[1][1]),
            "feature_district": str(value_ids[2][n % 4]),
            "name": f"New person {n}",
            "email": f"new{n}@example.org",
            "address": f"Ny gata {n}",
            "consent": "y",
        }
        t = time.perf_counter()
        response = client.post(register, data=data)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    median, p95 = _percentiles(timings)
    figures["register_post_p95_ms"] = p95
    print(f"{label}: register_post median {median:.0f} ms, p95 {p95:.0f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("PARTICIPATE_ENV", "testing")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run(f"sqlite:///{tmp}/bench.db", "sqlite", args.respondents, args.requests))
    if os.environ.get("TEST_DATABASE_URL"):
        from sqlalchemy import create_engine, text

        url = os.environ["TEST_DATABASE_URL"]
        base, _slash, _name = url.rpartition("/")
        name = "participate_bench_panels"
        engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        engine.dispose()
        results.append(run(f"{base}/{name}", "postgresql", args.respondents, args.requests))
    worst = {key: max(r[key] for r in results) for key in results[0]}
    print(
        f"panels: respondents={args.respondents} dashboard_p95_ms={worst['dashboard_p95_ms']:.0f} "
        f"register_form_p95_ms={worst['register_form_p95_ms']:.0f} register_post_p95_ms={worst['register_post_p95_ms']:.0f}"
    )


if __name__ == "__main__":
    main()

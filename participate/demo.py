"""Demo data for `make run`: a council with processes in different phases, and people in every role."""

from __future__ import annotations

from datetime import timedelta

from faker import Faker
from flask import current_app
from sqlalchemy import func, select

from participate.accounts.models import Role, User, UserRole
from participate.accounts.passwords import hash_password
from participate.core.clock import today, utcnow
from participate.deliberation.demo import seed_threads
from participate.extensions import db
from participate.processes import services as processes
from participate.processes.models import Phase

DEMO_DOMAIN = "demo.participate.example"


def _user(fake: Faker, email: str, password_hash: str, roles: tuple[Role, ...] = ()) -> User:
    user = User(
        email=email, display_name=fake.name(), password_hash=password_hash, email_confirmed_at=utcnow()
    )
    user.roles = [UserRole(role=role.value) for role in roles]
    db.session.add(user)
    return user


def seed_demo(*, force: bool = False) -> list[tuple[str, str, str]] | None:
    if not force and db.session.scalar(select(func.count()).select_from(User)):
        return None
    fake = Faker(["sv_SE", "en_GB"])
    Faker.seed(2026)
    password = current_app.config["SEED_DEMO_PASSWORD"]
    hashed = hash_password(password)

    _user(fake, f"admin@{DEMO_DOMAIN}", hashed, (Role.ADMIN,))
    staff = _user(fake, f"staff@{DEMO_DOMAIN}", hashed, (Role.STAFF,))
    _user(fake, f"facilitator@{DEMO_DOMAIN}", hashed, (Role.FACILITATOR,))
    _user(fake, f"resident@{DEMO_DOMAIN}", hashed)
    for n in range(1, 41):
        _user(fake, f"resident{n}@{DEMO_DOMAIN}", hashed)
    db.session.flush()

    start = today()
    # days_in: how long ago the first phase began (negative: it begins in the future).
    plans = [
        (
            "Malmö Södra 2027",
            "Ideas for parks, paths and play",
            5_000_000_00,
            5,
            ["Innerstaden", "Hyllie", "Fosie"],
            True,
        ),
        ("Göteborg Centrum youth budget", "Young residents decide", 1_200_000_00, 20, [], True),
        (
            "Uppsala climate budget 2026",
            "Local climate action",
            3_000_000_00,
            35,
            ["Gottsunda", "Luthagen"],
            True,
        ),
        ("Lund neighbourhood fund 2025", "Finished: see the results", 800_000_00, 60, [], True),
        ("Örebro schools budget 2027", "Opens next month", 2_000_000_00, -30, [], True),
        ("Växjö draft budget", "Not yet published", 500_000_00, -60, [], False),
    ]
    for title, summary, budget, days_in, district_names, published in plans:
        process = processes.create_process(
            staff,
            processes.ProcessInput(
                title=title,
                summary=summary,
                description="\n\n".join(fake.paragraphs(nb=3)),
                budget_minor=budget,
                currency="SEK",
            ),
        )
        windows, cursor = [], start - timedelta(days=days_in)
        for phase, length in (
            (Phase.PROPOSALS, 14),
            (Phase.DELIBERATION, 10),
            (Phase.PANEL, 7),
            (Phase.VOTING, 14),
            (Phase.RESULTS, 30),
        ):
            windows.append(processes.WindowInput(phase, cursor, cursor + timedelta(days=length - 1)))
            cursor += timedelta(days=length)
        processes.set_schedule(staff, process, windows, on=start)
        if district_names:
            share = budget // (len(district_names) + 1)
            processes.set_districts(
                staff, process, [processes.DistrictInput(n, share) for n in district_names]
            )
        if published:
            processes.set_published(staff, process, True)
    seed_threads(fake, staff)
    db.session.flush()
    return [
        ("admin", f"admin@{DEMO_DOMAIN}", password),
        ("staff", f"staff@{DEMO_DOMAIN}", password),
        ("facilitator", f"facilitator@{DEMO_DOMAIN}", password),
        ("resident", f"resident@{DEMO_DOMAIN}", password),
    ]

"""Demo data for `make run`: a council with processes in different phases, and people in every role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from faker import Faker
from flask import current_app
from sqlalchemy import func, select

from participate.accounts.models import Role, User, UserRole
from participate.accounts.passwords import hash_password
from participate.core.clock import today, utcnow
from participate.deliberation.demo import seed_threads
from participate.extensions import db
from participate.moderation.demo import seed_moderation
from participate.panels.demo import seed_recruiting_panel
from participate.panels.demo_answers import seed_panel_answers
from participate.panels.demo_drawn import seed_drawn_panel
from participate.panels.demo_meetings import seed_panel_meetings
from participate.panels.demo_recommendations import seed_panel_work
from participate.processes import services as processes
from participate.processes.models import Phase, ProcessRoleName
from participate.proposals.demo import seed_proposal_discussions, seed_proposals
from participate.results.demo import seed_results
from participate.voting.demo import seed_votes

DEMO_DOMAIN = "demo.participate.example"

# Every demo process runs through the same five phases; these are their lengths in days.
PHASE_LENGTHS = (
    (Phase.PROPOSALS, 28),
    (Phase.DELIBERATION, 14),
    (Phase.PANEL, 10),
    (Phase.VOTING, 14),
    (Phase.RESULTS, 60),
)
FACILITATOR, MODERATOR, REVIEWER, POLL_WORKER = ProcessRoleName


@dataclass(frozen=True)
class Plan:
    """One demo process. `days_in`: how long ago its first phase began (negative: in the future)."""

    title: str  # the year the process starts is added from its dates
    summary: str
    description: str
    budget_sek: int
    days_in: int
    districts: tuple[tuple[str, int], ...] = ()
    roles: tuple[tuple[str, ProcessRoleName], ...] = ()
    published: bool = True


PLANS = (
    Plan(
        "Parks and play in Malmö South",
        "Ideas for parks, playgrounds and green spaces in the southern districts",
        """
Malmö's southern districts have grown fast, and many residents tell us that the parks have not kept up.
This year the city sets aside **5 million kronor** for ideas from the people who use them.

### What you can propose
- new or better playgrounds, benches, shade and drinking fountains
- meadows, pocket parks and trees on streets that have none
- lighting that makes paths in the parks feel safe after dark

### How it works
Send in your idea during the proposals phase. City gardeners check that each idea is possible and
estimate what it costs. A citizen panel, drawn by lot from the districts, then weighs the proposals, and
everyone aged 16 or over who lives in the districts can vote.
""",
        5_000_000,
        5,
        (("Fosie", 1_500_000), ("Hyllie", 1_500_000), ("Oxie", 1_000_000), ("Södra Innerstaden", 1_000_000)),
        (("facilitator", FACILITATOR), ("resident1", MODERATOR), ("resident2", REVIEWER)),
    ),
    Plan(
        "Safer bike paths",
        "Where should the city make cycling safer and easier?",
        """
More people in Malmö cycle to school and work every year. Some crossings and gaps in the network still
feel dangerous, especially for children. **3.5 million kronor** will go to the changes residents choose.

### What is happening now
The proposals are in. Residents are now discussing them, asking questions and suggesting improvements.
Traffic planners take part to answer questions about what can be built and when.

Examples of proposals: a separated lane on Lundavägen, better lighting on the path through
Kirsebergsparken, and bike parking at Limhamn's square.
""",
        3_500_000,
        33,
        (("Kirseberg", 1_000_000), ("Limhamn-Bunkeflo", 1_200_000), ("Västra Innerstaden", 1_300_000)),
        (("facilitator", MODERATOR), ("resident3", REVIEWER)),
    ),
    Plan(
        "Climate action in your neighbourhood",
        "Local projects that cut emissions or help us cope with a warmer climate",
        """
The city's climate plan aims for a climate-neutral Malmö by 2030. This budget of **4 million kronor**
lets residents choose local projects that help get there.

### On the ballot
Twenty proposals passed the feasibility review and were weighed by a citizen panel of 30 residents:
rain gardens against flooding, shared cargo bikes, solar panels on community centres, tool libraries and
more trees in the schoolyards of Rosengård.

### How to vote
Rank the projects you want most. The budget is shared out so that every district gets projects that
many of its residents support.
""",
        4_000_000,
        57,
        (("Centrum", 800_000), ("Husie", 800_000), ("Rosengård", 1_000_000)),
        # the facilitator also works the polls: the kiosk's check-ins and paper ballots are theirs
        (("facilitator", FACILITATOR), ("facilitator", POLL_WORKER), ("resident4", REVIEWER)),
    ),
    Plan(
        "Youth budget",
        "Young people aged 13 to 25 decided how to spend 1.2 million kronor",
        """
For the second year running, young people in Malmö decided how to spend part of the city's youth budget.
More than 2,000 people aged 13 to 25 took part.

### What was chosen
The winning projects include evening opening at two youth centres, a skate area in Hyllie, free summer
swimming lessons, and a music studio that anyone can book.

Thank you to everyone who sent in ideas, discussed them and voted. The projects are carried out over the
coming year, and the youth council follows up on each of them.
""",
        1_200_000,
        96,
        (("Hyllie", 300_000), ("Rosengård", 300_000)),
        (("resident5", MODERATOR),),
    ),
    Plan(
        "Better school yards",
        "Pupils, parents and teachers propose changes to school yards",
        """
Many of Malmö's school yards are asphalt with little shade or room to play. From the spring term, pupils,
parents, teachers and neighbours can propose changes to the yards of the city's primary schools.

### Good to know
- Proposals can be sent in from the day the process opens.
- Schools will hold workshops in class so that pupils can take part during the school day.
- The budget is **2.5 million kronor**, shared between the school districts.
""",
        2_500_000,
        -45,
        (("Norra skolområdet", 1_250_000), ("Södra skolområdet", 1_250_000)),
    ),
    Plan(
        "Libraries and meeting places",
        "Draft: ideas for libraries and places to meet, not yet published",
        """
A draft that the council is still preparing: ideas for longer opening hours, reading corners and
meeting rooms in the city's branch libraries.
""",
        1_500_000,
        -120,
        roles=(("facilitator", FACILITATOR),),
        published=False,
    ),
)


BOUNDARIES = Path(__file__).with_name("demo_districts.geojson")  # simple outlines of Malmö-like districts


def demo_boundaries(names: list[str]) -> bytes:
    """The demo's outlines of these districts, as a GeoJSON file a council would upload."""
    document = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    document["features"] = [f for f in document["features"] if f["properties"]["name"] in names]
    return json.dumps(document).encode()


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
    fake = Faker("sv_SE")
    Faker.seed(2026)
    password = current_app.config["SEED_DEMO_PASSWORD"]
    hashed = hash_password(password)

    _user(fake, f"admin@{DEMO_DOMAIN}", hashed, (Role.ADMIN,))
    staff = _user(fake, f"staff@{DEMO_DOMAIN}", hashed, (Role.STAFF,))
    facilitator = _user(fake, f"facilitator@{DEMO_DOMAIN}", hashed, (Role.FACILITATOR,))
    resident = _user(fake, f"resident@{DEMO_DOMAIN}", hashed)
    residents = [_user(fake, f"resident{n}@{DEMO_DOMAIN}", hashed) for n in range(1, 41)]
    db.session.flush()

    start = today()
    created = {}
    for n, plan in enumerate(reversed(PLANS)):  # the list shows the newest first: the open processes lead
        first_day = start - timedelta(days=plan.days_in)
        process = processes.create_process(
            staff,
            processes.ProcessInput(
                title=f"{plan.title} {first_day.year}",
                summary=plan.summary,
                description=plan.description.strip(),
                budget_minor=plan.budget_sek * 100,
                currency="SEK",
            ),
        )
        # Prepared a fortnight before it opened; one that opens later was prepared well ahead (and listed
        # after the open ones, which lead: the list shows the newest first).
        prepared = datetime.combine(first_day - timedelta(days=14), time(9))
        process.created_at = prepared if prepared < utcnow() else utcnow() - timedelta(days=150 - n)
        db.session.flush()  # before the schedule's turn re-reads the process
        windows, cursor = [], first_day
        for phase, length in PHASE_LENGTHS:
            windows.append(processes.WindowInput(phase, cursor, cursor + timedelta(days=length - 1)))
            cursor += timedelta(days=length)
        processes.set_schedule(staff, process, windows, on=start)
        if plan.districts:
            processes.set_districts(
                staff, process, [processes.DistrictInput(name, sek * 100) for name, sek in plan.districts]
            )
            processes.set_boundaries(staff, process, demo_boundaries([name for name, _sek in plan.districts]))
        for email, role in plan.roles:
            processes.grant_process_role(staff, process, f"{email}@{DEMO_DOMAIN}", role.value)
        if plan.published:
            # Published when it opened, as the council did; its vote is set up later (voting.demo).
            processes.set_published(staff, process, True, on=first_day)
        created[plan.title] = process
        seed_proposals(process, residents, staff, Path(current_app.instance_path) / "uploads" / "proposals")
    seed_threads(staff)
    seed_proposal_discussions(residents)
    seed_moderation(staff, residents)
    seed_results(staff, seed_votes(staff, residents, resident, hashed))
    seed_recruiting_panel(facilitator, created["Parks and play in Malmö South"])
    climate_panel = seed_drawn_panel(staff, created["Climate action in your neighbourhood"])
    seed_panel_meetings(staff, climate_panel)
    member = _user(fake, f"member@{DEMO_DOMAIN}", hashed)  # holds a seat on the climate panel
    db.session.flush()
    seed_panel_work(staff, climate_panel, [member, *residents[10:39]])
    # After the panel's recommendations are published: the council answers them.
    seed_panel_answers(staff, climate_panel)
    db.session.flush()
    return [
        ("admin", f"admin@{DEMO_DOMAIN}", password),
        ("staff", f"staff@{DEMO_DOMAIN}", password),
        ("facilitator", f"facilitator@{DEMO_DOMAIN}", password),
        ("resident", f"resident@{DEMO_DOMAIN}", password),
        ("panel member", f"member@{DEMO_DOMAIN}", password),
    ]

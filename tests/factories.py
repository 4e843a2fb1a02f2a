"""Test data with a seeded Faker, built through the same services the app uses where it matters."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from faker import Faker

from participate.accounts.models import Role, User, UserRole
from participate.accounts.passwords import hash_password
from participate.core.clock import today, utcnow
from participate.extensions import db
from participate.processes.models import Phase, PhaseWindow, Process

DEFAULT_PASSWORD = "correct horse battery staple 42"
fake = Faker(["sv_SE", "en_GB"])
Faker.seed(1234)
_serial = count(1)


def make_user(
    *roles: Role | str,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    confirmed: bool = True,
    name: str | None = None,
) -> User:
    n = next(_serial)
    user = User(
        email=email or f"person{n}@example.org",
        display_name=name or fake.name(),
        password_hash=hash_password(password),
        email_confirmed_at=utcnow() if confirmed else None,
    )
    user.roles = [UserRole(role=str(role)) for role in roles if str(role) != Role.RESIDENT]
    db.session.add(user)
    db.session.commit()
    return user


def make_process(
    *,
    title: str | None = None,
    published: bool = True,
    budget_minor: int = 1_000_000_00,
    currency: str = "SEK",
    phases: dict[Phase, tuple[date, date]] | None = None,
    days_in: int | None = 0,
) -> Process:
    """A process whose five phases last a week each, the first starting `days_in` days ago."""
    n = next(_serial)
    process = Process(
        slug=f"process-{n}",
        title=title or f"{fake.city()} budget {n}",
        summary=fake.sentence(),
        description=fake.paragraph(),
        budget_minor=budget_minor,
        currency=currency,
        published=published,
    )
    if phases is None and days_in is not None:
        start = today() - timedelta(days=days_in)
        phases = {}
        for i, phase in enumerate(Phase):
            phases[phase] = (start + timedelta(days=7 * i), start + timedelta(days=7 * i + 6))
    for phase, (starts_on, ends_on) in (phases or {}).items():
        process.phases.append(PhaseWindow(phase=phase.value, starts_on=starts_on, ends_on=ends_on))
    db.session.add(process)
    db.session.commit()
    return process


def make_proposal(
    process,
    author=None,
    *,
    title: str | None = None,
    cost_minor: int = 50_000_00,
    status: str = "submitted",
    **fields,
):
    """A proposal written straight to the database (the services are tested on their own)."""
    from participate.proposals import search
    from participate.proposals.models import Proposal

    n = next(_serial)
    author = author or make_user()
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        title=title or f"Proposal {n}: {fake.sentence(nb_words=4)}",
        summary=fields.pop("summary", fake.sentence()),
        description=fields.pop("description", fake.paragraph()),
        cost_minor=cost_minor,
        language=process.language,
        status=status,
        published_at=None if status == "draft" else utcnow(),
        **fields,
    )
    db.session.add(proposal)
    db.session.flush()
    search.index_proposal(proposal)
    db.session.commit()
    return proposal


def make_comment(
    author: User,
    process: Process,
    body: str | None = None,
    *,
    stance: str | None = "in_favour",
    parent=None,
):
    """A comment (or a reply to `parent`) on a process's thread, posted through the service."""
    from participate.deliberation import services as deliberation
    from participate.deliberation.subjects import resolve

    text = body or fake.sentence()
    if parent is not None:
        comment = deliberation.reply_to(author, parent, text, stance)
    else:
        comment = deliberation.post_comment(author, resolve("process", process.id), text, stance)
    db.session.commit()
    return comment


def make_vote(process, *, budgets: list[dict] | None = None, **settings):
    """Vote settings and budgets for `process` (by default one city-wide ranked budget equal to the
    process's). Returns the budgets."""
    from participate.voting.models import VoteBudget, VoteSettings

    db.session.add(VoteSettings(process_id=process.id, **settings))
    made = []
    for spec in budgets or [{"name": "City-wide", "budget_minor": process.budget_minor}]:
        budget = VoteBudget(process_id=process.id, **spec)
        db.session.add(budget)
        made.append(budget)
    db.session.commit()
    return made


def make_ready_vote(process):
    """A vote that passes the checklist before it opens (processes.checks): one city-wide budget, votes by
    account, and one affordable feasible proposal on its ballot. Returns the budgets."""
    budgets = make_vote(process, eligibility="account")
    make_proposal(process, cost_minor=min(process.budget_minor, 50_000_00), status="feasible")
    return budgets


def register_voter(user, process, district=None):
    """Make `user` eligible in `process` (as verification against the census would)."""
    from participate.eligibility.models import VoterRegistration

    registration = VoterRegistration(
        process_id=process.id, user_id=user.id, district_id=getattr(district, "id", district)
    )
    db.session.add(registration)
    db.session.commit()
    return registration

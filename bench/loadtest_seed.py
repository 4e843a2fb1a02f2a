"""A vote for the load test, written in bulk: a published process in its voting phase, one city-wide ranked
budget with feasible proposals, a census of `eligible` people and as many confirmed accounts already
verified against it (as `/processes/<slug>/vote/verify` would leave them), and one staff account.

Rows go in with a few multi-row INSERTs, not thousands of web registrations; what the vote's correctness
rests on comes from the product's own code: the census hashes (voting.secrecy, under the servers'
BALLOT_SECRET_KEY), the password hash (accounts.passwords, argon2 with the production parameters), the
models and their constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select

from participate.accounts.models import Role, User, UserRole
from participate.accounts.passwords import hash_password
from participate.core.clock import today, utcnow
from participate.eligibility import secrecy
from participate.eligibility.models import CensusEntry, Eligibility, VoterRegistration
from participate.extensions import db
from participate.processes.models import Phase, PhaseWindow, Process
from participate.proposals import search
from participate.proposals.models import Proposal, ProposalStatus
from participate.voting.models import BallotType, VoteBudget, VoteSettings

PASSWORD = "load test voter passphrase 2026"
PROJECTS = [
    ("Lights along the river path", 1_200_000_00),
    ("A new playground in Norra parken", 2_500_000_00),
    ("Benches and shade at the square", 400_000_00),
    ("Safe bike lanes to the schools", 3_800_000_00),
    ("Drinking fountains in the parks", 300_000_00),
    ("A skate park by the sports hall", 1_900_000_00),
    ("Trees on Storgatan", 900_000_00),
    ("Free wifi in the library garden", 250_000_00),
]


@dataclass(frozen=True)
class SeededVote:
    slug: str
    process_id: int
    budget_id: int
    proposal_ids: list[int]
    staff_email: str
    voter_emails: list[str]
    password: str = PASSWORD


def _voter_email(n: int) -> str:
    return f"voter{n:05d}@loadtest.example"


def seed(eligible: int) -> SeededVote:
    """Write the vote into the app's (empty, migrated) database and commit; needs an app context."""
    password_hash = hash_password(PASSWORD)  # one argon2 hash for all: the work is in checking it
    staff = User(
        email="staff@loadtest.example",
        display_name="Load test staff",
        password_hash=password_hash,
        email_confirmed_at=utcnow(),
    )
    staff.roles = [UserRole(role=Role.STAFF.value)]
    db.session.add(staff)
    db.session.flush()
    start = today() - timedelta(days=24)
    process = Process(
        slug="last-evening",
        title="The last evening of the vote",
        summary="Two thousand residents rank eight projects.",
        budget_minor=6_000_000_00,
        currency="SEK",
        published=True,
        created_by_id=staff.id,
    )
    for n, phase in enumerate(Phase):  # a week each; the voting phase runs from 3 days ago to 3 days ahead
        process.phases.append(
            PhaseWindow(
                phase=phase.value,
                starts_on=start + timedelta(days=7 * n),
                ends_on=start + timedelta(days=7 * n + 6),
            )
        )
    db.session.add(process)
    db.session.flush()
    proposals = [
        Proposal(
            process_id=process.id,
            author_id=staff.id,
            title=title,
            summary=title + ".",
            description=title + ", as the residents asked for it.",
            cost_minor=cost,
            language=process.language,
            status=ProposalStatus.FEASIBLE.value,
            published_at=utcnow(),
        )
        for title, cost in PROJECTS
    ]
    db.session.add_all(proposals)
    db.session.add(VoteSettings(process_id=process.id, eligibility=Eligibility.CENSUS.value))
    budget = VoteBudget(
        process_id=process.id,
        name="City-wide",
        budget_minor=process.budget_minor,
        ballot_type=BallotType.RANKED.value,
        max_choices=5,
    )
    db.session.add(budget)
    db.session.flush()
    for proposal in proposals:
        search.index_proposal(proposal)

    now = utcnow()
    db.session.execute(
        insert(CensusEntry),
        [
            {
                "process_id": process.id,
                "identity_hash": secrecy.census_hash(f"19{50 + n % 50:02d}0101-{n:04d}"),
                "birth_year": 1950 + n % 50,
            }
            for n in range(eligible)
        ],
    )
    db.session.execute(
        insert(User),
        [
            {
                "email": _voter_email(n),
                "display_name": f"Voter {n}",
                "password_hash": password_hash,
                "email_confirmed_at": now,
                "created_at": now,
            }
            for n in range(eligible)
        ],
    )
    entries = db.session.execute(
        select(CensusEntry.id).where(CensusEntry.process_id == process.id).order_by(CensusEntry.id)
    ).scalars()
    users = db.session.execute(
        select(User.id).where(User.email.like("voter%@loadtest.example")).order_by(User.email)
    ).scalars()
    db.session.execute(
        insert(VoterRegistration),
        [
            {"process_id": process.id, "user_id": user_id, "census_entry_id": entry_id, "created_at": now}
            for user_id, entry_id in zip(users, entries, strict=True)
        ],
    )
    db.session.commit()
    return SeededVote(
        slug=process.slug,
        process_id=process.id,
        budget_id=budget.id,
        proposal_ids=[p.id for p in proposals],
        staff_email=staff.email,
        voter_emails=[_voter_email(n) for n in range(eligible)],
    )

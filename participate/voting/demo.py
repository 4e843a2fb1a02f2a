"""Demo votes for `make run`: a process whose vote is open (the demo resident can vote), and a process
whose vote closed with thousands of ballots over a city-wide and two district budgets.

The thousands of voters are written in bulk: accounts, census entries, registrations, voter-roll rows
and sealed ballots exactly as casting writes them; the close itself goes through the service."""

from __future__ import annotations

import random

from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import today, utcnow
from participate.eligibility import poll_book
from participate.eligibility.models import CensusEntry, VoterRegistration, VotingCode
from participate.eligibility.secrecy import census_hash, voting_code_hash
from participate.extensions import db
from participate.processes.models import Phase, Process, ProcessRole, ProcessRoleName
from participate.proposals.models import Proposal
from participate.voting import kiosk, secrecy, services
from participate.voting.models import SealedBallot, VoteBudget, VoterRoll, VoteSettings

VOTERS_IN_CLOSED_VOTE = 2400
# Identity numbers in the demo census that no account holds yet: README offers one to try verification.
SPARE_IDENTITIES = ("19900101-1234", "20050615-4321")
# Residents of the census without an account whom staff checked in at a polling station to vote on paper.
PAPER_VOTERS = ("19580214-3312", "19711030-2468", "19830707-9753")
# A printed voting code nobody has used: README offers it to try the kiosk.
SPARE_CODE = "PAPE-RVTE-2345"


def seed_votes(staff: User, residents: list[User], demo_resident: User, password_hash: str) -> list[Process]:
    """Votes for every published process that has reached its voting phase; returns the closed ones."""
    closed = []
    processes = db.session.execute(select(Process).where(Process.published.is_(True))).scalars()
    for process in processes:
        window = process.window(Phase.VOTING)
        if window is None or window.starts_on > today():
            continue
        rng = random.Random(process.id)
        budgets = _set_up(process)
        voters = [demo_resident, *residents]
        _census_entries(process, SPARE_IDENTITIES)
        if window.ends_on < today():
            crowd = _crowd(process, VOTERS_IN_CLOSED_VOTE, password_hash, rng)
            _register(process, voters + crowd, rng)
            _cast_in_bulk(process, budgets, voters + crowd, rng)
            services.close_vote(staff, process)
            closed.append(process)
        else:
            _register(process, voters, rng)
            # Most demo residents have voted; the demo resident has not, so they can try it.
            _cast_in_bulk(process, budgets, residents[: len(residents) * 2 // 3], rng)
            _paper_voting(process, staff, rng)
    db.session.flush()
    return closed


def _set_up(process: Process) -> list[VoteBudget]:
    db.session.add(VoteSettings(process_id=process.id, min_age=13 if "Youth" in process.title else 16))
    citywide = process.budget_minor - process.district_budget_total
    budgets = []
    if citywide > 0:
        budgets.append(
            VoteBudget(process_id=process.id, name="City-wide", budget_minor=citywide, max_choices=5)
        )
    for district in process.districts:
        budgets.append(
            VoteBudget(
                process_id=process.id,
                district_id=district.id,
                name=district.name,
                budget_minor=district.budget_minor,
                max_choices=5,
            )
        )
    db.session.add_all(budgets)
    db.session.flush()
    return budgets


def _census_entries(process: Process, identities: tuple[str, ...]) -> None:
    """Census entries without an account, one district after another; the birth year leads the number."""
    districts: list[int | None] = [d.id for d in process.districts] or [None]
    for n, identity in enumerate(identities):
        db.session.add(
            CensusEntry(
                process_id=process.id,
                identity_hash=census_hash(identity),
                birth_year=int(identity[:4]),
                district_id=districts[n % len(districts)],
            )
        )


def _paper_voting(process: Process, staff: User, rng: random.Random) -> None:
    """The polling station: residents of the census checked in (no account) by the process's poll worker,
    each handed a code from the printed pile and voting with it at the kiosk; one code is left unused."""
    poll_worker = (
        db.session.execute(
            select(User)
            .join(ProcessRole, ProcessRole.user_id == User.id)
            .where(
                ProcessRole.process_id == process.id, ProcessRole.role == ProcessRoleName.POLL_WORKER.value
            )
        ).scalar()
        or staff
    )
    district_id = process.districts[0].id if process.districts else None
    codes = [secrecy.new_code() for _ in PAPER_VOTERS] + [SPARE_CODE]
    for code in codes:
        db.session.add(
            VotingCode(
                process_id=process.id,
                district_id=district_id,
                code_hash=voting_code_hash(code),
                batch="Central library",
            )
        )
    _census_entries(process, PAPER_VOTERS)
    for identity in PAPER_VOTERS:
        poll_book.check_in(poll_worker, process, identity, int(identity[:4]), today())
    for code in codes[: len(PAPER_VOTERS)]:
        ballots = {
            budget.id: rng.sample(ids, min(3, len(ids)))
            for budget in services.budgets_for_district(process, district_id)
            if (ids := [p.id for p in services.candidates(budget)])
        }
        kiosk.kiosk_cast(poll_worker, process, code, ballots, today())


def _crowd(process: Process, size: int, password_hash: str, rng: random.Random) -> list[User]:
    crowd = [
        User(
            email=f"voter{process.id}-{n}@demo.participate.example",
            display_name=f"Voter {n}",
            password_hash=password_hash,
            email_confirmed_at=utcnow(),
        )
        for n in range(size)
    ]
    db.session.add_all(crowd)
    db.session.flush()
    return crowd


def _register(process: Process, people: list[User], rng: random.Random) -> None:
    """Each person verified against the census: an entry with a made-up identity number, then the claim."""
    districts: list[int | None] = [d.id for d in process.districts] or [None]
    entries = []
    for person in people:
        year = rng.randint(1945, today().year - 17)
        identity = f"{year}{rng.randint(1, 12):02}{rng.randint(1, 28):02}-{person.id:04}"
        entries.append(
            CensusEntry(
                process_id=process.id,
                identity_hash=census_hash(identity),
                birth_year=year,
                district_id=rng.choice(districts),
            )
        )
    db.session.add_all(entries)
    db.session.flush()
    db.session.add_all(
        VoterRegistration(
            process_id=process.id, user_id=person.id, census_entry_id=entry.id, district_id=entry.district_id
        )
        for person, entry in zip(people, entries, strict=True)
    )
    db.session.flush()


def _cast_in_bulk(
    process: Process, budgets: list[VoteBudget], voters: list[User], rng: random.Random
) -> None:
    registrations = dict(
        db.session.execute(
            select(VoterRegistration.user_id, VoterRegistration.district_id).where(
                VoterRegistration.process_id == process.id
            )
        ).all()
    )
    offered = {b.id: services.candidates(b) for b in budgets}
    # Some proposals are much more popular than others, the largest of each budget most of all (the case
    # where "most support first" spends a budget on one project), and each district has its favourites.
    base = {p.id: rng.lognormvariate(0, 0.8) for ps in offered.values() for p in ps}
    for proposals in offered.values():
        if proposals:
            base[max(proposals, key=lambda p: (p.effective_cost, p.id)).id] *= 2
    appeal = {
        district: {pid: weight * rng.lognormvariate(0, 0.9) for pid, weight in base.items()}
        for district in set(registrations.values())
    }
    for voter in voters:
        if rng.random() < 0.08:
            continue  # verified, but did not vote
        district = registrations[voter.id]
        for budget in services.budgets_for_district(process, district):
            proposals = offered[budget.id]
            if not proposals:
                continue
            choices = _ranking(proposals, appeal[district], rng, budget.max_choices or len(proposals))
            db.session.add(VoterRoll(budget_id=budget.id, user_id=voter.id, district_id=district))
            receipt = secrecy.new_code(secrecy.RECEIPT_LENGTH)
            db.session.add(
                SealedBallot(
                    budget_id=budget.id,
                    owner_tag=secrecy.owner_tag(budget.id, f"user:{voter.id}"),
                    tracker=secrecy.tracker(receipt),
                    payload=services.seal_ballot(budget, choices, receipt, proposals),
                )
            )
    db.session.flush()


def _ranking(proposals: list[Proposal], appeal: dict[int, float], rng: random.Random, most: int) -> list[int]:
    """A ranked ballot drawn one choice at a time in proportion to each proposal's appeal."""
    length = min(most, len(proposals), max(1, round(rng.triangular(1, most + 1, 3))))
    left = list(proposals)
    ranking = []
    for _ in range(length):
        weights = [appeal[p.id] for p in left]
        chosen = rng.choices(left, weights=weights)[0]
        ranking.append(chosen.id)
        left.remove(chosen)
    return ranking

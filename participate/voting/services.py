"""Voting use cases: the ballot a voter sees, casting and changing it, receipts, closing the vote.
They flush, never commit; the acting person is an argument.

A cast writes the voter_roll row (once) and replaces the voter's sealed ballot, in one transaction: a
crash leaves the old ballot or the new one. Closing opens the sealed box into `ballots` (see models)."""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import lazyload

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.clock import utcnow
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.locks import Turn, take_turns, take_turns_in_order
from participate.core.unique import insert_new
from participate.eligibility.models import VoterRegistration
from participate.eligibility.services import checked_in, registration_of
from participate.extensions import db
from participate.processes.models import Phase, Process
from participate.processes.services import add_phase_ending
from participate.proposals.models import Proposal, ProposalStatus
from participate.voting import policy, secrecy
from participate.voting.models import (
    Ballot,
    BallotType,
    DistrictScope,
    SealedBallot,
    VoteBudget,
    VoterRoll,
    VoteSettings,
)

Choices = list[int] | list[list[int]]

VOTE_CLOSE = "vote close"  # the lock a close or a budget change takes alone and every cast shares


def between_casts(process_id: int) -> None:
    """Take the ballot box's lock alone until the transaction ends: the casts under way finish first, and
    the ones that come after see what this transaction did (a close, a budget changed or deleted)."""
    take_turns(VOTE_CLOSE, process_id)


def settings_of(process: Process) -> VoteSettings | None:
    return db.session.execute(
        select(VoteSettings).where(VoteSettings.process_id == process.id)
    ).scalar_one_or_none()


def _closed_on(process: Process) -> date | None:
    settings = settings_of(process)
    return settings.closed_at.date() if settings is not None and settings.closed_at is not None else None


add_phase_ending(Phase.VOTING, _closed_on)  # a vote closed early ends the voting phase


def budgets_of(process: Process) -> list[VoteBudget]:
    """City-wide budgets first, then the districts' by name."""
    rows = db.session.execute(select(VoteBudget).where(VoteBudget.process_id == process.id)).scalars().all()
    return sorted(
        rows, key=lambda b: (b.district_id is not None, b.district.name if b.district else "", b.name)
    )


def candidates(budget: VoteBudget) -> list[Proposal]:
    """The feasible, visible proposals of the budget's district; a city-wide budget takes those with no
    district and those of districts that have no budget of their own."""
    # No ballot shows the author: not joining them (and their roles) saves two queries per call, and
    # a cast makes several (docs/deploy.md, "Load").
    stmt = select(Proposal).options(lazyload(Proposal.author))
    return list(db.session.execute(_of_candidates(stmt, budget)).scalars())


def _candidates_again(budget: VoteBudget) -> list[Proposal]:
    """candidates(), for a cast that has read them before taking its lock: which proposals they are is read
    anew, and the proposals it holds already come from the session instead of being built again."""
    ids = db.session.execute(_of_candidates(select(Proposal.id), budget)).scalars()
    return [proposal for pid in ids if (proposal := db.session.get(Proposal, pid)) is not None]


def _of_candidates(stmt: Select[Any], budget: VoteBudget) -> Select[Any]:
    stmt = stmt.where(
        Proposal.process_id == budget.process_id,
        Proposal.status == ProposalStatus.FEASIBLE.value,
        Proposal.hidden_at.is_(None),
    )
    if budget.district_id is not None:
        stmt = stmt.where(Proposal.district_id == budget.district_id)
    else:
        with_budget = select(VoteBudget.district_id).where(
            VoteBudget.process_id == budget.process_id, VoteBudget.district_id.is_not(None)
        )
        stmt = stmt.where((Proposal.district_id.is_(None)) | (Proposal.district_id.not_in(with_budget)))
    return stmt.order_by(Proposal.title, Proposal.id)


def ballot_refusal(
    settings: VoteSettings | None,
    actor: User,
    process: Process,
    registration: VoterRegistration | None,
    on: date,
    budget: VoteBudget | None = None,
) -> str | None:
    """voting.policy.ballot_refusal, with what it needs read from the database, under `settings` as the
    caller has just read them (a cast reads them under its locks); `budget`: the one being cast on, or None
    for the ballot as a whole."""
    entry = registration.census_entry_id if registration is not None else None
    return policy.ballot_refusal(
        actor,
        process,
        settings,
        on,
        registered=registration is not None,
        checked_in_on_paper=entry is not None and checked_in(entry),
        budget_on_ballot=(
            budget is None
            or registration is None
            or _on_ballot(
                budget, settings, registration.district_id, lambda: _districts_have_budgets(process.id)
            )
        ),
    )


def has_voted_in(user_id: int, process: Process) -> bool:
    """Whether this account has voted on any budget of the process (eligibility asks, through TheVote)."""
    budget_ids = [b.id for b in budgets_of(process)]
    if not budget_ids:
        return False
    return (
        db.session.execute(
            select(VoterRoll.id).where(VoterRoll.user_id == user_id, VoterRoll.budget_id.in_(budget_ids))
        ).first()
        is not None
    )


def budgets_for_district(process: Process, district_id: int | None) -> list[VoteBudget]:
    """The budgets on the ballot of a voter of `district_id` (None: no district)."""
    return budgets_under(settings_of(process), process, district_id)


def budgets_under(
    settings: VoteSettings | None, process: Process, district_id: int | None
) -> list[VoteBudget]:
    """budgets_for_district under settings the caller has just read."""
    budgets = budgets_of(process)
    some_of_districts = any(b.district_id is not None for b in budgets)
    return [b for b in budgets if _on_ballot(b, settings, district_id, lambda: some_of_districts)]


def _districts_have_budgets(process_id: int) -> bool:
    query = select(VoteBudget.id).where(
        VoteBudget.process_id == process_id, VoteBudget.district_id.is_not(None)
    )
    return db.session.execute(query.limit(1)).first() is not None


def _on_ballot(
    budget: VoteBudget,
    settings: VoteSettings | None,
    district_id: int | None,
    districts_have_budgets: Callable[[], bool],
) -> bool:
    """Whether a voter of `district_id` (None: no district) has this budget on their ballot: their own
    district's, and a city-wide one unless the scope is "own district only" and districts have budgets.
    `districts_have_budgets` is asked only when the answer depends on it."""
    if budget.district_id is not None:
        return budget.district_id == district_id
    return (
        district_id is None
        or settings is None
        or settings.district_scope == DistrictScope.OWN_AND_CITYWIDE.value
        or not districts_have_budgets()
    )


def _voter(actor: User) -> str:
    return f"user:{actor.id}"


def has_voted(actor: User | None, budget: VoteBudget) -> bool:
    if actor is None:
        return False
    return (
        db.session.execute(
            select(VoterRoll.id).where(VoterRoll.budget_id == budget.id, VoterRoll.user_id == actor.id)
        ).first()
        is not None
    )


def current_choices(actor: User, budget: VoteBudget) -> Choices | None:
    """The voter's own ballot as it stands in the sealed box (so they can see and change it)."""
    sealed = _sealed(budget.id, secrecy.owner_tag(budget.id, _voter(actor)))
    return secrecy.unseal(sealed.payload)["choices"] if sealed else None


def _sealed(budget_id: int, tag: str) -> SealedBallot | None:
    return db.session.execute(
        select(SealedBallot).where(SealedBallot.budget_id == budget_id, SealedBallot.owner_tag == tag)
    ).scalar_one_or_none()


def check_choices(
    budget: VoteBudget, choices: Iterable[Any], offered_now: Sequence[Proposal] | None = None
) -> Choices:
    """The ballot in its canonical form, or ValidationFailed saying what to fix. Ranked: ids in order;
    approval: ids sorted; points: [id, points] pairs sorted by id, no zero entries. `offered_now`: the
    budget's candidates, when the caller has just read them."""
    offered = {p.id: p for p in (candidates(budget) if offered_now is None else offered_now)}
    kind = BallotType(budget.ballot_type)
    pairs: list[tuple[int, int]] = []
    if kind is BallotType.POINTS:
        pairs = _points_given(budget, choices)
        ids = [pid for pid, _points in pairs]
    else:
        ids = [int(pid) for pid in choices]
    _check_selection(budget, offered, ids)
    if kind is BallotType.POINTS:
        return [[pid, points] for pid, points in sorted(pairs)]
    if kind is BallotType.APPROVAL:
        return sorted(ids)
    return ids


def _points_given(budget: VoteBudget, choices: Iterable[Any]) -> list[tuple[int, int]]:
    """The (id, points) pairs with points, or ValidationFailed for negative points or too many in all."""
    pairs = [(int(pid), int(points)) for pid, points in choices]
    if any(points < 0 for _pid, points in pairs):
        raise ValidationFailed(_("Points cannot be negative."))
    pairs = [(pid, points) for pid, points in pairs if points > 0]
    total = sum(points for _pid, points in pairs)
    if budget.points_total is not None and total > budget.points_total:
        raise ValidationFailed(
            _("You gave %(given)d points; you have %(total)d.", given=total, total=budget.points_total)
        )
    return pairs


def _check_selection(budget: VoteBudget, offered: dict[int, Any], ids: list[int]) -> None:
    """The chosen proposals: each once, on this ballot, as many as the budget allows, within its cost."""
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Each proposal can be chosen only once."))
    if any(pid not in offered for pid in ids):
        raise ValidationFailed(_("One of your choices is not on this ballot."))
    if len(ids) < budget.min_choices:
        raise ValidationFailed(
            ngettext(
                "Choose at least %(num)d proposal.", "Choose at least %(num)d proposals.", budget.min_choices
            )
        )
    if budget.max_choices is not None and len(ids) > budget.max_choices:
        raise ValidationFailed(
            ngettext(
                "Choose at most %(num)d proposal.", "Choose at most %(num)d proposals.", budget.max_choices
            )
        )
    if budget.spending_cap and sum(offered[pid].effective_cost for pid in ids) > budget.budget_minor:
        raise ValidationFailed(_("Your choices cost more than the budget: leave some out."))


# The smallest size a sealed ballot is padded to; budgets whose longest ballot is longer take the next
# power of two. 1 KiB holds a ranking of 100 proposals with six-digit ids.
SEALED_SIZE_FLOOR = 1024
# What a points ballot's entry may hold when the budget sets no total (the ballot form's own limit).
POINTS_WITHOUT_TOTAL = 999_999


def padded_size(budget: VoteBudget, offered: Sequence[Proposal]) -> int:
    """The size in bytes every sealed ballot of the budget is padded to, so that a sealed ballot's length
    says nothing of its choices (docs/ballot-secrecy.md): the longest ballot the budget allows (the most
    choices, of the longest ids, each with the most points) rounded up to a power of two, at least
    SEALED_SIZE_FLOOR. It changes only if the candidates or the choice limit change during the vote so
    much that the longest ballot crosses a power of two."""
    ids = sorted((p.id for p in offered), key=lambda pid: len(str(pid)), reverse=True)
    if budget.max_choices is not None:
        ids = ids[: budget.max_choices]
    longest: Choices = ids
    if budget.ballot_type == BallotType.POINTS.value:
        most = budget.points_total or POINTS_WITHOUT_TOTAL
        longest = [[pid, most] for pid in ids]
    length = len(json.dumps(_content(longest, "0" * 64), sort_keys=True, separators=(",", ":")))
    return max(SEALED_SIZE_FLOOR, 1 << (length - 1).bit_length())


def _content(choices: Choices, receipt_hash: str) -> dict[str, Any]:
    return {"choices": choices, "receipt_hash": receipt_hash}


def seal_ballot(budget: VoteBudget, choices: Choices, receipt: str, offered: Sequence[Proposal]) -> str:
    """The sealed payload of a ballot with this receipt: encrypted and padded to the budget's size."""
    return secrecy.seal(_content(choices, secrecy.receipt_hash(receipt)), padded_size(budget, offered))


@dataclass(frozen=True)
class Receipt:
    budget_id: int
    code: str  # shown to the voter once, never stored

    @property
    def shown(self) -> str:
        return secrecy.shown_code(self.code)


def _refuse_unless(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def cast_ballot(
    actor: User,
    budget: VoteBudget,
    choices: Iterable[Any],
    on: date,
    *,
    registration: VoterRegistration | None = None,
) -> Receipt:
    """Cast or change the voter's ballot on one budget; the last one cast counts. Who may cast is asked
    under the locks (put_in_box), where a paper check-in or a close that came first is seen.
    `registration`: the voter's, when the caller has just read it (it names the lock on the person, so it
    is read before that lock in any case)."""
    process = budget.process
    registration = registration or registration_of(actor, process)
    # A paper check-in of the same person takes turns with this cast: one of them sees the other.
    person = (
        [Turn("census entry", registration.census_entry_id)]
        if registration and registration.census_entry_id
        else []
    )
    roll = VoterRoll(user_id=actor.id, district_id=registration.district_id if registration else None)
    return put_in_box(
        budget,
        _voter(actor),
        choices,
        roll,
        refusal=lambda settings: ballot_refusal(settings, actor, process, registration, on, budget),
        first=person,
    )


def _while_the_box_is_open(budget: VoteBudget, turns: Sequence[Turn]) -> tuple[VoteSettings, list[Proposal]]:
    """Casts share a lock that closing the vote and changing a budget take alone: a close waits for the
    casts under way, so their ballots are in the box it opens; a cast that waited for a close finds the
    vote closed, and one that waited for a budget change is checked against the budget as it is now.
    `turns`: the cast's other locks, in the order every cast takes them. The settings and the budget's
    candidates, as they are under the locks."""
    take_turns_in_order(*turns)
    settings = db.session.execute(
        select(VoteSettings)
        .where(VoteSettings.process_id == budget.process_id)
        .execution_options(populate_existing=True)  # as committed before the lock was ours
    ).scalar_one_or_none()
    if settings is None or settings.closed_at is not None:
        raise PermissionDenied(_("The vote has closed."))
    db.session.refresh(budget)
    return settings, _candidates_again(budget)


def put_in_box(
    budget: VoteBudget,
    voter: str,
    choices: Iterable[Any],
    roll: VoterRoll,
    refusal: Callable[[VoteSettings], str | None] | None = None,
    first: Sequence[Turn] = (),
) -> Receipt:
    """Write the voter_roll row (once) and replace the voter's sealed ballot. `voter` is "user:<id>" or
    "code:<id>"; `refusal` says why the voter may not cast under the settings read under the locks (None:
    they may); `first`: a lock on the person to take before the others. A voting code's second roll row
    is a Conflict."""
    tag = secrecy.owner_tag(budget.id, voter)
    # Two submissions by one voter at once take turns, so the second replaces the first instead of
    # both finding no sealed ballot; the unique owner tag stops a second counted ballot regardless.
    box = Turn("ballot box", int(tag[:7], 16))
    settings, offered = _while_the_box_is_open(
        budget, [*first, Turn(VOTE_CLOSE, budget.process_id, True), box]
    )
    if refusal is not None:
        _refuse_unless(refusal(settings))
    canonical = check_choices(budget, choices, offered)
    first_cast = insert_new(
        VoterRoll,
        budget_id=budget.id,
        user_id=roll.user_id,
        voting_code_id=roll.voting_code_id,
        district_id=roll.district_id,
    )
    if not first_cast and roll.voting_code_id is not None:
        raise Conflict(_("This voting code has already been used."))
    receipt = secrecy.new_code(secrecy.RECEIPT_LENGTH)
    payload = seal_ballot(budget, canonical, receipt, offered)
    # The roll row and the sealed ballot are written together, so a voter new to the roll has none yet.
    sealed = None if first_cast else _sealed(budget.id, tag)
    if sealed is None:
        sealed = SealedBallot(budget_id=budget.id, owner_tag=tag)
        db.session.add(sealed)
    sealed.tracker = secrecy.tracker(receipt)
    sealed.payload = payload
    db.session.flush()
    if first_cast:
        _blur_the_pairing(budget.id, sealed.id)
    return Receipt(budget_id=budget.id, code=receipt)


# How many other sealed ballots a first cast rewrites beside its own.
DECOYS = 8


def _blur_the_pairing(budget_id: int, own_id: int) -> None:
    """On PostgreSQL a first cast's roll row and sealed row carry the same transaction id (`xmin`) and land
    near each other on disk, and one transaction is what keeps them consistent. Rewriting a few other sealed
    ballots of the budget (unchanged) in that transaction gives them the same `xmin` and place, so a copy of
    the database pairs the voter with one of DECOYS + 1 sealed rows rather than one. Rows another cast holds
    are skipped, never waited for, so casts cannot deadlock on each other's ballots."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps no transaction id in a row, and rows sit in the order of their random ids
    pivot = secrets.randbits(63)
    others = (SealedBallot.budget_id == budget_id) & (SealedBallot.id != own_id)
    rewritten = 0
    for side in (SealedBallot.id >= pivot, SealedBallot.id < pivot):
        chosen = (
            select(SealedBallot.id)
            .where(others, side)
            .order_by(SealedBallot.id)
            .limit(DECOYS - rewritten)
            .with_for_update(skip_locked=True)
        )
        rewritten += len(
            db.session.execute(
                update(SealedBallot)
                .where(SealedBallot.id.in_(chosen))
                .values(payload=SealedBallot.payload)
                .returning(SealedBallot.id)
                .execution_options(synchronize_session=False)
            ).all()
        )
        if rewritten == DECOYS:
            break


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    sealed: bool  # True while the vote is open: the ballot is in the sealed box
    budget: VoteBudget | None = None
    choices: Choices | None = None


def check_receipt(process: Process, receipt: str) -> ReceiptCheck:
    """Anyone holding a receipt can see the ballot it belongs to: sealed while the vote is open, among
    the published ballots after the close. A replaced ballot's receipt is no longer found."""
    budgets = {b.id: b for b in budgets_of(process)}
    if not budgets or not secrecy.normalise_code(receipt):
        return ReceiptCheck(found=False, sealed=False)
    ballot = db.session.execute(
        select(Ballot).where(
            Ballot.receipt_hash == secrecy.receipt_hash(receipt), Ballot.budget_id.in_(budgets)
        )
    ).scalar_one_or_none()
    if ballot is not None:
        return ReceiptCheck(True, False, budgets[ballot.budget_id], json.loads(ballot.choices))
    sealed = db.session.execute(
        select(SealedBallot).where(
            SealedBallot.tracker == secrecy.tracker(receipt), SealedBallot.budget_id.in_(budgets)
        )
    ).scalar_one_or_none()
    if sealed is not None:
        return ReceiptCheck(True, True, budgets[sealed.budget_id], secrecy.unseal(sealed.payload)["choices"])
    return ReceiptCheck(found=False, sealed=False)


def close_vote(actor: User | None, process: Process, *, scheduled: bool = False) -> int:
    """Close the vote (early, or after its phase) and open the sealed box into `ballots`. Returns the
    number of ballots. Refused when already closed. `scheduled`: the nightly command closes a vote whose
    phase has ended, with no person acting."""
    if not scheduled:
        _refuse_unless(
            None if policy.can_manage_vote(actor, process) else _("Only council staff can close a vote.")
        )
    settings = settings_of(process)
    if settings is None:
        raise ValidationFailed(_("This process has no vote."))
    between_casts(process.id)
    db.session.refresh(settings)
    if settings.closed_at is not None:
        raise Conflict(_("The vote is already closed."))
    settings.closed_at = utcnow()
    opened = open_ballot_box(process)
    record_on_process(
        "vote.closed",
        actor=actor,
        process_id=process.id,
        data={"ballots": opened, "scheduled": scheduled},
    )
    return opened


def votes_past_their_phase(on: date) -> list[Process]:
    """Open votes whose voting phase ended before `on`: no ballot is accepted any more, and the sealed
    box waits to be opened."""
    rows = db.session.execute(
        select(Process)
        .join(VoteSettings, VoteSettings.process_id == Process.id)
        .where(VoteSettings.closed_at.is_(None))
    ).scalars()
    return [p for p in rows if (w := p.window(Phase.VOTING)) is not None and w.ends_on < on]


def open_ballot_box(process: Process) -> int:
    """Move every sealed ballot into `ballots` in one transaction, in a random order and with random keys,
    then empty the box: the published ballots share no order, key or time with the voter roll."""
    budget_ids = [b.id for b in budgets_of(process)]
    sealed = list(
        db.session.execute(select(SealedBallot).where(SealedBallot.budget_id.in_(budget_ids))).scalars()
    )
    opened = [(s.budget_id, secrecy.unseal(s.payload)) for s in sealed]
    random.SystemRandom().shuffle(opened)
    db.session.execute(delete(SealedBallot).where(SealedBallot.budget_id.in_(budget_ids)))
    db.session.add_all(
        Ballot(
            id=secrets.token_hex(16),
            budget_id=budget_id,
            receipt_hash=content["receipt_hash"],
            choices=json.dumps(content["choices"], separators=(",", ":")),
        )
        for budget_id, content in opened
    )
    db.session.flush()
    return len(opened)


def turnout(budget: VoteBudget) -> int:
    return db.session.execute(
        select(func.count()).select_from(VoterRoll).where(VoterRoll.budget_id == budget.id)
    ).scalar_one()


def ballots_of(budget: VoteBudget) -> list[Choices]:
    """The anonymous ballots of a closed vote, in the table's (shuffled, key) order."""
    rows = db.session.execute(
        select(Ballot.choices).where(Ballot.budget_id == budget.id).order_by(Ballot.id)
    ).scalars()
    return [json.loads(row) for row in rows]

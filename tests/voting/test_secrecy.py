"""Ballot secrecy and integrity (docs/ballot-secrecy.md): the published ballots cannot be paired with the
voter roll through columns, keys, physical order, transaction ids or the audit log; one voter never has
two counted ballots, even under parallel submissions; a failed submission leaves the old ballot."""

from __future__ import annotations

import base64
import itertools
import json
import random
from collections import defaultdict

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import OperationalError

from participate.audit.models import AuditEntry
from participate.core.clock import today
from participate.extensions import db
from participate.voting import secrecy, services
from participate.voting.models import Ballot, SealedBallot, VoterRoll
from tests.concurrency import DONE, as_request, at_once, races
from tests.conftest import ON_POSTGRES
from tests.factories import make_process, make_proposal, make_user, make_vote, register_voter

VOTERS = 40


@pytest.fixture
def vote(app):
    process = make_process(days_in=21)
    proposals = [make_proposal(process, status="feasible", cost_minor=100_000_00) for _ in range(4)]
    (budget,) = make_vote(process)
    return process, budget, [p.id for p in proposals]


def _kendall_tau(order: list[int]) -> float:
    pairs = list(itertools.combinations(range(len(order)), 2))
    agree = sum(1 if order[i] < order[j] else -1 for i, j in pairs)
    return agree / len(pairs)


def test_published_ballots_hold_nothing_that_pairs_them_with_the_roll(vote):
    process, budget, ids = vote
    staff = make_user("staff")
    # 40 distinct ballots (ranked sequences of 1 to 4 of the 4 proposals), cast in a known order; ten
    # voters change theirs later, as real voters do.
    contents = [list(seq) for k in range(1, 5) for seq in itertools.permutations(ids, k)][:VOTERS]
    voters = [make_user() for _ in range(VOTERS)]
    for voter in voters:
        register_voter(voter, process)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for voter in voters[:10]:
        services.cast_ballot(voter, budget, [ids[3]], today())
        db.session.commit()
    for voter, choices in zip(voters, contents, strict=True):
        services.cast_ballot(voter, budget, choices, today())
        db.session.commit()
    # Casting writes nothing to the audit log, which would date each voter's action.
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before

    services.close_vote(staff, process)
    db.session.commit()

    columns = {c["name"] for c in inspect(db.engine).get_columns("ballots")}
    assert columns == {"id", "budget_id", "receipt_hash", "choices"}  # no person, no time
    assert {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("ballots")} == {"vote_budget"}
    roll_columns = {c["name"] for c in inspect(db.engine).get_columns("voter_roll")}
    assert roll_columns == {"id", "budget_id", "user_id", "voting_code_id", "district_id"}  # no time

    cast_position = {json.dumps(c): n for n, c in enumerate(contents)}
    orders = {"key": select(Ballot.choices).order_by(Ballot.id)}
    if ON_POSTGRES:
        orders["physical"] = text("SELECT choices FROM ballots ORDER BY ctid")
        orders["transaction"] = text("SELECT choices FROM ballots ORDER BY xmin::text::bigint, ctid")
    else:
        with pytest.raises(OperationalError):  # WITHOUT ROWID: there is no hidden row number
            db.session.execute(text("SELECT rowid FROM ballots")).all()
        db.session.rollback()
        orders["physical"] = text("SELECT choices FROM ballots")
    for name, stmt in orders.items():
        published = [json.dumps(json.loads(c)) for c in db.session.execute(stmt).scalars()]
        order = [cast_position[c] for c in published]
        assert sorted(order) == list(range(VOTERS))
        # A random order: far from the order of casting, either way round (|tau| > 0.6 by chance
        # has a probability below one in a million for 40 ballots).
        assert abs(_kendall_tau(order)) < 0.6, name
    if ON_POSTGRES:
        ballot_xids = set(db.session.execute(text("SELECT DISTINCT xmin::text FROM ballots")).scalars())
        roll_xids = set(db.session.execute(text("SELECT xmin::text FROM voter_roll")).scalars())
        assert len(ballot_xids) == 1 and not ballot_xids & roll_xids  # all written by the close, at once
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0


def _consistent_ballots(sealed_length: dict[int, int], published: list[str]) -> dict[int, int]:
    """The attack on a copy taken during the vote: each voter's sealed ballot (paired with the voter) has a
    length, and a sealed ballot's length grows with its plaintext's, which is the published `choices` plus
    fixed-length fields. So the voters sorted by sealed length and the published ballots sorted by length
    of `choices` line up: a voter can hold only the ballots whose rank range among the published meets the
    rank range of the voter's length among the sealed. Returns, per voter, how many published ballots
    remain possible: the voter's anonymity set."""
    n = len(published)
    assert len(sealed_length) == n

    def rank_ranges(lengths: list[int]) -> list[tuple[int, int]]:
        ordered = sorted(lengths)
        return [(ordered.index(x), n - ordered[::-1].index(x)) for x in lengths]

    voters = list(sealed_length)
    voter_range = dict(zip(voters, rank_ranges([sealed_length[v] for v in voters]), strict=True))
    ballot_ranges = rank_ranges([len(c) for c in published])
    return {
        voter: sum(1 for b_lo, b_hi in ballot_ranges if b_lo < hi and lo < b_hi)
        for voter, (lo, hi) in voter_range.items()
    }


def test_a_copy_taken_during_the_vote_narrows_no_voter_down_beyond_the_published_ballots(app):
    """Issue 17: a copy of the database taken while the vote was open, paired roll and sealed rows by id
    (and xmin on PostgreSQL), then matched each sealed ballot's length to the published ballots' choices:
    5 of 58 demo voters were named. From such a copy plus the published ballots, no voter's anonymity
    set may be smaller than the published ballots alone give: every ballot of the voter's budget."""
    process = make_process(days_in=21)
    # twelve proposals: one- and two-digit ids, as ids of other widths leaked more
    ids = [make_proposal(process, status="feasible", cost_minor=10_000_00).id for _ in range(12)]
    ranked, points = make_vote(
        process,
        budgets=[
            {"name": "Ranked", "budget_minor": 500_000_00},
            {"name": "Points", "budget_minor": 500_000_00, "ballot_type": "points", "points_total": 100},
        ],
    )
    rng = random.Random(17)
    voters = [make_user() for _ in range(30)]
    for voter in voters:
        register_voter(voter, process)

    def ballot_for(budget):
        chosen = rng.sample(ids, rng.randint(1, 6))
        if budget is ranked:
            return chosen
        return [[pid, rng.randint(1, 100 // len(chosen))] for pid in chosen]

    cast_order = []
    for voter in voters:
        for budget in (ranked, points):
            services.cast_ballot(voter, budget, ballot_for(budget), today())
        db.session.commit()
        cast_order.append(voter.id)
    for voter in rng.sample(voters, 8):  # some change their minds
        services.cast_ballot(voter, ranked, ballot_for(ranked), today())
        db.session.commit()

    # The copy, taken while the vote is open.
    extra = ", xmin::text AS xmin" if ON_POSTGRES else ", rowid AS xmin"
    roll = db.session.execute(text(f"SELECT id, budget_id, user_id{extra} FROM voter_roll")).all()
    sealed = db.session.execute(
        text(f"SELECT id, budget_id, owner_tag, payload{extra} FROM sealed_ballot")
    ).all()
    if not ON_POSTGRES:  # the id is the rowid itself: no hidden row number follows the order of writing
        assert all(row.id == row.xmin for row in roll + sealed)
    # Ids carry no order: neither table's id order follows the order of casting.
    position = {user_id: n for n, user_id in enumerate(cast_order)}
    for budget in (ranked, points):
        by_id = sorted((row for row in roll if row.budget_id == budget.id), key=lambda row: row.id)
        assert abs(_kendall_tau([position[row.user_id] for row in by_id])) < 0.6
    owner = {secrecy.owner_tag(b.id, f"user:{v.id}"): v.id for v in voters for b in (ranked, points)}
    for budget in (ranked, points):
        by_id = sorted((row for row in sealed if row.budget_id == budget.id), key=lambda row: row.id)
        assert abs(_kendall_tau([position[owner[row.owner_tag]] for row in by_id])) < 0.6

    services.close_vote(make_user("staff"), process)
    db.session.commit()
    published = defaultdict(list)
    for budget_id, choices in db.session.execute(select(Ballot.budget_id, Ballot.choices)):
        published[budget_id].append(choices)

    for budget in (ranked, points):
        rolls = sorted((row for row in roll if row.budget_id == budget.id), key=lambda row: row.id)
        boxes = sorted((row for row in sealed if row.budget_id == budget.id), key=lambda row: row.id)
        pairings = {
            # the Nth roll row with the Nth sealed row, as serial ids allowed
            "id order": {r.user_id: len(s.payload) for r, s in zip(rolls, boxes, strict=True)},
            # the true pairing, which the copy holder may get from xmin on PostgreSQL (one transaction
            # writes a first cast's roll row and sealed row): the strongest attacker
            "true": {owner[s.owner_tag]: len(s.payload) for s in boxes},
        }
        if ON_POSTGRES:
            # xmin pairs the voters who have not changed their ballot; the rest get the rows left, by id
            by_xmin = {s.xmin: s for s in boxes}
            paired = {r.user_id: by_xmin[r.xmin] for r in rolls if r.xmin in by_xmin}
            unpaired = [r.user_id for r in rolls if r.user_id not in paired]
            left = [s for s in boxes if s not in paired.values()]
            paired.update(zip(unpaired, left, strict=True))
            pairings["xmin"] = {user_id: len(s.payload) for user_id, s in paired.items()}
        everyone = len(published[budget.id])
        assert everyone == len(voters)
        for name, pairing in pairings.items():
            sets = _consistent_ballots(pairing, published[budget.id])
            assert min(sets.values()) == everyone, (budget.name, name, sorted(sets.values()))
        # one size per budget: nothing else to match on
        assert len({len(s.payload) for s in boxes}) == 1


def test_the_sealed_box_is_unreadable_without_the_server_key(vote, app):
    process, budget, ids = vote
    voter = make_user()
    register_voter(voter, process)
    receipt = services.cast_ballot(voter, budget, [ids[1], ids[0]], today())
    db.session.commit()
    sealed = db.session.execute(select(SealedBallot)).scalar_one()
    raw = base64.b64decode(sealed.payload)
    assert b"choices" not in raw and receipt.code.encode() not in raw
    assert sealed.tracker != secrecy.receipt_hash(receipt.code)  # nothing shared with the published hash
    app.config["BALLOT_SECRET_KEY"] = "another server"
    with pytest.raises(secrecy.BrokenSeal):
        secrecy.unseal(sealed.payload)


def test_a_submission_that_fails_midway_leaves_the_old_ballot(vote, monkeypatch):
    process, budget, ids = vote
    voter = make_user()
    register_voter(voter, process)
    services.cast_ballot(voter, budget, [ids[0]], today())
    db.session.commit()

    def crash(*_args):
        raise RuntimeError("the server died here")

    monkeypatch.setattr(secrecy, "seal", crash)
    with pytest.raises(RuntimeError):
        services.cast_ballot(voter, budget, [ids[2]], today())
    db.session.rollback()
    assert services.current_choices(voter, budget) == [ids[0]]
    newcomer = make_user()
    register_voter(newcomer, process)
    with pytest.raises(RuntimeError):
        services.cast_ballot(newcomer, budget, [ids[2]], today())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 1
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1


@races
def test_parallel_submissions_by_one_voter_leave_one_ballot(vote, app):
    process, budget, ids = vote
    voter = make_user()
    register_voter(voter, process)
    voter_id, budget_id = voter.id, budget.id
    ballots = [list(seq) for seq in itertools.permutations(ids, 2)][:8]

    def cast(choices):
        from participate.accounts.models import User
        from participate.voting.models import VoteBudget

        services.cast_ballot(
            db.session.get(User, voter_id), db.session.get(VoteBudget, budget_id), choices, today()
        )

    outcomes = at_once(app, [as_request(lambda b=b: cast(b)) for b in ballots])
    assert outcomes == [DONE] * len(ballots)
    assert db.session.scalar(select(func.count()).select_from(VoterRoll)) == 1
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1
    assert services.current_choices(voter, budget) in ballots


@races
def test_ballots_cast_while_the_vote_closes_are_counted_or_refused_never_left_sealed(vote, app):
    """A close opens the box it sees: a cast under way must either finish before it, and be opened with
    the others, or find the vote closed; a ballot left sealed after the close would be lost."""
    process, budget, ids = vote
    voters = [make_user() for _ in range(6)]
    for voter in voters:
        register_voter(voter, process)
    staff = make_user("staff")
    voter_ids, staff_id, budget_id, process_id = [v.id for v in voters], staff.id, budget.id, process.id

    def cast(voter_id: int) -> None:
        from participate.accounts.models import User
        from participate.voting.models import VoteBudget

        services.cast_ballot(db.session.get(User, voter_id), db.session.get(VoteBudget, budget_id), ids[:2],
                             today())  # fmt: skip

    def close() -> None:
        from participate.accounts.models import User
        from participate.processes.models import Process

        services.close_vote(db.session.get(User, staff_id), db.session.get(Process, process_id))

    calls = [as_request(lambda v=v: cast(v)) for v in voter_ids]
    calls.insert(3, as_request(close))
    outcomes = at_once(app, calls)
    assert outcomes[3] == DONE, outcomes
    cast_ok = [o for n, o in enumerate(outcomes) if n != 3 and o == DONE]
    assert all(o in (DONE, "The vote has closed.") for o in outcomes), outcomes
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    rolls = db.session.scalar(select(func.count()).select_from(VoterRoll))
    counted = db.session.scalar(select(func.count()).select_from(Ballot))
    assert rolls == counted == len(cast_ok), outcomes


@races
def test_a_first_ballot_and_a_budget_change_at_once_never_leave_a_ballot_the_budget_refuses(vote, app):
    """The change goes first and the ballot is checked against it, or the ballot goes first and the budget,
    now voted on, can no longer change."""
    from participate.voting import setup
    from participate.voting.models import VoteBudget

    process, budget, ids = vote
    voter, staff = make_user(), make_user("staff")
    register_voter(voter, process)
    voter_id, staff_id, budget_id = voter.id, staff.id, budget.id
    one_choice = setup.BudgetInput(name=budget.name, district_id=None, budget_minor=budget.budget_minor,
                                   ballot_type="approval", max_choices=1, sat="cost")  # fmt: skip

    def cast() -> None:
        from participate.accounts.models import User

        services.cast_ballot(
            db.session.get(User, voter_id), db.session.get(VoteBudget, budget_id), ids[:2], today()
        )

    def change() -> None:
        from participate.accounts.models import User

        setup.update_budget(db.session.get(User, staff_id), db.session.get(VoteBudget, budget_id), one_choice)

    for _ in range(3):
        outcomes = at_once(app, [as_request(cast), as_request(change)])
        assert outcomes in (
            [DONE, "People have already voted on this budget, so it can no longer change or be deleted."],
            ["Choose at most 1 proposal.", DONE],
        ), outcomes
        current = db.session.get(VoteBudget, budget_id)
        sealed = db.session.scalar(select(func.count()).select_from(SealedBallot))
        assert (current.ballot_type, sealed) in (("ranked", 1), ("approval", 0)), outcomes
        if sealed:
            return
        current.ballot_type, current.max_choices = "ranked", None  # undo the change and race again
        db.session.commit()


@pytest.mark.skipif(
    not ON_POSTGRES, reason="transaction ids in rows (xmin) are PostgreSQL's; SQLite keeps none"
)
def test_a_first_cast_shares_its_transaction_id_with_other_sealed_ballots(vote):
    """A first cast writes the roll row and the sealed row in one transaction, so a copy taken right after
    it could pair them by xmin. The cast rewrites other sealed ballots in the same transaction: the voter's
    sealed row shares its xmin with DECOYS others (or all there are), so the pairing names a group."""
    process, budget, ids = vote
    voters = [make_user() for _ in range(14)]
    owner_tags = {}
    for n, voter in enumerate(voters):
        register_voter(voter, process)
        before = {
            r.owner_tag: r.payload
            for r in db.session.execute(text("SELECT owner_tag, payload FROM sealed_ballot"))
        }
        services.cast_ballot(voter, budget, ids[: 1 + n % 4], today())
        db.session.commit()
        owner_tags[voter.id] = secrecy.owner_tag(budget.id, f"user:{voter.id}")
        # The copy, taken right after this cast.
        rows = db.session.execute(text("SELECT owner_tag, xmin::text AS xmin FROM sealed_ballot")).all()
        own_xmin = next(row.xmin for row in rows if row.owner_tag == owner_tags[voter.id])
        sharing = [row for row in rows if row.xmin == own_xmin]
        assert len(sharing) == min(services.DECOYS, n) + 1
        after = {
            r.owner_tag: r.payload
            for r in db.session.execute(text("SELECT owner_tag, payload FROM sealed_ballot"))
        }
        assert {tag: after[tag] for tag in before} == before  # the others were rewritten unchanged
    # The decoys were rewritten unchanged: every voter's ballot still counts as cast.
    services.close_vote(make_user("staff"), process)
    db.session.commit()
    published = sorted(json.loads(c) for c in db.session.scalars(select(Ballot.choices)))
    assert published == sorted(ids[: 1 + n % 4] for n in range(14))

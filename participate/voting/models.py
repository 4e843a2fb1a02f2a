"""The vote: budgets and their ballots, the voter roll, the sealed ballot box and the anonymous `ballots` table.

Secrecy rests on three tables that never point at each other (docs/ballot-secrecy.md):
- `voter_roll` says *that* a person (or a paper voting code) voted on a budget, and nothing else;
- `sealed_ballot` holds each voter's current ballot encrypted with the server's key while the vote is
  open, found again by a keyed tag so that a changed ballot replaces the old one;
- `ballots` is written only when the vote closes, all at once and in a shuffled order, from the
  sealed box (which is then emptied): no user, no time, a random key and no row id.
The roll and the sealed box are written while the vote is open, so their rows take random ids too: a
serial id would pair the Nth voter with the Nth sealed ballot in a copy of the database.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.eligibility.models import Eligibility
from participate.extensions import Model
from participate.processes.models import District, Process


class BallotType(StrEnum):
    RANKED = "ranked"
    APPROVAL = "approval"
    POINTS = "points"


BALLOT_TYPE_LABELS = {
    BallotType.RANKED: _l("Ranked: order the proposals you support"),
    BallotType.APPROVAL: _l("Approval: tick the proposals you support"),
    BallotType.POINTS: _l("Points: share out a number of points"),
}
# The pabulib vote_type each ballot becomes when it is counted and exported.
PABULIB_VOTE_TYPE = {
    BallotType.RANKED: "ordinal",
    BallotType.APPROVAL: "approval",
    BallotType.POINTS: "cumulative",
}
_BALLOT_TYPE_SQL = ", ".join(f"'{t.value}'" for t in BallotType)


class DistrictScope(StrEnum):
    """Which district budgets a resident votes on; city-wide budgets are on every ballot under
    OWN_AND_CITYWIDE and on none under OWN (unless the process has no district budgets at all)."""

    OWN = "own"
    OWN_AND_CITYWIDE = "own_and_citywide"


class VoteSettings(Model):
    """How a process votes: one row per process, created by staff on the Vote screen."""

    __tablename__ = "vote_settings"
    __table_args__ = (
        CheckConstraint("district_scope IN ('own', 'own_and_citywide')", name="known_scope"),
        CheckConstraint("eligibility IN ('census', 'account')", name="known_eligibility"),
        CheckConstraint("min_age IS NULL OR min_age BETWEEN 0 AND 120", name="sane_age"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), unique=True)
    eligibility: Mapped[str] = mapped_column(String(10), default=Eligibility.CENSUS.value)
    district_scope: Mapped[str] = mapped_column(String(20), default=DistrictScope.OWN_AND_CITYWIDE.value)
    # Residents born in a year that makes them at least this old this year may vote; None: no limit.
    min_age: Mapped[int | None] = mapped_column(SmallInteger)
    # Set when staff close the vote (early or after its phase); the sealed box is opened then.
    closed_at: Mapped[datetime | None]

    process: Mapped[Process] = relationship()


class VoteBudget(Model):
    """One budget residents vote on: city-wide (no district) or a district's."""

    __tablename__ = "vote_budget"
    __table_args__ = (
        UniqueConstraint("process_id", "name"),
        CheckConstraint("budget_minor > 0", name="budget_positive"),
        CheckConstraint(f"ballot_type IN ({_BALLOT_TYPE_SQL})", name="known_ballot_type"),
        CheckConstraint("min_choices >= 0", name="min_not_negative"),
        CheckConstraint("max_choices IS NULL OR max_choices >= min_choices", name="max_at_least_min"),
        CheckConstraint("points_total IS NULL OR points_total > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    ballot_type: Mapped[str] = mapped_column(String(10), default=BallotType.RANKED.value)
    min_choices: Mapped[int] = mapped_column(default=1)
    max_choices: Mapped[int | None]
    # Knapsack-style ballots: the proposals on one ballot may cost at most the budget in all.
    spending_cap: Mapped[bool] = mapped_column(default=False)
    # Points ballots: how many points each voter shares out.
    points_total: Mapped[int | None]
    # Names of ../shared/docs/counting.md.
    rule: Mapped[str] = mapped_column(String(20), default="mes")
    sat: Mapped[str | None] = mapped_column(String(20), default="cost-points")
    completion: Mapped[str] = mapped_column(String(10), default="add1u")

    process: Mapped[Process] = relationship()
    district: Mapped[District | None] = relationship(lazy="joined")

    @property
    def vote_type(self) -> str:
        return PABULIB_VOTE_TYPE[BallotType(self.ballot_type)]


def random_row_id() -> int:
    """A row id that says nothing of when the row was written: 63 random bits (a collision among a
    million rows has odds of about one in 10^7)."""
    return secrets.randbelow(2**63 - 1) + 1


def _random_id_column() -> Mapped[int]:
    # INTEGER on SQLite, so that the id is the table's rowid: any other type would leave SQLite a hidden
    # rowid that counts up in the order rows were written.
    return mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=False,
        default=random_row_id,
    )


class VoterRoll(Model):
    """That someone voted on a budget: a person or a paper voting code, once per budget (constraints).
    No time, no pointer to the ballot, and a random id."""

    __tablename__ = "voter_roll"
    __table_args__ = (
        UniqueConstraint("budget_id", "user_id"),
        UniqueConstraint("budget_id", "voting_code_id"),
        CheckConstraint("(user_id IS NULL) <> (voting_code_id IS NULL)", name="person_or_code"),
    )

    id: Mapped[int] = _random_id_column()
    budget_id: Mapped[int] = mapped_column(ForeignKey("vote_budget.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    voting_code_id: Mapped[int | None] = mapped_column(ForeignKey("voting_code.id", ondelete="CASCADE"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))


class SealedBallot(Model):
    """A voter's current ballot while the vote is open, encrypted (AES-GCM) under the server's ballot-box
    key. `owner_tag` = HMAC(key, budget and voter) finds it again to replace it, and is unique per budget:
    one counted ballot per voter. `tracker` = HMAC(key, receipt) answers the receipt check before the
    close. `payload` is padded to one size per budget (voting.services.padded_size), so its length says
    nothing of the choices; the id is random. Emptied when the vote closes."""

    __tablename__ = "sealed_ballot"
    __table_args__ = (UniqueConstraint("budget_id", "owner_tag"), UniqueConstraint("tracker"))

    id: Mapped[int] = _random_id_column()
    budget_id: Mapped[int] = mapped_column(ForeignKey("vote_budget.id", ondelete="CASCADE"), index=True)
    owner_tag: Mapped[str] = mapped_column(String(64))
    tracker: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)


class Ballot(Model):
    """An anonymous ballot, as counted and published. Written only at the close, in a shuffled order, with
    a random key; SQLite stores it WITHOUT ROWID so no hidden row number follows the writing order."""

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("receipt_hash"),
        Index("ix_ballots_budget", "budget_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("vote_budget.id", ondelete="CASCADE"))
    # SHA-256 of the receipt code the voter was given: the public receipt check finds the ballot by it.
    receipt_hash: Mapped[str] = mapped_column(String(64))
    # Canonical JSON: ranked and approval ballots a list of proposal ids (most preferred first for ranked);
    # points ballots a list of [proposal id, points] pairs.
    choices: Mapped[str] = mapped_column(Text)

"""Who may vote: the council's census, residents' registrations against it (or their declared district),
the queue of conflicting claims, the poll book of paper voting, and the paper voting codes.

Identity numbers and voting codes never reach the database: only their keyed hashes
(eligibility.secrecy). The voter roll (voting.models.VoterRoll) points at a voting code, never the reverse.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.core.clock import utcnow
from participate.extensions import Model
from participate.processes.models import District


class Eligibility(StrEnum):
    CENSUS = "census"  # verified once against the council's census import
    ACCOUNT = "account"  # any confirmed account, district declared by the resident


class CensusEntry(Model):
    """One person of the council's census, as imported by staff. The identity number is never stored:
    only its HMAC-SHA-256 under the server's census key (eligibility.secrecy.census_hash)."""

    __tablename__ = "census_entry"
    __table_args__ = (UniqueConstraint("process_id", "identity_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    identity_hash: Mapped[str] = mapped_column(String(64))
    birth_year: Mapped[int] = mapped_column(SmallInteger)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))

    district: Mapped[District | None] = relationship(lazy="joined")


class VoterRegistration(Model):
    """A person's eligibility in one process: one per person per process and, for census eligibility,
    one account per census entry. Both are constraints."""

    __tablename__ = "voter_registration"
    __table_args__ = (UniqueConstraint("process_id", "user_id"), UniqueConstraint("census_entry_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    census_entry_id: Mapped[int | None] = mapped_column(ForeignKey("census_entry.id", ondelete="CASCADE"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district: Mapped[District | None] = relationship(lazy="joined")


class ConflictStatus(StrEnum):
    OPEN = "open"
    TRANSFERRED = "transferred"  # staff moved the census entry to the new account
    DISMISSED = "dismissed"


class VerificationConflict(Model):
    """A resident matched a census entry another account already holds: staff decide."""

    __tablename__ = "verification_conflict"
    __table_args__ = (
        UniqueConstraint("census_entry_id", "user_id"),
        CheckConstraint("status IN ('open', 'transferred', 'dismissed')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    census_entry_id: Mapped[int] = mapped_column(ForeignKey("census_entry.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=ConflictStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    census_entry: Mapped[CensusEntry] = relationship()


class CensusCheckIn(Model):
    """The poll book of paper voting: staff checked this census entry's person in before handing them a
    voting code from the pile. Once per entry (a constraint). No time and no link to a code or a ballot,
    so the codes stay anonymous."""

    __tablename__ = "census_check_in"
    __table_args__ = (UniqueConstraint("census_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    census_entry_id: Mapped[int] = mapped_column(ForeignKey("census_entry.id", ondelete="CASCADE"))


class VotingCode(Model):
    """A one-time code for paper or in-person voting. Only its keyed hash is kept; the code itself is on
    the printed sheet. Entering its paper ballot spends it (`spent`, set by an update only one request can
    win, since a ballot may leave budgets blank) and writes a voter_roll row per budget voted on (unique per
    budget and code). No time is kept."""

    __tablename__ = "voting_code"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))
    code_hash: Mapped[str] = mapped_column(String(64))
    batch: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    spent: Mapped[bool] = mapped_column(default=False, server_default=false())

    district: Mapped[District | None] = relationship(lazy="joined")

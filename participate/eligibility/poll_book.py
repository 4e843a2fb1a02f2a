"""The poll book of paper voting in a census process: before handing a resident a voting code from the
pile, staff check them in against the census. A person is checked in once (a constraint), and never if their
account has voted online; once checked in, they cannot vote online (voting.policy.ballot_refusal).
A check-in and an online cast of the same person take turns, so they cannot both succeed.

The codes stay anonymous: a check-in has no time and no link to a code or a ballot. Its audit entry says who
checked which census entry in, and when, since a check-in stops that person voting online; it names no code,
and entering a paper ballot writes no audit entry, as casting writes none (docs/ballot-secrecy.md)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.locks import take_turns
from participate.core.unique import add_unique
from participate.eligibility import policy
from participate.eligibility.models import CensusCheckIn
from participate.eligibility.services import (
    census_entry_of,
    census_kept,
    checked_in,
    has_voted_in,
    holder_registration,
    kiosk_refusal,
    terms_of,
)
from participate.extensions import db
from participate.processes.models import Process

CHECKED_IN = "vote.checked_in"


def uses_poll_book(process: Process) -> bool:
    return policy.checks_census(terms_of(process))


def checked_in_count(process: Process) -> int:
    query = select(func.count()).select_from(CensusCheckIn).where(CensusCheckIn.process_id == process.id)
    return db.session.scalar(query) or 0


def _already_checked_in() -> Conflict:
    return Conflict(_("This resident has already been checked in to vote on paper."))


def check_in(actor: User, process: Process, identity: str, birth_year: int, on: date) -> CensusCheckIn:
    """Check the person with this identity number and birth year in to vote on paper."""
    refusal = kiosk_refusal(actor, process, on)
    if refusal:
        raise PermissionDenied(refusal)
    if not uses_poll_book(process):
        raise ValidationFailed(_("This process does not check the census: hand out voting codes directly."))
    census_kept(process)
    entry = census_entry_of(process, identity, birth_year)
    take_turns("census entry", entry.id)
    if checked_in(entry.id):
        raise _already_checked_in()
    holder = holder_registration(entry.id)
    if holder is not None and has_voted_in(holder.user_id, process):
        raise Conflict(
            _(
                "This resident has already voted online. They cannot also vote on paper, but they can change "
                "their online ballot from their account until the vote closes."
            )
        )
    row = CensusCheckIn(process_id=process.id, census_entry_id=entry.id)
    if not add_unique(row):  # checked in a moment ago at another kiosk
        raise _already_checked_in()
    record_on_process(CHECKED_IN, actor=actor, process_id=process.id, data={"census_entry": entry.id})
    return row

"""Who may vote: the census staff import, residents' verification against it (or the district they
declare), the queue of conflicting claims, and the kiosk where paper voting codes are spent.

Identity numbers never reach the database: only their keyed hash (secrecy.census_hash). One account per
census entry and one registration per person per process are constraints of voter_registration, so two
verifications at once cannot both win."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.audit.services import record_on_process
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from participate.core.locks import take_turns
from participate.core.numbers import whole_number
from participate.core.unique import add_unique
from participate.extensions import db
from participate.processes.models import Process
from participate.processes.services import count_by_district
from participate.voting import policy, secrecy
from participate.voting.models import (
    CensusCheckIn,
    CensusEntry,
    ConflictStatus,
    Eligibility,
    VerificationConflict,
    VoteBudget,
    VoterRegistration,
    VoterRoll,
    VoteSettings,
    VotingCode,
)
from participate.voting.services import (
    Choices,
    Receipt,
    budgets_for_district,
    budgets_of,
    check_choices,
    put_in_box,
    registration_of,
    settings_of,
)

CENSUS_COLUMNS = ("identity_number", "birth_year", "district")
MAX_CENSUS_ROWS = 500_000
MAX_LISTED_ERRORS = 20


def _require_manager(actor: User, process: Process) -> None:
    if not policy.can_manage_vote(actor, process):
        raise PermissionDenied(_("Only council staff can manage who may vote."))


def _open_settings(process: Process) -> VoteSettings:
    settings = settings_of(process)
    if settings is None:
        raise ValidationFailed(_("Set up the vote first."))
    if settings.closed_at is not None:
        raise Conflict(_("The vote has closed."))
    return settings


# The census


@dataclass(frozen=True)
class CensusReport:
    added: int
    removed: int


CENSUS_TURNS = "census"  # a replacement of the census takes it alone; verifications and check-ins share it


def census_kept(process: Process) -> None:
    """The census is not replaced until the transaction ends (a verification or a check-in reads it): any
    number of these hold it at once, and a replacement waits for them all."""
    take_turns(CENSUS_TURNS, process.id, shared=True)


def census_in_use(process: Process) -> bool:
    """Whether residents have verified against the census or been checked in from it: replacing it would
    take away their registration or the poll book's record of them."""
    return bool(census_registrations(process)) or (
        db.session.execute(select(CensusCheckIn.id).where(CensusCheckIn.process_id == process.id)).first()
        is not None
    )


def census_registrations(process: Process) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(VoterRegistration)
            .where(VoterRegistration.process_id == process.id, VoterRegistration.census_entry_id.is_not(None))
        )
        or 0
    )


def _line_errors(errors: list[tuple[int, str]]) -> ValidationFailed:
    shown = "; ".join(
        _("line %(line)d: %(problem)s", line=line, problem=problem)
        for line, problem in errors[:MAX_LISTED_ERRORS]
    )
    more = len(errors) - MAX_LISTED_ERRORS
    if more > 0:
        shown += " " + _("(and %(more)d more problems)", more=more)
    return ValidationFailed(
        _("Nothing was imported. Fix these lines and upload the file again: %(errors)s", errors=shown)
    )


CensusRow = tuple[int, str, int, int | None]  # line number, identity hash, birth year, district id


def _parse_census(process: Process, raw: bytes, this_year: int) -> list[CensusRow]:
    """(line number, identity hash, birth year, district id) per line, or ValidationFailed naming every bad line."""
    reader, where = _census_reader(raw)
    districts = {d.name.strip().casefold(): d.id for d in process.districts}
    rows: list[CensusRow] = []
    errors: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_CENSUS_ROWS:
                raise ValidationFailed(_("The file has more than %(most)d lines.", most=MAX_CENSUS_ROWS))
            row = _census_row(reader.line_num, cells, where, districts, this_year)
            if isinstance(row, str):
                errors.append((reader.line_num, row))
            elif row[1] in first_line:
                other = first_line[row[1]]
                errors.append((row[0], _("the same identity number as line %(other)d", other=other)))
            else:
                first_line[row[1]] = row[0]
                rows.append(row)
    except csv.Error as exc:
        errors.append((reader.line_num, _("it cannot be read as CSV (%(error)s)", error=str(exc))))
    if errors:
        raise _line_errors(errors)
    if not rows:
        raise ValidationFailed(_("The file has no census lines under its header."))
    return rows


def _census_reader(raw: bytes) -> tuple[Any, dict[str, int]]:
    """A CSV reader past the header line, and the position of each census column."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration as exc:
        raise ValidationFailed(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise ValidationFailed(_("The file is not a CSV file.")) from exc
    missing = [name for name in CENSUS_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            _(
                "The first line must name the columns identity_number, birth_year and district; missing: %(missing)s.",
                missing=", ".join(missing),
            )
        )
    return reader, {name: header.index(name) for name in CENSUS_COLUMNS} | {"width": len(header)}


def _census_row(
    line: int, cells: list[str], where: dict[str, int], districts: dict[str, int], this_year: int
) -> CensusRow | str:
    """One census line, or what is wrong with it."""
    if len(cells) < where["width"]:
        return _("it has too few columns")
    identity = secrecy.normalise_identity(cells[where["identity_number"]])
    if not identity or len(identity) > 64:
        return _("the identity number is missing or too long")
    birth_year = whole_number(cells[where["birth_year"]].strip(), largest=this_year)
    if birth_year is None or birth_year < 1880:
        return _("the birth year must be a year such as 1984")
    district_name = cells[where["district"]].strip()
    district_id = None
    if district_name:
        district_id = districts.get(district_name.casefold())
        if district_id is None:
            return _("this process has no district called “%(name)s”", name=district_name)
    return line, secrecy.census_hash(identity), birth_year, district_id


def import_census(actor: User, process: Process, raw: bytes, *, replace: bool, on: date) -> CensusReport:
    """Add the file's people to the census, or replace the census with them. Any bad line refuses the
    whole file. Replacing is refused once residents have verified against the census: their
    registrations rest on its entries."""
    _require_manager(actor, process)
    _open_settings(process)
    rows = _parse_census(process, raw, on.year)
    take_turns(CENSUS_TURNS, process.id)
    removed = 0
    if replace:
        if census_in_use(process):
            raise Conflict(
                _(
                    "Residents have already verified against this census or been checked in to vote on paper, "
                    "and replacing it would take away their registration. Add the new people to it instead."
                )
            )
        removed = (
            db.session.scalar(
                select(func.count()).select_from(CensusEntry).where(CensusEntry.process_id == process.id)
            )
            or 0
        )
        db.session.execute(delete(CensusEntry).where(CensusEntry.process_id == process.id))
    else:
        digests = [digest for _line, digest, _year, _district in rows]
        known: set[str] = set()
        for start in range(0, len(digests), 5000):
            known.update(
                db.session.execute(
                    select(CensusEntry.identity_hash).where(
                        CensusEntry.process_id == process.id,
                        CensusEntry.identity_hash.in_(digests[start : start + 5000]),
                    )
                ).scalars()
            )
        if known:
            raise _line_errors(
                [
                    (line, _("already in the census"))
                    for line, digest, _year, _district in rows
                    if digest in known
                ]
            )
    db.session.add_all(
        CensusEntry(process_id=process.id, identity_hash=digest, birth_year=year, district_id=district_id)
        for _line, digest, year, district_id in rows
    )
    db.session.flush()
    record_on_process(
        "vote.census_imported",
        actor=actor,
        process_id=process.id,
        data={"mode": "replace" if replace else "add", "added": len(rows), "removed": removed},
    )
    return CensusReport(added=len(rows), removed=removed)


@dataclass(frozen=True)
class CensusCounts:
    total: int
    by_district: list[tuple[str | None, int]]  # None: no district
    registered: int


def census_counts(process: Process) -> CensusCounts:
    by_district = count_by_district(
        CensusEntry.id, CensusEntry.district_id, CensusEntry.process_id == process.id
    )
    return CensusCounts(
        total=sum(count for _name, count in by_district),
        by_district=by_district,
        registered=census_registrations(process),
    )


# Residents' verification


@dataclass(frozen=True)
class Verification:
    registration: VoterRegistration | None  # None: the entry is claimed, a conflict waits for staff
    conflict_opened: bool = False


def verification_refusal(actor: User | None, process: Process) -> str | None:
    """Why this person cannot register in this process now, before their answers are looked at."""
    refusal = participation_refusal(actor, log_in=_("Log in to vote."))
    if refusal:
        return refusal
    settings = settings_of(process)
    if settings is None or not process.published:
        return _("This process has no vote.")
    if settings.closed_at is not None:
        return _("The vote has closed.")
    return None


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _no_match() -> ValidationFailed:
    return ValidationFailed(
        _("We found nobody with that identity number and birth year in the census. Check both and try again.")
    )


def _already_registered() -> Conflict:
    return Conflict(_("You are already registered to vote in this process."))


def census_entry_of(process: Process, identity: str, birth_year: int) -> CensusEntry:
    """The census entry with this identity number and birth year; an unknown number and a wrong year get
    the same refusal."""
    normalised = secrecy.normalise_identity(identity)
    entry = (
        db.session.execute(
            select(CensusEntry).where(
                CensusEntry.process_id == process.id,
                CensusEntry.identity_hash == secrecy.census_hash(normalised),
            )
        ).scalar_one_or_none()
        if normalised
        else None
    )
    if entry is None or entry.birth_year != birth_year:
        raise _no_match()
    return entry


def verify_census(actor: User, process: Process, identity: str, birth_year: int, on: date) -> Verification:
    """Match the resident against the census; on success they are registered with the entry's district.
    An entry another account holds opens (once) a conflict for staff instead."""
    _refuse(verification_refusal(actor, process))
    settings = settings_of(process)
    assert settings is not None
    if settings.eligibility != Eligibility.CENSUS.value:
        raise ValidationFailed(_("This process does not check the census: choose your district instead."))
    if registration_of(actor, process) is not None:
        raise _already_registered()
    census_kept(process)
    entry = census_entry_of(process, identity, birth_year)
    if settings.min_age is not None and on.year - entry.birth_year < settings.min_age:
        raise ValidationFailed(
            _(
                "Only residents who are at least %(age)d this year may vote in this process.",
                age=settings.min_age,
            )
        )
    registration = VoterRegistration(
        process_id=process.id, user_id=actor.id, census_entry_id=entry.id, district_id=entry.district_id
    )
    if add_unique(registration):
        return Verification(registration)
    if registration_of(actor, process) is not None:  # a parallel request of theirs won
        raise _already_registered()
    conflict = VerificationConflict(process_id=process.id, census_entry_id=entry.id, user_id=actor.id)
    # Asked before: the same claim is not queued twice (and a dismissed one stays dismissed).
    opened = add_unique(conflict)
    return Verification(None, conflict_opened=opened)


def register_by_account(actor: User, process: Process, district_id: int | None) -> VoterRegistration:
    """Account eligibility: any confirmed account declares its district (or none)."""
    _refuse(verification_refusal(actor, process))
    settings = settings_of(process)
    assert settings is not None
    if settings.eligibility != Eligibility.ACCOUNT.value:
        raise ValidationFailed(_("This process checks the census: give your identity number and birth year."))
    if district_id is not None and district_id not in {d.id for d in process.districts}:
        raise ValidationFailed(_("Choose one of this process's districts, or none."))
    registration = VoterRegistration(process_id=process.id, user_id=actor.id, district_id=district_id)
    if not add_unique(registration):
        raise _already_registered()
    return registration


# Conflicts


@dataclass(frozen=True)
class ConflictView:
    conflict: VerificationConflict
    newcomer: User | None
    holder: User | None
    holder_voted: bool


def has_voted_in(user_id: int, process: Process) -> bool:
    budget_ids = [b.id for b in budgets_of(process)]
    if not budget_ids:
        return False
    return (
        db.session.execute(
            select(VoterRoll.id).where(VoterRoll.user_id == user_id, VoterRoll.budget_id.in_(budget_ids))
        ).first()
        is not None
    )


def holder_registration(entry_id: int) -> VoterRegistration | None:
    """The registration that holds this census entry (at most one: a constraint)."""
    return db.session.execute(
        select(VoterRegistration).where(VoterRegistration.census_entry_id == entry_id)
    ).scalar_one_or_none()


def _still_open(process: Process) -> tuple[Any, ...]:
    return (
        VerificationConflict.process_id == process.id,
        VerificationConflict.status == ConflictStatus.OPEN.value,
    )


def open_conflict_count(process: Process) -> int:
    """How many claims wait for staff (the Vote tab's overview: one query, not a view per claim)."""
    query = select(func.count()).select_from(VerificationConflict).where(*_still_open(process))
    return db.session.scalar(query) or 0


def open_conflicts(process: Process) -> list[ConflictView]:
    conflicts = db.session.execute(
        select(VerificationConflict)
        .where(*_still_open(process))
        .order_by(VerificationConflict.created_at, VerificationConflict.id)
    ).scalars()
    views = []
    for conflict in conflicts:
        holding = holder_registration(conflict.census_entry_id)
        holder = db.session.get(User, holding.user_id) if holding else None
        views.append(
            ConflictView(
                conflict=conflict,
                newcomer=db.session.get(User, conflict.user_id),
                holder=holder,
                holder_voted=holder is not None and has_voted_in(holder.id, process),
            )
        )
    return views


def find_conflict(process: Process, conflict_id: int | None) -> VerificationConflict:
    conflict = db.session.get(VerificationConflict, conflict_id) if conflict_id else None
    if conflict is None or conflict.process_id != process.id:
        raise NotFound(_("No such conflict."))
    return conflict


def _decide(
    actor: User, conflict: VerificationConflict, status: ConflictStatus, data: dict[str, Any]
) -> None:
    conflict.status = status.value
    conflict.decided_at = utcnow()
    db.session.flush()
    record_on_process(
        f"vote.conflict_{status.value}",
        actor=actor,
        process_id=conflict.process_id,
        data={"conflict_id": conflict.id, "census_entry_id": conflict.census_entry_id, **data},
    )


def _open_conflict(actor: User, process: Process, conflict: VerificationConflict) -> None:
    _require_manager(actor, process)
    _open_settings(process)
    take_turns("census entry", conflict.census_entry_id)
    db.session.refresh(conflict)
    if conflict.status != ConflictStatus.OPEN.value:
        raise Conflict(_("This conflict has already been decided."))


def transfer_conflict(actor: User, process: Process, conflict: VerificationConflict) -> VoterRegistration:
    """Move the census entry to the account that claimed it second. Refused when the current holder has
    already voted: their ballot stands, and the entry cannot vote twice."""
    _open_conflict(actor, process, conflict)
    holding = holder_registration(conflict.census_entry_id)
    if holding is not None and has_voted_in(holding.user_id, process):
        raise Conflict(
            _(
                "The account holding this census entry has already voted, so the entry cannot move: "
                "it would let the same person vote twice. Dismiss the claim, or look into it with the resident."
            )
        )
    if registration_of(db.session.get(User, conflict.user_id), process) is not None:
        raise Conflict(_("The new account is already registered in this process in another way."))
    entry = conflict.census_entry
    previous = holding.user_id if holding else None
    if holding is not None:
        db.session.delete(holding)
        db.session.flush()
    registration = VoterRegistration(
        process_id=process.id,
        user_id=conflict.user_id,
        census_entry_id=entry.id,
        district_id=entry.district_id,
    )
    if not add_unique(registration):
        raise Conflict(_("Someone else changed this registration a moment ago: try again."))
    _decide(
        actor,
        conflict,
        ConflictStatus.TRANSFERRED,
        {"from_user_id": previous, "to_user_id": conflict.user_id},
    )
    return registration


def dismiss_conflict(actor: User, process: Process, conflict: VerificationConflict) -> VerificationConflict:
    _open_conflict(actor, process, conflict)
    _decide(actor, conflict, ConflictStatus.DISMISSED, {"user_id": conflict.user_id})
    return conflict


# The kiosk: paper voting codes spent by staff or a facilitator


def find_code(process: Process, code: str) -> VotingCode | None:
    if not secrecy.normalise_code(code):
        return None
    return db.session.execute(
        select(VotingCode).where(
            VotingCode.process_id == process.id, VotingCode.code_hash == secrecy.voting_code_hash(code)
        )
    ).scalar_one_or_none()


def _spend(code: VotingCode) -> None:
    """Mark the code spent, or Conflict if it already is: of two requests entering it at once, the
    database lets one update win (the other then finds it spent)."""
    spent = db.session.execute(
        update(VotingCode)
        .where(VotingCode.id == code.id, VotingCode.spent.is_(False))
        .values(spent=True)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise Conflict(_("This voting code has already been used."))


def kiosk_refusal(actor: User | None, process: Process, on: date) -> str | None:
    if not policy.can_run_kiosk(actor, process):
        return _("Only staff and the process's poll workers can check residents in and enter paper ballots.")
    return policy.closed_refusal(process, settings_of(process), on)


def usable_code(
    actor: User, process: Process, code_text: str, on: date
) -> tuple[VotingCode, list[VoteBudget]]:
    """The code and the budgets on its ballot, or a refusal saying why it cannot vote."""
    _refuse(kiosk_refusal(actor, process, on))
    code = find_code(process, code_text)
    if code is None:
        raise ValidationFailed(
            _("This code is not one of this process's voting codes. Check it and type it again.")
        )
    if code.spent:
        raise Conflict(_("This voting code has already been used."))
    budgets = budgets_for_district(process, code.district_id)
    if not budgets:
        raise ValidationFailed(_("There is no ballot for this code's district."))
    return code, budgets


def kiosk_cast(
    actor: User, process: Process, code_text: str, ballots: Mapping[int, Sequence[Any]], on: date
) -> list[Receipt]:
    """Cast the code's ballots in one transaction: all or none. A budget whose section the voter left blank
    is not voted on, as online; the code is spent all the same, so a paper ballot is entered once."""
    code, budgets = usable_code(actor, process, code_text, on)
    checked: list[tuple[VoteBudget, Choices]] = []
    for budget in budgets:
        if not ballots.get(budget.id):
            continue
        try:
            checked.append((budget, check_choices(budget, ballots[budget.id])))
        except ValidationFailed as error:
            raise ValidationFailed(
                _("%(budget)s: %(problem)s", budget=budget.name, problem=error.message)
            ) from error
    if not checked:
        raise ValidationFailed(
            _(
                "Every section of this paper ballot is blank: there is nothing to enter, and the code stays unused."
            )
        )
    _spend(code)
    receipts = [
        put_in_box(
            budget,
            f"code:{code.id}",
            choices,
            VoterRoll(voting_code_id=code.id, district_id=code.district_id),
        )
        for budget, choices in checked
    ]
    # Like an online cast, a paper ballot leaves no dated trace in the audit log (docs/ballot-secrecy.md).
    return receipts

"""Paper voting codes: staff make them in batches for the printed sheets; entering a code's paper ballot
(voting.kiosk) spends it. Only keyed hashes are stored (eligibility.secrecy); a code carries its district,
so the kiosk knows which ballot to show."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.keyed import new_code
from participate.eligibility import policy, secrecy
from participate.eligibility.models import VotingCode
from participate.eligibility.services import terms_of
from participate.extensions import db
from participate.processes.models import District, Process

MAX_CODES = 5000


def generate_codes(
    actor: User, process: Process, count: int, district_id: int | None, batch: str
) -> list[str]:
    """Make `count` one-time codes; only their keyed hashes are stored. The plain codes are returned once,
    for the printed sheet, and can never be shown again."""
    if not policy.can_manage_eligibility(actor, process):
        raise PermissionDenied(_("Only council staff can set up a vote."))
    settings = terms_of(process)
    if settings is None:
        raise ValidationFailed(_("Set up the vote before making voting codes."))
    if settings.closed_at is not None:
        raise Conflict(_("The vote has closed: its setup can no longer change."))
    if not 1 <= count <= MAX_CODES:
        raise ValidationFailed(_("Make between 1 and %(most)d codes at a time.", most=MAX_CODES))
    if district_id is not None and district_id not in {d.id for d in process.districts}:
        raise ValidationFailed(_("Choose one of this process's districts, or none."))
    batch = batch.strip()
    if not batch:
        raise ValidationFailed(_("Give the batch a label, so the printed sheets can be told apart."))
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    plain = sorted(codes)
    db.session.add_all(
        VotingCode(
            process_id=process.id,
            district_id=district_id,
            code_hash=secrecy.voting_code_hash(code),
            batch=batch,
        )
        for code in plain
    )
    db.session.flush()
    record_on_process(
        "vote.codes_generated",
        actor=actor,
        process_id=process.id,
        data={"count": count, "district_id": district_id, "batch": batch},
    )
    return plain


@dataclass(frozen=True)
class CodeBatch:
    batch: str
    district_name: str | None
    total: int
    used: int

    @property
    def unused(self) -> int:
        return self.total - self.used


def code_batches(process: Process) -> list[CodeBatch]:
    """Each batch (and district) with how many of its codes have voted."""
    rows = db.session.execute(
        select(
            VotingCode.batch,
            District.name,
            func.count(VotingCode.id),
            func.count(VotingCode.id).filter(VotingCode.spent),
        )
        .outerjoin(District, District.id == VotingCode.district_id)
        .where(VotingCode.process_id == process.id)
        .group_by(VotingCode.batch, District.name)
        .order_by(VotingCode.batch, District.name)
    ).all()
    return [CodeBatch(batch, district, total, used) for batch, district, total, used in rows]


def find_code(process: Process, code: str) -> VotingCode | None:
    if not secrecy.normalise_code(code):
        return None
    return db.session.execute(
        select(VotingCode).where(
            VotingCode.process_id == process.id, VotingCode.code_hash == secrecy.voting_code_hash(code)
        )
    ).scalar_one_or_none()


def spend(code: VotingCode) -> None:
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

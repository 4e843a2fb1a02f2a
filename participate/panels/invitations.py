"""Stage 1 of the civic lottery: the address register, the draw of addresses and the letters.

The draw is reproducible: the addresses not yet invited, in register order, are sampled with Python's
`random.Random` seeded by the SHA-256 of the recorded seed text. Stratified draws share the letters out
between districts in proportion to their addresses times their weight (largest remainders), then sample
within each district in name order.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from participate.accounts.models import User
from participate.core.errors import Conflict, IllegalTransition, ValidationFailed
from participate.extensions import db
from participate.panels import codes, csvfile
from participate.panels.models import (
    AddressRegister,
    Invitation,
    InvitationBatch,
    Panel,
    PanelStatus,
    RegisterAddress,
)
from participate.panels.setup import record_on_panel, require_manager

REGISTER_COLUMNS = ("address", "postcode", "district")
MAX_REGISTER_ROWS = 200_000
MAX_BATCH = 50_000


def import_register(actor: User | None, panel: Panel, name: str, raw: bytes) -> AddressRegister:
    """All the file's addresses, or none: every bad line is named."""
    require_manager(actor, panel)
    header, rows = csvfile.read(raw, REGISTER_COLUMNS, most=MAX_REGISTER_ROWS)
    errors: list[tuple[int, str]] = []
    clean: list[tuple[str, str, str]] = []
    for line, cells in rows:
        address, postcode, district = (cells[header[column]].strip() for column in REGISTER_COLUMNS)
        if not address:
            errors.append((line, _("the address is empty")))
        elif len(address) > 300 or len(postcode) > 20 or len(district) > 120:
            errors.append((line, _("a cell is too long")))
        else:
            clean.append((address, postcode, district))
    if errors:
        raise csvfile.line_errors(errors)
    register = AddressRegister(
        panel_id=panel.id, name=name.strip()[:200] or _("Address register"), address_count=len(clean)
    )
    register.imported_by_id = getattr(actor, "id", None)
    db.session.add(register)
    db.session.flush()
    db.session.execute(
        insert(RegisterAddress),
        [{"register_id": register.id, "address": a, "postcode": p, "district": d} for a, p, d in clean],
    )
    record_on_panel("panel.register_imported", actor, panel, register=register.id, addresses=len(clean))
    return register


def registers_of(panel: Panel) -> list[AddressRegister]:
    return list(
        db.session.scalars(
            select(AddressRegister).where(AddressRegister.panel_id == panel.id).order_by(AddressRegister.id)
        )
    )


def suggested_letters(panel_size: int, response_rate_percent: float, respondents_per_seat: int) -> int:
    """Letters to send so that about `respondents_per_seat` people answer for each seat."""
    if response_rate_percent <= 0:
        raise ValidationFailed(_("The expected response rate must be above 0%."))
    return math.ceil(panel_size * respondents_per_seat * 100 / response_rate_percent)


def _rng(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))


def allocate(available: Mapping[str, int], weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Letters per district in proportion to addresses × weight, by largest remainders, never more than
    a district has (what a full district cannot take goes to the others)."""
    share = {d: n * max(weights.get(d, 1.0), 0.0) for d, n in available.items()}
    result = dict.fromkeys(available, 0)
    left = min(total, sum(available.values()))
    while left > 0:
        open_ = {d: s for d, s in share.items() if result[d] < available[d] and s > 0}
        if not open_:
            break
        whole = sum(open_.values())
        exact = {d: left * s / whole for d, s in open_.items()}
        given = {d: min(math.floor(x), available[d] - result[d]) for d, x in exact.items()}
        order = sorted(open_, key=lambda d: (-(exact[d] - math.floor(exact[d])), d))
        remaining = left - sum(given.values())
        for d in order:
            if remaining <= 0:
                break
            if given[d] < available[d] - result[d]:
                given[d] += 1
                remaining -= 1
        for d, n in given.items():
            result[d] += n
        step = sum(given.values())
        if step == 0:
            break
        left -= step
    return result


def draw_addresses(
    candidates: list[tuple[int, str]], size: int, seed: str, *, stratified: bool, weights: Mapping[str, float]
) -> list[int]:
    """Address ids drawn from `candidates` ((id, district) in register order)."""
    rng = _rng(seed)
    if not stratified:
        ids = [address_id for address_id, _district in candidates]
        return sorted(rng.sample(ids, min(size, len(ids))))
    by_district: dict[str, list[int]] = {}
    for address_id, district in candidates:
        by_district.setdefault(district, []).append(address_id)
    counts = allocate({d: len(ids) for d, ids in by_district.items()}, weights, size)
    drawn: list[int] = []
    for district in sorted(by_district):
        drawn.extend(rng.sample(by_district[district], counts[district]))
    return sorted(drawn)


@dataclass(frozen=True)
class DrawInput:
    register_id: int
    size: int
    seed: str
    stratified: bool
    weights: dict[str, float]


def parse_weights(text: str) -> dict[str, float]:
    """`District: 1.5` a line (or `District = 1.5`)."""
    weights: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        sep = ":" if ":" in line else "="
        name, _sep, raw = line.rpartition(sep)
        try:
            weight = float(raw.strip().replace(",", "."))
        except ValueError:
            weight = -1
        if not name.strip() or not 0 <= weight <= 100 or math.isnan(weight):
            raise ValidationFailed(
                _(
                    "Weights, line %(line)d: write a district, a colon and a number such as “Rinkeby: 1.5”.",
                    line=number,
                )
            )
        weights[name.strip()] = weight
    return weights


def draw_batch(actor: User | None, panel: Panel, data: DrawInput) -> InvitationBatch:
    """Draw `size` addresses not yet invited to this panel; each gets a letter with its own code."""
    require_manager(actor, panel)
    if panel.status not in (PanelStatus.DRAFT.value, PanelStatus.RECRUITING.value):
        raise IllegalTransition(_("Letters can only be drawn before the pool closes."))
    register = db.session.get(AddressRegister, data.register_id)
    if register is None or register.panel_id != panel.id:
        raise ValidationFailed(_("Choose one of this panel's address registers."))
    if not 1 <= data.size <= MAX_BATCH:
        raise ValidationFailed(_("Draw between 1 and %(most)d addresses at a time.", most=MAX_BATCH))
    invited = select(Invitation.address_id).where(Invitation.panel_id == panel.id)
    candidates = [
        (row.id, row.district)
        for row in db.session.execute(
            select(RegisterAddress.id, RegisterAddress.district)
            .where(RegisterAddress.register_id == register.id, RegisterAddress.id.not_in(invited))
            .order_by(RegisterAddress.id)
        )
    ]
    if not candidates:
        raise ValidationFailed(_("Every address of this register has been invited already."))
    unknown = sorted(set(data.weights) - {district for _id, district in candidates})
    if unknown:
        raise ValidationFailed(_("The register has no district called %(names)s.", names=", ".join(unknown)))
    seed = data.seed.strip() or secrets.token_hex(8)
    drawn = draw_addresses(candidates, data.size, seed, stratified=data.stratified, weights=data.weights)
    batch = InvitationBatch(
        panel_id=panel.id,
        register_id=register.id,
        seed=seed[:100],
        size=len(drawn),
        stratified=data.stratified,
        weights=json.dumps(data.weights, sort_keys=True),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(batch)
    db.session.flush()
    rows = [
        {
            "panel_id": panel.id,
            "batch_id": batch.id,
            "address_id": address_id,
            "code_hash": codes.code_hash(codes.invitation_code(panel.id, batch.id, address_id)),
        }
        for address_id in drawn
    ]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Invitation), rows)
    except IntegrityError as exc:
        # Two codes of 8 characters agreeing is a one-in-millions chance; a parallel draw of the same
        # addresses is the likely cause. Either way nothing is kept, and another try draws again.
        raise Conflict(
            _("Another draw took some of these addresses at the same moment. Please try again.")
        ) from exc
    record_on_panel(
        "panel.letters_drawn",
        actor,
        panel,
        batch=batch.id,
        seed=batch.seed,
        size=batch.size,
        stratified=batch.stratified,
        weights=data.weights,
        register=register.id,
    )
    return batch


def batches_of(panel: Panel) -> list[InvitationBatch]:
    return list(
        db.session.scalars(
            select(InvitationBatch).where(InvitationBatch.panel_id == panel.id).order_by(InvitationBatch.id)
        )
    )


@dataclass(frozen=True)
class Letter:
    address: str
    postcode: str
    district: str
    code: str  # as printed, in groups of four


def letters(panel: Panel, batch: InvitationBatch) -> Iterator[Letter]:
    """The batch's letters in address order, with their codes (derived again from the server's secret)."""
    rows = db.session.execute(
        select(
            RegisterAddress.id, RegisterAddress.address, RegisterAddress.postcode, RegisterAddress.district
        )
        .join(Invitation, Invitation.address_id == RegisterAddress.id)
        .where(Invitation.batch_id == batch.id)
        .order_by(RegisterAddress.id)
    )
    for row in rows:
        code = codes.invitation_code(panel.id, batch.id, row.id)
        yield Letter(row.address, row.postcode, row.district, codes.shown_code(code))


def find_invitation(panel: Panel, code: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(
            Invitation.panel_id == panel.id, Invitation.code_hash == codes.code_hash(code)
        )
    )


def letters_count(panel: Panel) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Invitation).where(Invitation.panel_id == panel.id))
        or 0
    )

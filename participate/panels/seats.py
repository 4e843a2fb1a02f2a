"""After the draw: confirmation calls, quota-keeping replacements from the alternates, and the exports.

A seat moves selected → contacted → confirmed, or drops out (declined, unreachable, withdrawn). Seats that
fell vacant are filled by the engine's `replace_dropouts`, which keeps every quota and the household rule,
from the alternates chosen after the draw (panels/alternates.py), or from the draw's reserve list when no
alternates can; each replacement is audited with its reason and where it came from. The panel is seated
when every seat is held by a confirmed member.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.errors import Conflict, IllegalTransition, ValidationFailed
from participate.core.locks import locked
from participate.extensions import db
from participate.panels import alternates, csvfile
from participate.panels.models import Panel, PanelStatus, Respondent, RespondentStatus, RespondentValue
from participate.panels.selection import draw_of, lottery_of, pool_from_snapshot, respondents_by_pseudonym
from participate.panels.selection_models import (
    SEAT_STATUS_LABELS,
    PanelSeat,
    SeatOrigin,
    SeatStatus,
)
from participate.panels.setup import record_on_panel, require_manager
from participate.sortition import SortitionError, replace_dropouts

# Where a call can take a seat next. A confirmed member may still withdraw; a drop-out is final.
NEXT_STATUSES: dict[SeatStatus, tuple[SeatStatus, ...]] = {
    SeatStatus.SELECTED: (
        SeatStatus.CONTACTED,
        SeatStatus.CONFIRMED,
        SeatStatus.DECLINED,
        SeatStatus.UNREACHABLE,
        SeatStatus.WITHDRAWN,
    ),
    SeatStatus.CONTACTED: (
        SeatStatus.CONFIRMED,
        SeatStatus.DECLINED,
        SeatStatus.UNREACHABLE,
        SeatStatus.WITHDRAWN,
    ),
    SeatStatus.CONFIRMED: (SeatStatus.WITHDRAWN,),
    SeatStatus.DECLINED: (),
    SeatStatus.UNREACHABLE: (),
    SeatStatus.WITHDRAWN: (),
}


def seats_of(panel: Panel) -> list[PanelSeat]:
    return list(
        db.session.execute(
            select(PanelSeat).where(PanelSeat.panel_id == panel.id).order_by(PanelSeat.id)
        ).scalars()
    )


def find_seat(panel: Panel, seat_id: int) -> PanelSeat | None:
    seat = db.session.get(PanelSeat, seat_id)
    return seat if seat is not None and seat.panel_id == panel.id else None


@dataclass(frozen=True)
class SeatList:
    active: list[PanelSeat]  # holding a seat now (not dropped out)
    vacated: list[PanelSeat]  # dropped out and not yet replaced
    replaced: list[PanelSeat]  # dropped out and replaced

    @property
    def confirmed(self) -> int:
        return sum(1 for seat in self.active if seat.status == SeatStatus.CONFIRMED.value)


def seat_list(panel: Panel) -> SeatList:
    seats = seats_of(panel)
    taken_over = {seat.replaces_id for seat in seats if seat.replaces_id is not None}
    return SeatList(
        active=[s for s in seats if not s.dropped_out],
        vacated=[s for s in seats if s.dropped_out and s.id not in taken_over],
        replaced=[s for s in seats if s.dropped_out and s.id in taken_over],
    )


def set_status(actor: User | None, panel: Panel, seat: PanelSeat, status: str, note: str = "") -> PanelSeat:
    require_manager(actor, panel)
    panel = locked(panel)
    if seat.panel_id != panel.id:
        raise ValidationFailed(_("That person holds no seat on this panel."))
    try:
        target = SeatStatus(status)
    except ValueError:
        raise ValidationFailed(_("Choose one of the offered statuses.")) from None
    current = SeatStatus(seat.status)
    if target == current:
        raise ValidationFailed(_("The seat already has that status."))
    if target not in NEXT_STATUSES[current]:
        raise IllegalTransition(
            _("A seat that is %(now)s cannot become %(then)s.", now=seat.status_label, then=_label(target))
        )
    seat.status = target.value
    seat.note = note.strip()
    db.session.flush()
    record_on_panel(
        "panel.seat_status",
        actor,
        panel,
        **{"pseudonym": seat.respondent.pseudonym, "status": target.value},
    )
    _update_seated(panel)
    return seat


def _label(status: SeatStatus) -> str:
    return str(SEAT_STATUS_LABELS[status])


def _update_seated(panel: Panel) -> None:
    """Seated once every seat is held by a confirmed member; back to drawn if one of them withdraws."""
    seats = seat_list(panel)
    full = not seats.vacated and len(seats.active) == panel.size and seats.confirmed == panel.size
    if full and panel.status == PanelStatus.DRAWN.value:
        panel.status = PanelStatus.SEATED.value
        record_on_panel("panel.seated", None, panel)
    elif not full and panel.status == PanelStatus.SEATED.value:
        panel.status = PanelStatus.DRAWN.value


@dataclass(frozen=True)
class ReplacementMade:
    vacated: PanelSeat
    seat: PanelSeat
    from_alternates: bool


@dataclass(frozen=True)
class Replacements:
    made: list[ReplacementMade]
    # True when no set of alternates kept every quota, so the reserve list filled the seats
    fell_back: bool

    @property
    def from_reserves(self) -> int:
        return sum(1 for item in self.made if not item.from_alternates)


def replace_vacated(actor: User | None, panel: Panel, note: str) -> Replacements:
    """Fill every vacated seat keeping every quota and the household rule: from the alternates chosen after
    the draw, the earliest in calling order that let the panel meet its quotas; when no alternates can, the
    reserve list (alternates first, then the reserves in their published order) as before."""
    require_manager(actor, panel)
    panel = locked(panel)
    draw, lottery = draw_of(panel), lottery_of(panel)
    if draw is None or lottery is None:
        raise IllegalTransition(_("Nobody can be replaced before the draw."))
    seats = seat_list(panel)
    if not seats.vacated:
        raise ValidationFailed(
            _("No seat is vacant: mark who declined, cannot be reached or withdrew first.")
        )
    if alternates.alternates_of(panel) is None:  # a panel drawn before alternates existed
        alternates.choose(actor, panel)
    pool = pool_from_snapshot(lottery.run.inputs)
    seated = {s.respondent.pseudonym for s in seats_of(panel)}
    waiting = alternates.still_waiting(panel)
    available = _still_registered(panel, [p for p in draw.reserves if p not in seated])
    current = [s.respondent.pseudonym for s in seats.active + seats.vacated]
    dropouts = [s.respondent.pseudonym for s in seats.vacated]
    fell_back = False
    try:
        outcome = replace_dropouts(pool, panel.size, current, dropouts, reserves=waiting)
    except SortitionError:
        fell_back = True
        reserves = waiting + [p for p in available if p not in set(waiting)]
        try:
            outcome = replace_dropouts(pool, panel.size, current, dropouts, reserves=reserves)
        except SortitionError as error:
            raise Conflict(
                _(
                    "Neither the alternates nor the reserves can fill these seats within the quotas: %(why)s",
                    why=str(error),
                )
            ) from error
    people = respondents_by_pseudonym(panel, outcome.added)
    made = []
    for vacated, pseudonym in zip(seats.vacated, outcome.added, strict=True):
        reason = _("%(status)s. %(note)s", status=vacated.status_label, note=note.strip()).strip()
        seat = PanelSeat(
            panel_id=panel.id,
            respondent_id=people[pseudonym].id,
            origin=SeatOrigin.REPLACEMENT.value,
            replaces_id=vacated.id,
            reason=reason,
        )
        db.session.add(seat)
        made.append(ReplacementMade(vacated, seat, pseudonym in waiting))
    db.session.flush()
    for item in made:
        record_on_panel(
            "panel.replaced",
            actor,
            panel,
            **{
                "left": item.vacated.respondent.pseudonym,
                "status": item.vacated.status,
                "replacement": item.seat.respondent.pseudonym,
                "from": "alternates" if item.from_alternates else "reserves",
                "reason": item.seat.reason,
            },
        )
    return Replacements(made, fell_back)


def _still_registered(panel: Panel, pseudonyms: list[str]) -> list[str]:
    people = respondents_by_pseudonym(panel, pseudonyms)
    return [p for p in pseudonyms if p in people and people[p].status == RespondentStatus.REGISTERED.value]


def reserves_left(panel: Panel) -> list[Respondent]:
    """The reserve list in order, without anyone already offered a seat or no longer in the pool."""
    draw = draw_of(panel)
    if draw is None:
        return []
    seated = {s.respondent.pseudonym for s in seats_of(panel)}
    order = _still_registered(panel, [p for p in draw.reserves if p not in seated])
    people = respondents_by_pseudonym(panel, order)
    return [people[p] for p in order]


# --- exports (Sortition Foundation's people CSV) ----------------------------------------------------


def _answers(panel: Panel, respondent_ids: list[int]) -> dict[int, dict[int, str]]:
    value_names = {v.id: v.value for f in panel.features for v in f.values}
    found: dict[int, dict[int, str]] = {rid: {} for rid in respondent_ids}
    if respondent_ids:
        for rid, feature_id, value_id in db.session.execute(
            select(RespondentValue.respondent_id, RespondentValue.feature_id, RespondentValue.value_id).where(
                RespondentValue.respondent_id.in_(respondent_ids)
            )
        ):
            found[rid][feature_id] = value_names.get(value_id, "") if value_id is not None else ""
    return found


def people_csv(actor: User | None, panel: Panel, people: list[tuple[Respondent, str]]) -> str:
    """`people`: (respondent, status) pairs. Columns as the Sortition Foundation's tools read them."""
    require_manager(actor, panel)
    answers = _answers(panel, [r.id for r, _status in people])
    header = ["id", "name", "email", "mobile_number", "primary_address1", "primary_zip", "district"]
    rows = (
        [
            respondent.pseudonym,
            respondent.name,
            respondent.email,
            respondent.phone,
            respondent.address,
            respondent.postcode,
            respondent.district,
            *[answers[respondent.id].get(f.id, "") for f in panel.features],
            status,
        ]
        for respondent, status in people
    )
    return "".join(csvfile.write(header + [f.name for f in panel.features] + ["status"], rows))


def selected_csv(actor: User | None, panel: Panel) -> str:
    return people_csv(actor, panel, [(s.respondent, s.status) for s in seats_of(panel)])


def remaining_csv(actor: User | None, panel: Panel) -> str:
    """Everyone still in the pool who holds no seat: reserves first, in reserve order, then the rest."""
    require_manager(actor, panel)
    reserves = reserves_left(panel)
    seated = {s.respondent_id for s in seats_of(panel)} | {r.id for r in reserves}
    others = db.session.execute(
        select(Respondent)
        .where(Respondent.panel_id == panel.id, Respondent.status == RespondentStatus.REGISTERED.value)
        .order_by(Respondent.id)
    ).scalars()
    rows = [(r, f"reserve {i}") for i, r in enumerate(reserves, start=1)]
    rows += [(r, "pool") for r in others if r.id not in seated]
    return people_csv(actor, panel, rows)


def may_replace(panel: Panel) -> bool:
    return panel.status in (PanelStatus.DRAWN.value, PanelStatus.SEATED.value)

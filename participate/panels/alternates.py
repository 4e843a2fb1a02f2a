"""Alternates chosen in advance after the draw, for the people likely to drop out in the week of
confirmation calls (the engine's `select_alternates`, after "Alternates, Assemble!", EC 2025).

The draw chooses them at once with a dropout rate per feature value: estimated from past panels'
confirmation records when there are any (a past seat that was confirmed, or declined / unreachable /
withdrawn, with its holder's answers to features of the same name and value), otherwise the same 10% for
every value. The facilitator may choose again with rates of their own. The confirmation-call screen shows
them in calling order, and replacements take them first (seats.replace_vacated).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.errors import IllegalTransition, ValidationFailed
from participate.core.locks import locked
from participate.extensions import db
from participate.panels.models import (
    Panel,
    PanelFeature,
    PanelFeatureValue,
    Respondent,
    RespondentStatus,
    RespondentValue,
)
from participate.panels.pool import PREFER_NOT_TO_SAY
from participate.panels.selection import (
    DrawInput,
    draw_of,
    lottery_of,
    pool_from_snapshot,
    record_draw,
    respondents_by_pseudonym,
)
from participate.panels.selection_models import (
    DROPPED_OUT,
    AlternatesSource,
    PanelAlternates,
    PanelDraw,
    PanelSeat,
    SeatStatus,
)
from participate.panels.setup import record_on_panel, require_manager
from participate.sortition import InputError, Pool, rates_from_records, reserve_list, select_alternates

DEFAULT_DROPOUT_RATE = 0.10
FINAL = tuple(s.value for s in (*DROPPED_OUT, SeatStatus.CONFIRMED))

Rates = dict[tuple[str, str], float]


@dataclass(frozen=True)
class SuggestedRates:
    rates: Rates
    source: AlternatesSource
    records: int


def past_records(panel: Panel) -> list[tuple[dict[str, str], bool]]:
    """Confirmation records of the other panels' seats whose call had an outcome: (answers by feature
    name, dropped out?). Erased respondents keep their answers, so their record still counts."""
    rows = db.session.execute(
        select(PanelSeat.id, PanelSeat.status, PanelFeature.name, PanelFeatureValue.value)
        .join(Respondent, Respondent.id == PanelSeat.respondent_id)
        .join(RespondentValue, RespondentValue.respondent_id == Respondent.id)
        .join(PanelFeature, PanelFeature.id == RespondentValue.feature_id)
        .outerjoin(PanelFeatureValue, PanelFeatureValue.id == RespondentValue.value_id)
        .where(PanelSeat.panel_id != panel.id, PanelSeat.status.in_(FINAL))
        .order_by(PanelSeat.id)
    )
    records: dict[int, tuple[dict[str, str], bool]] = {}
    for seat_id, status, feature, value in rows:
        answers, _dropped = records.setdefault(seat_id, ({}, status != SeatStatus.CONFIRMED.value))
        answers[feature] = value if value is not None else PREFER_NOT_TO_SAY
    return list(records.values())


def suggested_rates(panel: Panel, pool: Pool) -> SuggestedRates:
    """Every feature value's rate: estimated from past panels when they have records of it, else 10%."""
    records = past_records(panel)
    estimated = rates_from_records(pool, records)
    if not estimated:
        return SuggestedRates(_uniform(pool, DEFAULT_DROPOUT_RATE), AlternatesSource.DEFAULT, 0)
    overall = sum(dropped for _answers, dropped in records) / len(records)
    rates = {key: estimated.get(key, overall) for key in _uniform(pool, 0.0)}
    return SuggestedRates(rates, AlternatesSource.ESTIMATED, len(records))


def _uniform(pool: Pool, rate: float) -> Rates:
    return {(f.name, v): rate for f in pool.features for v in f.values}


MIN_ALTERNATES = 3


def default_count(expected_dropouts: float) -> int:
    """Twice the expected dropouts, so that a bad week is covered too; at least three, so that a small
    panel still has a choice of whom to call."""
    return max(MIN_ALTERNATES, math.ceil(2 * expected_dropouts - 1e-9))


def alternates_of(panel: Panel) -> PanelAlternates | None:
    return db.session.execute(
        select(PanelAlternates).where(PanelAlternates.panel_id == panel.id)
    ).scalar_one_or_none()


def choose(
    actor: User | None,
    panel: Panel,
    rates: Mapping[tuple[str, str], float] | None = None,
    count: int | None = None,
) -> PanelAlternates:
    """Choose (or choose again) the panel's alternates. Without `rates`, the suggested ones; without
    `count`, twice the expected dropouts. Nobody who holds or held a seat is chosen."""
    require_manager(actor, panel)
    panel = locked(panel)
    draw, lottery = draw_of(panel), lottery_of(panel)
    if draw is None or lottery is None:
        raise IllegalTransition(_("Alternates are chosen after the draw."))
    pool = pool_from_snapshot(lottery.run.inputs)
    if rates is None:
        suggested = suggested_rates(panel, pool)
        chosen_rates, source, records = suggested.rates, suggested.source, suggested.records
    else:
        chosen_rates, source, records = dict(rates), AlternatesSource.FACILITATOR, 0
    seated = [
        p
        for p in db.session.execute(
            select(Respondent.pseudonym)
            .join(PanelSeat, PanelSeat.respondent_id == Respondent.id)
            .where(PanelSeat.panel_id == panel.id)
            .order_by(PanelSeat.id)
        ).scalars()
        if p in pool.index
    ]
    on_panel = list(dict.fromkeys([*draw.members, *seated]))
    try:
        probe = select_alternates(pool, on_panel, chosen_rates, 0, seed=draw.seed)
        wanted = default_count(probe.expected_dropouts) if count is None else count
        eligible = _eligible(pool, on_panel, draw.seed)
        picked = select_alternates(pool, on_panel, chosen_rates, min(wanted, eligible), seed=draw.seed)
    except InputError as error:
        raise ValidationFailed(str(error)) from error
    row = alternates_of(panel) or PanelAlternates(panel_id=panel.id)
    row.rates = [[f, v, r] for (f, v), r in chosen_rates.items()]
    row.source = source.value
    row.records = records
    row.members = list(picked.alternates)
    row.expected_dropouts = picked.expected_dropouts
    row.chosen_by_id = getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    record_on_panel(
        "panel.alternates_chosen",
        actor,
        panel,
        source=source.value,
        records=records,
        rates={f"{f}={v}": r for (f, v), r in chosen_rates.items()},
        alternates=list(picked.alternates),
    )
    return row


def _eligible(pool: Pool, on_panel: list[str], seed: str) -> int:
    return len(reserve_list(pool, on_panel, seed=seed))


def draw_panel(actor: User | None, panel: Panel, data: DrawInput) -> PanelDraw:
    """The public draw, and at once the alternates for its panel with the suggested dropout rates."""
    draw = record_draw(actor, panel, data)
    choose(actor, panel)
    return draw


def parse_percentages(pool: Pool, entered: Mapping[tuple[str, str], str]) -> Rates:
    """The facilitator's rates, in percent ("12", "7,5"); every value of the pool needs one."""
    rates: Rates = {}
    for feature in pool.features:
        for value in feature.values:
            raw = (entered.get((feature.name, value)) or "").strip().replace(",", ".").rstrip("%").strip()
            try:
                percent = float(raw)
            except ValueError:
                raise ValidationFailed(
                    _("Give a dropout rate in percent for %(value)s.", value=f"{feature.name}={value}")
                ) from None
            if not 0 <= percent <= 100 or math.isnan(percent):
                raise ValidationFailed(
                    _(
                        "The dropout rate of %(value)s must be between 0 and 100%%.",
                        value=f"{feature.name}={value}",
                    )
                )
            rates[(feature.name, value)] = percent / 100
    return rates


def pool_of(panel: Panel) -> Pool | None:
    lottery = lottery_of(panel)
    return pool_from_snapshot(lottery.run.inputs) if lottery is not None else None


def still_waiting(panel: Panel) -> list[str]:
    """The alternates in calling order, without anyone offered a seat since or no longer in the pool."""
    row = alternates_of(panel)
    if row is None:
        return []
    seated = set(
        db.session.execute(
            select(Respondent.pseudonym)
            .join(PanelSeat, PanelSeat.respondent_id == Respondent.id)
            .where(PanelSeat.panel_id == panel.id)
        ).scalars()
    )
    people = respondents_by_pseudonym(panel, [p for p in row.members if p not in seated])
    return [p for p in row.members if p in people and people[p].status == RespondentStatus.REGISTERED.value]


def waiting_people(panel: Panel) -> list[Respondent]:
    order = still_waiting(panel)
    people = respondents_by_pseudonym(panel, order)
    return [people[p] for p in order]

"""The pool dashboard: respondents per feature value against quotas and census targets, response rates
per district and per invitation batch, and a live feasibility check — a handful of aggregate queries and
a few small integer programs, whatever the pool's size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import distinct, func, select

from participate.extensions import db
from participate.panels.models import (
    Invitation,
    InvitationBatch,
    Panel,
    RegisterAddress,
    Respondent,
    RespondentStatus,
    RespondentValue,
)
from participate.panels.pool import pool_for_engine
from participate.sortition.errors import InfeasibleQuotas, InputError
from participate.sortition.infeasible import explain
from participate.sortition.model import Pool
from participate.sortition.pricing import PanelOracle
from participate.sortition.types import build_types

_IN_POOL = Respondent.status == RespondentStatus.REGISTERED.value


@dataclass(frozen=True)
class ValueRow:
    label: str
    count: int
    min: int
    max: int
    census_share: float | None
    census_target: float | None  # census share × panel size

    @property
    def short(self) -> bool:
        """Fewer respondents than the quota's minimum: no panel can meet it."""
        return self.count < self.min


@dataclass(frozen=True)
class FeatureRow:
    label: str
    values: tuple[ValueRow, ...]
    declined: int | None  # "prefer not to say" (None when the feature does not offer it)


def quota_table(panel: Panel) -> list[FeatureRow]:
    counts: dict[int | None, int] = {}
    declined: dict[int, int] = {}
    rows = db.session.execute(
        select(RespondentValue.feature_id, RespondentValue.value_id, func.count())
        .join(Respondent, Respondent.id == RespondentValue.respondent_id)
        .where(Respondent.panel_id == panel.id, _IN_POOL)
        .group_by(RespondentValue.feature_id, RespondentValue.value_id)
    )
    for feature_id, value_id, n in rows:
        if value_id is None:
            declined[feature_id] = n
        else:
            counts[value_id] = n
    table = []
    for feature in panel.features:
        values = tuple(
            ValueRow(
                v.label,
                counts.get(v.id, 0),
                v.min,
                v.max,
                v.census_share,
                None if v.census_share is None else v.census_share * panel.size,
            )
            for v in feature.values
        )
        table.append(
            FeatureRow(
                feature.label,
                values,
                declined.get(feature.id, 0) if feature.allow_prefer_not_to_say else None,
            )
        )
    return table


@dataclass(frozen=True)
class RateRow:
    label: str
    letters: int
    households: int  # letters whose code was used at least once
    respondents: int

    @property
    def rate(self) -> float | None:
        return self.households / self.letters if self.letters else None


def _rates(panel: Panel, key) -> dict:
    letters: dict = dict(
        db.session.execute(
            select(key, func.count(Invitation.id))
            .select_from(Invitation)
            .join(RegisterAddress, RegisterAddress.id == Invitation.address_id)
            .where(Invitation.panel_id == panel.id)
            .group_by(key)
        ).all()
    )
    answered = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            select(key, func.count(distinct(Respondent.invitation_id)), func.count(Respondent.id))
            .select_from(Respondent)
            .join(Invitation, Invitation.id == Respondent.invitation_id)
            .join(RegisterAddress, RegisterAddress.id == Invitation.address_id)
            .where(Respondent.panel_id == panel.id)
            .group_by(key)
        )
    }
    return {k: (n, *answered.get(k, (0, 0))) for k, n in letters.items()}


def district_rates(panel: Panel) -> list[RateRow]:
    rates = _rates(panel, RegisterAddress.district)
    return [RateRow(district or "—", *rates[district]) for district in sorted(rates)]


def batch_rates(panel: Panel) -> list[tuple[InvitationBatch, RateRow]]:
    rates = _rates(panel, Invitation.batch_id)
    batches = db.session.scalars(
        select(InvitationBatch).where(InvitationBatch.panel_id == panel.id).order_by(InvitationBatch.id)
    ).all()
    return [(batch, RateRow(str(batch.id), *rates.get(batch.id, (0, 0, 0)))) for batch in batches]


def pool_counts(panel: Panel) -> dict[str, int]:
    rows = db.session.execute(
        select(Respondent.status, func.count())
        .where(Respondent.panel_id == panel.id)
        .group_by(Respondent.status)
    ).all()
    counts = {status.value: 0 for status in RespondentStatus}
    counts.update({str(status): int(n) for status, n in rows})
    counts["duplicates"] = (
        db.session.scalar(
            select(func.count())
            .select_from(Respondent)
            .where(Respondent.panel_id == panel.id, _IN_POOL, Respondent.duplicate_of_id.is_not(None))
        )
        or 0
    )
    return counts


@dataclass(frozen=True)
class Feasibility:
    feasible: bool
    problem: str = ""  # the engine's explanation when it is not
    infeasible: InfeasibleQuotas | None = None
    excluded: tuple[str, ...] = ()  # pseudonyms no quota-meeting panel can include
    pool_size: int = 0


_CHECKS_KEPT = 64


def _pool_signature(panel: Panel) -> tuple:
    """What the check depends on: the quotas, and who is in the pool (any registration, withdrawal or
    erasure changes the count or the newest id)."""
    count, newest = db.session.execute(
        select(func.count(Respondent.id), func.max(Respondent.id)).where(
            Respondent.panel_id == panel.id, _IN_POOL
        )
    ).one()
    quotas = tuple(
        (f.name, f.allow_prefer_not_to_say, tuple((v.id, v.min, v.max) for v in f.values))
        for f in panel.features
    )
    return (panel.id, panel.size, panel.household_rule, quotas, count, newest)


def feasibility(panel: Panel) -> Feasibility:
    """The check of `check_feasibility`, kept for as long as the pool and the quotas stay the same: the
    dashboard is reloaded far more often than people register."""
    checked: dict[tuple, Feasibility] = current_app.extensions.setdefault("panels.feasibility", {})
    key = _pool_signature(panel)
    if key not in checked:
        if len(checked) >= _CHECKS_KEPT:
            checked.pop(next(iter(checked)))
        checked[key] = check_feasibility(panel)
    return checked[key]


def check_feasibility(panel: Panel) -> Feasibility:
    """Can a panel of this size meet every quota from today's pool, and who can no such panel hold?

    Covering: find a panel holding as many not-yet-covered types of people as possible, mark its types,
    repeat; when the best panel holds none of the rest, no panel can hold them."""
    features, people = pool_for_engine(panel)
    try:
        pool = Pool(features, people)
        model = build_types(pool, panel.size)
    except InputError as error:
        return Feasibility(False, problem=str(error), pool_size=len(people))
    oracle = PanelOracle(model)
    uncovered = np.ones(model.n_types)
    while uncovered.any():
        # The LP relaxation and a tiny MIP usually find a panel at once; only when they find none that
        # holds anyone still uncovered does the exact ILP decide (a proof that nobody of them fits).
        found = oracle.heuristic(uncovered)
        if found is None or not ((found > 0) & (uncovered > 0)).any():
            found = oracle.best(uncovered)
        if found is None:
            conflict = explain(model)
            return Feasibility(False, problem=str(conflict), infeasible=conflict, pool_size=len(people))
        gained = (found > 0) & (uncovered > 0)
        if not gained.any():
            break
        uncovered[gained] = 0
    excluded = sorted(pool.people[i].id for t in np.flatnonzero(uncovered) for i in model.members[int(t)])
    return Feasibility(True, excluded=tuple(excluded), pool_size=len(people))

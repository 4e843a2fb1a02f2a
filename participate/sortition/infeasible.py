"""When no panel meets the quotas: which quotas conflict, and the smallest relaxation that fixes it.

The relaxation is an ILP over the type counts c and, per quota, how far its minimum moves down (d-) and
its maximum moves up (d+):

    min sum_q (d-_q + d+_q)  s.t.  min_q - d-_q <= count_q(c) <= max_q + d+_q,  sum_t c_t = panel size,
                                  household rule,  0 <= d-_q <= min_q - min_flex_q,
                                  0 <= d+_q <= max_flex_q - max_q  (max_flex defaults to the panel size).

The quotas it moves are the conflicting ones. If even the flexible bounds do not allow a panel, the same
ILP without the flex limits names the conflicting quotas and no relaxation is suggested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NoReturn

import numpy as np

from participate.sortition.errors import InfeasibleQuotas, QuotaChange
from participate.sortition.model import Feature, Pool, Quota
from participate.sortition.solver import INF, FloatArray, build, run
from participate.sortition.types import TypeModel, quota_incidence


def _relax(model: TypeModel, *, respect_flex: bool) -> tuple[np.ndarray, np.ndarray] | None:
    pool = model.pool
    quotas = pool.quotas
    nq, t = model.incidence.shape
    taken = quota_incidence(pool, model.fixed_in).sum(axis=1) if model.fixed_in else np.zeros(nq)
    qmin = np.array([q.min for q in quotas], float)
    qmax = np.array([q.max for q in quotas], float)
    if respect_flex:
        down = np.array([q.min - q.min_flex for q in quotas], float)
        up = np.array(
            [max((q.max_flex if q.max_flex is not None else model.panel_size) - q.max, 0) for q in quotas],
            float,
        )
    else:
        down = qmin.copy()
        up = np.maximum(model.panel_size - qmax, 0)
    n = t + 2 * nq
    rows: list[FloatArray] = []
    lo: list[float] = []
    hi: list[float] = []
    size_row = np.zeros(n)
    size_row[:t] = 1
    rows.append(size_row)
    lo.append(model.seats)
    hi.append(model.seats)
    for q in range(nq):
        r = np.zeros(n)
        r[:t] = model.incidence[q]
        r[t + q] = 1  # + d-
        rows.append(r)
        lo.append(qmin[q] - taken[q])
        hi.append(INF)
        r = np.zeros(n)
        r[:t] = model.incidence[q]
        r[t + nq + q] = -1  # - d+
        rows.append(r)
        lo.append(-INF)
        hi.append(qmax[q] - taken[q])
    for group in model.households:
        r = np.zeros(n)
        r[list(group)] = 1
        rows.append(r)
        lo.append(-INF)
        hi.append(1)
    cost = np.concatenate([np.zeros(t), np.ones(2 * nq)])
    col_lo = np.zeros(n)
    col_hi = np.concatenate([model.sizes, down, up])
    sol = run(
        build(
            cost,
            np.array(rows),
            np.array(lo, float),
            np.array(hi, float),
            col_lo,
            col_hi,
            integer=np.ones(n, dtype=bool),
            time_limit=60,
        )
    )
    if sol.x is None:
        return None
    x = np.rint(sol.x)
    return x[t : t + nq], x[t + nq :]


def _quota_changes(quotas: tuple[Quota, ...], down: FloatArray, up: FloatArray) -> tuple[QuotaChange, ...]:
    """The quotas a relaxation moves: each one's minimum lowered by down[i], its maximum raised by up[i]."""
    return tuple(
        QuotaChange(q.feature, q.value, q.min, q.max, int(q.min - down[i]), int(q.max + up[i]))
        for i, q in enumerate(quotas)
        if down[i] or up[i]
    )


def explain(model: TypeModel) -> InfeasibleQuotas:
    """The InfeasibleQuotas error for a model that has no feasible panel."""
    pool = model.pool
    quotas = pool.quotas
    k = model.panel_size
    notes = []
    for feature in pool.features:
        lo = sum(q.min for q in feature.quotas)
        hi = sum(q.max for q in feature.quotas)
        if lo > k:
            notes.append(f"the minimums of {feature.name} add up to {lo}, more than the panel size {k}")
        if hi < k:
            notes.append(f"the maximums of {feature.name} add up to {hi}, less than the panel size {k}")
    relaxed = _relax(model, respect_flex=True)
    relaxation: tuple[QuotaChange, ...] | None
    if relaxed is not None:
        relaxation = _quota_changes(quotas, *relaxed)
        changed = relaxation
    else:
        relaxation = None
        unbounded = _relax(model, respect_flex=False)
        changed = ()
        if unbounded is not None:
            changed = _quota_changes(quotas, *unbounded)
    conflicting = tuple((c.feature, c.value) for c in changed)
    parts = [f"Infeasible quotas: no panel of {k} from this pool meets every quota"]
    if notes:
        parts.append("; ".join(notes))
    if conflicting:
        parts.append(
            "conflicting quotas: "
            + ", ".join(f"{c.feature}={c.value} ({c.old_min}-{c.old_max})" for c in changed)
        )
    if relaxation:
        parts.append("suggested relaxation: " + ", ".join(c.describe() for c in relaxation))
    elif relaxed is None and changed:
        parts.append("no relaxation within min_flex/max_flex is enough")
    elif not changed:
        parts.append("the pool does not have enough eligible people (households, exclusions) for this panel")
    return InfeasibleQuotas(". ".join(parts) + ".", conflicting=conflicting, relaxation=relaxation)


def raise_infeasible(model: TypeModel) -> NoReturn:
    raise explain(model)


def apply_relaxation(pool: Pool, relaxation: Iterable[QuotaChange]) -> Pool:
    """The pool with the suggested quota changes applied (to show or re-run after a facilitator agrees)."""
    changes = {(c.feature, c.value): c for c in relaxation}
    features = []
    for feature in pool.features:
        quotas = []
        for q in feature.quotas:
            c = changes.get((q.feature, q.value))
            quotas.append(replace(q, min=c.new_min, max=c.new_max) if c else q)
        features.append(Feature(feature.name, tuple(quotas)))
    return Pool(tuple(features), pool.people)

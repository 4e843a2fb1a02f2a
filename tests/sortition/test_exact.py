"""LEXIMIN is exact at every level: an independent brute force on hundreds of small pools.

For pools of 8 to 14 people, every quota-meeting panel is enumerated and the LEXIMIN is solved the
textbook way in person space, with an LP over all panels (highspy directly, none of the engine's code):
maximise the lowest probability z of the people not fixed yet; then find who can still rise above z
(maximise the total excess of the undecided; those with excess can rise; repeat until nobody has any);
fix the rest at z; repeat. The engine's sorted probabilities must match to 1e-6 at every rank.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

import highspy
import numpy as np
import pytest

from participate.sortition import InfeasibleQuotas, Pool, select_panel
from participate.sortition.synthetic import generate_pool

POOLS_PER_BATCH = 30
BATCHES = 10
TOL = 1e-6


def quota_panels(pool: Pool, k: int) -> list[tuple[int, ...]]:
    """Every panel of k people meeting every quota and the household rule (brute force)."""
    out = []
    for panel in itertools.combinations(range(len(pool.people)), k):
        people = [pool.people[i] for i in panel]
        addresses = [p.address for p in people if p.address]
        if len(addresses) != len(set(addresses)):
            continue
        ok = True
        for f, feature in enumerate(pool.features):
            counts = Counter(p.values[f] for p in people)
            if any(not q.min <= counts.get(q.value, 0) <= q.max for q in feature.quotas):
                ok = False
                break
        if ok:
            out.append(panel)
    return out


def lp_max(cost: np.ndarray, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray, col_hi: np.ndarray):
    """max cost·x s.t. lo <= rows·x <= hi, 0 <= x <= col_hi (None if infeasible)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = rows.shape[1], rows.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(rows.shape[1])
    lp.col_upper_ = col_hi
    lp.row_lower_, lp.row_upper_ = lo, hi
    lp.sense_ = highspy.ObjSense.kMaximize
    r, c = np.nonzero(rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = rows.shape[1], rows.shape[0]
    lp.a_matrix_.start_ = np.searchsorted(r, np.arange(rows.shape[0] + 1)).astype(np.int32)
    lp.a_matrix_.index_ = c.astype(np.int32)
    lp.a_matrix_.value_ = rows[r, c]
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.array(h.getSolution().col_value)


def brute_force_leximin(n: int, panels: list[tuple[int, ...]]) -> np.ndarray:
    """Sorted LEXIMIN probabilities of n people over all `panels` (people in no panel get 0)."""
    j = len(panels)
    a = np.zeros((n, j))
    for col, panel in enumerate(panels):
        a[list(panel), col] = 1
    level = np.where(a.sum(axis=1) > 0, np.nan, 0.0)
    inf = np.inf

    def solve(extra: int, extra_rows: np.ndarray, lo: np.ndarray, extra_hi: float) -> np.ndarray:
        rows = np.vstack([np.hstack([a, extra_rows]), np.concatenate([np.ones(j), np.zeros(extra)])])
        cost = np.concatenate([np.zeros(j), np.ones(extra)])
        x = lp_max(
            cost,
            rows,
            np.concatenate([lo, [1.0]]),
            np.concatenate([np.full(n, inf), [1.0]]),
            np.concatenate([np.full(j, inf), np.full(extra, extra_hi)]),
        )
        assert x is not None
        return x[j:]

    while np.isnan(level).any():
        free = np.isnan(level)
        fixed_lo = np.where(free, 0.0, np.nan_to_num(level) - 1e-9)
        z = solve(1, -free[:, None].astype(float), fixed_lo, inf)[0]
        undecided = list(np.flatnonzero(free))
        while undecided:
            excess_rows = np.zeros((n, len(undecided)))
            excess_rows[undecided, np.arange(len(undecided))] = -1.0
            excess = solve(len(undecided), excess_rows, np.where(free, z - 1e-9, fixed_lo), 1.0)
            if excess.max() <= 1e-7:
                break
            undecided = [i for i, e in zip(undecided, excess, strict=True) if e <= 1e-7]
        level[undecided] = z
    return np.sort(level)


def random_pool(rng: random.Random) -> tuple[Pool, int]:
    n = rng.randint(8, 14)
    k = rng.randint(3, min(7, n - 2))
    households = rng.choice([0.0, 0.0, 0.3])
    pool = generate_pool(n, rng.randint(2, 4), k, rng=rng, skew=rng.uniform(1.5, 4.0), households=households)
    return pool, k


@pytest.mark.parametrize("batch", range(BATCHES))
def test_leximin_matches_brute_force_at_every_level(batch):
    rng = random.Random(1000 + batch)
    compared = 0
    for _ in range(POOLS_PER_BATCH):
        pool, k = random_pool(rng)
        panels = quota_panels(pool, k)
        if not panels:
            with pytest.raises(InfeasibleQuotas):
                select_panel(pool, k)
            continue
        expected = brute_force_leximin(len(pool.people), panels)
        ours = np.sort(np.array(list(select_panel(pool, k).probabilities.values())))
        deviation = np.abs(ours - expected).max()
        assert deviation < TOL, f"pool {compared} of batch {batch}: {ours} vs {expected}"
        compared += 1
    assert compared >= POOLS_PER_BATCH // 2  # most generated pools are feasible


def test_the_brute_force_covers_both_ways_to_the_leximin(monkeypatch):
    """The batches above compare both the direct lottery from P's LEXIMIN and the general algorithm."""
    from participate.sortition import leximin

    ways = Counter()
    original = leximin.from_relaxation

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        ways["direct" if isinstance(result, leximin.Optimised) else "general"] += 1
        return result

    monkeypatch.setattr(leximin, "from_relaxation", spy)
    rng = random.Random(1000)
    for _ in range(POOLS_PER_BATCH):
        pool, k = random_pool(rng)
        if quota_panels(pool, k):
            select_panel(pool, k)
    assert ways["direct"] >= 5 and ways["general"] >= 5

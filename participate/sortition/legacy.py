"""A greedy selection in the style of the Sortition Foundation's older ("legacy") algorithm.

One draw: while some quota is below its minimum, take the value whose unmet minimum is largest relative
to the people still available with it, and pick one of those people uniformly at random; then fill the
remaining seats with people drawn uniformly among those whose addition keeps every maximum (and the
household rule). A draw that gets stuck starts again. Only for comparison: it is not fair (the paper's
point) and its probabilities are estimated from repeated draws.
"""

from __future__ import annotations

import random

import numpy as np

from participate.sortition.distribution import TypeDistribution
from participate.sortition.errors import SortitionError
from participate.sortition.types import TypeModel

MAX_ATTEMPTS = 200


def _one_draw(model: TypeModel, rng: random.Random) -> np.ndarray | None:
    t = model.n_types
    inc = model.incidence
    left = model.sizes.astype(int).copy()
    counts = np.zeros(t, dtype=int)
    have = np.zeros(inc.shape[0])
    blocked_household = np.zeros(t, dtype=bool)
    household_of = {ty: h for h, group in enumerate(model.households) for ty in group}

    feature_of = np.array([f for f, feature in enumerate(model.pool.features) for _ in feature.quotas])
    n_features = len(model.pool.features)

    def allowed() -> np.ndarray:
        ok = (left > 0) & ~blocked_household
        # adding one of type ty must keep every maximum ...
        room = (have + 1 <= model.upper + 1e-9).astype(float)
        fits = (inc * (1 - room[:, None])).sum(axis=0) == 0
        # ... and leave enough seats for every feature's unmet minimums
        seats_after = model.seats - counts.sum() - 1
        after = have[:, None] + inc  # (quotas, types)
        short = np.maximum(model.lower[:, None] - after, 0)
        need = np.zeros((n_features, inc.shape[1]))
        np.add.at(need, feature_of, short)
        enough = (need <= seats_after + 1e-9).all(axis=0)
        allowed_types: np.ndarray = ok & fits & enough
        return allowed_types

    def take(ty: int) -> None:
        counts[ty] += 1
        left[ty] -= 1
        have[:] = have + inc[:, ty]
        if ty in household_of:
            blocked_household[list(model.households[household_of[ty]])] = True

    for _ in range(model.seats):
        ok = allowed()
        unmet = np.flatnonzero(have < model.lower - 1e-9)
        if unmet.size:
            avail = inc[unmet] @ (left * ok)
            if (avail <= 0).any():
                return None
            ratio = (model.lower[unmet] - have[unmet]) / avail
            best = unmet[np.flatnonzero(ratio == ratio.max())]
            q = best[rng.randrange(len(best))]
            candidates = np.flatnonzero(ok & (inc[q] > 0))
        else:
            candidates = np.flatnonzero(ok)
        if candidates.size == 0:
            return None
        pick = rng.choices(list(candidates), weights=[left[c] for c in candidates])[0]
        take(int(pick))
    if (have < model.lower - 1e-9).any():
        return None
    return counts


def legacy_distribution(model: TypeModel, *, rng: random.Random, samples: int = 1000) -> TypeDistribution:
    """Empirical distribution of `samples` legacy draws (as type panels)."""
    found: dict[tuple[int, ...], int] = {}
    for _ in range(samples):
        for _attempt in range(MAX_ATTEMPTS):
            counts = _one_draw(model, rng)
            if counts is not None:
                break
        else:
            raise SortitionError("The legacy greedy algorithm could not find a panel meeting the quotas.")
        key = tuple(int(c) for c in counts)
        found[key] = found.get(key, 0) + 1
    keys = list(found)
    return TypeDistribution(
        model, np.array(keys, dtype=int), np.array([found[k] / samples for k in keys], dtype=float)
    )

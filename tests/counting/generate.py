"""Seeded random elections for the conformance suite: small enough for pabutools, with ties in cost and in
score on purpose (few distinct costs, few voters, repeated ballots)."""

from __future__ import annotations

import random

from participate.counting import make_election
from participate.counting.model import Election


def generated(seed: int, vote_type: str, *, large: bool = False) -> Election:
    rng = random.Random(seed)
    m = rng.randint(8, 16) if large else rng.randint(3, 8)
    ids = [str(rng.choice([i, i + 10, i * 7 + 1])) for i in range(1, m + 1)]
    ids = list(dict.fromkeys(ids))
    m = len(ids)
    cost_pool = rng.choice([[1, 2, 2, 3], [2, 4, 4, 6, 8], [3, 3, 5], [1, 1, 4, 5, 10]])
    if large:
        cost_pool = [c * 97 for c in cost_pool]
    projects = [(pid, rng.choice(cost_pool) if rng.random() > 0.05 else 0) for pid in ids]
    total = sum(c for _, c in projects)
    budget = max(1, int(total * rng.uniform(0.25, 0.8)))
    n = rng.randint(60, 400) if large else rng.randint(2, 18)
    pattern: list = []
    ballots: list = []
    meta: dict[str, str] = {}
    max_len = rng.randint(1, m)
    if vote_type == "ordinal" and rng.random() < 0.5:
        meta["max_length"] = str(max_len)
    for _ in range(n):
        if pattern and rng.random() < 0.3:
            ballots.append(rng.choice(pattern))  # repeated ballots
            continue
        k = 1 if vote_type == "choose-1" else rng.randint(1, max_len if vote_type == "ordinal" else m)
        chosen = rng.sample(ids, k)
        if vote_type in ("cumulative", "scoring"):
            points = tuple(rng.choice([1, 1, 2, 3, 5]) for _ in chosen)
            ballot = (tuple(chosen), points)
        else:
            ballot = tuple(chosen)
        pattern.append(ballot)
        ballots.append(ballot)
    return make_election(budget=budget, vote_type=vote_type, projects=projects, ballots=ballots, meta=meta)

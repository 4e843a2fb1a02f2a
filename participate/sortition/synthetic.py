"""Generated pools for tests, benchmarks and demos: a self-selected pool skewed against census targets.

Each feature has 2-4 values with census shares; quotas are floor/ceil of share x panel size (27% of 50
-> 13..14), as councils set them. Respondents self-select: a latent "civic engagement" score raises the
chance of having the first value of every feature and lowers the last, so the pool is skewed against the
census and correlated across features -- the quotas bind and LEGACY-style greedy draws are unfair.
"""

from __future__ import annotations

import random

from participate.sortition.model import Feature, Person, Pool, Quota


def generate_pool(
    n: int,
    n_features: int,
    panel_size: int,
    *,
    rng: random.Random,
    skew: float = 2.5,
    households: float = 0.0,
) -> Pool:
    """`n` people, `n_features` features; `households` is the share of people living with another one."""
    features: list[Feature] = []
    shares: list[list[float]] = []
    for f in range(n_features):
        k = rng.randint(2, 4)
        raw = [rng.uniform(0.5, 1.5) for _ in range(k)]
        share = [r / sum(raw) for r in raw]
        quotas = []
        for v, s in enumerate(share):
            target = s * panel_size
            quotas.append(Quota(f"f{f}", f"v{v}", int(target), -(-int(target * 1000) // 1000)))
        lo, hi = sum(q.min for q in quotas), sum(q.max for q in quotas)
        if not lo <= panel_size <= hi:  # pragma: no cover - floor/ceil always brackets the panel size
            raise AssertionError("generated quotas do not bracket the panel size")
        features.append(Feature(f"f{f}", tuple(quotas)))
        shares.append(share)
    people = []
    address_of: list[str] = []
    for i in range(n):
        engagement = rng.random()
        values = []
        for f, share in enumerate(shares):
            k = len(share)
            weights = [
                s * (skew ** ((1 - 2 * v / (k - 1)) * (engagement - 0.5) * 2)) for v, s in enumerate(share)
            ]
            values.append(features[f].quotas[rng.choices(range(k), weights=weights)[0]].value)
        if households and address_of and rng.random() < households / 2:
            address = rng.choice(address_of)
        else:
            address = f"{i} main street" if households else ""
        address_of.append(address) if address else None
        people.append(Person(f"g{i}", tuple(values), address.replace(" ", "") if address else ""))
    return Pool(tuple(features), tuple(people))

"""Generated pools for tests, benchmarks and demos: a self-selected pool skewed against census targets.

Each feature has 2-4 values with census shares; quotas are floor/ceil of share x panel size (27% of 50
-> 13..14), as councils set them. Respondents self-select: a latent "civic engagement" score raises the
chance of having the first value of every feature and lowers the last, so the pool is skewed against the
census and correlated across features -- the quotas bind and LEGACY-style greedy draws are unfair.
"""

from __future__ import annotations

import csv
import io
import random

from participate.sortition.model import Feature, Person, Pool, Quota


def census_feature(name: str, shares: dict[str, float], panel_size: int) -> Feature:
    """Quotas as councils set them: floor..ceil of each value's census share x the panel size."""
    quotas = []
    for value, share in shares.items():
        target = share * panel_size
        quotas.append(Quota(name, value, int(target), -(-int(target * 1000) // 1000)))
    lo, hi = sum(q.min for q in quotas), sum(q.max for q in quotas)
    if not lo <= panel_size <= hi:  # pragma: no cover - floor/ceil always brackets the panel size
        raise AssertionError("census quotas do not bracket the panel size")
    return Feature(name, tuple(quotas))


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
        features.append(census_feature(f"f{f}", {f"v{v}": x for v, x in enumerate(share)}, panel_size))
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


PairShares = dict[tuple[str, str], dict[tuple[str, str], float]]


def read_pair_shares(text: str) -> PairShares:
    """The replication data's `intersections.csv` (category 1, feature 1, category 2, feature 2,
    population share): the population share of each pair of values, per pair of features."""
    shares: PairShares = {}
    for row in csv.DictReader(io.StringIO(text)):
        key = (row["category 1"], row["category 2"])
        shares.setdefault(key, {})[(row["feature 1"], row["feature 2"])] = float(row["population share"])
    return shares


def pool_from_pair_shares(
    shares: PairShares,
    n: int,
    panel_size: int,
    *,
    rng: random.Random,
    skew: float = 2.5,
    concentration: float = 1.0,
) -> Pool:
    """A self-selected pool of `n` whose features follow the population's pairwise shares.

    Each feature's population share gives its quotas (floor/ceil of share x panel size). People are drawn
    feature by feature, each given the earlier ones through their pairwise shares (naive Bayes),
    and, as in `generate_pool`, skewed by a latent engagement score against the census; `concentration`
    above 1 sharpens every choice (fewer distinct feature vectors).
    """
    marginal: dict[str, dict[str, float]] = {}
    for (first, second), table in shares.items():
        for (v1, v2), share in table.items():
            marginal.setdefault(first, {}).setdefault(v1, 0.0)
            marginal.setdefault(second, {}).setdefault(v2, 0.0)
            marginal[first][v1] += share / _partners(shares, first)
            marginal[second][v2] += share / _partners(shares, second)
    names = sorted(marginal, key=lambda f: -len(marginal[f]))
    features = []
    for name in names:
        total = sum(marginal[name].values())
        ordered = sorted(marginal[name], key=lambda v: (len(v), v))
        features.append(census_feature(name, {v: marginal[name][v] / total for v in ordered}, panel_size))
    people = []
    for i in range(n):
        engagement = rng.random()
        chosen: dict[str, str] = {}
        for feature in features:
            name = feature.name
            values = list(feature.values)
            # P(v | earlier values) ∝ P(v) * prod over earlier features p of P(v | p) / P(v)
            weights = [marginal[name][v] for v in values]
            for parent in chosen:
                table = _table(shares, parent, name)
                if table:
                    row = [table.get((chosen[parent], v), 0.0) for v in values]
                    total = sum(row) or 1.0
                    weights = [
                        w * (r / total) / m if m > 0 else 0.0
                        for w, r, m in zip(weights, row, (marginal[name][v] for v in values), strict=True)
                    ]
            k = len(values)
            tilt = [skew ** ((1 - 2 * j / (k - 1)) * (engagement - 0.5) * 2) for j in range(k)]
            weights = [(w * s) ** concentration for w, s in zip(weights, tilt, strict=True)]
            if sum(weights) <= 0:
                weights = [marginal[name][v] for v in values]
            chosen[name] = rng.choices(values, weights=weights)[0]
        people.append(Person(f"s{i}", tuple(chosen[f.name] for f in features)))
    return Pool(tuple(features), tuple(people))


def _partners(shares: PairShares, feature: str) -> int:
    return sum(feature in pair for pair in shares)


def _table(shares: PairShares, given: str, name: str) -> dict[tuple[str, str], float]:
    """Shares keyed (value of `given`, value of `name`), empty when the data has no such pair."""
    if (given, name) in shares:
        return shares[(given, name)]
    if (name, given) in shares:
        return {(b, a): s for (a, b), s in shares[(name, given)].items()}
    return {}

"""Alternates chosen in advance for the people likely to drop out (after Assos, Baharav, Flanigan &
Procaccia, "Alternates, Assemble!", EC 2025).

About a tenth of a drawn panel drops out in the week of confirmation calls. Instead of walking a reserve
list in random order, `select_alternates` chooses `count` alternates whose features match those of the
people expected to drop out, so that after dropouts and replacements the panel misrepresents the pool (its
quotas) as little as possible.

Dropout rates are given per feature value (``{(feature, value): rate}``) or estimated from past panels'
confirmation records (`estimate_dropout_rates`). A person's dropout probability is the mean of the rates
of their values (values without a rate count as the mean of the given rates).

Choice (an ILP over the types, not the paper's exact stochastic programme): the expected dropouts per
quota value, E_q = sum over panel members with value q of their dropout probability, scaled to `count`
people, is the profile the alternates should have; the ILP chooses how many alternates of each type
(people with the same feature values, among those not on the panel and not sharing an address with a
panel member or with another alternate) so that the sum over quota values of |alternates with q - E_q|
is smallest. Within a type, alternates are taken in the reserve order (SHA-256 of the seed and the id,
see reserves.py), so no one can steer who they are once the seed is public. Ties between equally good
choices go to the type that comes first in the pool.

Replacement (`replace_from_alternates`): each seat left by a dropout goes, one at a time, to the
alternate that brings the panel closest to its quotas (the sum over quotas of how far the count is
outside min..max, then the fewest quotas violated; ties to the earlier alternate), never to a housemate of
someone on the panel. The bench (bench/alternates.py) measures, over simulated dropouts, the expected
number of violated quotas and the expected distance to the quotas after replacement, for these alternates
and for the first `count` people of today's reserve list replaced the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from participate.sortition.errors import InputError
from participate.sortition.model import Pool
from participate.sortition.reserves import reserve_list
from participate.sortition.solver import build, run
from participate.sortition.types import quota_incidence

DropoutRates = Mapping[tuple[str, str], float]


@dataclass(frozen=True)
class Alternates:
    alternates: tuple[str, ...]  # in the order they are called on
    expected_dropouts: float  # sum of the panel members' dropout probabilities
    target: Mapping[str, float]  # per "feature=value": the alternates' ideal count (E_q scaled to count)
    chosen: Mapping[str, int]  # per "feature=value": how many alternates have it

    def as_dict(self) -> dict[str, object]:
        return {
            "alternates": list(self.alternates),
            "expected_dropouts": self.expected_dropouts,
            "target": dict(self.target),
            "chosen": dict(self.chosen),
        }


def dropout_probabilities(pool: Pool, people: Iterable[str], rates: DropoutRates) -> dict[str, float]:
    """Each person's dropout probability: the mean of the rates of their feature values."""
    for (feature, value), rate in rates.items():
        if not 0 <= rate <= 1:
            raise InputError(f"The dropout rate of {feature}={value} must be between 0 and 1, not {rate}.")
        if not any(f.name == feature and value in f.values for f in pool.features):
            raise InputError(f"Unknown feature value {feature}={value} in the dropout rates.")
    default = sum(rates.values()) / len(rates) if rates else 0.0
    out = {}
    for pid in people:
        person = pool.person(pid)
        values = [rates.get((f.name, v), default) for f, v in zip(pool.features, person.values, strict=True)]
        out[pid] = sum(values) / len(values) if values else default
    return out


def select_alternates(
    pool: Pool, panel: Sequence[str], dropout_rates: DropoutRates, count: int, *, seed: str = ""
) -> Alternates:
    """`count` alternates for `panel` (see the module docstring). Raises InputError for bad input."""
    if count < 0:
        raise InputError("The number of alternates cannot be negative.")
    on_panel = list(dict.fromkeys(panel))
    probabilities = dropout_probabilities(pool, on_panel, dropout_rates)
    order = reserve_list(pool, on_panel, seed=seed)  # everyone eligible, in reserve order
    if count > len(order):
        raise InputError(f"Only {len(order)} people can be alternates, fewer than {count}.")
    quotas = pool.quotas
    labels = [f"{q.feature}={q.value}" for q in quotas]
    expected = quota_incidence(pool, [pool.index[pid] for pid in on_panel]) @ np.array(
        [probabilities[pid] for pid in on_panel]
    )
    total = float(sum(probabilities.values()))
    # every panel member has one value per feature, so E_q over a feature sums to `total`
    target = expected * (count / total) if total > 0 else np.zeros(len(quotas))
    if count == 0:
        return Alternates(
            (), total, dict(zip(labels, target.tolist(), strict=True)), dict.fromkeys(labels, 0)
        )
    groups: dict[tuple[str, ...], list[str]] = {}
    for pid in order:
        groups.setdefault(pool.person(pid).values, []).append(pid)
    kinds = sorted(groups, key=lambda values: pool.index[groups[values][0]])
    counts = _match_profile(pool, kinds, [len(groups[k]) for k in kinds], target, count)
    picked = [pid for kind, c in zip(kinds, counts, strict=True) for pid in groups[kind][:c]]
    picked = _distinct_addresses(pool, picked, order, count)
    rank = {pid: r for r, pid in enumerate(order)}
    # call first those whose type is most needed: the expected dropouts' most common values
    weight = dict(zip(labels, target.tolist(), strict=True))
    picked.sort(key=lambda pid: (-_need(pool, pid, weight), rank[pid]))
    chosen_counts = quota_incidence(pool, [pool.index[pid] for pid in picked]).sum(axis=1)
    return Alternates(
        alternates=tuple(picked),
        expected_dropouts=total,
        target=weight,
        chosen={label: int(c) for label, c in zip(labels, chosen_counts, strict=True)},
    )


def _need(pool: Pool, pid: str, weight: Mapping[str, float]) -> float:
    person = pool.person(pid)
    return sum(weight[f"{f.name}={v}"] for f, v in zip(pool.features, person.values, strict=True))


def _match_profile(
    pool: Pool, kinds: list[tuple[str, ...]], available: list[int], target: np.ndarray, count: int
) -> list[int]:
    """Alternates per type: min sum_q |sum_t a_t inc_qt - target_q|, sum_t a_t = count, a_t <= available."""
    incidence = _kind_incidence(pool, kinds)  # (quotas, kinds)
    q, k = incidence.shape
    # columns: a (k integers), u (q deviations); rows: inc a - u <= target, inc a + u >= target, sum a = count
    matrix = np.zeros((2 * q + 1, k + q))
    matrix[:q, :k] = incidence
    matrix[:q, k:] = -np.eye(q)
    matrix[q : 2 * q, :k] = incidence
    matrix[q : 2 * q, k:] = np.eye(q)
    matrix[2 * q, :k] = 1
    lower = np.concatenate([np.full(q, -np.inf), target, [count]])
    upper = np.concatenate([target, np.full(q, np.inf), [count]])
    # a tiny preference for earlier types makes the optimum unique
    tie = 1e-6 * np.arange(k) / max(k, 1)
    cost = np.concatenate([tie, np.ones(q)])
    sol = run(
        build(
            cost,
            matrix,
            lower,
            upper,
            np.zeros(k + q),
            np.concatenate([np.array(available, float), np.full(q, np.inf)]),
            integer=np.concatenate([np.ones(k, dtype=bool), np.zeros(q, dtype=bool)]),
            time_limit=2.0,
            mip_gap=1e-4,
        )
    )
    if sol.x is None:  # pragma: no cover - a = the first `count` available is always feasible
        raise InputError("No set of alternates could be chosen.")
    return [int(round(v)) for v in sol.x[:k]]


def _kind_incidence(pool: Pool, kinds: list[tuple[str, ...]]) -> np.ndarray:
    row = {(q.feature, q.value): r for r, q in enumerate(pool.quotas)}
    out = np.zeros((len(row), len(kinds)))
    for c, values in enumerate(kinds):
        for f, v in zip(pool.features, values, strict=True):
            out[row[(f.name, v)], c] = 1
    return out


def _distinct_addresses(pool: Pool, picked: list[str], order: Sequence[str], count: int) -> list[str]:
    """At most one alternate per address: a housemate is swapped for the next reserve of the same type
    (or, failing that, the next reserve of any type)."""
    seen: set[str] = set()
    kept: list[str] = []
    for pid in picked:
        address = pool.person(pid).address
        if address and address in seen:
            continue
        if address:
            seen.add(address)
        kept.append(pid)
    taken = set(kept)
    for wanted in [pool.person(pid).values for pid in picked if pid not in taken] + [None] * count:
        if len(kept) >= count:
            break
        for pid in order:
            person = pool.person(pid)
            if pid in taken or (person.address and person.address in seen):
                continue
            if wanted is not None and person.values != wanted:
                continue
            kept.append(pid)
            taken.add(pid)
            if person.address:
                seen.add(person.address)
            break
    return kept[:count]


@dataclass(frozen=True)
class Outcome:
    panel: tuple[str, ...]
    added: tuple[str, ...]
    violations: int  # quotas whose count is outside min..max
    distance: int  # sum over quotas of how far the count is outside min..max


def quota_distance(pool: Pool, panel: Iterable[str]) -> tuple[int, int]:
    """(quotas violated, total distance to the quotas) of `panel`."""
    counts = quota_incidence(pool, [pool.index[pid] for pid in panel]).sum(axis=1)
    lo = np.array([q.min for q in pool.quotas])
    hi = np.array([q.max for q in pool.quotas])
    gap = np.maximum(lo - counts, 0) + np.maximum(counts - hi, 0)
    return int((gap > 0).sum()), int(gap.sum())


def replace_from_alternates(
    pool: Pool, panel: Sequence[str], dropouts: Iterable[str], alternates: Sequence[str]
) -> Outcome:
    """Fill the dropouts' seats from `alternates` (see the module docstring)."""
    gone = set(dropouts)
    stayed = [pid for pid in panel if pid not in gone]
    lo = np.array([q.min for q in pool.quotas], dtype=float)
    hi = np.array([q.max for q in pool.quotas], dtype=float)
    candidates = [pid for pid in alternates if pid not in set(panel)]
    inc = (
        quota_incidence(pool, [pool.index[pid] for pid in candidates])
        if candidates
        else np.zeros((len(lo), 0))
    )
    counts = quota_incidence(pool, [pool.index[pid] for pid in stayed]).sum(axis=1)
    addresses = {pool.person(pid).address for pid in stayed} - {""}
    used = np.zeros(len(candidates), dtype=bool)
    added: list[str] = []
    for _ in range(len(panel) - len(stayed)):
        after = counts[:, None] + inc
        gap = np.maximum(lo[:, None] - after, 0) + np.maximum(after - hi[:, None], 0)
        score = gap.sum(axis=0) * (len(lo) + 1) + (gap > 0).sum(axis=0)
        for c, pid in enumerate(candidates):
            if used[c] or (pool.person(pid).address and pool.person(pid).address in addresses):
                score[c] = np.inf
        if not len(candidates) or not np.isfinite(score).any():
            break
        best = int(np.argmin(score))
        used[best] = True
        added.append(candidates[best])
        counts = counts + inc[:, best]
        if pool.person(candidates[best]).address:
            addresses.add(pool.person(candidates[best]).address)
    final = [*stayed, *added]
    violations, distance = quota_distance(pool, final)
    return Outcome(tuple(final), tuple(added), violations, distance)


def parse_dropout_rates(pool: Pool, text: str) -> dict[tuple[str, str], float]:
    """Dropout rates from a CSV with the columns feature,value,rate (a rate in 0..1 or a percentage)."""
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip().casefold(): h for h in reader.fieldnames or []}
    for column in ("feature", "value", "rate"):
        if column not in header:
            raise InputError(f"The dropout rates need the columns feature,value,rate (missing {column!r}).")
    rates = {}
    for line, row in enumerate(reader, start=2):
        name = (row.get(header["feature"]) or "").strip()
        if not name:
            continue
        raw = (row.get(header["rate"]) or "").strip()
        try:
            rate = float(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
        except ValueError:
            raise InputError(f"Line {line}: the rate {raw!r} is not a number.") from None
        feature = next((f for f in pool.features if f.name.casefold() == name.casefold()), None)
        value = (row.get(header["value"]) or "").strip()
        match = (
            None
            if feature is None
            else next((v for v in feature.values if v.casefold() == value.casefold()), None)
        )
        if feature is None or match is None:
            raise InputError(f"Line {line}: unknown feature value {name}={value}.")
        rates[(feature.name, match)] = rate
    dropout_probabilities(pool, (), rates)  # checks the rates are in 0..1
    return rates


def estimate_dropout_rates(
    pool: Pool, records_csv: str, *, status_column: str = "status"
) -> dict[tuple[str, str], float]:
    """Dropout rates per feature value from past confirmation records: a CSV with one column per feature
    (named as in the features file) and a `status_column` of "confirmed" or "dropped" (also yes/no,
    1/0). Rates are smoothed toward the overall rate (one pseudo-record of it per value), so a value seen
    rarely is not given 0 or 1."""
    reader = csv.DictReader(io.StringIO(records_csv))
    header = {h.strip().casefold(): h for h in reader.fieldnames or []}
    if status_column.casefold() not in header:
        raise InputError(f"The confirmation records have no {status_column!r} column.")
    columns = {}
    for feature in pool.features:
        if feature.name.casefold() not in header:
            raise InputError(f"The confirmation records have no column for the feature {feature.name!r}.")
        columns[feature.name] = header[feature.name.casefold()]
    records: list[tuple[dict[str, str], bool]] = []
    for line, row in enumerate(reader, start=2):
        status = (row.get(header[status_column.casefold()]) or "").strip().casefold()
        if status in ("dropped", "dropout", "no", "0", "false"):
            dropped = True
        elif status in ("confirmed", "yes", "1", "true"):
            dropped = False
        else:
            raise InputError(f"Line {line}: status {status!r} is neither confirmed nor dropped.")
        answers = {}
        for feature in pool.features:
            value = (row.get(columns[feature.name]) or "").strip()
            match = next((v for v in feature.values if v.casefold() == value.casefold()), None)
            if match is None:
                raise InputError(f"Line {line}: unknown value {value!r} for {feature.name!r}.")
            answers[feature.name] = match
        records.append((answers, dropped))
    if not records:
        raise InputError("The confirmation records are empty.")
    return rates_from_records(pool, records)


def rates_from_records(
    pool: Pool, records: Iterable[tuple[Mapping[str, str], bool]]
) -> dict[tuple[str, str], float]:
    """Dropout rates per feature value from confirmation records ({feature: value}, dropped out?), smoothed
    toward the overall rate by one pseudo-record of it per value. A record may lack some features (a past
    panel asked other questions); answers that are no feature value of `pool` are ignored. Values no
    record has are left out (`dropout_probabilities` gives them the mean rate); no records, no rates."""
    known = {(f.name, v) for f in pool.features for v in f.values}
    seen: dict[tuple[str, str], list[int]] = {}
    dropped_total = rows = 0
    for answers, dropped in records:
        rows += 1
        dropped_total += int(dropped)
        for key in answers.items():
            if key in known:
                tally = seen.setdefault(key, [0, 0])
                tally[0] += int(dropped)
                tally[1] += 1
    if rows == 0:
        return {}
    overall = dropped_total / rows
    return {key: (d + overall) / (n + 1) for key, (d, n) in seen.items()}

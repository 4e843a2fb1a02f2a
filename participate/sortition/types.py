"""Interchangeable people ("types") and the panel constraints over type counts.

People with the same feature values are interchangeable for the quotas, so a panel is described by how
many people of each type it holds. People who share an address with someone else in the pool are kept
as their own one-person types so that the household rule (at most one person per address) stays a linear
constraint. People who must be on the panel are taken out (their seats and quota counts are reserved);
people who must stay out, and housemates of people who must be on it, are left out of every type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from participate.sortition.errors import InputError
from participate.sortition.model import Pool


@dataclass(frozen=True, eq=False)
class TypeModel:
    pool: Pool
    panel_size: int
    seats: int  # seats left after the must-include people
    members: tuple[tuple[int, ...], ...]  # person indices (pool order) of each type
    sizes: np.ndarray  # people per type
    incidence: np.ndarray  # (quotas, types): 1 if the type has the quota's value
    lower: np.ndarray  # per quota, after the must-include people
    upper: np.ndarray
    households: tuple[tuple[int, ...], ...]  # type indices of which a panel holds at most one
    fixed_in: tuple[int, ...]  # person indices always on the panel
    excluded: tuple[int, ...]  # person indices never on the panel

    @property
    def n_types(self) -> int:
        return len(self.members)

    def constraint_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows over type counts: panel size, one per quota, one per household."""
        t = self.n_types
        rows = [np.ones((1, t)), self.incidence]
        lo = [np.array([self.seats], float), self.lower.astype(float)]
        hi = [np.array([self.seats], float), self.upper.astype(float)]
        if self.households:
            hh = np.zeros((len(self.households), t))
            for r, group in enumerate(self.households):
                hh[r, list(group)] = 1
            rows.append(hh)
            lo.append(np.full(len(self.households), -np.inf))
            hi.append(np.ones(len(self.households)))
        return np.vstack(rows), np.concatenate(lo), np.concatenate(hi)


def quota_incidence(pool: Pool, people: Iterable[int]) -> np.ndarray:
    """(quotas, len(people)) 0/1 matrix of which quota value each person has."""
    people = list(people)
    quota_row = {}
    for r, q in enumerate(pool.quotas):
        quota_row[(q.feature, q.value)] = r
    out = np.zeros((len(quota_row), len(people)))
    for c, i in enumerate(people):
        person = pool.people[i]
        for f, v in zip(pool.features, person.values, strict=True):
            out[quota_row[(f.name, v)], c] = 1
    return out


def build_types(
    pool: Pool,
    panel_size: int,
    *,
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
) -> TypeModel:
    if panel_size < 1:
        raise InputError("The panel size must be at least 1.")
    include = [_index(pool, pid) for pid in dict.fromkeys(must_include)]
    exclude = {_index(pool, pid) for pid in must_exclude}
    _check_the_choices(pool, panel_size, include, exclude)
    excluded = exclude | _housemates_of(pool, include)
    eligible = [i for i in range(len(pool.people)) if i not in excluded and i not in set(include)]
    members, households = _group_into_types(pool, eligible)

    representatives = [group[0] for group in members]
    incidence = quota_incidence(pool, representatives)
    taken = quota_incidence(pool, include).sum(axis=1) if include else np.zeros(len(pool.quotas))
    lower = np.array([q.min for q in pool.quotas], dtype=float) - taken
    upper = np.array([q.max for q in pool.quotas], dtype=float) - taken
    return TypeModel(
        pool=pool,
        panel_size=panel_size,
        seats=panel_size - len(include),
        members=members,
        sizes=np.array([len(g) for g in members], dtype=float),
        incidence=incidence,
        lower=np.maximum(lower, 0),
        upper=upper,
        households=households,
        fixed_in=tuple(include),
        excluded=tuple(sorted(excluded)),
    )


def _index(pool: Pool, pid: str) -> int:
    return pool.index[pid] if pid in pool.index else _unknown(pid)


def _check_the_choices(pool: Pool, panel_size: int, include: list[int], exclude: set[int]) -> None:
    """InputError unless who must be on the panel or stay out of it leaves a panel possible."""
    both = [pool.people[i].id for i in include if i in exclude]
    if both:
        raise InputError(f"Person {both[0]!r} cannot both be on the panel and stay out of it.")
    if len(include) > panel_size:
        raise InputError(f"{len(include)} people must be on a panel of only {panel_size}.")
    if len(pool.people) < panel_size:
        raise InputError(f"The pool has {len(pool.people)} people, fewer than the panel size {panel_size}.")


def _housemates_of(pool: Pool, include: list[int]) -> set[int]:
    """Everyone else at the address of someone who must be on the panel (InputError if two of those who
    must be on it share one)."""
    included_addresses: dict[str, int] = {}
    for i in include:
        address = pool.people[i].address
        if address and address in included_addresses:
            a, b = pool.people[included_addresses[address]].id, pool.people[i].id
            raise InputError(f"People {a!r} and {b!r} must both be on the panel but share an address.")
        if address:
            included_addresses[address] = i
    return {
        i
        for i, person in enumerate(pool.people)
        if i not in include and person.address and person.address in included_addresses
    }


def _group_into_types(
    pool: Pool, eligible: list[int]
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """The types (people with the same values; anyone sharing an address is a type of their own) and the
    households (types at one address, of which a panel holds at most one)."""
    address_count: dict[str, int] = {}
    for i in eligible:
        if pool.people[i].address:
            address_count[pool.people[i].address] = address_count.get(pool.people[i].address, 0) + 1

    def shares_an_address(i: int) -> bool:
        address = pool.people[i].address
        return bool(address) and address_count[address] > 1

    groups: dict[tuple[str | int | tuple[str, ...], ...], list[int]] = {}
    for i in eligible:
        key = ("person", i) if shares_an_address(i) else ("values", pool.people[i].values)
        groups.setdefault(key, []).append(i)
    members = tuple(tuple(g) for g in groups.values())
    type_of = {i: t for t, group in enumerate(members) for i in group}
    households: dict[str, list[int]] = {}
    for i in eligible:
        if shares_an_address(i):
            households.setdefault(pool.people[i].address, []).append(type_of[i])
    return members, tuple(tuple(h) for h in households.values())


def _unknown(pid: str) -> int:
    raise InputError(f"Unknown person id {pid!r}.")

"""Value types: quotas, features, people and the pool they form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from participate.sortition.errors import InputError


@dataclass(frozen=True)
class Quota:
    """Panel members with `feature` = `value` must number between `min` and `max` (inclusive).

    `min_flex`/`max_flex` bound how far an infeasibility repair may move `min` down and `max` up;
    `max_flex` None means "up to the panel size".
    """

    feature: str
    value: str
    min: int
    max: int
    min_flex: int = 0
    max_flex: int | None = None


@dataclass(frozen=True)
class Feature:
    name: str
    quotas: tuple[Quota, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(q.value for q in self.quotas)


@dataclass(frozen=True)
class Person:
    """One respondent. `values[i]` is the value of the pool's i-th feature; `address` is normalised
    (empty: no household rule applies to this person)."""

    id: str
    values: tuple[str, ...]
    address: str = ""


@dataclass(frozen=True)
class Pool:
    features: tuple[Feature, ...]
    people: tuple[Person, ...]
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, person in enumerate(self.people):
            if person.id in index:
                raise InputError(f"Duplicate person id {person.id!r}.")
            if len(person.values) != len(self.features):
                raise InputError(f"Person {person.id!r} does not have a value for every feature.")
            index[person.id] = i
        object.__setattr__(self, "index", index)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.people)

    @property
    def quotas(self) -> tuple[Quota, ...]:
        return tuple(q for f in self.features for q in f.quotas)

    def person(self, person_id: str) -> Person:
        try:
            return self.people[self.index[person_id]]
        except KeyError:
            raise InputError(f"Unknown person id {person_id!r}.") from None

    def value_of(self, person: Person, feature: str) -> str:
        for f, v in zip(self.features, person.values, strict=True):
            if f.name == feature:
                return v
        raise InputError(f"Unknown feature {feature!r}.")

    def households(self) -> list[list[int]]:
        """Groups (person indices) of two or more people sharing a non-empty normalised address."""
        groups: dict[str, list[int]] = {}
        for i, p in enumerate(self.people):
            if p.address:
                groups.setdefault(p.address, []).append(i)
        return [g for g in groups.values() if len(g) > 1]


_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalise_address(parts: list[str] | tuple[str, ...]) -> str:
    """Addresses compare after lower-casing and dropping spaces and punctuation, column by column.
    An address whose columns are all empty is no address (no household rule)."""
    cleaned = [_NON_ALNUM.sub("", part.casefold()) for part in parts]
    if not any(cleaned):
        return ""
    return "|".join(cleaned)

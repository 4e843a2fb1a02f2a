"""Election value types: what a pabulib file holds, as frozen dataclasses.

Money is in integer minor units. Points (cumulative / scoring ballots) are exact: int or Fraction.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat

VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring", "choose-1")
CARDINAL_TYPES = ("cumulative", "scoring")
APPROVAL_TYPES = ("approval", "choose-1")

Points = int | Fraction


@dataclass(frozen=True, slots=True)
class Project:
    """A proposal: its id (a string, as in the file), integer cost and all other PROJECTS columns."""

    id: str
    cost: int
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")


@dataclass(frozen=True, slots=True)
class Ballot:
    """One resident's ballot. `projects` is in file order (most preferred first for ordinal ballots);
    `points` is parallel to `projects` for cumulative / scoring ballots and None otherwise."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Points, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)


def ballots_in_bulk(
    voter_ids: list[str], projects: list[tuple[str, ...]], fields: Iterable[dict[str, str]]
) -> list[Ballot]:
    """Ballot(voter_id, projects, None, fields) for each triple, made twice as fast as by calling Ballot:
    the reader makes tens of thousands at once, and a frozen dataclass's __init__ sets each field through a
    Python-level call. Each slot is set here through its descriptor, column by column, in C loops; the
    result is the same object (tests compare the two). Keep in step with Ballot's fields."""
    made = list(map(object.__new__, repeat(Ballot, len(voter_ids))))
    for name, values in (
        ("voter_id", voter_ids),
        ("projects", projects),
        ("points", repeat(None)),
        ("fields", fields),
    ):
        deque(map(getattr(Ballot, name).__set__, made, values), maxlen=0)
    return made


@dataclass(frozen=True)
class Election:
    """A whole pabulib election: META (all keys, in order), projects and ballots, plus the column order
    of the PROJECTS and VOTES sections so that writing it back loses nothing."""

    meta: dict[str, str]
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    project_columns: tuple[str, ...] = ("project_id", "cost")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"]

    @property
    def budget(self) -> int:
        return int(self.meta["budget"])

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)

    @property
    def max_length(self) -> int | None:
        value = self.meta.get("max_length")
        return int(value) if value not in (None, "") else None

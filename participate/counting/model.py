"""Election value types: what a pabulib file holds, as frozen dataclasses.

Money is in integer minor units. Points (cumulative / scoring ballots) are exact: int or Fraction.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat
from typing import overload

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


class Ballots(Sequence[Ballot]):
    """An election's ballots, kept as columns until a Ballot is asked for.

    A count reads only each ballot's projects (`projects`, one tuple per ballot, in file order), and points
    for cardinal ballots. Making 60,000 Ballot objects with a dict of their other columns each costs a read
    a fifth of its time, so the reader hands over its columns and the objects are made, all at once, the
    first time anything iterates or indexes the ballots. Equal to any sequence of the same Ballots."""

    __slots__ = ("projects", "_voter_ids", "_fields", "_made")

    def __init__(
        self,
        voter_ids: list[str],
        projects: list[tuple[str, ...]],
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.projects = projects
        self._voter_ids = voter_ids
        self._fields = fields or {}
        self._made: tuple[Ballot, ...] | None = None

    @classmethod
    def of(cls, ballots: Iterable[Ballot]) -> Ballots:
        if isinstance(ballots, Ballots):
            return ballots
        made = tuple(ballots)
        self = cls([], [b.projects for b in made])  # no columns to make ballots from: they are made
        self._made = made
        return self

    def _ballots(self) -> tuple[Ballot, ...]:
        made = self._made
        if made is None:  # two threads may both get here: each makes equal ballots, and either set is kept
            fields = self._fields
            rows = (
                map(dict, map(zip, repeat(list(fields)), zip(*fields.values(), strict=True)))
                if fields
                else ({} for _ in self.projects)
            )
            made = self._made = tuple(ballots_in_bulk(self._voter_ids, self.projects, rows))
        return made

    def __len__(self) -> int:
        return len(self.projects)

    @overload
    def __getitem__(self, index: int) -> Ballot: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Ballot, ...]: ...
    def __getitem__(self, index: int | slice) -> Ballot | tuple[Ballot, ...]:
        return self._ballots()[index]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self._ballots())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ballots):
            return self is other or self._ballots() == other._ballots()
        if isinstance(other, tuple | list):
            return self._ballots() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ballots({list(self)!r})"


@dataclass(frozen=True)
class Election:
    """A whole pabulib election: META (all keys, in order), projects and ballots, plus the column order
    of the PROJECTS and VOTES sections so that writing it back loses nothing."""

    meta: dict[str, str]
    projects: tuple[Project, ...]
    ballots: Ballots
    project_columns: tuple[str, ...] = ("project_id", "cost")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.ballots, Ballots):  # a tuple or list of Ballot, from code
            object.__setattr__(self, "ballots", Ballots.of(self.ballots))

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

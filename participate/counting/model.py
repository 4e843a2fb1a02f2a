"""Election value types: what a pabulib file holds, as frozen dataclasses.

Money is in integer minor units. Points (cumulative / scoring ballots) are exact: int or Fraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

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

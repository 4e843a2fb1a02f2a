"""Satisfaction measures: their names (part of the public interface, see docs/counting.md) and checks.

The merged, vectorised profile every rule counts from (`SatProfile`, `build_profile`) is in
participate.counting.profile, which needs numpy. Greedy counts from plain
per-project totals (participate.counting.totals), so that a greedy count never imports numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnsupportedOptionError
from .model import CARDINAL_TYPES, Election


@dataclass(frozen=True)
class SatisfactionInfo:
    name: str
    label: str
    description: str
    vote_types: tuple[str, ...]
    pabutools: str


_ALL = ("approval", "choose-1", "ordinal", "cumulative", "scoring")
SATISFACTIONS: dict[str, SatisfactionInfo] = {
    s.name: s
    for s in (
        SatisfactionInfo("cost", "Cost", "its cost, if they approved or ranked it", _ALL, "Cost_Sat"),
        SatisfactionInfo(
            "cardinality", "Number of projects", "1, if they approved or ranked it", _ALL, "Cardinality_Sat"
        ),
        SatisfactionInfo(
            "borda",
            "Borda",
            "ballot length - position - 1 (position 0 = first)",
            ("ordinal",),
            "Additive_Borda_Sat",
        ),
        SatisfactionInfo(
            "points",
            "Points",
            "K - position, K = max_length or the longest ballot",
            ("ordinal",),
            "Additive_Cardinal_Sat on the ballots written as points",
        ),
        SatisfactionInfo(
            "additive", "Points given", "the points they gave it", CARDINAL_TYPES, "Additive_Cardinal_Sat"
        ),
        SatisfactionInfo(
            "cost-points",
            "Cost x points",
            "its cost times the points of its rank",
            ("ordinal",),
            "AdditiveSatisfaction (cost x points)",
        ),
        SatisfactionInfo(
            "cost-additive",
            "Cost x points given",
            "its cost times the points they gave it",
            CARDINAL_TYPES,
            "AdditiveSatisfaction (cost x points)",
        ),
    )
}


def default_satisfaction(vote_type: str) -> str:
    if vote_type == "ordinal":
        return "cost-points"
    if vote_type in CARDINAL_TYPES:
        return "cost-additive"
    return "cost"


def check_satisfaction(sat: str, vote_type: str) -> None:
    if sat not in SATISFACTIONS:
        raise UnsupportedOptionError(f"unknown satisfaction {sat!r} (choose from {', '.join(SATISFACTIONS)})")
    if vote_type not in SATISFACTIONS[sat].vote_types:
        raise UnsupportedOptionError(f"satisfaction {sat!r} does not apply to {vote_type} ballots")


def points_k(election: Election) -> int:
    """K of the `points` measure: META max_length if present, else the longest ballot."""
    if election.max_length is not None:
        return election.max_length
    return max(map(len, election.ballots.projects), default=0)


__all__ = [
    "SATISFACTIONS",
    "SatisfactionInfo",
    "check_satisfaction",
    "default_satisfaction",
    "points_k",
]

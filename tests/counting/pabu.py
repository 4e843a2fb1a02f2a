"""Adapters that run pabutools 1.2.3 (the reference) on the same election, for the conformance tests and
scripts/record_counting_reference.py. Only test code imports pabutools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pabutools.election import (
    Additive_Borda_Sat,
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    CardinalBallot,
    Cardinality_Sat,
    CardinalProfile,
    Cost_Sat,
)
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)

if TYPE_CHECKING:
    from participate.counting.model import Election

# participate.counting is imported only where our Election is needed: bench/counting.py times pabutools
# alone, in a process that never loads our engine.


def _cost_times_points(instance, profile, ballot, project, precomputed_values):
    return project.cost * ballot.get(project, 0)


class CostPointsSat(AdditiveSatisfaction):
    """cost x points, the contract's custom AdditiveSatisfaction."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _cost_times_points)


def as_points_profile(profile, k: int) -> CardinalProfile:
    """Ordinal ballots written as cardinal points K - position."""
    ballots = []
    for b in profile:
        cb = CardinalBallot({p: k - pos for pos, p in enumerate(b)})
        ballots.append(cb)
    return CardinalProfile(ballots)


def load(election: Election, text: str | None = None):
    """pabutools' own reading of the election (of the pabulib text we write, or of `text` if given)."""
    if text is None:
        from participate.counting.pabulib import election_to_pabulib

        text = election_to_pabulib(election)
    return parse_pabulib_from_string(text)


def pabutools_points_k(instance, profile) -> int:
    """K of the `points` measure read from pabutools' own objects: META max_length, else the longest ballot."""
    max_length = instance.meta.get("max_length", "")
    return int(max_length) if max_length not in ("", None) else max((len(b) for b in profile), default=0)


def sat_and_profile(sat: str, profile, k: int):
    if sat == "cost":
        return Cost_Sat, profile
    if sat == "cardinality":
        return Cardinality_Sat, profile
    if sat == "borda":
        return Additive_Borda_Sat, profile
    if sat == "additive":
        return Additive_Cardinal_Sat, profile
    if sat == "cost-additive":
        return CostPointsSat, profile
    if sat == "points":
        return Additive_Cardinal_Sat, as_points_profile(profile, k)
    if sat == "cost-points":
        return CostPointsSat, as_points_profile(profile, k)
    raise ValueError(sat)


def reference(
    election: Election, rule: str, sat: str, completion: str = "none", *, loaded=None, threshold=None
) -> list[str]:
    """Project ids selected by pabutools (in its order; sorted for phragmen, which sorts its result)."""
    from participate.counting.satisfaction import points_k

    instance, profile = loaded if loaded is not None else load(election)
    if threshold is not None:  # (greedy) only the projects whose total score reaches it
        scores = _scores(election)
        keep = [p for p in instance if scores[p.name] >= threshold]
        instance = instance.__class__(keep, budget_limit=instance.budget_limit)
    return pabutools_outcome(instance, profile, rule, sat, completion, points_k(election))


def pabutools_outcome(instance, profile, rule: str, sat: str | None, completion: str, k: int) -> list[str]:
    """pabutools' outcome on its own objects (`k`: K of the points measures)."""
    if rule == "phragmen":
        return [p.name for p in sequential_phragmen(instance, profile)]
    assert sat is not None
    sat_class, prof = sat_and_profile(sat, profile, k)
    if rule == "greedy":
        return [p.name for p in greedy_utilitarian_welfare(instance, prof, sat_class=sat_class)]
    if rule == "mes":
        if completion == "none":
            out = method_of_equal_shares(instance, prof, sat_class=sat_class)
        elif completion == "add1":
            out = method_of_equal_shares(instance, prof, sat_class=sat_class, voter_budget_increment=1)
        elif completion == "add1u":
            out = completion_by_rule_combination(
                instance,
                prof,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [{"sat_class": sat_class, "voter_budget_increment": 1}, {"sat_class": sat_class}],
            )
        else:
            raise ValueError(completion)
        return [p.name for p in out]
    raise ValueError(rule)


def _scores(election: Election) -> dict:
    scores = {p.id: 0 for p in election.projects}
    for b in election.ballots:
        if b.points is not None:
            for pid, v in zip(b.projects, b.points, strict=True):
                scores[pid] += v
        else:
            for pid in b.projects:
                scores[pid] += 1
    return scores

"""Adapters that run pabutools 1.2.3 (the reference) on the same election, for the conformance tests and
scripts/record_counting_reference.py. Only test code imports pabutools."""

from __future__ import annotations

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

from participate.counting.model import Election
from participate.counting.pabulib import election_to_pabulib
from participate.counting.satisfaction import points_k


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
    return parse_pabulib_from_string(text if text is not None else election_to_pabulib(election))


def sat_and_profile(election: Election, sat: str, profile):
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
    k = points_k(election)
    if sat == "points":
        return Additive_Cardinal_Sat, as_points_profile(profile, k)
    if sat == "cost-points":
        return CostPointsSat, as_points_profile(profile, k)
    raise ValueError(sat)


def reference(
    election: Election, rule: str, sat: str, completion: str = "none", *, loaded=None, threshold=None
) -> list[str]:
    """Project ids selected by pabutools (in its order; sorted for phragmen, which sorts its result)."""
    instance, profile = loaded if loaded is not None else load(election)
    if rule == "phragmen":
        return [p.name for p in sequential_phragmen(instance, profile)]
    sat_class, prof = sat_and_profile(election, sat, profile)
    if rule == "greedy":
        if threshold is not None:
            scores = dict(_scores(election).items())
            keep = [p for p in instance if scores[p.name] >= threshold]
            sub = instance.__class__(keep, budget_limit=instance.budget_limit)
            return [p.name for p in greedy_utilitarian_welfare(sub, prof, sat_class=sat_class)]
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

"""PB-EAR against a direct, per-voter transcription of the contract's definition."""

from __future__ import annotations

from fractions import Fraction

import pytest

from participate.counting import count, make_election
from tests.counting.generate import generated


def ear_by_definition(election) -> list[str]:
    n = len(election.ballots)
    budget = election.budget
    cost = {p.id: p.cost for p in election.projects}
    weight = [Fraction(1)] * n
    funded: list[str] = []
    left = budget
    longest = max((len(b.projects) for b in election.ballots), default=0)
    for j in range(1, longest + 1):
        while True:
            affordable = [p for p in cost if p not in funded and cost[p] <= left]
            if not affordable:
                return funded
            best = None
            for p in sorted(affordable):
                quota = Fraction(n * cost[p], budget)
                support = sum(weight[i] for i, b in enumerate(election.ballots) if p in b.projects[:j])
                if support > 0 and support >= quota:
                    ratio = support / quota if quota else None
                    if (
                        best is None
                        or (ratio is None and best[1] is not None)
                        or (ratio is not None and best[1] is not None and ratio > best[1])
                    ):
                        best = (p, ratio, quota, support)
            if best is None:
                break
            p, _, quota, support = best
            for i, b in enumerate(election.ballots):
                if p in b.projects[:j]:
                    weight[i] *= 1 - quota / support
            funded.append(p)
            left -= cost[p]
    return funded


@pytest.mark.parametrize("seed", range(60))
def test_ear_matches_definition(seed):
    election = generated(seed, "ordinal")
    assert list(count(election, rule="ear").selected) == ear_by_definition(election)


def test_ear_solid_coalition():
    # 6 voters: 4 rank x1, x2 first; 2 rank y first. Budget 6, every project costs 2: quota = 2 voters.
    e = make_election(
        budget=6,
        vote_type="ordinal",
        projects=[("x1", 2), ("x2", 2), ("x3", 2), ("y", 2)],
        ballots=[("x1", "x2", "x3")] * 4 + [("y", "x3")] * 2,
    )
    result = count(e, rule="ear")
    assert result.selected == ("x1", "y", "x2")  # the coalition of 2 gets its project
    steps = result.explanation["steps"]
    assert [s["depth"] for s in steps] == [1, 1, 2]
    assert steps[0]["support_exact"] == 4 and steps[0]["quota_exact"] == 2

"""Conformance with pabutools 1.2.3, live, on 280 generated elections (approval, ranked, cumulative and scoring points, choose-1) with
ties in cost and score: every rule x satisfaction x completion of the contract gives the same outcome."""

from __future__ import annotations

import pytest

from participate.counting import SATISFACTIONS, count, election_to_pabulib, parse_pabulib
from tests.counting.generate import generated
from tests.counting.pabu import load, reference

CASES = [(vt, seed) for vt in ("approval", "ordinal", "cumulative") for seed in range(80)] + [
    (vt, seed) for vt in ("scoring", "choose-1") for seed in range(20)
]


def combos(vote_type: str):
    for sat, info in SATISFACTIONS.items():
        if vote_type not in info.vote_types:
            continue
        yield "greedy", sat, "none"
        for completion in ("none", "add1", "add1u"):
            yield "mes", sat, completion
    if vote_type in ("approval", "choose-1"):
        yield "phragmen", None, "none"


LARGE = [(vt, seed) for vt in ("approval", "ordinal", "cumulative") for seed in range(1000, 1008)]


@pytest.mark.parametrize(("vote_type", "seed"), CASES + LARGE, ids=[f"{vt}-{s}" for vt, s in CASES + LARGE])
def test_same_outcome_as_pabutools(vote_type: str, seed: int) -> None:
    election = generated(seed, vote_type, large=seed >= 1000)
    # our writer's text is what pabutools reads: the writer is checked at the same time
    text = election_to_pabulib(election)
    assert parse_pabulib(text) == election
    loaded = load(election, text)
    checked = 0
    for rule, sat, completion in combos(vote_type):
        ours = count(election, rule=rule, sat=sat, completion=completion).selected
        ref = reference(election, rule, sat, completion, loaded=loaded)
        if rule == "phragmen":  # pabutools sorts Phragmén's outcome
            assert sorted(ours) == ref, (rule, sat, completion)
        elif any(p.cost == 0 for p in election.projects) and rule == "mes":
            # pabutools puts free projects first in set order; the set and the rest of the order must agree
            assert set(ours) == set(ref), (rule, sat, completion)
            free = {p.id for p in election.projects if p.cost == 0}
            assert [x for x in ours if x not in free] == [x for x in ref if x not in free]
        else:
            assert list(ours) == ref, (rule, sat, completion)
        checked += 1
    assert checked >= 5


def test_generated_elections_have_ties() -> None:
    """The generator really produces ties in cost and in score (otherwise tie-breaking goes untested)."""
    cost_ties = score_ties = 0
    for vt, seed in CASES:
        e = generated(seed, vt)
        costs = [p.cost for p in e.projects]
        cost_ties += len(costs) != len(set(costs))
        scores: dict[str, int] = {}
        for b in e.ballots:
            for pid in b.projects:
                scores[pid] = scores.get(pid, 0) + 1
        score_ties += len(scores) != len(set(scores.values()))
    assert cost_ties > 100 and score_ties > 100


def test_threshold_greedy_same_as_filtered_pabutools() -> None:
    for seed in range(30):
        election = generated(seed, "approval")
        ours = count(election, rule="greedy", threshold=3).selected
        assert list(ours) == reference(election, "greedy", "cost", threshold=3)

"""The registry the web layer lists: the contract's names, and every entry actually counts."""

from __future__ import annotations

import pytest

from participate.counting import (
    COMPLETIONS,
    RULES,
    SATISFACTIONS,
    UnsupportedOptionError,
    count,
    default_satisfaction,
    rules_for,
    satisfactions_for,
)
from tests.counting.generate import generated


def test_contract_names():
    assert list(RULES) == ["greedy", "mes", "phragmen", "ear"]
    assert list(SATISFACTIONS) == [
        "cost",
        "cardinality",
        "borda",
        "points",
        "additive",
        "cost-points",
        "cost-additive",
    ]
    assert list(COMPLETIONS) == ["none", "add1", "add1u"]
    assert default_satisfaction("ordinal") == "cost-points"
    assert default_satisfaction("approval") == "cost"
    assert default_satisfaction("cumulative") == "cost-additive"


@pytest.mark.parametrize("vote_type", ["approval", "ordinal", "cumulative", "scoring", "choose-1"])
def test_every_listed_combination_counts(vote_type):
    election = generated(7, vote_type)
    for rule in rules_for(vote_type):
        if rule.uses_satisfaction:
            for sat in satisfactions_for(vote_type):
                completions = COMPLETIONS if rule.name == "mes" else ["none"]
                for completion in completions:
                    r = count(election, rule=rule.name, sat=sat.name, completion=completion)
                    assert r.total_cost <= election.budget
        else:
            assert count(election, rule=rule.name).total_cost <= election.budget
    unlisted = [r for r in RULES if r not in {x.name for x in rules_for(vote_type)}]
    for rule in unlisted:
        with pytest.raises(UnsupportedOptionError):
            count(election, rule=rule)

"""Ties go to the smallest project id as a string (pabutools' lexico_tie_breaking); another order can only be
asked for explicitly, with tie_breaking=."""

from __future__ import annotations

import pytest

from participate.counting import count, make_election


def twins(vote_type: str):
    # "10" and "9" are identical in cost and support; as strings "10" < "9"
    ballots = [("10", "9"), ("9", "10")] if vote_type == "ordinal" else [("10", "9")] * 2
    return make_election(budget=5, vote_type=vote_type, projects=[("9", 5), ("10", 5)], ballots=ballots)


@pytest.mark.parametrize(
    ("vote_type", "rule", "completion"),
    [
        ("approval", "greedy", None),
        ("approval", "mes", None),
        ("approval", "mes", "add1u"),
        ("approval", "phragmen", None),
        ("ordinal", "ear", None),
        ("ordinal", "greedy", None),
    ],
)
def test_default_and_explicit_tie_breaking(vote_type, rule, completion):
    election = twins(vote_type)
    assert count(election, rule=rule, completion=completion).selected == ("10",)
    reverse = count(election, rule=rule, completion=completion, tie_breaking=int)  # numeric order: 9 < 10
    assert reverse.selected == ("9",)

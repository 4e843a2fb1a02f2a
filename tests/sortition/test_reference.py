"""Comparison with the reference, sortition-algorithms 0.12.15 (mip 1.17.6 / CBC; Gurobi for its leximin).

On every shared example and on generated pools whose quotas bind: our minimum equals its MAXIMIN
optimum within 1e-4, and our LEXIMIN is at least as good in leximin order as its MAXIMIN and (where
gurobipy works) its LEXIMIN. The 2,000-person example is not run here: the reference does not finish it.
"""

from __future__ import annotations

import functools
import random

import pytest

from participate.sortition import select_panel
from participate.sortition.synthetic import generate_pool

from . import reference
from .conftest import CASES, leximin_at_least, panel_violations, pool_for, selection_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not reference.available(), reason="sortition-algorithms / mip not installed"),
]

EXAMPLES = ["sf-fixture", "opendlp", "small-20"]
GENERATED = {"gen-90-3": (90, 3, 12, 11), "gen-120-4": (120, 4, 15, 12)}


@functools.cache
def generated(name):
    n, features, k, seed = GENERATED[name]
    return generate_pool(n, features, k, rng=random.Random(seed), households=0.1), k


def pool_and_k(name):
    if name in GENERATED:
        return generated(name)
    return pool_for(name), CASES[name].panel_size


@functools.cache
def reference_run(name, algorithm):
    pool, k = pool_and_k(name)
    committees, probabilities = reference.run(pool, k, algorithm)
    return committees, probabilities, reference.marginals(pool, committees, probabilities)


@functools.cache
def ours(name):
    if name in CASES:
        return selection_for(name)
    pool, k = pool_and_k(name)
    return select_panel(pool, k)


@pytest.mark.parametrize("name", EXAMPLES + list(GENERATED))
def test_minimum_equals_reference_maximin(name):
    pool, k = pool_and_k(name)
    committees, _, theirs = reference_run(name, "maximin")
    # the reference's own panels are valid under our reading of the data (same quotas, same households)
    for committee in committees:
        assert panel_violations(pool, k, committee) == []
    selection = ours(name)
    assert selection.min_probability == pytest.approx(min(theirs.values()), abs=1e-4)
    assert leximin_at_least(list(selection.probabilities.values()), list(theirs.values()), tol=1e-6)


@pytest.mark.parametrize("name", EXAMPLES + list(GENERATED))
def test_at_least_as_good_as_reference_leximin(name):
    reason = reference.gurobi_reason()
    if reason:
        pytest.skip(reason)
    _, _, theirs = reference_run(name, "leximin")
    selection = ours(name)
    assert selection.min_probability == pytest.approx(min(theirs.values()), abs=1e-4)
    assert leximin_at_least(list(selection.probabilities.values()), list(theirs.values()), tol=1e-6)


def test_reference_agrees_on_the_opendlp_infeasible_people():
    _, _, theirs = reference_run("opendlp", "maximin")
    never_theirs = {pid for pid, p in theirs.items() if p < 1e-9}
    assert never_theirs == set(ours("opendlp").never_selected)
    assert len(never_theirs) == 29


def test_reference_gives_ten_percent_on_the_small_paper_example():
    _, _, theirs = reference_run("small-20", "maximin")
    assert min(theirs.values()) == pytest.approx(0.1, abs=1e-4)

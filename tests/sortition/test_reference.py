"""Comparison with the reference, sortition-algorithms 0.12.15 (mip 1.17.6 / CBC; Gurobi for its leximin).

On every shared example and on generated pools whose quotas bind: our minimum equals its MAXIMIN
optimum within 1e-4, and our LEXIMIN is at least as good in leximin order as its MAXIMIN and (where
gurobipy works) its LEXIMIN. The 2,000-person example is not run here: the reference does not finish it.
"""

from __future__ import annotations

import functools
import random

import numpy as np
import pytest

from participate.sortition import select_panel
from participate.sortition.solver import build, run
from participate.sortition.synthetic import generate_pool

from . import reference
from .conftest import CASES, leximin_at_least, panel_violations, pool_for, require, selection_for

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def reference_installed():
    require(reference.available(), "sortition-algorithms / mip not installed")


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


def exact_leximin(pool, panels) -> np.ndarray:
    """Sorted LEXIMIN probabilities over a fixed set of panels, the textbook way in person space: maximise
    the minimum z of the free people; then find who can get more than z (maximise the total excess of the
    undecided, those with excess are not stuck, repeat until no one has any); fix the rest at z; repeat.
    Independent of the engine's type model and duals."""
    index = {pid: i for i, pid in enumerate(pool.ids)}
    n, j = len(pool.ids), len(panels)
    a = np.zeros((n, j))
    for col, panel in enumerate(panels):
        for pid in panel:
            a[index[pid], col] = 1
    fixed = np.where(a.sum(axis=1) > 0, np.nan, 0.0)

    def lp(z=None, undecided=()):
        # variables: lambda (j), then z (stage) or one excess per undecided person
        free = np.isnan(fixed)
        m = 1 if z is None else len(undecided)
        cost = np.concatenate([np.zeros(j), np.ones(m)])
        rows = np.zeros((n + 1, j + m))
        rows[:n, :j] = a
        rows[n, :j] = 1
        lo = np.where(free, 0.0, np.nan_to_num(fixed) - 1e-9)
        if z is None:
            rows[:n, j] = np.where(free, -1.0, 0.0)
        else:
            lo = np.where(free, z - 1e-9, lo)
            for k, i in enumerate(undecided):
                rows[i, j + k] = -1.0
        lo = np.concatenate([lo, [1.0]])
        hi = np.concatenate([np.full(n, np.inf), [1.0]])
        col_lo = np.concatenate([np.zeros(j), np.full(m, -np.inf if z is None else 0.0)])
        col_hi = np.concatenate([np.full(j, np.inf), np.full(m, np.inf if z is None else 1.0)])
        return run(build(cost, rows, lo, hi, col_lo, col_hi, maximize=True))

    while np.isnan(fixed).any():
        z = lp().objective
        undecided = list(np.flatnonzero(np.isnan(fixed)))
        while undecided:
            excess = lp(z, undecided).x[j:]
            if excess.max() <= 1e-7:
                break
            undecided = [i for i, e in zip(undecided, excess, strict=True) if e <= 1e-7]
        fixed[undecided or list(np.flatnonzero(np.isnan(fixed)))] = z
    return np.sort(fixed)


@pytest.mark.parametrize("name", EXAMPLES + list(GENERATED))
def test_at_least_as_good_as_reference_leximin(name):
    """Our LEXIMIN is at least as good in leximin order as the reference's (Gurobi) LEXIMIN.

    The reference reports marginals that its own panels cannot deliver exactly: its column generation
    stops at a pricing gap of EPS = 5e-4 and fixes levels with that slack, so one level can sit up to
    ~2e-3 above what its panels allow, paid for by losses of ~3e-5 on lower levels, and it varies from run
    to run (observed on sf-fixture: it reports 0.11618 at rank 47, where the exact LEXIMIN over its own
    panels is 0.11538). So we compare with the best that can be done with its panels: the exact LEXIMIN,
    recomputed the slow textbook way over the union of its panels and ours, must equal ours (to 1e-5) --
    its panels offer no improvement -- and our minimum is at least its minimum (within 1e-4).
    Without gurobipy the reference's MAXIMIN panels are used instead and the reason is shown as a skip
    (a failure in CI, where gurobipy from the test extra must work).
    """
    reason = reference.gurobi_reason()
    pool, _ = pool_and_k(name)
    selection = ours(name)
    if reason is None:
        committees, _, theirs = reference_run(name, "leximin")
        # (its LEXIMIN sometimes stops below the MAXIMIN optimum: seen 0.10427 vs 0.10909 on gen-120-4)
        assert selection.min_probability >= min(theirs.values()) - 1e-4
    else:
        committees, _, _ = reference_run(name, "maximin")
    union = {frozenset(c) for c in committees} | {frozenset(p.members) for p in selection.panels}
    mine = np.sort(list(selection.probabilities.values()))
    assert np.abs(exact_leximin(pool, list(union)) - mine).max() < 1e-5
    require(reason is None, f"compared with the reference's MAXIMIN panels only: {reason}")


def test_reference_agrees_on_the_opendlp_infeasible_people():
    _, _, theirs = reference_run("opendlp", "maximin")
    never_theirs = {pid for pid, p in theirs.items() if p < 1e-9}
    assert never_theirs == set(ours("opendlp").never_selected)
    assert len(never_theirs) == 29


def test_reference_gives_ten_percent_on_the_small_paper_example():
    _, _, theirs = reference_run("small-20", "maximin")
    assert min(theirs.values()) == pytest.approx(0.1, abs=1e-4)

"""The decomposition of P's LEXIMIN into integer panels (participate.sortition.decompose)."""

from __future__ import annotations

import random

import numpy as np

from participate.sortition.decompose import decompose
from participate.sortition.leximin import Optimised, from_relaxation
from participate.sortition.master import TARGET_SLACK, Relaxation
from participate.sortition.synthetic import generate_pool
from participate.sortition.types import TypeModel, build_types
from tests.sortition.conftest import pool_for
from tests.sortition.test_exact import random_pool
from tests.sortition.test_selection import check_selection


def target_of(model: TypeModel) -> np.ndarray:
    relaxed = Relaxation(model, np.arange(model.n_types), slack=TARGET_SLACK).leximin()
    assert relaxed is not None
    return relaxed[0]


def assert_valid_panels(model: TypeModel, panels: list[np.ndarray]) -> None:
    rows, lo, hi = model.constraint_rows()
    for panel in panels:
        assert np.issubdtype(panel.dtype, np.integer)
        assert np.all(panel >= 0) and np.all(panel <= model.sizes)
        assert np.all(rows @ panel >= lo) and np.all(rows @ panel <= hi)


def test_the_sortition_foundation_pool_decomposes_exactly():
    model = build_types(pool_for("sf-fixture"), 22)
    target = target_of(model)
    found = decompose(model, target)
    assert found.complete
    assert_valid_panels(model, found.panels)
    weights = np.array(found.weights)
    assert np.all(weights > 0) and abs(weights.sum() - 1) < 1e-12
    assert np.abs(weights @ np.array(found.panels) - target).max() < 1e-9
    assert len(found.panels) <= model.n_types + 1  # Carathéodory: at most dim + 1 panels


def test_a_larger_generated_pool_goes_the_direct_way():
    pool = generate_pool(300, 5, 30, rng=random.Random(7), households=0.1)
    model = build_types(pool, 30)
    assert model.households
    result = from_relaxation(model, None, None)
    assert isinstance(result, Optimised) and result.optimal
    dist = result.distribution
    assert_valid_panels(model, list(dist.counts))
    assert np.abs(dist.weights @ dist.counts - target_of(model)).max() < 1e-8


def test_a_target_outside_the_integer_hull_is_reported_incomplete_with_valid_panels():
    rng = random.Random(1000)
    outside = 0
    for _ in range(30):
        pool, k = random_pool(rng)
        model = build_types(pool, k)
        relaxed = Relaxation(model, np.arange(model.n_types), slack=TARGET_SLACK).leximin()
        if relaxed is None:  # infeasible quotas
            continue
        found = decompose(model, relaxed[0])
        assert_valid_panels(model, found.panels)
        if not found.complete:
            outside += 1
            assert sum(found.weights) < 1 - 1e-9 or not found.weights
    # these small pools are where P is wider than the integer hull: the general algorithm's cases
    assert outside >= 3


def test_a_walk_cut_short_by_the_deadline_hands_its_panels_on_and_leaves_nobody_out(monkeypatch):
    import itertools
    import time

    from participate.sortition import select_panel

    pool = generate_pool(300, 5, 30, rng=random.Random(7), households=0.1)
    ticks = itertools.count()
    monkeypatch.setattr(time, "monotonic", lambda: float(next(ticks)))  # one second per look at the clock
    calls: list[float] = []
    selection = select_panel(
        pool, 30, deadline=40.0, progress=lambda fraction, _message: calls.append(fraction)
    )
    monkeypatch.undo()
    assert selection.optimal is False
    assert "deadline" in selection.message and "no probability level is proved" in selection.message
    assert calls == sorted(calls) and 0 < max(calls[:-1]) < 1  # the bar never moves back
    # the walk got its share of the time, then the general algorithm covered the types it had not reached
    assert selection.stats["way"] == "general" and selection.stats["rounds"] >= 1
    check_selection(pool, 30, selection)  # every panel meets the quotas; probabilities are the marginals
    full = select_panel(pool, 30)
    assert full.optimal and full.min_probability > 0
    assert 0 < selection.min_probability <= full.min_probability + 1e-9


def test_the_progress_bar_never_moves_back_when_the_walk_hands_over():
    from participate.sortition.leximin import _forward_only

    heard: list[tuple[float, str]] = []
    report = _forward_only(lambda fraction, message: heard.append((fraction, message)))
    assert report is not None
    for fraction, message in [
        (0.4, "building the lottery"),
        (0.0, "stage 1: level 0.1 so far"),
        (0.7, "stage 2"),
    ]:
        report(fraction, message)
    assert heard == [(0.4, "building the lottery"), (0.4, "stage 1: level 0.1 so far"), (0.7, "stage 2")]
    assert _forward_only(None) is None

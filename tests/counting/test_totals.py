"""Greedy counts from per-project totals computed without numpy (participate.counting.totals); they must
equal the merged profile's totals for every measure, on every sample file and on generated elections with
fractional points, negative scores, ballots longer than max_length and projects nobody chose."""

from __future__ import annotations

from fractions import Fraction

import pytest

from participate.counting import make_election, read_pabulib, satisfactions_for
from participate.counting.profile import build_profile
from participate.counting.totals import project_totals
from tests.counting.generate import generated

VOTE_TYPES = ("approval", "choose-1", "ordinal", "cumulative", "scoring")


def assert_same_totals(election):
    for sat in (s.name for s in satisfactions_for(election.vote_type)):
        sp = build_profile(election, sat)
        totals = project_totals(election, sat)
        assert totals.project_ids == sp.project_ids
        assert totals.costs == sp.costs
        assert totals.budget == sp.budget
        assert totals.points_total == sp.points_total, sat
        for p in range(sp.n_projects):
            assert totals.total_sat(p) == Fraction(sp.total_sat(p), sp.scale), (sat, p)


def test_sample_files(pabulib_dir):
    for path in sorted(pabulib_dir.glob("*.pb")):
        assert_same_totals(read_pabulib(path))


@pytest.mark.parametrize("vote_type", VOTE_TYPES)
def test_generated(vote_type):
    for seed in range(40):
        assert_same_totals(generated(seed, vote_type, large=seed % 2 == 0))


def test_fractional_and_negative_points_and_long_ballots():
    scoring = make_election(
        budget=10,
        vote_type="scoring",
        projects=[("a", 3), ("b", 4), ("c", 5), ("d", 0)],
        ballots=[(("a", "b"), (Fraction(1, 3), -2)), (("b", "c"), (Fraction(5, 2), 0)), ((), ())],
    )
    assert_same_totals(scoring)
    ordinal = make_election(
        budget=10,
        vote_type="ordinal",
        projects=[("a", 3), ("b", 4), ("c", 5)],
        ballots=[("a", "b", "c"), ("c",), ()],
        meta={"max_length": "1"},  # the first ballot is longer: its last project gets K - position < 0
    )
    assert_same_totals(ordinal)

"""greedy reproduces the winners the cities published (the `selected` column)."""

from __future__ import annotations

import pytest

from participate.counting import count, read_pabulib


@pytest.mark.parametrize(
    ("name", "sat", "threshold"),
    [
        ("Poland_Krakow_2020.pb", "cost-points", None),
        ("Poland_Warszawa_2023_Mokotow.pb", "cost", None),
        ("Poland_Czestochowa_2024_Trzech_Wieszczow.pb", "cost-additive", None),
        ("Poland_Warszawa_2026.pb", "cost", "meta"),  # greedy-threshold, min_project_score_threshold 3000
    ],
)
def test_greedy_reproduces_published_winners(pabulib_dir, name, sat, threshold):
    election = read_pabulib(pabulib_dir / name)
    published = {p.id for p in election.projects if p.fields["selected"] == "1"}
    result = count(election, rule="greedy", sat=sat, threshold=threshold)
    assert set(result.selected) == published
    assert result.total_cost == sum(election.project(pid).cost for pid in published)
    assert result.total_cost <= election.budget


def test_warsaw_2026_without_threshold_differs(pabulib_dir):
    """The threshold matters: without it greedy also funds a project below 3000 votes."""
    election = read_pabulib(pabulib_dir / "Poland_Warszawa_2026.pb")
    published = {p.id for p in election.projects if p.fields["selected"] == "1"}
    assert set(count(election, rule="greedy", sat="cost").selected) != published

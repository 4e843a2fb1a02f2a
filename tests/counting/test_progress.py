"""`count(progress=..., deadline=...)` and `participate count --time-limit`."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from participate.cli import main
from participate.counting import CountingError, DeadlineReached, count, write_pabulib
from tests.counting.generate import generated

RULES = [
    ("approval", "greedy", None),
    ("approval", "mes", "none"),
    ("approval", "mes", "add1u"),
    ("approval", "phragmen", None),
    ("ordinal", "ear", None),
]


@pytest.mark.parametrize(("vote_type", "rule", "completion"), RULES)
def test_progress_rises_to_one_and_does_not_change_the_outcome(vote_type, rule, completion):
    election = generated(1001, vote_type, large=True)
    reports: list[tuple[float, str]] = []
    watched = count(election, rule=rule, completion=completion, progress=lambda f, m: reports.append((f, m)))
    assert watched.selected == count(election, rule=rule, completion=completion).selected
    fractions = [f for f, _ in reports]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert all(isinstance(m, str) and m for _, m in reports)


@pytest.mark.parametrize(("vote_type", "rule", "completion"), RULES)
def test_a_count_at_its_deadline_gives_no_outcome(vote_type, rule, completion):
    election = generated(1001, vote_type, large=True)
    with pytest.raises(DeadlineReached, match="did not finish within its time limit") as err:
        count(election, rule=rule, completion=completion, deadline=time.monotonic())
    assert isinstance(err.value, CountingError)


def test_a_far_deadline_changes_nothing():
    election = generated(1002, "approval", large=True)
    far = time.monotonic() + 3600
    assert count(election, rule="mes", completion="add1", deadline=far) == count(
        election, rule="mes", completion="add1"
    )


def test_cli_time_limit_exits_with_one_line(tmp_path):
    path = tmp_path / "e.pb"
    write_pabulib(generated(1003, "approval", large=True), path)
    res = CliRunner().invoke(main, ["count", str(path), "--rule", "mes", "--time-limit", "0"])
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "time limit" in lines[0], res.output
    ok = CliRunner().invoke(main, ["count", str(path), "--rule", "mes", "--time-limit", "600"])
    assert ok.exit_code == 0, ok.output

"""`participate count`: the command line of the contract."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from participate.cli import main
from participate.counting import count, read_pabulib

GREENSBORO = "US_Stanford_Dataset_PB_Greensboro_District_4_2016_vote_approvals.pb"


def run(*args):
    return CliRunner().invoke(main, ["count", *map(str, args)])


def test_json_output(pabulib_dir):
    path = pabulib_dir / GREENSBORO
    res = run(path, "--rule", "mes", "--sat", "cost", "--completion", "add1u", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert list(data)[:7] == ["rule", "sat", "completion", "budget", "selected", "total_cost", "explanation"]
    assert (data["rule"], data["sat"], data["completion"], data["budget"]) == ("mes", "cost", "add1u", 100000)
    expected = count(read_pabulib(path), rule="mes", sat="cost", completion="add1u")
    assert data["selected"] == list(expected.selected)
    assert data["total_cost"] == expected.total_cost <= 100000
    assert data["explanation"]["kind"] == "mes"


def test_defaults_and_table(pabulib_dir):
    res = run(pabulib_dir / "Poland_Czestochowa_2024_Trzech_Wieszczow.pb", "--format", "json")
    data = json.loads(res.output)
    assert (data["rule"], data["sat"], data["completion"]) == ("greedy", "cost-additive", "none")
    table = run(pabulib_dir / "Poland_Czestochowa_2024_Trzech_Wieszczow.pb")
    assert table.exit_code == 0
    assert "rule: greedy   satisfaction: cost-additive" in table.output
    for pid in data["selected"]:
        assert f"  {pid} " in table.output


def test_threshold_from_meta_and_given(pabulib_dir):
    path = pabulib_dir / "Poland_Warszawa_2026.pb"
    meta = json.loads(run(path, "--threshold", "--format", "json").output)
    given = json.loads(run(path, "--threshold", "3000", "--format", "json").output)
    assert meta["selected"] == given["selected"] and meta["threshold"] == 3000
    below = [p for p in meta["explanation"]["projects"] if p["status"] == "below_threshold"]
    assert below and all(p["rank"] == 0 for p in below)


def test_ear_and_phragmen(pabulib_dir):
    ear = json.loads(
        run(pabulib_dir / "Switzerland_Zurich_S5R.pb", "--rule", "ear", "--format", "json").output
    )
    assert ear["sat"] is None and ear["explanation"]["kind"] == "ear" and ear["selected"]
    ph = json.loads(run(pabulib_dir / GREENSBORO, "--rule", "phragmen", "--format", "json").output)
    assert ph["explanation"]["kind"] == "phragmen" and ph["selected"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "borda-count"], "unknown rule 'borda-count'"),
        (["--sat", "borda"], "satisfaction 'borda' does not apply to approval ballots"),
        (["--sat", "happiness"], "unknown satisfaction 'happiness'"),
        (["--rule", "ear"], "rule 'ear' does not apply to approval ballots"),
        (["--completion", "add1"], "--completion applies only to the mes rule"),
        (["--rule", "mes", "--completion", "add2"], "unknown completion 'add2'"),
        (["--rule", "mes", "--threshold", "5"], "--threshold applies only to the greedy rule"),
        (["--threshold"], "the file has no min_project_score_threshold"),
        (["--threshold", "many"], "threshold is not a number"),
        (["--rule", "phragmen", "--sat", "cost"], "does not use a satisfaction measure"),
        (["--format", "xml"], "unknown format 'xml'"),
    ],
)
def test_impossible_options_one_line(pabulib_dir, args, message):
    res = run(pabulib_dir / GREENSBORO, *args)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"), [([], "Missing argument"), (["x.pb", "--colour"], "No such option")]
)
def test_usage_mistakes_one_line(args, message):
    res = CliRunner().invoke(main, ["count", *args])
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.output


def test_help_lists_the_contract_options():
    res = CliRunner().invoke(main, ["count", "--help"])
    assert res.exit_code == 0
    for word in ("--rule", "--sat", "--completion", "--threshold", "--format", "greedy|mes|phragmen|ear"):
        assert word in res.output


def test_bad_files_one_line(tmp_path):
    missing = run(tmp_path / "nope.pb")
    assert missing.exit_code != 0 and "cannot open" in missing.output
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n"
        "VOTES\nvoter_id;vote\nv1;2\n"
    )
    res = run(bad)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "line 10: voter v1 voted for unknown project 2" in lines[0]
    assert "Traceback" not in res.output

"""Item 9: `participate select` and `participate verify-draw` as the contract states them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from participate.cli.sortition import select_command, verify_draw_command

from .conftest import CASES, panel_violations, pool_for, require, shared_path


def args_for(name, *extra):
    case = CASES[name]
    out = [
        "--features",
        str(shared_path(case.features)),
        "--people",
        str(shared_path(case.people)),
        "--panel-size",
        str(case.panel_size),
        "--id-column",
        case.id_column,
    ]
    if case.address_columns:
        out += ["--address-columns", ",".join(case.address_columns)]
    return out + list(extra)


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    result = CliRunner().invoke(
        select_command, args_for("sf-fixture", "--seed", "6 6 1 2", "--lottery-size", "500")
    )
    assert result.exit_code == 0, result.output
    path = tmp_path_factory.mktemp("lottery") / "lottery.json"
    path.write_text(result.output)
    return json.loads(result.output), path


def test_select_json_has_the_contract_keys(fixture_run):
    data, _ = fixture_run
    for key in (
        "algorithm",
        "panel_size",
        "probabilities",
        "panels",
        "min_probability",
        "gini",
        "lottery",
        "draw",
    ):
        assert key in data
    assert data["algorithm"] == "leximin" and data["panel_size"] == 22
    assert set(data["lottery"]) >= {"size", "sha256", "panels"}
    assert data["lottery"]["size"] == len(data["lottery"]["panels"]) == 500
    # the lottery keeps the LEXIMIN's promise, person by person, and says so
    lottery = data["lottery"]
    assert set(lottery["shares"]) == set(data["probabilities"])
    losses = [p - lottery["shares"][pid] for pid, p in data["probabilities"].items()]
    assert lottery["worst_loss"] == pytest.approx(max(0.0, *losses), abs=1e-12)
    assert lottery["worst_loss"] <= 2 / 500 and lottery["size_reason"]
    assert set(data["draw"]) >= {"seed", "index", "panel"}
    assert data["draw"]["panel"] == data["lottery"]["panels"][data["draw"]["index"]]
    assert data["min_probability"] == pytest.approx(1 / 11, abs=1e-6)
    pool = pool_for("sf-fixture")
    assert panel_violations(pool, 22, data["draw"]["panel"]) == []
    assert data["reserves"] and not set(data["reserves"]) & set(data["draw"]["panel"])
    # p is exactly the panels' marginals
    sums = dict.fromkeys(data["probabilities"], 0.0)
    for panel in data["panels"]:
        for pid in panel["members"]:
            sums[pid] += panel["probability"]
    assert all(abs(sums[pid] - p) < 1e-12 for pid, p in data["probabilities"].items())
    assert abs(sum(p["probability"] for p in data["panels"]) - 1) < 1e-9


def test_verify_draw_recomputes_the_panel(fixture_run):
    data, path = fixture_run
    result = CliRunner().invoke(verify_draw_command, ["--lottery", str(path), "--seed", "6 6 1 2"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["index"] == data["draw"]["index"] and out["panel"] == data["draw"]["panel"]
    assert out["matches_published_draw"] is True
    other = CliRunner().invoke(verify_draw_command, ["--lottery", str(path), "--seed", "another"])
    assert other.exit_code == 0 and "matches_published_draw" not in json.loads(other.output)


def test_verify_draw_detects_a_tampered_lottery(fixture_run, tmp_path):
    data, _ = fixture_run
    data = json.loads(json.dumps(data))
    panels = data["lottery"]["panels"]
    other = next(p for p in panels if p != panels[0])
    panels[0] = other
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(verify_draw_command, ["--lottery", str(path), "--seed", "6 6 1 2"])
    assert result.exit_code != 0
    assert "hash to" in result.output and "Traceback" not in result.output


def test_verify_draw_bad_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{nope")
    result = CliRunner().invoke(verify_draw_command, ["--lottery", str(path), "--seed", "1"])
    assert result.exit_code != 0 and "not valid JSON" in result.output


def test_table_format_and_replication_ids():
    result = CliRunner().invoke(select_command, args_for("small-20", "--format", "table", "--seed", "x"))
    assert result.exit_code == 0, result.output
    assert "minimum p:        10.0000%" in result.output
    assert "r0" in result.output


def test_opendlp_lists_the_people_in_no_feasible_panel():
    result = CliRunner().invoke(
        select_command, args_for("opendlp", "--algorithm", "maximin", "--lottery-size", "100")
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["never_selected"]) == 29
    assert all(data["probabilities"][pid] == 0 for pid in data["never_selected"])


def write(tmp_path, features, people):
    f, p = tmp_path / "f.csv", tmp_path / "p.csv"
    f.write_text(features)
    p.write_text(people)
    return ["--features", str(f), "--people", str(p)]


@pytest.mark.parametrize(
    ("features", "people", "message"),
    [
        ("feature,value,min,max\ng,a,1,2\ng,b,1,2\n", "id,g\n1,a\n2,c\n3,b\n", "which is not a value"),
        ("feature,value,min,max\ng,a,1,2\ng,b,1,2\n", "id,h\n1,a\n2,b\n3,b\n", "no column for feature 'g'"),
        ("feature,value,min,max\ng,a,1,2\ng,b,1,2\n", "id,g\n1,a\n1,b\n3,b\n", "Duplicate person id '1'"),
        ("feature,value,min,max\ng,a,2,1\ng,b,1,2\n", "id,g\n1,a\n2,b\n3,b\n", "min 2 greater than max 1"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, features, people, message):
    result = CliRunner().invoke(select_command, [*write(tmp_path, features, people), "--panel-size", "2"])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_infeasible_quotas_exit_non_zero_with_the_relaxation(tmp_path):
    files = write(
        tmp_path,
        "feature,value,min,max,min_flex,max_flex\ng,a,2,2,0,3\ng,b,1,1,0,3\n",
        "id,g\n1,a\n2,a\n3,b\n4,b\n",
    )
    result = CliRunner().invoke(select_command, [*files, "--panel-size", "2"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["infeasible"] is True
    assert data["conflicting_quotas"] and data["suggested_relaxation"]
    assert "infeasible" in data["error"].lower()
    table = CliRunner().invoke(select_command, [*files, "--panel-size", "2", "--format", "table"])
    assert table.exit_code == 1 and "suggested relaxation" in table.output


def test_must_include_option(tmp_path):
    files = write(tmp_path, "feature,value,min,max\ng,a,1,1\ng,b,1,1\n", "id,g\n1,a\n2,a\n3,b\n4,b\n")
    result = CliRunner().invoke(select_command, [*files, "--panel-size", "2", "--must-include", "1"])
    data = json.loads(result.output)
    assert data["probabilities"]["1"] == pytest.approx(1) and data["probabilities"]["2"] == 0
    assert data["always_selected"] == ["1"]


def console_script() -> Path:
    script = Path(sys.executable).parent / "participate"
    if not script.exists():
        require(False, f"the console script is not installed next to {sys.executable}")
    return script


def test_console_script_json_is_one_document_on_stdout(tmp_path):
    """The installed `participate` in a fresh process: HiGHS prints its banner on file descriptor 1
    when the first solver is created; none of it may reach the JSON."""
    script = console_script()
    done = subprocess.run(
        [str(script), "select", *args_for("sf-fixture", "--seed", "1 2 3", "--format", "json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["optimal"] is True and data["min_probability"] == pytest.approx(1 / 11, abs=1e-6)
    path = tmp_path / "lottery.json"
    path.write_text(done.stdout)
    verified = subprocess.run(
        [str(script), "verify-draw", "--lottery", str(path), "--seed", "1 2 3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["matches_published_draw"] is True


def test_time_limit_option_gives_a_valid_lottery_marked_as_not_proved():
    result = CliRunner().invoke(select_command, args_for("sf-fixture", "--time-limit", "1e-9"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["optimal"] is False and "deadline" in data["message"]
    pool = pool_for("sf-fixture")
    assert all(panel_violations(pool, 22, p["members"]) == [] for p in data["panels"])
    assert abs(sum(p["probability"] for p in data["panels"]) - 1) < 1e-9

"""The installed `participate` console script, run as a separate process the way auditors and scripts run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.counting.conftest import PABULIB, missing

SCRIPT = Path(sys.executable).with_name("participate")
POINTS_FILE = "Worldwide_Mechanical_Turk_Utilities_8.pb"  # nine ballots break min_sum_points: warnings


def participate(*args: str, check_modules: bool = False) -> subprocess.CompletedProcess[str]:
    if not check_modules:
        return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=False)
    # the same entry point, reporting on stderr which modules the command imported
    code = (
        "import sys\nfrom participate.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
        "    print('MODULES ' + ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


def sample(name: str) -> str:
    if not (PABULIB / name).exists():
        missing(f"sample pabulib file {name} not found in {PABULIB}")
    return str(PABULIB / name)


def test_count_json_is_one_document_on_stdout_and_warnings_on_stderr():
    assert SCRIPT.exists(), f"console script not installed at {SCRIPT}"
    res = participate("count", sample(POINTS_FILE), "--rule", "mes", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["rule"] == "mes" and data["selected"] and data["explanation"]["kind"] == "mes"
    assert "warning: line 52: voter 1421 gave 98 points" in res.stderr
    assert "Traceback" not in res.stderr


def test_count_loads_only_the_counting_engine():
    res = participate("count", sample("Switzerland_Zurich_S5R.pb"), "--format", "json", check_modules=True)
    assert res.returncode == 0, res.stderr
    json.loads(res.stdout)
    modules = set(res.stderr.rsplit("MODULES ", 1)[1].split())
    assert "participate.counting" in modules
    assert not {m for m in modules if m.startswith(("highspy", "participate.sortition", "pabutools"))}


def test_count_failure_is_one_line_on_stderr_and_nothing_on_stdout(tmp_path):
    res = participate("count", str(tmp_path / "missing.pb"), "--format", "json")
    assert res.returncode != 0 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "cannot open" in res.stderr


def test_the_process_ends_with_all_it_printed_and_the_commands_exit_code(tmp_path):
    """The script leaves through os._exit, without the interpreter's teardown: all it printed arrives (JSON
    and table alike), and its exit code is the command's."""
    from participate.counting import count, read_pabulib

    path = sample("US_Stanford_Dataset_PB_Greensboro_District_4_2016_vote_approvals.pb")
    done = participate("count", path, "--rule", "mes", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["selected"] == list(count(read_pabulib(path), rule="mes").selected)
    table = participate("count", path)
    assert table.returncode == 0 and table.stdout.startswith("rule: greedy") and table.stdout.endswith("\n")
    missing = participate("count", str(tmp_path / "nope.pb"))
    assert missing.returncode == 1 and missing.stdout == "" and "cannot open" in missing.stderr
    usage = participate("count", path, "--no-such-option")
    assert usage.returncode == 1 and "no such option" in usage.stderr.lower()


def test_other_subcommands_still_listed_and_reachable():
    res = participate("--help")
    assert res.returncode == 0
    for name in ("count", "select", "verify-draw"):
        assert name in res.stdout
    assert participate("select", "--help").returncode == 0

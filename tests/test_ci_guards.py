"""The guards that turn a test which cannot run into a failure in CI, and the CI script that arms them."""

from pathlib import Path

import pytest

from tests.ci import in_ci, unavailable

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "armed"), [("true", True), ("1", True), ("", False), ("false", False)])
def test_the_guard_reads_ci(monkeypatch, value, armed):
    monkeypatch.setenv("CI", value)
    assert in_ci() is armed


def test_a_missing_requirement_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI: no Chromium"):
        unavailable("no Chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        unavailable("no Chromium")


def test_the_ci_script_arms_the_guards_before_running_the_suite():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in script
    assert script.index("export CI=true") < script.rindex("make test")


def test_the_ci_script_runs_the_short_loadtest_after_the_suite():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make loadtest SHORT=1" in script
    assert script.index("make test") < script.index("make loadtest SHORT=1")


def test_every_guard_goes_through_tests_ci():
    """No test reads CI on its own: one place decides what a missing requirement means."""
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name in ("ci.py", "test_ci_guards.py"):
            continue
        source = path.read_text()
        assert 'environ.get("CI")' not in source and "importorskip" not in source, path

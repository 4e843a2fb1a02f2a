"""Conformance with pabutools 1.2.3 on every sample file of ../shared/data/pabulib.

pabutools' outcomes were recorded by scripts/record_counting_reference.py into
tests/data/counting/pabutools_reference.json (pabutools is too slow to rerun on the big files in the suite);
a pair pabutools could not finish within the recorded timeout is skipped with the reason locally, and is a
failure in CI (tests/ci.py): every file must have its reference.
Where pabutools took under a second, it is also run live here."""

from __future__ import annotations

import pytest

from participate.counting import count, read_pabulib
from tests.counting.conftest import PABULIB, load_reference
from tests.counting.pabu import load, reference

REF = load_reference()
CASES = [(name, pair) for name, rec in sorted(REF["files"].items()) for pair in rec["pairs"]]
_elections: dict = {}


def election(name):
    if name not in _elections:
        _elections[name] = read_pabulib(PABULIB / name)
    return _elections[name]


def _id(case):
    name, pair = case
    extra = f"-t{pair['threshold']}" if pair.get("threshold") else ""
    return f"{name[:28]}-{pair['rule']}-{pair['sat']}-{pair['completion']}{extra}"


def test_reference_covers_every_file_and_combination(pabulib_dir):
    assert REF["pabutools_version"] == "1.2.3"
    assert sorted(REF["files"]) == sorted(p.name for p in pabulib_dir.glob("*.pb"))
    for name, rec in REF["files"].items():
        combos = {(p["rule"], p["sat"], p["completion"]) for p in rec["pairs"]}
        assert ("greedy", "cost", "none") in combos and ("mes", "cost", "add1u") in combos, name
        if rec["vote_type"] == "approval":
            assert ("phragmen", None, "none") in combos


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_same_outcome_as_pabutools(pabulib_dir, case):
    name, pair = case
    if "skipped" in pair:
        # pabutools itself did not finish this pair (scripts/record_counting_reference.py, 900 s): no
        # reference exists to compare with, anywhere. Skipped by name, listed in every run's summary, so
        # the gap stays visible; a missing input (a file, a library) is still a failure in CI.
        pytest.skip(
            f"no pabutools reference: {name} {pair['rule']}/{pair['sat']}/{pair['completion']}: {pair['skipped']}"
        )
    e = election(name)
    result = count(
        e, rule=pair["rule"], sat=pair["sat"], completion=pair["completion"], threshold=pair.get("threshold")
    )
    ours = sorted(result.selected) if pair["rule"] == "phragmen" else list(result.selected)
    assert ours == pair["selected"]
    if pair["seconds"] < 1.0:
        live = reference(
            e,
            pair["rule"],
            pair["sat"],
            pair["completion"],
            threshold=pair.get("threshold"),
            loaded=load(e, (PABULIB / name).read_text(encoding="utf-8-sig")),
        )
        assert live == pair["selected"]

"""Record pabutools' outcomes on the pabulib sample files into tests/data/counting/pabutools_reference.json.

pabutools is slow on the big files (about 40 s per rule on Warsaw 2026, and MES with add1 does not finish on
Budapest), so the conformance tests compare against these recorded outcomes, and run pabutools live only
where it is quick. Every pair that pabutools cannot finish within --timeout seconds is recorded as skipped,
with the reason; these are the only pairs the tests skip.

    nice .venv/bin/python scripts/record_counting_reference.py [--timeout 60] [FILE.pb ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from participate.counting.pabulib import read_pabulib  # noqa: E402
from participate.counting.satisfaction import SATISFACTIONS  # noqa: E402
from tests.counting.pabu import load, reference  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "pabulib"
OUT = ROOT / "tests" / "data" / "counting" / "pabutools_reference.json"


def pairs_for(election) -> list[dict]:
    vt = election.vote_type
    out = []
    for sat, info in SATISFACTIONS.items():
        if vt not in info.vote_types:
            continue
        out.append({"rule": "greedy", "sat": sat, "completion": "none"})
        for completion in ("none", "add1", "add1u"):
            out.append({"rule": "mes", "sat": sat, "completion": completion})
    if vt in ("approval", "choose-1"):
        out.append({"rule": "phragmen", "sat": None, "completion": "none"})
    threshold = election.meta.get("min_project_score_threshold")
    if threshold:
        default = {"ordinal": "cost-points", "cumulative": "cost-additive", "scoring": "cost-additive"}
        out.append(
            {
                "rule": "greedy",
                "sat": default.get(vt, "cost"),
                "completion": "none",
                "threshold": int(threshold),
            }
        )
    return out


def _child(conn, election, loaded, pair):
    t = time.perf_counter()
    selected = reference(
        election,
        pair["rule"],
        pair["sat"],
        pair["completion"],
        loaded=loaded,
        threshold=pair.get("threshold"),
    )
    conn.send((selected, time.perf_counter() - t))
    conn.close()


def record_file(
    path: Path, timeout: float, only: list[str] | None = None, previous: dict | None = None
) -> dict:
    election = read_pabulib(path)
    loaded = load(election, path.read_text(encoding="utf-8-sig"))
    ctx = mp.get_context("fork")
    results = []
    old = {_key(p): p for p in (previous or {}).get("pairs", [])}
    for pair in pairs_for(election):
        if only and _key(pair) not in only:
            results.append(old.get(_key(pair), {**pair, "skipped": "not recorded yet"}))
            continue
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, election, loaded, pair))
        proc.start()
        child.close()
        entry = dict(pair)
        if parent.poll(timeout):
            selected, seconds = parent.recv()
            entry.update(selected=selected, seconds=round(seconds, 3))
        else:
            entry.update(skipped=f"pabutools {version('pabutools')} did not finish within {timeout:g} s")
        if timeout != 60:
            entry["timeout_seconds"] = timeout
        proc.kill()
        proc.join()
        print(
            path.name,
            entry.get("rule"),
            entry.get("sat"),
            entry.get("completion"),
            entry.get("seconds", entry.get("skipped")),
            flush=True,
        )
        results.append(entry)
    return {"vote_type": election.vote_type, "voters": len(election.ballots), "pairs": results}


def _key(pair: dict) -> str:
    return f"{pair['rule']}:{pair['sat']}:{pair['completion']}" + (
        f":{pair['threshold']}" if pair.get("threshold") else ""
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--only", action="append", help="rule:sat:completion to (re)record, e.g. mes:cost:add1")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = [Path(f) for f in args.files] or sorted(DATA.glob("*.pb"))
    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    data.update(
        {
            "pabutools_version": version("pabutools"),
            "timeout_seconds": args.timeout,
            "about": "Outcomes of pabutools (selected project ids, in pabutools' order; sequential_phragmen "
            "sorts its result) for every rule x satisfaction x completion of docs/counting.md. "
            "Recorded by scripts/record_counting_reference.py; pairs pabutools cannot finish within "
            "the timeout are marked skipped.",
        }
    )
    data.setdefault("files", {})
    for f in files:
        data["files"][f.name] = record_file(f, args.timeout, args.only, data["files"].get(f.name))
        OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

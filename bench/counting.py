"""Speed of the counting engine against pabutools 1.2.3, on the same files, in one run.

    nice .venv/bin/python bench/counting.py [--quick] [--skip-pabutools]

Prints, for Kraków 2020 (42,280 ranked ballots) and Warsaw 2026 (61,668 approval ballots): pabutools' time
and ours for greedy and MES (same outcome checked), the ratio, and the peak memory of each process; then MES
with add1u on Warsaw 2026 (pabutools does not finish it in 5 minutes: not run); then how our time and memory
grow with the number of ballots (generated approval elections of 1k, 10k, 100k and 1M ballots).

Every measurement runs in a fresh interpreter, so peak memory (max RSS) is that measurement's own.
Times exclude reading the file (reported separately); ours include merging ballots and building the profile.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "pabulib"

CASES = [
    ("Poland_Krakow_2020.pb", "cost-points"),
    ("Poland_Warszawa_2026.pb", "cost"),
]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generated_election(n: int, seed: int = 1):
    from participate.counting import make_election

    rng = random.Random(seed)
    m = 60
    projects = [(str(i), rng.choice([50_000, 100_000, 200_000, 400_000, 800_000])) for i in range(1, m + 1)]
    popularity = [rng.random() ** 2 for _ in range(m)]
    ids = [p for p, _ in projects]
    ballots = []
    for _ in range(n):
        k = rng.randint(1, 5)
        ballots.append(tuple(dict.fromkeys(rng.choices(ids, weights=popularity, k=k))))
    budget = sum(c for _, c in projects) // 3
    return make_election(budget=budget, vote_type="approval", projects=projects, ballots=ballots)


def job(spec: dict) -> dict:
    """One measurement (run in a child interpreter)."""
    out: dict = {}
    if spec.get("generated"):
        t = time.perf_counter()
        election = generated_election(spec["generated"])
        out["make_s"] = time.perf_counter() - t
        from participate.counting import count

        base = _maxrss_mb()
        t = time.perf_counter()
        r = count(election, rule=spec["rule"], sat="cost", completion=spec.get("completion"))
        out["seconds"] = time.perf_counter() - t
        out["selected"] = list(r.selected)
        out["rss_before_mb"] = base
    elif spec.get("pabutools"):
        from participate.counting import read_pabulib
        from tests.counting.pabu import load, reference

        path = DATA / spec["file"]
        election = read_pabulib(path)
        t = time.perf_counter()
        loaded = load(election, path.read_text(encoding="utf-8-sig"))
        out["read_s"] = time.perf_counter() - t
        t = time.perf_counter()
        out["selected"] = reference(
            election, spec["rule"], spec["sat"], spec.get("completion", "none"), loaded=loaded
        )
        out["seconds"] = time.perf_counter() - t
    else:
        from participate.counting import count, read_pabulib

        t = time.perf_counter()
        election = read_pabulib(DATA / spec["file"])
        out["read_s"] = time.perf_counter() - t
        t = time.perf_counter()
        r = count(election, rule=spec["rule"], sat=spec["sat"], completion=spec.get("completion"))
        out["seconds"] = time.perf_counter() - t
        out["selected"] = list(r.selected)
    out["peak_mb"] = _maxrss_mb()
    return out


def run(spec: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--job", json.dumps(spec)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"measurement {spec} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--job")
    ap.add_argument("--skip-pabutools", action="store_true")
    ap.add_argument("--quick", action="store_true", help="scaling up to 100k ballots only")
    args = ap.parse_args()
    if args.job:
        print(json.dumps(job(json.loads(args.job))))
        return

    print("pabutools 1.2.3 vs participate.counting (same files, same run; fresh process per measurement)\n")
    print(
        f"{'file':<26} {'rule':<7} {'pabutools s':>11} {'ours s':>8} {'ratio':>7} {'same':>5} "
        f"{'pabu MB':>8} {'ours MB':>8}"
    )
    for name, sat in CASES:
        for rule in ("greedy", "mes"):
            ours = run({"file": name, "rule": rule, "sat": sat})
            if args.skip_pabutools:
                ref = {"seconds": float("nan"), "selected": ours["selected"], "peak_mb": float("nan")}
            else:
                ref = run({"pabutools": True, "file": name, "rule": rule, "sat": sat})
            same = ref["selected"] == ours["selected"]
            print(
                f"{name[:26]:<26} {rule:<7} {ref['seconds']:>11.2f} {ours['seconds']:>8.3f} "
                f"{ref['seconds'] / ours['seconds']:>6.0f}x {str(same):>5} {ref['peak_mb']:>8.0f} "
                f"{ours['peak_mb']:>8.0f}",
                flush=True,
            )
    ours = run({"file": "Poland_Warszawa_2026.pb", "rule": "mes", "sat": "cost", "completion": "add1u"})
    print(
        f"\nMES add1u, Warsaw 2026: {ours['seconds']:.2f} s, peak {ours['peak_mb']:.0f} MB "
        f"({len(ours['selected'])} projects; pabutools does not finish in 5 minutes, not run)"
    )
    ours = run(
        {
            "file": "Hungary_Budapest_2024_VIII_Jozsefvaros.pb",
            "rule": "mes",
            "sat": "cost",
            "completion": "add1",
        }
    )
    print(f"MES add1, Budapest VIII: {ours['seconds']:.2f} s, peak {ours['peak_mb']:.0f} MB")

    print("\nGrowth with the number of ballots (generated approval elections, 60 projects, 1-5 approvals)")
    print(f"{'ballots':>9} {'greedy s':>9} {'mes s':>8} {'add1u s':>8} {'peak MB':>8} {'engine MB':>9}")
    sizes = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    for n in sizes:
        g = run({"generated": n, "rule": "greedy"})
        m = run({"generated": n, "rule": "mes"})
        u = run({"generated": n, "rule": "mes", "completion": "add1u"})
        peak = max(g["peak_mb"], m["peak_mb"], u["peak_mb"])
        engine = max(x["peak_mb"] - x["rss_before_mb"] for x in (g, m, u))
        print(
            f"{n:>9} {g['seconds']:>9.3f} {m['seconds']:>8.3f} {u['seconds']:>8.3f} {peak:>8.0f} "
            f"{engine:>9.0f}",
            flush=True,
        )
    print("\n(peak MB: whole process incl. the generated election; engine MB: growth during the count)")


if __name__ == "__main__":
    main()

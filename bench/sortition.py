"""Speed of the sortition engine's LEXIMIN, against its targets, sortition-algorithms and the Nature paper.

Run from the repository root:  nice .venv/bin/python bench/sortition.py [--quick] [--skip-reference]

Every row runs in its own process (a fresh HiGHS, no warm caches) with the engine's own deadline, and
prints wall and CPU seconds (CPU: this process and its solver threads; other jobs on a shared machine show
as wall > CPU), the distinct feature combinations ("types"), the probability levels ("stages"), the steps
of the decomposition walk or the master solves ("rounds"), the MIPs solved, which way found the LEXIMIN
(direct: a lottery reaching the relaxation's LEXIMIN; general: column generation), the lowest probability,
the largest change the transparent lottery of 1,000 panels makes to a probability and its worst loss (the
largest shortfall of a person's share of the panels below their probability; promised at most 2/M):
1. The paper's 2,000-person example (panel 200): target < 1 s. Paper's LEXIMIN (Gurobi): 1,161.8 s.
2. The Sortition Foundation's 150-person pool (panel 22), end to end (read the CSVs, LEXIMIN, lottery of
   1000): target < 0.5 s; against sortition-algorithms' MAXIMIN (mip/CBC), timed live in this run.
3. sf_e's shape (1,727 people, 7 features, panel 110) from the paper's public sf_e population shares:
   target < 60 s (the paper's Gurobi LEXIMIN on the real sf_e: 4,011.6 s).
4. 8 features x 1,000 people (panel 50): target < 30 s.
5. Scaling grid on generated pools whose quotas bind (participate.sortition.synthetic).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from participate.sortition import deadline_after, load_pool, round_lottery, select_panel  # noqa: E402
from participate.sortition.model import Pool  # noqa: E402
from participate.sortition.synthetic import (  # noqa: E402
    generate_pool,
    pool_from_pair_shares,
    read_pair_shares,
)

SHARED = ROOT.parent / "shared" / "data" / "sortition"
PAPER_LARGE_SECONDS = 1161.8
PAPER_SF_E_SECONDS = 4011.6
SF_E_SHAPE = {"n": 1727, "panel": 110, "skew": 2.5, "concentration": 1.3}


def grid_k(n: int) -> int:
    return max(20, min(100, n // 20))


def sf_e_pool() -> tuple[Pool, int]:
    text = (SHARED / "replication-sf_e_110" / "intersections.csv").read_text()
    pool = pool_from_pair_shares(
        read_pair_shares(text),
        SF_E_SHAPE["n"],
        SF_E_SHAPE["panel"],
        rng=random.Random(0),
        skew=SF_E_SHAPE["skew"],
        concentration=SF_E_SHAPE["concentration"],
    )
    return pool, SF_E_SHAPE["panel"]


def fixture_pool() -> Pool:
    case = SHARED / "sortition-algorithms-fixture"
    return load_pool(
        case / "features.csv",
        case / "candidates.csv",
        id_column="nationbuilder_id",
        address_columns=["primary_address1", "primary_zip"],
    )


def paper_large_pool() -> Pool:
    case = SHARED / "replication-example_large_200"
    return load_pool(case / "categories.csv", case / "respondents.csv")


POOLS: dict[str, Callable[[list[int]], tuple[Pool, int]]] = {
    "grid": lambda a: (
        generate_pool(a[0], a[1], grid_k(a[0]), rng=random.Random(a[0] * 10 + a[1])),
        grid_k(a[0]),
    ),
    "sf_e": lambda a: sf_e_pool(),
    "paper-large": lambda a: (paper_large_pool(), 200),
    "sf-fixture": lambda a: (fixture_pool(), 22),
}


def measure(kind: str, args: list[int], limit: float) -> dict[str, Any]:
    """One row, in this process: LEXIMIN (plus reading and the lottery for the end-to-end rows)."""
    wall, cpu = time.perf_counter(), time.process_time()
    pool, k = POOLS[kind](args)
    selection = select_panel(pool, k, deadline=deadline_after(limit))
    lottery = round_lottery(selection.distribution, selection.probabilities)
    return {
        "n": len(pool.people),
        "features": len(pool.features),
        "k": k,
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "min_p": selection.min_probability,
        "optimal": selection.optimal,
        "lottery_dev": lottery.max_deviation,
        "worst_loss": lottery.worst_loss,
        "lottery_size": lottery.size,
        **selection.stats,
    }


def run_row(kind: str, args: list[int], limit: float) -> dict[str, Any] | str:
    """`measure` in a fresh process (the engine stops itself at `limit`; the timeout is a backstop)."""
    command = [sys.executable, __file__, "--row", kind, *map(str, args), "--row-limit", str(limit)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit + 120, check=False)
    except subprocess.TimeoutExpired:
        return f"killed after {limit + 120:.0f} s"
    try:
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (json.JSONDecodeError, IndexError):
        return "failed: " + done.stderr.strip()[-300:]


def line(row: dict[str, Any] | str) -> str:
    if isinstance(row, str):
        return row
    status = "" if row["optimal"] else f"  NOT FINISHED (deadline; {row['stages']} stages proved)"
    return (
        f"{row['wall']:7.2f} s wall {row['cpu']:7.2f} s CPU  types {row['types']:>4}  stages {row['stages']:>3}"
        f"  rounds {row['rounds']:>4}  MIPs {row['ilp_pricings']:>4}  {row['way']:<7}  min p {row['min_p']:.5f}"
        f"  lottery ±{row['lottery_dev']:.4f} worst loss {row['worst_loss']:.4f}"
        f" {'<=' if row['worst_loss'] <= 2 / row['lottery_size'] else 'ABOVE'} 2/M (M {row['lottery_size']}){status}"
    )


def verdict(row: dict[str, Any] | str, target: float) -> str:
    if isinstance(row, str) or not row["optimal"]:
        return f"target < {target:g} s: MISSED"
    ok = row["wall"] < target or row["cpu"] < target
    note = " (CPU under it; wall is shared-machine noise)" if row["wall"] >= target and ok else ""
    return f"target < {target:g} s: {'OK' if ok else 'MISSED'}{note}"


def quiet(fn: Callable[..., Any], *args: Any) -> Any:
    """Run the reference without its logs, Python's or its C solver's (CBC prints on descriptor 1)."""
    logging.disable(logging.CRITICAL)
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return fn(*args)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
        logging.disable(logging.NOTSET)


def reference_maximin() -> str:
    try:
        from tests.sortition import reference
    except ImportError:
        return "reference helpers not importable; skipped"
    if not reference.available():
        return "sortition-algorithms not installed; skipped"
    pool = fixture_pool()
    wall, cpu = time.perf_counter(), time.process_time()
    committees, probs = quiet(reference.run, pool, 22, "maximin")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    their_min = min(reference.marginals(pool, committees, probs).values())
    return (
        f"{wall:7.2f} s wall {cpu:7.2f} s CPU  min p {their_min:.5f}  (its MAXIMIN only, CSVs already read)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scaling grid")
    parser.add_argument("--skip-reference", action="store_true", help="do not run sortition-algorithms")
    parser.add_argument("--row-limit", type=float, default=120, help="deadline per row, seconds")
    parser.add_argument("--row", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        print(json.dumps(measure(args.row[0], [int(a) for a in args.row[1:]], args.row_limit)))
        return 0
    limit = args.row_limit
    print("1. Paper's example_large_200 (n=2000, k=200), end to end")
    row = run_row("paper-large", [], limit)
    print("   ours LEXIMIN   " + line(row))
    print(f"   paper (Gurobi) {PAPER_LARGE_SECONDS:.1f} s; sortition-algorithms maximin: > 1200 s (not run)")
    print("   " + verdict(row, 1.0))
    print("\n2. Sortition Foundation fixture (n=150, k=22, household rule), end to end")
    row = run_row("sf-fixture", [], limit)
    print("   ours LEXIMIN                 " + line(row))
    theirs = "skipped (--skip-reference)" if args.skip_reference else reference_maximin()
    print("   sortition-algorithms MAXIMIN " + theirs)
    print("   " + verdict(row, 0.5))
    print("\n3. sf_e shape (n=1727, 7 features, k=110; pool from the paper's public sf_e population shares)")
    row = run_row("sf_e", [], max(limit, 60))
    print("   ours LEXIMIN   " + line(row))
    print(f"   paper (Gurobi) on the real sf_e: {PAPER_SF_E_SECONDS:.1f} s")
    print("   " + verdict(row, 60.0))
    print("\n4. 8 features x 1000 people (k=50)")
    row = run_row("grid", [1000, 8], max(limit, 30))
    print("   ours LEXIMIN   " + line(row))
    print("   " + verdict(row, 30.0))
    sizes, features = ([200, 1000], [2, 4]) if args.quick else ([200, 500, 1000, 2000, 5000], [2, 4, 6, 8])
    print(
        f"\n5. Scaling grid (generated pools skewed against census quotas; k = n/20 in 20..100; deadline {limit:g} s)"
    )
    print(f"   {'n':>5} {'feat':>4} {'k':>4}")
    for m in features:
        stopped = False
        for n in sizes:
            head = f"   {n:>5} {m:>4} {grid_k(n):>4}  "
            if stopped:
                print(head + "(skipped: a smaller pool hit the deadline)")
                continue
            row = run_row("grid", [n, m], limit)
            print(head + line(row), flush=True)
            stopped = isinstance(row, str) or not row["optimal"]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of the sortition engine, as ratios against sortition-algorithms 0.12.15 and the Nature paper.

Run from the repository root:  nice .venv/bin/python bench/sortition.py [--quick] [--skip-reference]

1. LEXIMIN on the paper's 2,000-person example (panel 200): must take under 60 s. The paper's LEXIMIN
   (Gurobi) took 1,161.8 s; sortition-algorithms' MAXIMIN did not finish in 20 minutes here, so it is
   not run.
2. The Sortition Foundation's 150-person pool (panel 22): our LEXIMIN against sortition-algorithms'
   MAXIMIN (backend mip/CBC) and, if gurobipy works, its LEXIMIN, timed live in this run.
3. How time grows with pool size (200 to 5,000) and number of features (2 to 8), on generated pools
   whose quotas bind (participate.sortition.synthetic).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from participate.sortition import load_pool, round_lottery, select_panel  # noqa: E402
from participate.sortition.synthetic import generate_pool  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "sortition"
PAPER_LARGE_SECONDS = 1161.8


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def quiet(fn, *args, **kwargs):
    logging.disable(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return fn(*args, **kwargs)
    finally:
        logging.disable(logging.NOTSET)


def paper_large() -> bool:
    pool = load_pool(
        SHARED / "replication-example_large_200/categories.csv",
        SHARED / "replication-example_large_200/respondents.csv",
    )
    selection, seconds = timed(select_panel, pool, 200)
    lottery, lottery_seconds = timed(round_lottery, selection.distribution, selection.probabilities)
    print("1. Paper's example_large_200 (n=2000, k=200)")
    print(
        f"   LEXIMIN {seconds:8.2f} s  min p {selection.min_probability:.6f}  types "
        f"{selection.distribution.model.n_types}  panels {len(selection.panels)}"
    )
    print(f"   lottery of 1000 panels {lottery_seconds:.2f} s, max |p~-p| {lottery.max_deviation:.5f}")
    print(
        f"   paper (Gurobi) {PAPER_LARGE_SECONDS:.1f} s -> {PAPER_LARGE_SECONDS / seconds:,.0f}x faster; "
        "sortition-algorithms maximin: did not finish in 1200 s (not run)"
    )
    ok = seconds < 60
    print(f"   target < 60 s: {'OK' if ok else 'MISSED'}")
    return ok


def sf_fixture(skip_reference: bool) -> bool:
    case = SHARED / "sortition-algorithms-fixture"
    pool = load_pool(
        case / "features.csv",
        case / "candidates.csv",
        id_column="nationbuilder_id",
        address_columns=["primary_address1", "primary_zip"],
    )
    selection, ours = timed(select_panel, pool, 22)
    print("2. Sortition Foundation fixture (n=150, k=22, household rule)")
    print(f"   ours LEXIMIN                     {ours:7.2f} s  min p {selection.min_probability:.5f}")
    if skip_reference:
        print("   reference skipped (--skip-reference); recorded: maximin 3.6 s, leximin 6.9 s")
        return True
    try:
        from tests.sortition import reference
    except ImportError:
        print("   reference helpers not importable; skipped")
        return True
    if not reference.available():
        print("   sortition-algorithms not installed; skipped")
        return True
    (committees, probs), theirs = timed(quiet, reference.run, pool, 22, "maximin")
    their_min = min(reference.marginals(pool, committees, probs).values())
    print(
        f"   sortition-algorithms MAXIMIN     {theirs:7.2f} s  min p {their_min:.5f}"
        f"  -> ours is {theirs / ours:.1f}x faster"
    )
    reason = reference.gurobi_reason()
    if reason is None:
        (committees, probs), lex = timed(quiet, reference.run, pool, 22, "leximin")
        their_min = min(reference.marginals(pool, committees, probs).values())
        print(
            f"   sortition-algorithms LEXIMIN     {lex:7.2f} s  min p {their_min:.5f}"
            f"  -> ours is {lex / ours:.1f}x faster"
        )
    else:
        print(f"   sortition-algorithms LEXIMIN skipped: {reason}")
    ok = ours < theirs
    print(f"   target faster than its MAXIMIN: {'OK' if ok else 'MISSED'}")
    return ok


def scaling_row(n: int, m: int) -> str:
    k = max(20, min(100, n // 20))
    pool = generate_pool(n, m, k, rng=random.Random(n * 10 + m))
    selection, seconds = timed(select_panel, pool, k)
    return (
        f"   {n:>5} {m:>8} {k:>4} {selection.distribution.model.n_types:>6} {seconds:>10.2f}"
        f" {selection.min_probability:>8.4f} {k / n:>6.3f}"
    )


def scaling(quick: bool, row_limit: float) -> None:
    sizes = [200, 500, 1000, 2000, 5000]
    features = [2, 4, 6, 8]
    if quick:
        sizes, features = [200, 1000], [2, 4]
    print("3. Scaling on generated pools (self-selected, skewed against census quotas; k = n/20, 20..100)")
    print(f"   each row in its own process, stopped after {row_limit:.0f} s")
    print(f"   {'n':>5} {'features':>8} {'k':>4} {'types':>6} {'LEXIMIN s':>10} {'min p':>8} {'k/n':>6}")
    for m in features:
        too_slow = False
        for n in sizes:
            k = max(20, min(100, n // 20))
            if too_slow:
                print(f"   {n:>5} {m:>8} {k:>4} {'':>6} {'(skipped: smaller pool hit the limit)':>10}")
                continue
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--row", str(n), str(m)],
                    capture_output=True,
                    text=True,
                    timeout=row_limit,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                print(f"   {n:>5} {m:>8} {k:>4} {'':>6} {'> ' + format(row_limit, '.0f'):>10}", flush=True)
                too_slow = True
                continue
            line = done.stdout.rstrip() or f"   {n:>5} {m:>8} {k:>4} failed: {done.stderr.strip()[-200:]}"
            print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scaling grid")
    parser.add_argument("--skip-reference", action="store_true", help="do not run sortition-algorithms")
    parser.add_argument("--row-limit", type=float, default=120, help="seconds per scaling row")
    parser.add_argument("--row", nargs=2, type=int, metavar=("N", "FEATURES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        print(scaling_row(*args.row))
        return 0
    ok = paper_large()
    print()
    ok = sf_fixture(args.skip_reference) and ok
    print()
    scaling(args.quick, args.row_limit)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What it would take to win: time to compute both figures for every unfunded project under MES.

    nice .venv/bin/python bench/what_it_takes.py [--limit SECONDS] [--rule mes]

For Warsaw 2026 (61,668 approval ballots, cost satisfaction) and Kraków 2020 (42,280 ranked ballots,
cost-points): one count, then the unfunded projects one by one (largest cost that funds it, fewest extra
supporters that fund it; exact recounts, participate/counting/what_it_takes.py) until --limit seconds have
passed. Printed: projects done, seconds (wall and CPU), and the seconds for all of them (measured, or
extrapolated from the projects done when the limit stopped the run; CPU is the steadier figure). Target: under 30 s per election on 2
cores. Timings on a shared machine are noisy (wall > CPU when others run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "pabulib"

from participate.counting import count, read_pabulib  # noqa: E402
from participate.counting.registry import RULES  # noqa: E402
from participate.counting.what_it_takes import TakesOptions, each_unfunded  # noqa: E402

CASES = [("Poland_Warszawa_2026.pb", "cost"), ("Poland_Krakow_2020.pb", "cost-points")]
TARGET = 30.0


def measure(name: str, sat: str, rule: str, limit: float) -> str:
    election = read_pabulib(DATA / name)
    base = count(election, rule=rule, sat=sat)

    def recount(changed):  # type: ignore[no-untyped-def]
        return count(changed, rule=rule, sat=sat).selected

    unfunded = [p for p in election.projects if p.id not in set(base.selected)]
    wall, cpu = time.perf_counter(), time.process_time()
    done = 0
    sample: dict[str, dict[str, int | None]] = {}
    for pid, figures in each_unfunded(election, base.selected, recount, TakesOptions(rule, sat)):
        sample[pid] = figures
        done += 1
        if time.perf_counter() - wall > limit:
            break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    total = wall * len(unfunded) / max(done, 1)
    total_cpu = cpu * len(unfunded) / max(done, 1)
    verdict = (
        "OK"
        if total < TARGET
        else "OK by CPU (wall is shared-machine noise)"
        if total_cpu < TARGET
        else "MISSED"
    )
    first = next(iter(sample.items()), None)
    return (
        f"{name:<26} {rule}/{sat:<11} unfunded {len(unfunded):>3}  done {done:>3}"
        f"  {wall:7.1f} s wall {cpu:7.1f} s CPU  all: {'' if done == len(unfunded) else '~'}{total:.1f} s wall"
        f" {total_cpu:.1f} s CPU"
        f"  target < {TARGET:g} s: {verdict}\n"
        f"   e.g. project {first[0]}: {first[1]}"
        if first
        else ""
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per election before extrapolating")
    parser.add_argument("--rule", default="mes", choices=sorted(RULES))
    args = parser.parse_args()
    print("What it would take to win: every unfunded project, exact recounts")
    for name, sat in CASES:
        print(measure(name, sat, args.rule, args.limit), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

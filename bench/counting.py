"""Speed of the counting engine against pabutools 1.2.3, on the same files and rules, in one run.

    nice .venv/bin/python bench/counting.py [--quick] [--skip-pabutools] [--repeat N]

End to end: whole processes, from process start to the answer, as an auditor runs them after an install (our
bytecode compiled first, as pip does): our console script `participate count FILE --rule R --sat S --format
json` (JSON with the explanation), against a small pabutools script in a fresh interpreter that reads the same
file with pabutools and runs the same rule (importing only pabutools). In process: the rule alone (file read
excluded; ours includes merging ballots and the explanation) and the time to read the file, timed inside
pabutools' process above and, for ours, in a fresh interpreter that imports the engine and the rule's code
(with numpy, which greedy does not need) before timing. Wall and CPU seconds (user + system, all threads) are
both given: the machine may be shared, so CPU is the steadier figure. Ours is the median of --repeat runs
(default 3), pabutools one run (it takes minutes). e2e/read is our whole process over our in-process read
(CPU): the target is 2x or less. The start-up floor below the table (processes that only start and import)
shows what a whole process spends before it reads a byte, so (floor + read) / read bounds e2e/read from below;
then each whole count over a whole process that only reads the file.

Rows: Kraków 2020 (42,280 ranked ballots, cost-points) and Warsaw 2026 (61,668 approval ballots, cost) x
greedy, MES, MES add1u (pabutools does not finish add1 on these files in 5 minutes: not run). Then how our
time and memory grow with the number of ballots (generated approval elections, in process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "pabulib"
SCRIPT = Path(sys.executable).with_name("participate")

CASES = [
    ("Poland_Warszawa_2026.pb", "cost", "greedy", "none"),
    ("Poland_Warszawa_2026.pb", "cost", "mes", "none"),
    ("Poland_Warszawa_2026.pb", "cost", "mes", "add1u"),
    ("Poland_Krakow_2020.pb", "cost-points", "greedy", "none"),
    ("Poland_Krakow_2020.pb", "cost-points", "mes", "none"),
    ("Poland_Krakow_2020.pb", "cost-points", "mes", "add1u"),
]
PABUTOOLS_FINISHES = {"none"}  # completions pabutools finishes on these files within 5 minutes


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a whole process; its wall and CPU seconds (it and its threads)."""
    cpu, wall = _children_cpu(), time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return proc, wall, cpu


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def pabutools_job(file: str, sat: str, rule: str, completion: str) -> dict:
    """A pabutools count in this fresh process (pabutools only: our engine is never imported)."""
    from pabutools.election.pabulib import parse_pabulib

    from tests.counting.pabu import pabutools_outcome, pabutools_points_k

    start = _clock()
    instance, profile = parse_pabulib(str(DATA / file))
    read = _since(start)
    start = _clock()
    k = pabutools_points_k(instance, profile)
    selected = pabutools_outcome(instance, profile, rule, sat, completion, k)
    return {"read": read, "rule": _since(start), "selected": selected, "peak_mb": _maxrss_mb()}


def ours_job(file: str, sat: str, rule: str, completion: str) -> dict:
    """Our read and count in this process (the count includes building the explanation). The rule's code
    is imported first (a count imports it, and numpy for all rules but greedy, on first use)."""
    from participate.counting import RULES, count, read_pabulib

    RULES[rule].count  # noqa: B018 - imports the rule's module
    start = _clock()
    election = read_pabulib(DATA / file)
    read = _since(start)
    start = _clock()
    result = count(election, rule=rule, sat=sat, completion=completion)
    result.to_dict()
    return {"read": read, "rule": _since(start), "selected": list(result.selected), "peak_mb": _maxrss_mb()}


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


def generated_job(n: int, rule: str, completion: str) -> dict:
    election = generated_election(n)
    from participate.counting import RULES, count

    RULES[rule].count  # noqa: B018 - imports the rule's module (and numpy) before timing

    base = _maxrss_mb()
    start = _clock()
    result = count(election, rule=rule, sat="cost", completion=completion)
    return {
        "rule": _since(start),
        "selected": list(result.selected),
        "peak_mb": _maxrss_mb(),
        "base_mb": base,
    }


JOBS = {"pabutools": pabutools_job, "ours": ours_job, "generated": generated_job}


def job(kind: str, *args: object) -> dict:
    """Run one measurement in a fresh interpreter, so that its peak memory and imports are its own."""
    spec = json.dumps([kind, *args])
    proc, wall, cpu = timed_process([sys.executable, __file__, "--job", spec])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process"] = {"wall": wall, "cpu": cpu}
    return out


def ours_end_to_end(file: str, sat: str, rule: str, completion: str) -> dict:
    args = [str(SCRIPT), "count", str(DATA / file), "--rule", rule, "--sat", sat, "--format", "json"]
    if completion != "none":
        args += ["--completion", completion]
    proc, wall, cpu = timed_process(args)
    return {"wall": wall, "cpu": cpu, "selected": json.loads(proc.stdout)["selected"]}


def _median(runs: list[dict], *path: str) -> float:
    values = []
    for run in runs:
        for key in path:
            run = run[key]
        values.append(run)
    return statistics.median(values)


def _ratio(theirs: float, ours: float) -> str:
    return f"{theirs / ours:.0f}x" if theirs == theirs and ours > 0 else "-"


STARTUP_STEPS = [
    ("the interpreter", "pass"),
    ("+ our count command", "import participate.cli.counting"),
    ("+ numpy (every rule but greedy)", "import participate.cli.counting, numpy"),
]


def python_cpu(code: str, repeat: int) -> float:
    """CPU seconds of a whole `python -c code` process (median of `repeat`)."""
    return statistics.median(timed_process([sys.executable, "-c", code])[2] for _ in range(repeat))


def startup_floor(repeat: int) -> dict[str, float]:
    """Whole processes that only start and import: what a count process spends before it reads a byte."""
    return {label: python_cpu(code, repeat) for label, code in STARTUP_STEPS}


def read_only_process(file: str, repeat: int) -> float:
    """A whole process that only reads the file with our reader."""
    return python_cpu(
        f"from participate.counting import read_pabulib; read_pabulib({str(DATA / file)!r})", repeat
    )


def startup_table(repeat: int, files: dict[str, str], reads: dict[str, list[float]], wholes: dict) -> None:
    """The start-up floor beside each file's read (median of all its reads above): whole / read cannot fall
    below (floor + read) / read. Then each whole count over a whole process that only reads the file."""
    floor = startup_floor(repeat)
    print("\nStart-up floor (CPU, whole processes that only start and import; median of runs):")
    for label, cpu in floor.items():
        print(f"  {label:<34} {cpu:6.3f} s")
    mes_floor = floor[STARTUP_STEPS[-1][0]]
    for name, file_reads in reads.items():
        read = statistics.median(file_reads)
        print(
            f"  {name:<16} read {read:.3f} s: a whole MES process is at least {(mes_floor + read) / read:.1f}x "
            f"the read before it counts (greedy: {(floor[STARTUP_STEPS[1][0]] + read) / read:.1f}x)"
        )
    print("\nWhole counts over a whole process that only reads the file (CPU, median of runs):")
    for name, file in files.items():
        only_reading = read_only_process(file, repeat)
        ratios = ", ".join(f"{label} {cpu / only_reading:.1f}x" for label, cpu in wholes[name].items())
        print(f"  {name:<16} reading only {only_reading:.3f} s: {ratios}")


def counting_table(repeat: int, skip_pabutools: bool) -> None:
    print("pabutools 1.2.3 vs participate.counting: same files, same rules, one run (seconds)\n")
    print(
        f"{'':<29}| {'end to end: whole process':^52} | {'in process: the rule alone':^44} | {'':^6}\n"
        f"{'file':<16} {'rule':<12}| {'pabu wall':>9} {'ours wall':>9} {'ratio':>6} "
        f"{'pabu CPU':>9} {'ours CPU':>9} {'ratio':>6} | {'pabu CPU':>9} {'ours CPU':>9} {'ratio':>6} "
        f"{'ours read':>9} | {'e2e/read':>8} {'same':>5}"
    )
    reads: dict[str, list[float]] = {}
    files: dict[str, str] = {}
    wholes: dict[str, dict[str, float]] = {}
    for file, sat, rule, completion in CASES:
        e2e = [ours_end_to_end(file, sat, rule, completion) for _ in range(repeat)]
        inside = [job("ours", file, sat, rule, completion) for _ in range(repeat)]
        runs_pabutools = completion in PABUTOOLS_FINISHES and not skip_pabutools
        ref = job("pabutools", file, sat, rule, completion) if runs_pabutools else None
        nan = float("nan")
        ours_wall, ours_cpu = _median(e2e, "wall"), _median(e2e, "cpu")
        ours_rule, ours_read = _median(inside, "rule", "cpu"), _median(inside, "read", "cpu")
        pabu_wall = ref["process"]["wall"] if ref else nan
        pabu_cpu = ref["process"]["cpu"] if ref else nan
        pabu_rule = ref["rule"]["cpu"] if ref else nan
        same = "-" if ref is None else str(ref["selected"] == e2e[0]["selected"] == inside[0]["selected"])
        label = rule if completion == "none" else f"{rule} {completion}"
        name = file.split("_")[1] + " " + file.split("_")[2][:4]
        reads.setdefault(name, []).extend(run["read"]["cpu"] for run in inside)
        files[name] = file
        wholes.setdefault(name, {})[label] = ours_cpu
        print(
            f"{name:<16} {label:<12}| {pabu_wall:>9.2f} "
            f"{ours_wall:>9.3f} {_ratio(pabu_wall, ours_wall):>6} {pabu_cpu:>9.2f} {ours_cpu:>9.3f} "
            f"{_ratio(pabu_cpu, ours_cpu):>6} | {pabu_rule:>9.2f} {ours_rule:>9.3f} "
            f"{_ratio(pabu_rule, ours_rule):>6} {ours_read:>9.3f} | {ours_cpu / ours_read:>7.1f}x {same:>5}",
            flush=True,
        )
    print(
        "\n(e2e/read: our whole process, CPU, over the CPU time our reader takes for the file in process;"
        "\n nan: pabutools not run - it does not finish MES with add1 on these files in 5 minutes)"
    )
    startup_table(repeat, files, reads, wholes)


def growth_table(quick: bool) -> None:
    print("\nGrowth with the number of ballots (generated approval elections, 60 projects, 1-5 approvals)")
    print(f"{'ballots':>9} {'greedy s':>9} {'mes s':>8} {'add1u s':>8} {'peak MB':>8} {'engine MB':>9}")
    for n in [1_000, 10_000, 100_000] + ([] if quick else [1_000_000]):
        runs = [job("generated", n, rule, completion) for rule, completion in GROWTH_RULES]
        g, m, u = (r["rule"]["wall"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        engine = max(r["peak_mb"] - r["base_mb"] for r in runs)
        print(f"{n:>9} {g:>9.3f} {m:>8.3f} {u:>8.3f} {peak:>8.0f} {engine:>9.0f}", flush=True)
    print("\n(peak MB: whole process incl. the generated election; engine MB: growth during the count)")


def cache_bytecode() -> None:
    """Compile our sources once, as `pip install` does for an installed package (pabutools' bytecode is in
    site-packages), and let every process below read it: otherwise each count compiles the engine again."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(ROOT / ".venv" / "pycache"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "participate")], check=True)


GROWTH_RULES = [("greedy", "none"), ("mes", "none"), ("mes", "add1u")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--job")
    ap.add_argument("--skip-pabutools", action="store_true")
    ap.add_argument("--quick", action="store_true", help="growth up to 100k ballots only")
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours per row (median)")
    args = ap.parse_args()
    if args.job:
        kind, *rest = json.loads(args.job)
        print(json.dumps(JOBS[kind](*rest)))
        return
    if not SCRIPT.exists():
        raise SystemExit(f"console script {SCRIPT} not found: run make install-test")
    cache_bytecode()
    # Our console script sets this for a count (participate/cli/__init__.py); every process here gets it, pabutools'
    # too: both import numpy, whose idle BLAS threads would otherwise be counted as CPU time.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    counting_table(args.repeat, args.skip_pabutools)
    growth_table(args.quick)


if __name__ == "__main__":
    main()

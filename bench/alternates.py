"""Alternates that plan for dropouts, against today's reserve list: a simulation of confirmation week.

Run from the repository root:  nice .venv/bin/python bench/alternates.py [--draws 1000]

For the Sortition Foundation fixture (150 people, panel 22, drawn from its LEXIMIN lottery) and an
sf_e-scale pool (1,727 people, 7 features, panel 110; a quota-meeting panel from the engine's panel ILP),
dropout rates per feature value average 10% and then 20% (a feature's first value drops out 1.6 times as
often as its last, as younger and less engaged respondents do). Each of the draws drops every panel
member independently with their probability; the seats are then filled the same way from
(a) the first `count` people of today's reserve list (reserves.py) and (b) `count` alternates chosen by
select_alternates, count = ceil(1.5 x expected dropouts). Printed: the expected number of quotas violated
after replacement and the expected distance to the quotas (sum of how far each count is outside
min..max); the new alternates must be lower on both.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sortition import fixture_pool, sf_e_pool  # noqa: E402

from participate.sortition import draw, reserve_list, round_lottery, select_panel  # noqa: E402
from participate.sortition.alternates import (  # noqa: E402
    dropout_probabilities,
    replace_from_alternates,
    select_alternates,
)
from participate.sortition.model import Pool  # noqa: E402
from participate.sortition.pricing import PanelOracle  # noqa: E402
from participate.sortition.types import build_types  # noqa: E402

SEED = "4 1 6 3 2"


def rates_for(pool: Pool, mean: float) -> dict[tuple[str, str], float]:
    """Per feature value: from 1.25 x mean (first value) down to 0.75 x mean (last)."""
    rates = {}
    for feature in pool.features:
        k = len(feature.values)
        for v, value in enumerate(feature.values):
            rates[(feature.name, value)] = mean * (1.25 - 0.5 * v / max(k - 1, 1))
    return rates


def fixture_panel() -> tuple[Pool, list[str]]:
    pool = fixture_pool()
    selection = select_panel(pool, 22)
    return pool, list(draw(round_lottery(selection.distribution, selection.probabilities), SEED).panel)


def sf_e_panel() -> tuple[Pool, list[str]]:
    pool, k = sf_e_pool()
    model = build_types(pool, k)
    rng = random.Random(1)
    counts = PanelOracle(model).best(__import__("numpy").array([rng.random() for _ in range(model.n_types)]))
    assert counts is not None
    panel = [pool.people[model.members[t][i]].id for t, c in enumerate(counts) for i in range(int(c))]
    return pool, panel


def simulate(pool: Pool, panel: list[str], mean: float, draws: int) -> str:
    rates = rates_for(pool, mean)
    probability = dropout_probabilities(pool, panel, rates)
    expected = sum(probability.values())
    count = math.ceil(1.5 * expected)
    started = time.perf_counter()
    planned = select_alternates(pool, panel, rates, count, seed=SEED).alternates
    choose = time.perf_counter() - started
    reserves = reserve_list(pool, panel, seed=SEED)[:count]
    rng = random.Random(7)
    totals = {"reserves": [0, 0], "alternates": [0, 0]}
    for _ in range(draws):
        gone = [pid for pid in panel if rng.random() < probability[pid]]
        for name, pick in (("reserves", reserves), ("alternates", planned)):
            outcome = replace_from_alternates(pool, panel, gone, pick)
            totals[name][0] += outcome.violations
            totals[name][1] += outcome.distance
    (rv, rd), (av, ad) = (totals["reserves"], totals["alternates"])
    better = av < rv and ad < rd
    return (
        f"   dropout {mean:.0%} (expected {expected:.1f} of {len(panel)}), {count} alternates"
        f" (chosen in {choose:.2f} s)\n"
        f"      today's reserves: {rv / draws:6.3f} quotas violated, distance {rd / draws:6.3f}\n"
        f"      new alternates:   {av / draws:6.3f} quotas violated, distance {ad / draws:6.3f}"
        f"   {'BETTER on both' if better else 'NOT better on both'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"Alternates against reserves after dropouts ({args.draws} draws each; replacement as in alternates.py)"
    )
    for name, make in (
        ("Sortition Foundation fixture (n=150, k=22)", fixture_panel),
        ("sf_e scale (n=1727, k=110)", sf_e_panel),
    ):
        pool, panel = make()
        print(f"\n{name}")
        for mean in (0.10, 0.20):
            print(simulate(pool, panel, mean, args.draws), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long a diverse table plan takes (participate/sortition/tables.py) for meetings of 16 to 100 people
with three features and one earlier plan. Prints seconds, whether the plan is exact, and repeated pairs.

    .venv/bin/python bench/table_plans.py
"""

from __future__ import annotations

import random
import time

from participate.sortition.tables import plan_tables


def main() -> None:
    for n in (16, 30, 45, 60, 100):
        rng = random.Random(n)
        values = {f"p{i}": (rng.choice("fmx"), rng.choice("abcd"), rng.choice("xyz")) for i in range(n)}
        earlier = [[sorted(values)[i : i + 8] for i in range(0, n, 8)]]
        started = time.perf_counter()
        plan = plan_tables(values, earlier, rng=random.Random(1))
        seconds = time.perf_counter() - started
        print(
            f"{n:4d} people: {seconds:6.2f} s, exact={plan.exact}, repeated pairs={plan.repeats}, cost={plan.cost}"
        )


if __name__ == "__main__":
    main()

"""Diverse tables: split the people at a meeting into tables of 6 to 8 that each mix the panel's features
as evenly as possible, and seat people with others they have not sat with before.

The objective (docs/panels.md, "Diverse tables"), for n people in tables t of sizes s_t, a feature value v
held by T_v people of the n (a person who preferred not to say counts under the value ""), c_tv of them at
table t, and R_t the pairs at table t who sat at one table at an earlier meeting:

    cost = sum over t, v of (n * c_tv - s_t * T_v)^2  +  repeat_weight * n^2 * sum over t of R_t

The first term is n^2 times the squared distance of each table from its proportional share of every
value; the second makes one repeated pair cost as much as one person of squared distance. Table sizes
are fixed first: the fewest tables of at most 8, as equal as possible (so 6 to 8 whenever n allows).

Small meetings are solved exactly, by enumerating every way to split the people into those tables; larger
ones by local search (swaps of two people at different tables, from 4 to 20 random starts, fewer the
larger the meeting) whose result
no single swap improves. Pure: no database, no web; randomness is an argument.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

SMALLEST, LARGEST = 6, 8
# Splits enumerated at most for the exact answer (16 people in two tables of 8 are 6,435 splits).
EXACT_LIMIT = 20_000


@dataclass(frozen=True)
class TablePlan:
    tables: tuple[tuple[str, ...], ...]
    cost: int
    repeats: int  # pairs seated together again
    exact: bool  # the optimum; otherwise a local optimum no single swap improves


def table_sizes(n: int) -> list[int]:
    """The fewest tables of at most 8, as equal as possible, largest first: 20 → [7, 7, 6]."""
    if n <= 0:
        return []
    count = max(1, math.ceil(n / LARGEST))
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def pairs_met(plans: Iterable[Sequence[Sequence[str]]]) -> frozenset[tuple[str, str]]:
    """Every pair that shared a table in the earlier plans."""
    return frozenset(pair(a, b) for plan in plans for table in plan for a, b in combinations(table, 2))


class _Scorer:
    def __init__(
        self, values: Mapping[str, Sequence[str]], met: frozenset[tuple[str, str]], repeat_weight: int
    ):
        self.values = {pid: tuple(answers) for pid, answers in values.items()}
        self.n = len(self.values)
        self.totals: Counter[tuple[int, str]] = Counter(
            (f, v) for answers in self.values.values() for f, v in enumerate(answers)
        )
        self.met = met
        self.repeat_weight = repeat_weight
        self.partners: dict[str, set[str]] = {pid: set() for pid in self.values}
        for a, b in met:
            if a in self.partners and b in self.partners:
                self.partners[a].add(b)
                self.partners[b].add(a)

    def repeats(self, table: Sequence[str]) -> int:
        return sum(1 for a, b in combinations(table, 2) if pair(a, b) in self.met)

    def table_cost(self, table: Sequence[str]) -> int:
        counts = Counter((f, v) for pid in table for f, v in enumerate(self.values[pid]))
        size = len(table)
        mix = sum((self.n * counts[key] - size * total) ** 2 for key, total in self.totals.items())
        return mix + self.repeat_weight * self.n * self.n * self.repeats(table)

    def cost(self, tables: Sequence[Sequence[str]]) -> int:
        return sum(self.table_cost(table) for table in tables)


def plan_cost(
    tables: Sequence[Sequence[str]],
    values: Mapping[str, Sequence[str]],
    met: frozenset[tuple[str, str]] = frozenset(),
    repeat_weight: int = 1,
) -> int:
    return _Scorer(values, met, repeat_weight).cost(tables)


def split_count(sizes: Sequence[int]) -> int:
    """How many different splits of sum(sizes) people into tables of these sizes (tables unlabelled)."""
    count = math.factorial(sum(sizes))
    for size in sizes:
        count //= math.factorial(size)
    for repeated in Counter(sizes).values():
        count //= math.factorial(repeated)
    return count


def _splits(people: Sequence[str], sizes: Sequence[int]) -> Iterable[list[list[str]]]:
    """Every split once: a person joins an empty table only if it is the first empty one of its size."""
    tables: list[list[str]] = [[] for _ in sizes]

    def place(i: int) -> Iterable[list[list[str]]]:
        if i == len(people):
            yield [list(t) for t in tables]
            return
        tried_empty: set[int] = set()
        for j, size in enumerate(sizes):
            if len(tables[j]) >= size:
                continue
            if not tables[j]:
                if size in tried_empty:
                    continue
                tried_empty.add(size)
            tables[j].append(people[i])
            yield from place(i + 1)
            tables[j].pop()

    yield from place(0)


def _exact(people: Sequence[str], sizes: Sequence[int], scorer: _Scorer) -> tuple[list[list[str]], int]:
    best: list[list[str]] = []
    best_cost = -1
    for split in _splits(people, sizes):
        cost = scorer.cost(split)
        if best_cost < 0 or cost < best_cost:
            best, best_cost = split, cost
    return best, best_cost


def _swap_delta(
    scorer: _Scorer,
    tables: list[list[str]],
    counts: list[Counter[tuple[int, str]]],
    move: tuple[int, int, int, int],
) -> int:
    """The change in cost if person i of table a and person j of table b swap places (only what changes)."""
    a, i, b, j = move
    n, totals = scorer.n, scorer.totals
    x, y = tables[a][i], tables[b][j]
    vx, vy = scorer.values[x], scorer.values[y]
    sizes = (len(tables[a]), len(tables[b]))

    def term(key: tuple[int, str], count: int, size: int) -> int:
        return (n * count - size * totals[key]) ** 2

    delta = 0
    for f, (old, new) in enumerate(zip(vx, vy, strict=True)):
        if old == new:
            continue
        for table, size, leaving, joining in ((a, sizes[0], old, new), (b, sizes[1], new, old)):
            gone, come = (f, leaving), (f, joining)
            c_gone, c_come = counts[table][gone], counts[table][come]
            delta += term(gone, c_gone - 1, size) - term(gone, c_gone, size)
            delta += term(come, c_come + 1, size) - term(come, c_come, size)
    if scorer.repeat_weight and scorer.met:
        met_x, met_y = scorer.partners[x], scorer.partners[y]
        repeats = 0
        for z in tables[a]:
            if z != x:
                repeats += (z in met_y) - (z in met_x)
        for z in tables[b]:
            if z != y:
                repeats += (z in met_x) - (z in met_y)
        delta += scorer.repeat_weight * n * n * repeats
    return delta


def improve(tables: list[list[str]], scorer: _Scorer) -> int:
    """Swap two people at different tables while a swap lowers the cost; returns the final cost."""
    counts = [Counter((f, v) for pid in t for f, v in enumerate(scorer.values[pid])) for t in tables]
    improved = True
    while improved:
        improved = False
        for a, b in combinations(range(len(tables)), 2):
            for i in range(len(tables[a])):
                for j in range(len(tables[b])):
                    if _swap_delta(scorer, tables, counts, (a, i, b, j)) >= 0:
                        continue
                    x, y = tables[a][i], tables[b][j]
                    for f, (vx, vy) in enumerate(zip(scorer.values[x], scorer.values[y], strict=True)):
                        counts[a][(f, vx)] -= 1
                        counts[a][(f, vy)] += 1
                        counts[b][(f, vy)] -= 1
                        counts[b][(f, vx)] += 1
                    tables[a][i], tables[b][j] = y, x
                    improved = True
    return scorer.cost(tables)


def _local_search(
    people: Sequence[str], sizes: Sequence[int], scorer: _Scorer, rng: random.Random, restarts: int
) -> tuple[list[list[str]], int]:
    best: list[list[str]] = []
    best_cost = -1
    for _ in range(max(1, restarts)):
        order = list(people)
        rng.shuffle(order)
        tables, start = [], 0
        for size in sizes:
            tables.append(order[start : start + size])
            start += size
        cost = improve(tables, scorer)
        if best_cost < 0 or cost < best_cost:
            best, best_cost = tables, cost
    return best, best_cost


def plan_tables(
    values: Mapping[str, Sequence[str]],
    earlier: Iterable[Sequence[Sequence[str]]] = (),
    *,
    rng: random.Random,
    repeat_weight: int = 1,
    restarts: int | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> TablePlan:
    """Tables for the people in `values` (id → one value per feature), given earlier meetings' plans."""
    people = sorted(values)
    sizes = table_sizes(len(people))
    if not people:
        return TablePlan((), 0, 0, True)
    scorer = _Scorer(values, pairs_met(earlier), repeat_weight)
    exact = split_count(sizes) <= exact_limit
    if exact:
        tables, cost = _exact(people, sizes, scorer)
    else:
        starts = restarts if restarts is not None else max(4, min(20, 600 // len(people)))
        tables, cost = _local_search(people, sizes, scorer, rng, starts)
    ordered = tuple(tuple(sorted(t)) for t in sorted(tables, key=lambda t: (-len(t), sorted(t))))
    return TablePlan(ordered, cost, sum(scorer.repeats(t) for t in ordered), exact)

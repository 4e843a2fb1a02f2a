"""Diverse tables against a brute force: on small meetings the plan's cost is the least cost of every
labelled assignment of people to tables, the cost being the objective written out again here."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations, product

import pytest

from participate.sortition.tables import (
    _Scorer,
    improve,
    pairs_met,
    plan_cost,
    plan_tables,
    split_count,
    table_sizes,
)

FEATURES = (("f", "m", "x"), ("young", "mid", "old"), ("north", "south"))


def _people(n: int, rng: random.Random) -> dict[str, tuple[str, ...]]:
    return {f"p{i:02d}": tuple(rng.choice(values) for values in FEATURES) for i in range(n)}


def _objective(tables, values, met, weight=1) -> int:
    """The docs' formula, literally."""
    n = len(values)
    totals = Counter((f, v) for answers in values.values() for f, v in enumerate(answers))
    cost = 0
    for table in tables:
        counts = Counter((f, v) for pid in table for f, v in enumerate(values[pid]))
        cost += sum((n * counts[key] - len(table) * total) ** 2 for key, total in totals.items())
        cost += weight * n * n * sum(1 for a, b in combinations(table, 2) if tuple(sorted((a, b))) in met)
    return cost


def _brute_force(values, met, weight=1) -> int:
    people = sorted(values)
    sizes = table_sizes(len(people))
    best = None
    for labels in product(range(len(sizes)), repeat=len(people)):
        if any(labels.count(t) != size for t, size in enumerate(sizes)):
            continue
        tables = [
            [p for p, label in zip(people, labels, strict=True) if label == t] for t in range(len(sizes))
        ]
        cost = _objective(tables, values, met, weight)
        best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def test_table_sizes_are_the_fewest_tables_of_six_to_eight_when_the_count_allows():
    assert table_sizes(0) == []
    assert table_sizes(5) == [5]
    assert table_sizes(8) == [8]
    assert table_sizes(12) == [6, 6]
    assert table_sizes(16) == [8, 8]
    assert table_sizes(20) == [7, 7, 6]
    assert table_sizes(30) == [8, 8, 7, 7]
    for n in range(18, 200):
        assert all(6 <= size <= 8 for size in table_sizes(n)), n
        assert sum(table_sizes(n)) == n


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [9, 10, 12, 13])
def test_the_plan_is_the_brute_force_optimum_on_small_meetings(n, seed):
    rng = random.Random(seed * 100 + n)
    values = _people(n, rng)
    earlier_people = sorted(values)
    rng.shuffle(earlier_people)
    earlier = [[earlier_people[: n // 2], earlier_people[n // 2 :]]]
    met = pairs_met(earlier)
    plan = plan_tables(values, earlier, rng=random.Random(1))
    assert plan.exact
    assert sorted(p for table in plan.tables for p in table) == sorted(values)
    assert [len(t) for t in plan.tables] == table_sizes(n)
    assert plan.cost == _objective(plan.tables, values, met) == plan_cost(plan.tables, values, met)
    assert plan.cost == _brute_force(values, met)


def test_a_heavier_repeat_weight_still_matches_the_brute_force():
    rng = random.Random(7)
    values = _people(12, rng)
    earlier = [[sorted(values)[:6], sorted(values)[6:]]]
    plan = plan_tables(values, earlier, rng=random.Random(0), repeat_weight=5)
    assert plan.cost == _brute_force(values, pairs_met(earlier), 5)


def test_people_meet_new_people_when_the_mix_allows():
    # Everyone alike: the mix is perfect whatever the split, so only repeats count, and none is needed.
    values = {f"p{i:02d}": ("same",) for i in range(12)}
    first = plan_tables(values, rng=random.Random(0))
    second = plan_tables(values, [first.tables], rng=random.Random(0))
    assert second.repeats == min_repeats_for_two_tables_of_six()


def min_repeats_for_two_tables_of_six() -> int:
    # A new table of 6 drawn from two old tables of 6 holds a from one, 6-a from the other: C(a,2)+C(6-a,2)
    # is least at a=3 (3+3=6) per table, 12 over both.
    return 2 * (3 + 3)


def test_the_mix_follows_the_shares():
    values = {f"w{i}": ("f",) for i in range(8)} | {f"m{i}": ("m",) for i in range(8)}
    plan = plan_tables(values, rng=random.Random(0))
    for table in plan.tables:
        assert sum(1 for p in table if p.startswith("w")) == 4


def test_large_meetings_use_local_search_whose_result_no_swap_improves():
    rng = random.Random(3)
    values = _people(30, rng)
    earlier = [[sorted(values)[i : i + 8] for i in range(0, 30, 8)]]
    assert split_count(table_sizes(30)) > 20_000
    plan = plan_tables(values, earlier, rng=random.Random(5), restarts=3)
    assert not plan.exact
    assert sorted(p for t in plan.tables for p in t) == sorted(values)
    scorer = _Scorer(values, pairs_met(earlier), 1)
    tables = [list(t) for t in plan.tables]
    assert improve(tables, scorer) == plan.cost  # a local optimum: no swap lowers it
    shuffled = sorted(values)
    random.Random(9).shuffle(shuffled)
    start = [shuffled[:8], shuffled[8:16], shuffled[16:23], shuffled[23:]]
    assert plan.cost <= _objective(start, values, pairs_met(earlier))


def test_the_same_seed_gives_the_same_plan():
    values = _people(40, random.Random(1))
    assert plan_tables(values, rng=random.Random(2), restarts=2) == plan_tables(
        values, rng=random.Random(2), restarts=2
    )


def test_split_count_matches_the_enumeration():
    from participate.sortition.tables import _splits

    for sizes in ([3, 3], [4, 3], [3, 3, 2], [2, 2, 2]):
        people = [str(i) for i in range(sum(sizes))]
        splits = list(_splits(people, sizes))
        assert len(splits) == split_count(sizes)
        assert len({frozenset(frozenset(t) for t in s) for s in splits}) == len(splits)


def test_the_local_search_prices_a_swap_exactly_as_the_objective_does():
    from participate.sortition.tables import _swap_delta

    rng = random.Random(11)
    values = _people(23, rng)
    people = sorted(values)
    rng.shuffle(people)
    earlier = [[people[:8], people[8:16], people[16:]]]
    scorer = _Scorer(values, pairs_met(earlier), 2)
    rng.shuffle(people)
    tables = [people[:8], people[8:16], people[16:]]
    for _ in range(200):
        counts = [Counter((f, v) for pid in t for f, v in enumerate(values[pid])) for t in tables]
        a, b = rng.sample(range(3), 2)
        i, j = rng.randrange(len(tables[a])), rng.randrange(len(tables[b]))
        before = scorer.cost(tables)
        delta = _swap_delta(scorer, tables, counts, (a, i, b, j))
        tables[a][i], tables[b][j] = tables[b][j], tables[a][i]
        assert scorer.cost(tables) - before == delta

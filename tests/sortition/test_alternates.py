"""Alternates that plan for dropouts (issue 22, part 3): engine, records, command line."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from participate.cli.sortition import alternates_command
from participate.sortition import (
    InputError,
    draw,
    estimate_dropout_rates,
    parse_dropout_rates,
    replace_from_alternates,
    reserve_list,
    round_lottery,
    select_alternates,
)
from participate.sortition.alternates import dropout_probabilities, quota_distance

from .conftest import CASES, pool_for, selection_for, shared_path

SEED = "3 5 1"


@pytest.fixture(scope="module")
def drawn():
    pool = pool_for("sf-fixture")
    selection = selection_for("sf-fixture")
    return pool, list(draw(round_lottery(selection.distribution, selection.probabilities), SEED).panel)


def rates(pool, mean):
    """A feature's first value drops out 1.6 times as often as its last."""
    out = {}
    for feature in pool.features:
        k = len(feature.values)
        for v, value in enumerate(feature.values):
            out[(feature.name, value)] = mean * (1.25 - 0.5 * v / max(k - 1, 1))
    return out


def test_alternates_are_eligible_distinct_and_match_the_expected_dropouts(drawn):
    pool, panel = drawn
    chosen = select_alternates(pool, panel, rates(pool, 0.2), 8, seed=SEED)
    assert len(chosen.alternates) == len(set(chosen.alternates)) == 8
    panel_addresses = {pool.person(pid).address for pid in panel} - {""}
    addresses = [pool.person(pid).address for pid in chosen.alternates if pool.person(pid).address]
    assert not set(chosen.alternates) & set(panel)
    assert not set(addresses) & panel_addresses
    assert len(addresses) == len(set(addresses))
    assert set(chosen.alternates) <= set(reserve_list(pool, panel, seed=SEED))
    # their features are closer to the expected dropouts' than the first 8 reserves'
    reserves = reserve_list(pool, panel, seed=SEED)[:8]

    def mismatch(people):
        counts = dict.fromkeys(chosen.target, 0)
        for pid in people:
            for f, v in zip(pool.features, pool.person(pid).values, strict=True):
                counts[f"{f.name}={v}"] += 1
        return sum(abs(counts[label] - target) for label, target in chosen.target.items())

    assert mismatch(chosen.alternates) < mismatch(reserves)
    assert chosen.expected_dropouts == pytest.approx(
        sum(dropout_probabilities(pool, panel, rates(pool, 0.2)).values())
    )
    # same input, same alternates (the seed orders people within a type)
    assert select_alternates(pool, panel, rates(pool, 0.2), 8, seed=SEED) == chosen


@pytest.mark.parametrize("mean", [0.1, 0.2])
def test_after_simulated_dropouts_the_alternates_misrepresent_less_than_the_reserves(drawn, mean):
    pool, panel = drawn
    given = rates(pool, mean)
    probability = dropout_probabilities(pool, panel, given)
    count = round(1.5 * sum(probability.values())) + 1
    planned = select_alternates(pool, panel, given, count, seed=SEED).alternates
    reserves = reserve_list(pool, panel, seed=SEED)[:count]
    rng = random.Random(11)
    totals = {"planned": [0, 0], "reserves": [0, 0]}
    for _ in range(300):
        gone = [pid for pid in panel if rng.random() < probability[pid]]
        for name, pick in (("planned", planned), ("reserves", reserves)):
            outcome = replace_from_alternates(pool, panel, gone, pick)
            assert len(outcome.panel) == len(panel) - len(gone) + len(outcome.added)
            assert set(outcome.added) <= set(pick)
            totals[name][0] += outcome.violations
            totals[name][1] += outcome.distance
    assert totals["planned"][0] < totals["reserves"][0]
    assert totals["planned"][1] < totals["reserves"][1]


def test_a_dropout_is_replaced_like_for_like_when_an_alternate_allows(drawn):
    pool, panel = drawn
    assert quota_distance(pool, panel) == (0, 0)
    reserves = reserve_list(pool, panel, seed=SEED)
    # the first panel member with a twin (same features) among the reserves, and that twin
    gone, twin = next(
        (member, pid)
        for member in panel
        for pid in reserves
        if pool.person(pid).values == pool.person(member).values
    )
    others = [pid for pid in reserve_list(pool, panel, seed=SEED) if pid != twin][:3]
    outcome = replace_from_alternates(pool, panel, [gone], [*others, twin])
    assert outcome.added == (twin,) and (outcome.violations, outcome.distance) == (0, 0)


def test_rates_are_estimated_from_confirmation_records():
    pool = pool_for("sf-fixture")
    feature = pool.features[0]
    first, last = feature.values[0], feature.values[-1]
    names = [f.name for f in pool.features]
    lines = [",".join([*names, "status"])]
    for i in range(40):
        value = first if i < 20 else last
        dropped = (i < 20 and i % 2 == 0) or (i >= 20 and i % 10 == 0)
        others = [f.values[0] for f in pool.features[1:]]
        lines.append(",".join([value, *others, "dropped" if dropped else "confirmed"]))
    estimated = estimate_dropout_rates(pool, "\n".join(lines))
    overall = 12 / 40
    assert estimated[(feature.name, first)] == pytest.approx((10 + overall) / 21)
    assert estimated[(feature.name, last)] == pytest.approx((2 + overall) / 21)
    with pytest.raises(InputError, match="neither confirmed nor dropped"):
        estimate_dropout_rates(pool, lines[0] + "\n" + lines[1].rsplit(",", 1)[0] + ",maybe")
    with pytest.raises(InputError, match="no 'status' column"):
        estimate_dropout_rates(pool, ",".join(names) + "\n")


def test_rates_file_is_checked():
    pool = pool_for("sf-fixture")
    f = pool.features[0]
    assert parse_dropout_rates(pool, f"feature,value,rate\n{f.name},{f.values[0]},15%\n") == {
        (f.name, f.values[0]): pytest.approx(0.15)
    }
    with pytest.raises(InputError, match="unknown feature value"):
        parse_dropout_rates(pool, f"feature,value,rate\n{f.name},nonsense,0.1\n")
    with pytest.raises(InputError, match="between 0 and 1"):
        parse_dropout_rates(pool, f"feature,value,rate\n{f.name},{f.values[0]},1.5\n")
    with pytest.raises(InputError, match="cannot be negative"):
        select_alternates(pool, [pool.people[0].id], {}, -1)


def test_command_line_prints_the_alternates_as_json(drawn, tmp_path):
    pool, panel = drawn
    case = CASES["sf-fixture"]
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text(
        "feature,value,rate\n" + "".join(f"{f},{v},{r}\n" for (f, v), r in rates(pool, 0.1).items())
    )
    common = [
        "--features",
        str(shared_path(case.features)),
        "--people",
        str(shared_path(case.people)),
        "--id-column",
        case.id_column,
        "--address-columns",
        ",".join(case.address_columns),
        "--panel",
        ",".join(panel),
        "--count",
        "4",
        "--seed",
        SEED,
    ]
    result = CliRunner().invoke(alternates_command, [*common, "--dropout-rates", str(rates_csv)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["alternates"] == list(
        select_alternates(pool, panel, rates(pool, 0.1), 4, seed=SEED).alternates
    )
    assert data["panel"] == panel and data["count"] == 4
    table = CliRunner().invoke(
        alternates_command, [*common, "--dropout-rates", str(rates_csv), "--format", "table"]
    )
    assert table.exit_code == 0 and "expected dropouts" in table.output
    neither = CliRunner().invoke(alternates_command, common)
    assert neither.exit_code == 2 and "exactly one of --dropout-rates and --records" in neither.output
    unknown = CliRunner().invoke(
        alternates_command, [*common[:-5], "nobody", "--count", "2", "--dropout-rates", str(rates_csv)]
    )
    assert unknown.exit_code == 2 and "Unknown person id 'nobody'" in unknown.output

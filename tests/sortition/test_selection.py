"""Items 3-5: constraints, LEXIMIN/MAXIMIN/legacy, and the output's guarantees."""

from __future__ import annotations

import random
import time

import pytest

from participate.sortition import InfeasibleQuotas, InputError, parse_features, parse_people, select_panel
from participate.sortition.stats import geometric_mean, gini
from participate.sortition.synthetic import generate_pool

from .conftest import CASES, leximin_at_least, marginals, panel_violations, pool_for, selection_for

TOY_FEATURES = "feature,value,min,max\ngender,f,2,2\ngender,m,2,2\nage,young,1,3\nage,old,1,3\n"
TOY_PEOPLE = """id,gender,age,home
a,f,young,1 Elm
b,f,young,1 elm.
c,f,old,2 Elm
d,f,old,3 Elm
e,m,young,4 Elm
f,m,young,5 Elm
g,m,old,6 Elm
h,m,old,7 Elm
"""


def toy(address=True):
    ff = parse_features(TOY_FEATURES)
    return parse_people(TOY_PEOPLE, ff.features, address_columns=["home"] if address else [])


def check_selection(pool, panel_size, selection):
    assert selection.panels
    assert abs(sum(p.probability for p in selection.panels) - 1) < 1e-9
    for panel in selection.panels:
        assert panel.probability > 0
        assert panel_violations(pool, panel_size, panel.members) == []
    exact = marginals(selection)
    for pid, p in selection.probabilities.items():
        assert p == pytest.approx(exact[pid], abs=1e-12)
    assert selection.min_probability == min(selection.probabilities.values())
    assert selection.gini == pytest.approx(gini(selection.probabilities.values()))
    assert selection.geometric_mean == pytest.approx(geometric_mean(selection.probabilities.values()))
    assert set(selection.never_selected) == {pid for pid, p in exact.items() if p == 0}


@pytest.mark.parametrize("name", ["sf-fixture", "opendlp", "small-20", "large-200"])
@pytest.mark.parametrize("algorithm", ["leximin", "maximin"])
def test_every_panel_meets_every_quota_and_probabilities_are_marginals(name, algorithm):
    pool = pool_for(name)
    check_selection(pool, CASES[name].panel_size, selection_for(name, algorithm))


@pytest.mark.parametrize("name", ["sf-fixture", "opendlp", "small-20", "large-200"])
def test_leximin_minimum_equals_maximin_optimum(name):
    lex, mm = selection_for(name, "leximin"), selection_for(name, "maximin")
    assert lex.min_probability == pytest.approx(mm.min_probability, abs=1e-6)
    assert leximin_at_least(list(lex.probabilities.values()), list(mm.probabilities.values()))


def test_paper_small_example_gives_everyone_ten_percent():
    selection = selection_for("small-20")
    assert all(p == pytest.approx(0.1, abs=1e-6) for p in selection.probabilities.values())
    assert selection.gini == pytest.approx(0, abs=1e-6)


def test_paper_large_example_leximin_is_exact():
    """Exact on the paper's 2,000 people in four types; how fast is bench/sortition.py's to measure."""
    selection = select_panel(pool_for("large-200"), 200)
    assert len(selection.probabilities) == 2000
    assert all(p == pytest.approx(0.1, abs=1e-6) for p in selection.probabilities.values())
    assert selection.distribution.model.n_types <= 4


def test_opendlp_reports_the_29_people_in_no_feasible_panel():
    for algorithm in ("leximin", "maximin"):
        selection = selection_for("opendlp", algorithm)
        assert len(selection.never_selected) == 29
        assert selection.min_probability == 0
        rest = [p for pid, p in selection.probabilities.items() if pid not in selection.never_selected]
        assert min(rest) == pytest.approx(1 / 30, abs=1e-6)


def test_household_rule_and_types():
    pool = toy()
    selection = select_panel(pool, 4)
    check_selection(pool, 4, selection)
    # a and b share an address: never together
    assert not any({"a", "b"} <= set(p.members) for p in selection.panels)
    model = selection.distribution.model
    assert model.households and all(len(model.members[t]) == 1 for h in model.households for t in h)
    without = select_panel(toy(address=False), 4)
    check_selection(toy(address=False), 4, without)
    assert not without.distribution.model.households  # without addresses a and b are free to sit together


def test_must_include_and_must_exclude():
    pool = toy()
    selection = select_panel(pool, 4, must_include=["c"], must_exclude=["h", "e"])
    check_selection(pool, 4, selection)
    assert selection.probabilities["c"] == pytest.approx(1)
    assert "c" in selection.always_selected
    assert selection.probabilities["h"] == selection.probabilities["e"] == 0
    assert {"e", "h"} <= set(selection.never_selected)
    # including a excludes her housemate b
    with_a = select_panel(pool, 4, must_include=["a"])
    assert with_a.probabilities["b"] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"must_include": ["zz"]}, "Unknown person id 'zz'"),
        ({"must_include": ["a"], "must_exclude": ["a"]}, "cannot both"),
        ({"must_include": ["a", "b"]}, "share an address"),
        ({"algorithm": "nash"}, "Unknown algorithm"),
    ],
)
def test_bad_selection_arguments(kwargs, message):
    with pytest.raises(InputError, match=message):
        select_panel(toy(), 4, **kwargs)


def test_panel_larger_than_pool():
    with pytest.raises(InputError, match="fewer than the panel size"):
        select_panel(toy(), 9)


def test_must_include_breaking_quota_is_infeasible():
    with pytest.raises(InfeasibleQuotas):
        select_panel(toy(), 4, must_include=["a", "c", "d"])


def test_legacy_meets_quotas_but_is_less_fair():
    pool = pool_for("small-20")
    legacy = select_panel(pool, 20, algorithm="legacy", rng=random.Random(1), legacy_samples=300)
    check_selection(pool, 20, legacy)
    assert legacy.min_probability < selection_for("small-20").min_probability


def test_legacy_is_reproducible_from_its_random_source():
    pool = toy()
    a = select_panel(pool, 4, algorithm="legacy", rng=random.Random(5), legacy_samples=50)
    b = select_panel(pool, 4, algorithm="legacy", rng=random.Random(5), legacy_samples=50)
    assert a.panels == b.panels


@pytest.mark.parametrize(("n", "features", "k", "seed"), [(120, 3, 15, 1), (300, 4, 30, 2), (200, 5, 20, 3)])
def test_generated_binding_pools(n, features, k, seed):
    pool = generate_pool(n, features, k, rng=random.Random(seed), households=0.2)
    lex = select_panel(pool, k)
    mm = select_panel(pool, k, algorithm="maximin")
    check_selection(pool, k, lex)
    check_selection(pool, k, mm)
    assert lex.min_probability == pytest.approx(mm.min_probability, abs=1e-6)
    # the quotas bind: the pool is skewed, so probabilities are far from uniform k/n
    assert lex.min_probability < k / n - 1e-3
    assert lex.gini > 0.02
    assert leximin_at_least(list(lex.probabilities.values()), list(mm.probabilities.values()))


def test_as_dict_has_the_contract_keys():
    data = selection_for("small-20").as_dict()
    assert {"algorithm", "panel_size", "probabilities", "panels", "min_probability", "gini"} <= set(data)
    assert data["panels"][0].keys() == {"members", "probability"}


def test_progress_reports_settled_shares_up_to_one():
    pool = generate_pool(120, 3, 15, rng=random.Random(1), households=0.2)
    calls = []
    selection = select_panel(pool, 15, progress=lambda fraction, message: calls.append((fraction, message)))
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and len(calls) > 3
    assert any("panels" in message or "stage" in message for _, message in calls)
    assert selection.optimal and selection.message == ""


def test_a_passed_deadline_returns_a_valid_lottery_marked_not_optimal():
    pool = generate_pool(300, 4, 30, rng=random.Random(2), households=0.2)
    selection = select_panel(pool, 30, deadline=time.monotonic())
    check_selection(pool, 30, selection)
    assert selection.optimal is False and "deadline" in selection.message
    assert selection.as_dict()["optimal"] is False
    full = select_panel(pool, 30)
    assert full.optimal and leximin_at_least(
        list(full.probabilities.values()), list(selection.probabilities.values())
    )

"""Item 7: infeasible quotas name the conflict and propose a minimal relaxation within the flex bounds."""

from __future__ import annotations

import pytest

from participate.sortition import InfeasibleQuotas, parse_features, parse_people, select_panel
from participate.sortition.infeasible import apply_relaxation

from .conftest import CASES, panel_violations, pool_for

PEOPLE = """id,gender,age
a,f,young
b,f,young
c,f,young
d,m,old
e,m,old
f,m,old
g,m,young
h,f,old
"""


def pool_with(features: str):
    return parse_people(PEOPLE, parse_features(features).features)


def relaxation_total(error: InfeasibleQuotas) -> int:
    return sum((c.old_min - c.new_min) + (c.new_max - c.old_max) for c in error.relaxation)


def test_minimums_that_cannot_add_up():
    pool = pool_with(
        "feature,value,min,max,min_flex,max_flex\ngender,f,3,3,0,4\ngender,m,2,2,0,4\nage,young,0,4,0,4\nage,old,0,4,0,4\n"
    )
    with pytest.raises(InfeasibleQuotas) as info:
        select_panel(pool, 4)
    error = info.value
    assert "minimums of gender add up to 5" in str(error)
    assert set(error.conflicting) <= {("gender", "f"), ("gender", "m")}
    assert relaxation_total(error) == 1
    fixed = apply_relaxation(pool, error.relaxation)
    selection = select_panel(fixed, 4)
    assert all(panel_violations(fixed, 4, p.members) == [] for p in selection.panels)


def test_conflict_across_features():
    # every young person but one is female; 3 young and at most 1 female cannot both hold
    pool = pool_with(
        "feature,value,min,max,min_flex,max_flex\ngender,f,0,1,0,4\ngender,m,3,4,0,4\nage,young,3,4,0,4\nage,old,0,1,0,4\n"
    )
    with pytest.raises(InfeasibleQuotas) as info:
        select_panel(pool, 4)
    error = info.value
    assert error.relaxation
    # one young man only: either 2 women (female max +1, male min -1) or fewer young (young min -1, old max +1)
    assert relaxation_total(error) == 2
    assert set(error.conflicting) & {("gender", "f"), ("age", "young"), ("gender", "m"), ("age", "old")}
    assert "suggested relaxation" in str(error)
    select_panel(apply_relaxation(pool, error.relaxation), 4)


def test_no_relaxation_within_flex_still_names_the_conflict():
    pool = pool_with(
        "feature,value,min,max,min_flex,max_flex\ngender,f,0,1,0,1\ngender,m,3,4,3,4\nage,young,3,4,3,4\nage,old,0,1,0,1\n"
    )
    with pytest.raises(InfeasibleQuotas) as info:
        select_panel(pool, 4)
    assert info.value.relaxation is None
    assert info.value.conflicting
    assert "no relaxation within min_flex/max_flex" in str(info.value)
    data = info.value.as_dict()
    assert data["infeasible"] is True and data["suggested_relaxation"] is None


def test_real_pool_with_an_impossible_quota():
    pool = pool_for("sf-fixture")
    features = list(pool.features)
    gender = features[0]
    quotas = list(gender.quotas)
    from dataclasses import replace

    quotas[0] = replace(quotas[0], min=16, max=17)  # Female 16-17 and Male 10-11 on a panel of 22
    features[0] = replace(gender, quotas=tuple(quotas))
    broken = type(pool)(tuple(features), pool.people)
    k = CASES["sf-fixture"].panel_size
    with pytest.raises(InfeasibleQuotas) as info:
        select_panel(broken, k)
    error = info.value
    assert ("Gender", "Female") in error.conflicting or ("Gender", "Male") in error.conflicting
    fixed = apply_relaxation(broken, error.relaxation)
    selection = select_panel(fixed, k, algorithm="maximin")
    assert all(panel_violations(fixed, k, p.members) == [] for p in selection.panels)

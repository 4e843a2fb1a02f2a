"""Item 8: the ordered reserve list and replacing people who drop out."""

from __future__ import annotations

import hashlib

import pytest

from participate.sortition import (
    InfeasibleQuotas,
    InputError,
    draw,
    replace_dropouts,
    reserve_list,
    round_lottery,
)

from .conftest import CASES, panel_violations, pool_for, selection_for


def drawn_panel(name="sf-fixture", seed="1 2 3"):
    selection = selection_for(name)
    lottery = round_lottery(selection.distribution, selection.probabilities, size=200)
    return draw(lottery, seed).panel


def test_reserve_list_is_recomputable_and_excludes_the_panel():
    pool = pool_for("sf-fixture")
    panel = drawn_panel()
    reserves = reserve_list(pool, panel, seed="1 2 3")
    assert reserves == reserve_list(pool, panel, seed="1 2 3")
    assert reserves != reserve_list(pool, panel, seed="1 2 4")
    assert not set(reserves) & set(panel)
    assert set(reserves) | set(panel) == set(pool.ids)  # no households shared in this pool
    ranks = [hashlib.sha256(f"1 2 3\x00reserve\x00{pid}".encode()).hexdigest() for pid in reserves]
    assert ranks == sorted(ranks)


def test_replacements_restore_the_quotas():
    pool, k = pool_for("sf-fixture"), CASES["sf-fixture"].panel_size
    panel = drawn_panel()
    reserves = reserve_list(pool, panel, seed="1 2 3")
    # three members who can be replaced at all (some triples hold the only people who fit a quota)
    for start in range(len(panel) - 2):
        dropouts = panel[start : start + 3]
        try:
            result = replace_dropouts(pool, k, panel, dropouts, reserves=reserves)
            break
        except InfeasibleQuotas:
            continue
    else:
        pytest.fail("no three consecutive members of the drawn panel could be replaced")
    assert set(result.stayed) == set(panel) - set(dropouts)
    assert len(result.added) == 3 and set(result.added) <= set(reserves)
    assert set(result.panel) == set(result.stayed) | set(result.added)
    assert panel_violations(pool, k, result.panel) == []
    # the first reserve that can be used is used: earlier reserves could not complete the panel
    first = reserves.index(result.added[0])
    assert first == 0 or all(r not in result.added for r in reserves[:first])


def test_replacement_keeps_the_household_rule():
    from participate.sortition import parse_features, parse_people

    features = parse_features("feature,value,min,max\ng,a,1,1\ng,b,1,1\n").features
    pool = parse_people(
        "id,g,home\np1,a,x\np2,b,y\np3,b,y\np4,b,z\np5,a,w\n", features, address_columns=["home"]
    )
    result = replace_dropouts(pool, 2, ["p1", "p2"], ["p1"], reserves=["p5", "p4"])
    assert result.added == ("p5",)
    # p2 leaves: p3 shared p2's address, but p2 is gone, so p3 may now be taken
    result = replace_dropouts(pool, 2, ["p1", "p2"], ["p2"], reserves=["p3", "p4"])
    assert result.added == ("p3",)


def test_replacement_impossible_from_the_reserves():
    from participate.sortition import parse_features, parse_people

    features = parse_features("feature,value,min,max,min_flex,max_flex\ng,a,1,1,0,2\ng,b,1,1,0,2\n").features
    pool = parse_people("id,g\np1,a\np2,b\np3,b\np4,b\n", features)
    with pytest.raises(InfeasibleQuotas) as info:
        replace_dropouts(pool, 2, ["p1", "p2"], ["p1"], reserves=["p3", "p4"])
    assert ("g", "a") in info.value.conflicting
    assert {(c.feature, c.value, c.new_min) for c in info.value.relaxation} >= {("g", "a", 0)}


def test_bad_replacement_arguments():
    pool, k = pool_for("sf-fixture"), CASES["sf-fixture"].panel_size
    panel = drawn_panel()
    with pytest.raises(InputError, match="not on the panel"):
        replace_dropouts(pool, k, panel, ["nobody"], reserves=[])
    with pytest.raises(InputError, match="already on the panel"):
        replace_dropouts(pool, k, panel, [panel[0]], reserves=[panel[1]])

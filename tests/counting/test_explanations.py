"""Explanations carry the numbers the results page shows, consistent with the outcome."""

from __future__ import annotations

import json
from fractions import Fraction

from participate.counting import count, make_election, read_pabulib


def small():
    return make_election(
        budget=10,
        vote_type="approval",
        projects=[("a", 6), ("b", 5), ("c", 4), ("d", 3)],
        ballots=[("a",), ("a", "b"), ("a", "c"), ("b", "c"), ("c",), ("d",)],
    )


def test_greedy_explanation():
    result = count(small(), rule="greedy", sat="cardinality")
    # scores: a 3, b 2, c 3, d 1; per cost: c 0.75, a 0.5, b 0.4, d 0.33
    assert result.selected == ("c", "a")
    items = result.explanation["projects"]
    assert [(i["id"], i["score"], i["rank"], i["status"]) for i in items] == [
        ("c", 3, 1, "funded"),
        ("a", 3, 2, "funded"),
        ("b", 2, 3, "did_not_fit"),
        ("d", 1, 4, "did_not_fit"),
    ]
    assert items[2]["text"] == "did not fit: 0 left, needed 5"
    assert items[0]["text"] == "funded"


def test_mes_explanation_payments_add_up():
    result = count(small(), rule="mes", sat="cost")
    expl = result.explanation
    assert expl["kind"] == "mes" and expl["voters"] == 6
    assert Fraction(expl["budget_per_voter_exact"]) == Fraction(10, 6)
    for f in expl["funded"]:
        paid = sum(Fraction(p["amount_exact"]) * p["voters"] for p in f["payments"])
        assert paid == f["cost"]
        assert f["payers"] == sum(p["voters"] for p in f["payments"])
    funded = {f["id"] for f in expl["funded"]}
    assert funded == set(result.selected)
    for u in expl["not_funded"]:
        assert u["id"] not in funded
        assert Fraction(u["supporters_money_exact"]) < u["cost"]
        assert Fraction(u["shortfall"]) == u["cost"] - Fraction(u["supporters_money_exact"])
    json.dumps(result.to_dict())


def test_mes_explanation_on_real_file(pabulib_dir):
    e = read_pabulib(pabulib_dir / "Poland_Czestochowa_2024_Trzech_Wieszczow.pb")
    result = count(e, rule="mes", completion="add1u")
    expl = result.explanation
    mes_funded = [f["id"] for f in expl["funded"]]
    greedy_funded = [i["id"] for i in expl["completed_by_greedy"] if i["status"] == "funded"]
    assert list(result.selected) == mes_funded + [p for p in greedy_funded if p not in mes_funded]
    for f in expl["funded"]:
        assert sum(Fraction(p["amount_exact"]) * p["voters"] for p in f["payments"]) == f["cost"]
    per_voter = Fraction(expl["budget_per_voter_exact"])
    assert per_voter == Fraction(e.budget, len(e.ballots)) + expl["increments"]
    assert all(u["text"].startswith("its ") or u["text"] == "nobody supported it" for u in expl["not_funded"])


def test_phragmen_and_ear_explanations():
    r = count(small(), rule="phragmen")
    assert [s["id"] for s in r.explanation["steps"]] == list(r.selected)
    loads = [Fraction(s["load_exact"]) for s in r.explanation["steps"]]
    assert loads == sorted(loads)
    e = make_election(
        budget=10,
        vote_type="ordinal",
        projects=[("a", 5), ("b", 5), ("c", 5)],
        ballots=[("a", "b"), ("a", "c"), ("b", "a"), ("c", "b")],
    )
    r = count(e, rule="ear")
    steps = r.explanation["steps"]
    assert [s["id"] for s in steps] == list(r.selected)
    assert all(Fraction(s["support_exact"]) >= Fraction(s["quota_exact"]) for s in steps)

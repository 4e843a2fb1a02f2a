"""Every plain-language reason on the results agrees with its own numbers (issue 18, defect 8: "564 of its
613 supporters paid … Supporters who gave all the money they had left: 605").

The sentences are built from the engine's explanation by participate.results.explain; these tests count
random elections with the conformance generators and check, for every proposal, that the figures its
sentences quote obey what they say of each other, and that each sentence quotes them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from participate.counting import count
from participate.results.explain import number, reasons
from tests.counting.generate import generated


def money(x: Fraction) -> str:
    return f"{float(x):.2f}"


def check_mes(explanation: dict) -> int:
    """Assert the invariants of every MES figure a sentence quotes; returns how many items were checked."""
    _intro, found = reasons(explanation, money)
    checked = 0
    for item in explanation["funded"]:
        text = " ".join(found[item["id"]].sentences)
        if not item["payments"]:
            continue
        payers, supporters, gave_all = item["payers"], item["supporters"], item["gave_all"]
        assert 0 < payers <= supporters, item
        assert payers == sum(p["voters"] for p in item["payments"]), item
        assert sum(number(p["amount_exact"]) * p["voters"] for p in item["payments"]) == item["cost"], item
        assert 0 <= gave_all <= payers, item  # those who gave all they had are among those who paid
        assert f"{payers} of its {supporters} supporters" in text, text
        if gave_all:
            assert f"{gave_all} of these {payers} gave all" in text, text
        checked += 1
    for item in explanation["not_funded"]:
        text = " ".join(found[item["id"]].sentences)
        if not item["supporters"]:
            assert "nobody supported it" in text
            continue
        left = number(item["supporters_money_exact"])
        assert left < item["cost"], item  # else MES would have funded it
        assert item["effective_support_percent"] < 100, item
        assert f"its {item['supporters']} supporters had {money(left)} left" in text, text
        if item["supporters_needed"]:
            assert item["supporters_needed"] > item["supporters"], item
            assert f"needed {item['supporters_needed']} supporters" in text, text
        checked += 1
    return checked


@pytest.mark.parametrize("vote_type", ["approval", "ordinal", "cumulative"])
def test_mes_reasons_agree_with_their_figures_on_random_elections(vote_type):
    checked = 0
    for seed in range(60):
        election = generated(seed, vote_type, large=seed % 3 == 0)
        sat = {"approval": "cost", "ordinal": "cost-points", "cumulative": "cost-additive"}[vote_type]
        result = count(election, rule="mes", sat=sat, completion="add1u")
        checked += check_mes(result.explanation)
    assert checked > 100


def test_greedy_reasons_quote_what_was_left_when_a_proposal_did_not_fit():
    for seed in range(40):
        result = count(generated(seed, "approval"), rule="greedy", sat="cost")
        _intro, found = reasons(result.explanation, money)
        for item in result.explanation["projects"]:
            if item["status"] == "did_not_fit":
                assert item["budget_left"] < item["cost"]
                assert money(Fraction(item["budget_left"])) in found[item["id"]].sentences[0]

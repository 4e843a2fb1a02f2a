"""The registry the web layer lists: rules (with the callable that counts each), satisfaction measures and MES
completions, by public name."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from .model import APPROVAL_TYPES, VOTE_TYPES
from .satisfaction import SATISFACTIONS, SatisfactionInfo, default_satisfaction

if TYPE_CHECKING:
    from .options import RuleCount


@dataclass(frozen=True)
class RuleInfo:
    name: str
    label: str
    description: str
    vote_types: tuple[str, ...]
    uses_satisfaction: bool
    options: tuple[str, ...]  # keyword options of `count` this rule accepts
    pabutools: str
    # "module:function" (under participate.counting.rules) of the callable that counts: a count imports only
    # its own rule (a one-off `participate count` process should not load every rule's code)
    counter: str

    @property
    def count(self) -> RuleCount:
        """Runs the rule on an election with checked options."""
        module, function = self.counter.split(":")
        counter: RuleCount = getattr(import_module(f"{__package__}.rules.{module}"), function)
        return counter


@dataclass(frozen=True)
class CompletionInfo:
    name: str
    label: str
    description: str


RULES: dict[str, RuleInfo] = {
    r.name: r
    for r in (
        RuleInfo(
            "greedy",
            "Most support first (greedy)",
            "Fund proposals by satisfaction per cost, skipping what no longer fits.",
            VOTE_TYPES,
            True,
            ("sat", "threshold"),
            "greedy_utilitarian_welfare",
            "greedy:count_greedy",
        ),
        RuleInfo(
            "mes",
            "Method of Equal Shares",
            "Every voter gets an equal share of the budget; a proposal is funded when its supporters can "
            "pay for it, the cheapest per unit of satisfaction first (equalshares.net).",
            VOTE_TYPES,
            True,
            ("sat", "completion"),
            "method_of_equal_shares",
            "mes_completions:count_mes",
        ),
        RuleInfo(
            "phragmen",
            "Sequential Phragmén",
            "Supporters' loads rise together; a proposal is bought when its supporters can pay for it.",
            APPROVAL_TYPES,
            False,
            (),
            "sequential_phragmen",
            "phragmen:count_phragmen",
        ),
        RuleInfo(
            "ear",
            "Expanding Approvals Rule (PB-EAR)",
            "Proportional for groups ranking the same proposals first: looks one rank deeper at a time "
            "and funds proposals whose supporters hold their quota.",
            ("ordinal",),
            False,
            (),
            "none (exact definition in the counting contract)",
            "ear:count_ear",
        ),
    )
}

COMPLETIONS: dict[str, CompletionInfo] = {
    c.name: c
    for c in (
        CompletionInfo("none", "None", "Plain Method of Equal Shares."),
        CompletionInfo(
            "add1",
            "Add 1",
            "Raise every voter's budget by one currency unit until the next step would overspend.",
        ),
        CompletionInfo("add1u", "Add 1, then greedy", "add1, then fill what is left with greedy."),
    )
}


def rules_for(vote_type: str) -> list[RuleInfo]:
    return [r for r in RULES.values() if vote_type in r.vote_types]


def satisfactions_for(vote_type: str) -> list[SatisfactionInfo]:
    return [s for s in SATISFACTIONS.values() if vote_type in s.vote_types]


__all__ = [
    "COMPLETIONS",
    "RULES",
    "SATISFACTIONS",
    "CompletionInfo",
    "RuleInfo",
    "default_satisfaction",
    "rules_for",
    "satisfactions_for",
]

"""What `count` hands to a rule's callable (the registry's `RuleInfo.count`) and what it gets back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .model import Election
from .progress import Watch
from .ties import TieBreaking

Explanation = dict[str, Any]


@dataclass(frozen=True)
class CountOptions:
    """The options of one count, already checked against the rule and the ballots."""

    sat: str  # the satisfaction measure ("" for rules that use none)
    completion: str  # "none", "add1" or "add1u" (MES only)
    threshold: int | Fraction | None  # greedy only
    tie_breaking: TieBreaking
    watch: Watch


@dataclass(frozen=True)
class RuleRun:
    """A rule's outcome: the projects in the order chosen, and how to explain them (computed on demand)."""

    selected: tuple[str, ...]
    explain: Callable[[], Explanation]


RuleCount = Callable[[Election, CountOptions], RuleRun]

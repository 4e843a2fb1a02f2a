"""`count`: one call that runs a rule on an election and returns a `CountResult` with its explanation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from typing import Any

from . import explain
from .errors import UnsupportedOptionError
from .memory import collector_paused
from .model import Election
from .options import CountOptions, Explanation, RuleRun
from .pabulib import parse_number
from .progress import Progress, Watch
from .registry import COMPLETIONS, RULES, RuleInfo
from .satisfaction import check_satisfaction, default_satisfaction
from .ties import TieBreaking, lexicographic

META_THRESHOLD = "meta"


@dataclass(frozen=True)
class CountResult:
    rule: str
    sat: str | None
    completion: str
    budget: int
    selected: tuple[str, ...]  # project ids in the order chosen
    total_cost: int
    threshold: int | Fraction | None = None
    run: RuleRun | None = field(default=None, repr=False, compare=False)
    # per unfunded project: {"max_cost": int | None, "more_supporters": int | None} (what_it_takes.py)
    what_it_takes: dict[str, dict[str, int | None]] | None = field(default=None, compare=False)

    @cached_property
    def explanation(self) -> Explanation:
        """The contract's explanation, computed on first use (a table print never needs it)."""
        explanation = self.run.explain() if self.run is not None else {}
        if self.what_it_takes is not None:
            explanation = {**explanation, "what_it_takes": self.what_it_takes}
        return explanation

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `participate count --format json`."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "sat": self.sat,
            "completion": self.completion,
            "budget": self.budget,
            "selected": list(self.selected),
            "total_cost": self.total_cost,
            "explanation": self.explanation,
        }
        if self.threshold is not None:
            data["threshold"] = explain.exact(self.threshold)
        return data


def count(
    election: Election,
    *,
    rule: str = "greedy",
    sat: str | None = None,
    completion: str | None = None,
    threshold: int | Fraction | str | None = None,
    tie_breaking: TieBreaking = lexicographic,
    progress: Progress | None = None,
    deadline: float | None = None,
    what_it_takes: bool = False,
) -> CountResult:
    """Count `election` with `rule`. `sat` defaults to the ballot type's measure; `completion` (MES only)
    is none/add1/add1u; `threshold` (greedy only) is a number or "meta" for META min_project_score_threshold,
    compared with a project's total score: the number of ballots naming it (approval, choose-1, ordinal) or
    the sum of the points it received (cumulative, scoring).

    `progress(fraction, message)` is told how far the count is (0.0 to 1.0, throttled to every 0.1 s);
    `deadline` is a `time.monotonic()` reading in seconds: a count still running then raises DeadlineReached
    (see participate.counting.progress). Raises UnsupportedOptionError for an impossible combination.

    `what_it_takes=True` also computes, for every unfunded project, the largest cost and the fewest extra
    supporters that would have funded it (participate.counting.what_it_takes; explanation["what_it_takes"])."""
    info = _rule(rule, election.vote_type)
    completion = _completion(rule, completion)
    if threshold is not None and rule != "greedy":
        raise UnsupportedOptionError("--threshold applies only to the greedy rule")
    sat = _satisfaction(info, sat, election.vote_type)
    options = CountOptions(
        sat=sat,
        completion=completion,
        threshold=_threshold(threshold, election),
        tie_breaking=tie_breaking,
        watch=Watch(progress, deadline),
    )
    with collector_paused():
        run = info.count(election, options)
    cost = {p.id: p.cost for p in election.projects}
    takes = None
    if what_it_takes:
        # imported only when asked: it loads MES and numpy, which a plain greedy count never needs
        from .what_it_takes import TakesOptions
        from .what_it_takes import what_it_takes as figures_to_win

        def recount(changed: Election) -> tuple[str, ...]:
            with collector_paused():
                return info.count(changed, replace(options, watch=Watch(None, deadline))).selected

        takes = figures_to_win(
            election,
            run.selected,
            recount,
            TakesOptions(rule, options.sat, options.threshold, tie_breaking, options.completion),
            watch=options.watch,
        )
    return CountResult(
        rule=rule,
        sat=options.sat or None,
        completion=options.completion,
        budget=election.budget,
        selected=run.selected,
        total_cost=sum(cost[pid] for pid in run.selected),
        threshold=options.threshold,
        run=run,
        what_it_takes=takes,
    )


def _rule(rule: str, vote_type: str) -> RuleInfo:
    if rule not in RULES:
        raise UnsupportedOptionError(f"unknown rule {rule!r} (choose from {', '.join(RULES)})")
    info = RULES[rule]
    if vote_type not in info.vote_types:
        raise UnsupportedOptionError(f"rule {rule!r} does not apply to {vote_type} ballots")
    return info


def _completion(rule: str, completion: str | None) -> str:
    if completion not in (None, "none") and rule != "mes":
        raise UnsupportedOptionError("--completion applies only to the mes rule")
    if completion is not None and completion not in COMPLETIONS:
        raise UnsupportedOptionError(
            f"unknown completion {completion!r} (choose from {', '.join(COMPLETIONS)})"
        )
    return completion or "none"


def _satisfaction(info: RuleInfo, sat: str | None, vote_type: str) -> str:
    if not info.uses_satisfaction:
        if sat is not None:
            raise UnsupportedOptionError(f"rule {info.name!r} does not use a satisfaction measure")
        return ""
    sat = sat or default_satisfaction(vote_type)
    check_satisfaction(sat, vote_type)
    return sat


def _threshold(threshold: int | Fraction | str | None, election: Election) -> int | Fraction | None:
    if threshold == META_THRESHOLD:
        raw = election.meta.get("min_project_score_threshold", "")
        if not raw:
            raise UnsupportedOptionError(
                "--threshold needs a number: the file has no min_project_score_threshold"
            )
        return parse_number(raw, line=None, what="min_project_score_threshold")
    if isinstance(threshold, str):
        return parse_number(threshold, line=None, what="threshold")
    return threshold

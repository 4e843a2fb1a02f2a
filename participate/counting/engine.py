"""`count`: one call that runs a rule on an election and returns a `CountResult` with its explanation."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from . import explain
from .errors import UnsupportedOptionError
from .model import Election
from .pabulib import parse_number
from .registry import COMPLETIONS, RULES
from .rules.ear import entry_positions, pb_ear
from .rules.greedy import greedy
from .rules.mes import method_of_equal_shares
from .rules.phragmen import sequential_phragmen
from .satisfaction import build_profile, check_satisfaction, default_satisfaction
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
    explanation: dict
    threshold: int | Fraction | None = None

    def to_dict(self) -> dict:
        """The JSON object of `participate count --format json`."""
        data = {
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
) -> CountResult:
    """Count `election` with `rule`. `sat` defaults to the ballot type's measure; `completion` (MES only)
    is none/add1/add1u; `threshold` (greedy only) is a number or "meta" for META min_project_score_threshold,
    compared with a project's total score: the number of ballots naming it (approval, choose-1, ordinal) or
    the sum of the points it received (cumulative, scoring).
    Raises UnsupportedOptionError for an impossible combination."""
    if rule not in RULES:
        raise UnsupportedOptionError(f"unknown rule {rule!r} (choose from {', '.join(RULES)})")
    info = RULES[rule]
    vote_type = election.vote_type
    if vote_type not in info.vote_types:
        raise UnsupportedOptionError(f"rule {rule!r} does not apply to {vote_type} ballots")
    if completion not in (None, "none") and rule != "mes":
        raise UnsupportedOptionError("--completion applies only to the mes rule")
    if completion is not None and completion not in COMPLETIONS:
        raise UnsupportedOptionError(
            f"unknown completion {completion!r} (choose from {', '.join(COMPLETIONS)})"
        )
    completion = completion or "none"
    if threshold is not None and rule != "greedy":
        raise UnsupportedOptionError("--threshold applies only to the greedy rule")
    if not info.uses_satisfaction:
        if sat is not None:
            raise UnsupportedOptionError(f"rule {rule!r} does not use a satisfaction measure")
    else:
        sat = sat or default_satisfaction(vote_type)
        check_satisfaction(sat, vote_type)
    if threshold == META_THRESHOLD:
        raw = election.meta.get("min_project_score_threshold", "")
        if not raw:
            raise UnsupportedOptionError(
                "--threshold needs a number: the file has no min_project_score_threshold"
            )
        threshold = parse_number(raw, line=None, what="min_project_score_threshold")
    elif isinstance(threshold, str):
        threshold = parse_number(threshold, line=None, what="threshold")

    if rule == "greedy":
        assert sat is not None
        out = greedy(build_profile(election, sat), threshold=threshold, tie_breaking=tie_breaking)
        selected, expl = out.selected, explain.explain_greedy(election, out)
    elif rule == "mes":
        assert sat is not None
        sp = build_profile(election, sat)
        mes_out = method_of_equal_shares(
            sp, completion="none" if completion == "none" else "add1", tie_breaking=tie_breaking
        )
        extra = None
        selected = mes_out.selected
        if completion == "add1u":
            spent = sum(sp.costs[sp.project_ids.index(pid)] for pid in selected)
            chosen = set(selected)
            if any(
                pid not in chosen and spent + c <= sp.budget
                for pid, c in zip(sp.project_ids, sp.costs, strict=True)
            ):
                extra = greedy(sp, initial=selected, tie_breaking=tie_breaking)
                selected = extra.selected
        expl = explain.explain_mes(election, mes_out, completion, extra)
    elif rule == "phragmen":
        ph = sequential_phragmen(build_profile(election, "cardinality"), tie_breaking=tie_breaking)
        selected, expl = ph.selected, explain.explain_phragmen(election, ph)
    else:
        sp = build_profile(election, "cardinality")
        ear = pb_ear(sp, entry_positions(sp), tie_breaking=tie_breaking)
        selected, expl = ear.selected, explain.explain_ear(election, ear)
    cost = {p.id: p.cost for p in election.projects}
    return CountResult(
        rule=rule,
        sat=sat,
        completion=completion,
        budget=election.budget,
        selected=tuple(selected),
        total_cost=sum(cost[pid] for pid in selected),
        explanation=expl,
        threshold=threshold,
    )

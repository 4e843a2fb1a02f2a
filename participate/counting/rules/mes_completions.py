"""`mes` in the registry: the Method of Equal Shares with its completions (none, add1, add1u).

add1u is pabutools' `completion_by_rule_combination` of MES with add1 and then greedy: greedy fills what the
MES outcome leaves of the budget, starting from the MES outcome."""

from __future__ import annotations

from functools import partial

from ..model import Election
from ..options import CountOptions, RuleRun
from ..profile import SatProfile, build_profile
from .greedy import GreedyOutcome, greedy
from .mes import explain_mes, method_of_equal_shares


def count_mes(election: Election, options: CountOptions) -> RuleRun:
    sp = build_profile(election, options.sat)
    mes = method_of_equal_shares(
        sp,
        completion="none" if options.completion == "none" else "add1",
        tie_breaking=options.tie_breaking,
        watch=options.watch,
    )
    completed = complete_with_greedy(sp, mes.selected, options) if options.completion == "add1u" else None
    selected = completed.selected if completed is not None else mes.selected
    options.watch.report(1.0, "MES: done")
    return RuleRun(selected, partial(explain_mes, election, mes, options.completion, completed))


def complete_with_greedy(
    sp: SatProfile, selected: tuple[str, ...], options: CountOptions
) -> GreedyOutcome | None:
    """Greedy from the MES outcome, or None if no unfunded project fits what is left of the budget (then
    pabutools does not run greedy either)."""
    cost = dict(zip(sp.project_ids, sp.costs, strict=True))
    left = sp.budget - sum(cost[pid] for pid in selected)
    chosen = set(selected)
    if all(pid in chosen or c > left for pid, c in cost.items()):
        return None
    return greedy(sp, initial=selected, tie_breaking=options.tie_breaking)

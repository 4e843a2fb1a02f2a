"""The count: a job that counts every budget of a closed vote with its rule and with greedy (for the
comparison), and stores the results (replacing earlier ones). It owns its transaction, as a job does."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.after_commit import commit
from participate.core.errors import ValidationFailed
from participate.core.locks import take_turns_on
from participate.counting import RULES, CountingError, CountResult, count, satisfactions_for
from participate.extensions import db
from participate.jobs.registry import Progress, job_kind
from participate.processes.models import Process
from participate.results.export import comparison, export_budget, unit_factor
from participate.results.models import BudgetResult, ResultStatus
from participate.results.services import COUNT_JOB, is_closed
from participate.voting import services as voting
from participate.voting.manage_forms import RULE_LABELS
from participate.voting.models import VoteBudget


def _options(budget: VoteBudget, rule: str) -> dict[str, Any]:
    info = RULES.get(rule)
    if info is None:
        raise ValidationFailed(_("Unknown counting rule %(rule)s.", rule=repr(rule)))
    options: dict[str, Any] = {"rule": rule}
    if info.uses_satisfaction:
        known = {s.name for s in satisfactions_for(budget.vote_type)}
        options["sat"] = budget.sat if budget.sat in known else None
    if rule == "mes":
        options["completion"] = budget.completion or "none"
    return options


def _count(budget: VoteBudget, progress: Progress, start: float, share: float) -> tuple[Any, ...]:
    exported = export_budget(budget)
    election = exported.election

    def report(fraction: float, message: str) -> None:
        progress(start + share * 0.8 * fraction, f"{budget.name}: {message}")

    try:
        main: CountResult = count(
            election, progress=report, what_it_takes=True, **_options(budget, budget.rule)
        )
        greedy: CountResult = count(election, **_options(budget, "greedy"))
    except CountingError as error:
        raise ValidationFailed(
            _("Counting %(budget)s failed: %(error)s", budget=budget.name, error=str(error))
        ) from error
    return exported, main, greedy


def _back(params: dict[str, Any]) -> tuple[str, str]:
    return _("Back to the results"), url_for("results_manage.overview", process_id=params["process_id"])


def _present(params: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Each budget's count in words and money: the stored summary keeps units and rule names."""
    process = db.session.get(Process, int(params["process_id"]))
    currency = process.currency if process else "SEK"
    budgets = [
        {
            "name": counted["name"],
            "voters": counted["voters"],
            "funded": len(counted["selected"]),
            "spent_minor": counted["total_cost"] * unit_factor(counted["unit"], currency),
            "budget_minor": counted["budget"] * unit_factor(counted["unit"], currency),
            "rule": RULE_LABELS.get(counted["rule"], counted["rule"]),
            "sha256": counted["ballots_sha256"],
        }
        for counted in result.get("budgets", {}).values()
    ]
    return {"count": {"currency": currency, "budgets": budgets}}


@job_kind(
    COUNT_JOB,
    label=_l("Count the vote"),
    template="results/_count_job.html",
    back=_back,
    present=_present,
)
def count_vote(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    process = db.session.get(Process, int(params["process_id"]))
    if process is None:
        raise ValidationFailed(_("The process no longer exists."))
    if not is_closed(process):
        raise ValidationFailed(_("The vote is not closed yet."))
    actor = db.session.get(User, params["actor_id"]) if params.get("actor_id") else None
    budgets = voting.budgets_of(process)
    counted = []
    for index, budget in enumerate(budgets):
        progress(index / max(1, len(budgets)), _("Counting %(budget)s", budget=budget.name))
        counted.append((budget, *_count(budget, progress, index / len(budgets), 1 / len(budgets))))
    progress(0.95, "Storing the results")
    # Two counts at once would both store each budget's result. The turn is taken only now, for storing:
    # on SQLite it is the database's one write lock, which the progress reports above could not wait for.
    take_turns_on(process, "vote count")
    db.session.execute(delete(BudgetResult).where(BudgetResult.budget_id.in_([b.id for b in budgets])))
    summary = {}
    for budget, exported, main, greedy in counted:
        selected, greedy_selected = list(main.selected), list(greedy.selected)
        db.session.add(
            BudgetResult(
                budget_id=budget.id,
                status=ResultStatus.COUNTED.value,
                selected=selected,
                total_cost_minor=main.total_cost * exported.factor,
                explanation=main.explanation,
                greedy_selected=greedy_selected,
                comparison=comparison(exported.election, selected, greedy_selected),
                voters=len(exported.election.ballots),
                ballots_sha256=exported.sha256,
                ballots_pb=exported.text,
                unit=exported.unit,
                job_id=params.get("job_id"),
            )
        )
        summary[str(budget.id)] = {
            "name": budget.name,
            "rule": main.rule,
            "sat": main.sat,
            "completion": main.completion,
            "unit": exported.unit,
            "budget": main.budget,
            "selected": selected,
            "total_cost": main.total_cost,
            "greedy_selected": greedy_selected,
            "voters": len(exported.election.ballots),
            "ballots_sha256": exported.sha256,
        }
    record_on_process("results.counted", actor=actor, process_id=process.id, data=summary)
    commit()
    return {"process_id": process.id, "budgets": summary}

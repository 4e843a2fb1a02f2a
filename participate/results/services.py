"""Results use cases: close and count, recount, publish, and the accountability of funded projects.
They flush, never commit; the acting person is an argument. The count itself is a job (results.jobs)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.audit.services import record_on_process
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.jobs.models import Job
from participate.jobs.services import latest_job, start_job
from participate.processes.models import Process
from participate.proposals.models import Proposal
from participate.results import policy, tracking
from participate.results.models import BudgetResult, ProjectMilestone, ProjectTracking, ResultStatus
from participate.voting import services as voting
from participate.voting.models import VoteBudget

COUNT_JOB = "results.count"


def _require_manager(actor: User | None, process: Process) -> None:
    if not policy.can_manage_results(actor, process):
        raise PermissionDenied(_("Only council staff can count and publish results."))


def results_of(process: Process) -> dict[int, BudgetResult]:
    """The counted results of the process's budgets, by budget id."""
    ids = [b.id for b in voting.budgets_of(process)]
    rows = db.session.execute(select(BudgetResult).where(BudgetResult.budget_id.in_(ids))).scalars()
    return {r.budget_id: r for r in rows}


def is_published(process: Process) -> bool:
    budgets = voting.budgets_of(process)
    results = results_of(process)
    return bool(budgets) and all(
        b.id in results and results[b.id].status == ResultStatus.PUBLISHED.value for b in budgets
    )


def is_closed(process: Process) -> bool:
    settings = voting.settings_of(process)
    return settings is not None and settings.closed_at is not None


def close_and_count(actor: User, process: Process) -> Job:
    """Close the vote (opening the sealed box into `ballots`) and start the count."""
    _require_manager(actor, process)
    voting.close_vote(actor, process)
    return _start_count(actor, process)


def recount(actor: User, process: Process) -> Job:
    """Count a closed vote again (the results are replaced and must be published again)."""
    _require_manager(actor, process)
    if not is_closed(process):
        raise Conflict(_("Close the vote before counting it."))
    return _start_count(actor, process)


def close_ended_votes(on: date) -> list[Process]:
    """The nightly close: every vote whose phase ended before `on` is closed and counted; staff then
    review and publish as after a close by hand."""
    closed = voting.votes_past_their_phase(on)
    for process in closed:
        voting.close_vote(None, process, scheduled=True)
        if voting.budgets_of(process):
            _start_count(None, process)
    return closed


def _start_count(actor: User | None, process: Process) -> Job:
    if not voting.budgets_of(process):
        raise ValidationFailed(_("This vote has no budgets to count."))
    job = start_job(actor, COUNT_JOB, {"process_id": process.id, "actor_id": getattr(actor, "id", None)})
    job.params = {**job.params, "job_id": job.id}  # the results keep a link to the count's page
    db.session.flush()
    return job


def publish(actor: User, process: Process) -> int:
    """Make the counted results public. Returns the number of budgets published."""
    _require_manager(actor, process)
    budgets = voting.budgets_of(process)
    results = results_of(process)
    if not budgets or any(b.id not in results for b in budgets):
        raise Conflict(_("Count every budget before publishing the results."))
    now = utcnow()
    for result in results.values():
        if result.status != ResultStatus.PUBLISHED.value:
            result.status = ResultStatus.PUBLISHED.value
            result.published_at = now
    record_on_process(
        "results.published",
        actor=actor,
        process_id=process.id,
        data={
            "budgets": {
                str(b.id): {
                    "selected": results[b.id].selected,
                    "ballots_sha256": results[b.id].ballots_sha256,
                }
                for b in budgets
            }
        },
    )
    db.session.flush()
    return len(results)


# Accountability ------------------------------------------------------------------------------------


def funded_proposals(process: Process) -> list[tuple[VoteBudget, Proposal]]:
    """Every funded proposal, with its budget, in the order the rules chose them."""
    results = results_of(process)
    found: list[tuple[VoteBudget, Proposal]] = []
    for budget in voting.budgets_of(process):
        result = results.get(budget.id)
        if result is None:
            continue
        proposals = {
            str(p.id): p
            for p in db.session.execute(
                select(Proposal).where(Proposal.id.in_([int(pid) for pid in result.selected]))
            ).scalars()
        }
        found.extend((budget, proposals[pid]) for pid in result.selected if pid in proposals)
    return found


def funded_proposal(process: Process, proposal_id: int) -> Proposal:
    for _budget, proposal in funded_proposals(process):
        if proposal.id == proposal_id:
            return proposal
    raise NotFound(_("This proposal was not funded."))


def tracking_of(proposal_ids: list[int]) -> dict[int, ProjectTracking]:
    return tracking.tracking_of("proposal", proposal_ids)


def milestones_of(proposal_ids: list[int]) -> dict[int, list[ProjectMilestone]]:
    return tracking.milestones_of("proposal", proposal_ids)


TrackingInput = tracking.TrackingInput


def set_tracking(actor: User, process: Process, proposal: Proposal, data: TrackingInput) -> ProjectTracking:
    _require_manager(actor, process)
    return tracking.set_tracking(actor, tracking.Tracked("proposal", proposal.id), data)


def add_milestone(actor: User, process: Process, proposal: Proposal, on: date, text: str) -> ProjectMilestone:
    _require_manager(actor, process)
    return tracking.add_milestone(actor, tracking.Tracked("proposal", proposal.id), on, text)


def delete_milestone(actor: User, process: Process, proposal: Proposal, milestone_id: int) -> None:
    _require_manager(actor, process)
    tracking.delete_milestone(actor, tracking.Tracked("proposal", proposal.id), milestone_id)


def latest_count_job(process: Process) -> Job | None:
    """The most recent count of this process (shown on the Results tab with a link to its progress)."""
    return latest_job(COUNT_JOB, process_id=process.id)

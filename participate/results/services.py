"""Results use cases: close and count, recount, publish, and the accountability of funded projects.
They flush, never commit; the acting person is an argument. The count itself is a job (results.jobs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.audit.services import record, record_on_process
from participate.core.clock import utcnow
from participate.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from participate.core.locks import take_turns_on
from participate.extensions import db
from participate.jobs.models import Job
from participate.jobs.services import latest_job, start_job
from participate.processes.models import Process
from participate.proposals.models import Proposal
from participate.results import policy
from participate.results.models import (
    BudgetResult,
    ProjectMilestone,
    ProjectTracking,
    ResultStatus,
    TrackingStatus,
)
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
    rows = db.session.execute(
        select(ProjectTracking).where(ProjectTracking.proposal_id.in_(proposal_ids))
    ).scalars()
    return {t.proposal_id: t for t in rows}


def milestones_of(proposal_ids: list[int]) -> dict[int, list[ProjectMilestone]]:
    rows = db.session.execute(
        select(ProjectMilestone)
        .where(ProjectMilestone.proposal_id.in_(proposal_ids))
        .order_by(ProjectMilestone.on, ProjectMilestone.id)
    ).scalars()
    found: dict[int, list[ProjectMilestone]] = {pid: [] for pid in proposal_ids}
    for milestone in rows:
        found[milestone.proposal_id].append(milestone)
    return found


@dataclass(frozen=True)
class TrackingInput:
    status: str
    progress: int


def set_tracking(actor: User, process: Process, proposal: Proposal, data: TrackingInput) -> ProjectTracking:
    _require_manager(actor, process)
    if data.status not in {s.value for s in TrackingStatus}:
        raise ValidationFailed(_("Choose one of the statuses."))
    if not 0 <= data.progress <= 100:
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."))
    take_turns_on(proposal, "project tracking")  # two first saves at once would both add the row
    tracking = tracking_of([proposal.id]).get(proposal.id)
    if tracking is None:
        tracking = ProjectTracking(proposal_id=proposal.id)
        db.session.add(tracking)
    tracking.status, tracking.progress, tracking.updated_at = data.status, data.progress, utcnow()
    record(
        "results.tracking_updated",
        actor=actor,
        subject_type="proposal",
        subject_id=proposal.id,
        data={"status": data.status, "progress": data.progress},
    )
    db.session.flush()
    return tracking


def add_milestone(actor: User, process: Process, proposal: Proposal, on: date, text: str) -> ProjectMilestone:
    _require_manager(actor, process)
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Say what happened."))
    if len(text) > 500:
        raise ValidationFailed(_("Keep a milestone under 500 characters."))
    if not date(2000, 1, 1) <= on <= date(2100, 12, 31):
        raise ValidationFailed(_("Give a date between 2000 and 2100."))
    milestone = ProjectMilestone(proposal_id=proposal.id, on=on, text=text)
    db.session.add(milestone)
    record(
        "results.milestone_added",
        actor=actor,
        subject_type="proposal",
        subject_id=proposal.id,
        data={"on": on.isoformat(), "text": text},
    )
    db.session.flush()
    return milestone


def delete_milestone(actor: User, process: Process, milestone: ProjectMilestone) -> None:
    _require_manager(actor, process)
    record(
        "results.milestone_deleted",
        actor=actor,
        subject_type="proposal",
        subject_id=milestone.proposal_id,
        data={"on": milestone.on.isoformat(), "text": milestone.text},
    )
    db.session.delete(milestone)
    db.session.flush()


def latest_count_job(process: Process) -> Job | None:
    """The most recent count of this process (shown on the Results tab with a link to its progress)."""
    return latest_job(COUNT_JOB, process_id=process.id)

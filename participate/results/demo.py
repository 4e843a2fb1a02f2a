"""Demo results for `make run`: every closed demo vote counted, published and followed up."""

from __future__ import annotations

from datetime import timedelta

from participate.accounts.models import User
from participate.core.clock import today
from participate.processes.models import Phase, Process
from participate.results import services
from participate.results.jobs import count_vote
from participate.results.models import TrackingStatus

# What happened to the funded projects since the vote, in order of the funding.
FOLLOW_UP = (
    (TrackingStatus.DONE, 100, ("Contract signed", "Built", "Opened to the public")),
    (TrackingStatus.IN_PROGRESS, 60, ("Contract signed", "Work started on site")),
    (TrackingStatus.IN_PROGRESS, 25, ("Design agreed with the young people who proposed it",)),
    (TrackingStatus.PLANNED, 0, ()),
)


def seed_results(staff: User, closed: list[Process]) -> None:
    """Count each closed vote as the count job does (here, at once), publish it and track the winners."""
    for process in closed:
        count_vote({"process_id": process.id, "actor_id": staff.id}, lambda _fraction, _message: None)
        services.publish(staff, process)
        window = process.window(Phase.RESULTS)
        start = window.starts_on if window else today()
        for n, (_budget, proposal) in enumerate(services.funded_proposals(process)):
            status, progress, milestones = FOLLOW_UP[n % len(FOLLOW_UP)]
            services.set_tracking(staff, process, proposal, services.TrackingInput(status.value, progress))
            for step, text in enumerate(milestones):
                on = min(start + timedelta(days=7 + 9 * step), today())
                services.add_milestone(staff, process, proposal, on, text)

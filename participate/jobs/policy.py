from __future__ import annotations

from participate.accounts.models import Role, User
from participate.jobs.models import Job


def can_view(actor: User | None, job: Job) -> bool:
    """The person who started a job follows it; council staff see every job."""
    return actor is not None and (actor.id == job.created_by_id or actor.has_role(Role.STAFF))

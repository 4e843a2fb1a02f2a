"""Who may count, publish and track results, and who may see them."""

from __future__ import annotations

from participate.accounts.models import User
from participate.processes import policy as process_policy
from participate.processes.models import Process


def can_manage_results(actor: User | None, process: Process) -> bool:
    return process_policy.can_manage(actor, process)


def can_see_results(actor: User | None, process: Process, published: bool) -> bool:
    """Published results are public; staff see counted ones before they publish them."""
    return process_policy.can_view(actor, process) and (published or can_manage_results(actor, process))

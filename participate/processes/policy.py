"""Who may do what with a process. Plain functions: services, the view loader and templates ask them.

`actor` is a User or None (a visitor). Council staff manage every process; per-process roles
(ProcessRole) let a person facilitate, moderate, review feasibility or work the polls in one process only.
"""

from __future__ import annotations

from participate.accounts.models import Role, User
from participate.processes.models import Process, ProcessRoleName


def is_staff(actor: User | None) -> bool:
    return actor is not None and actor.has_role(Role.STAFF)


def can_create(actor: User | None) -> bool:
    return is_staff(actor)


def can_view(actor: User | None, process: Process) -> bool:
    """Drafts are visible to staff only; to everyone else they do not exist."""
    return process.published or is_staff(actor)


def can_manage(actor: User | None, process: Process) -> bool:
    return is_staff(actor)


def has_process_role(actor: User | None, process: Process, *roles: ProcessRoleName) -> bool:
    return is_staff(actor) or bool(process.roles_of(actor) & {role.value for role in roles})


def can_facilitate(actor: User | None, process: Process) -> bool:
    return has_process_role(actor, process, ProcessRoleName.FACILITATOR)


def can_moderate(actor: User | None, process: Process) -> bool:
    return has_process_role(actor, process, ProcessRoleName.MODERATOR, ProcessRoleName.FACILITATOR)


def can_review(actor: User | None, process: Process) -> bool:
    return has_process_role(actor, process, ProcessRoleName.REVIEWER)


def can_work_the_polls(actor: User | None, process: Process) -> bool:
    """The kiosk: a census check-in stops that person voting online, so it takes a role granted for it."""
    return has_process_role(actor, process, ProcessRoleName.POLL_WORKER)


def flags(actor: User | None, process: Process) -> dict[str, bool]:
    """What a page about this process may offer; templates read these and decide nothing."""
    return {
        "can_manage": can_manage(actor, process),
        "can_facilitate": can_facilitate(actor, process),
        "can_moderate": can_moderate(actor, process),
        "can_review": can_review(actor, process),
        "can_work_the_polls": can_work_the_polls(actor, process),
    }

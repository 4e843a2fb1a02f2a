"""Who may read a notification and follow a process."""

from __future__ import annotations

from participate.accounts.models import User
from participate.notifications.models import Notification
from participate.processes import policy as process_policy
from participate.processes.models import Process


def is_member(actor: User | None) -> bool:
    return actor is not None


def can_read(actor: User | None, notification: Notification) -> bool:
    """A notification is private: to anyone else it does not exist."""
    return actor is not None and notification.user_id == actor.id


def can_follow(actor: User | None, process: Process) -> bool:
    return actor is not None and process_policy.can_view(actor, process)

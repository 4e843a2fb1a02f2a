"""Who may report, moderate and block. A `…_refusal` function says why not, in words for the person."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.moderation.reportables import Reportable, reportable
from participate.processes import policy as process_policy
from participate.processes.models import Process


def report_refusal(actor: User | None, kind: Reportable, item: Any) -> str | None:
    refusal = participation_refusal(actor, log_in=_("Log in to report content."))
    if refusal or actor is None:
        return refusal
    if kind.author_id(item) == actor.id:
        return _("You cannot report what you wrote yourself.")
    if kind.is_hidden(item):
        return _("The moderators have already hidden this.")
    return None


def can_report(actor: User | None, kind: str, item: Any) -> bool:
    """For the "Report" link on an item's page."""
    found = reportable(kind)
    return found is not None and report_refusal(actor, found, item) is None


def can_moderate(actor: User | None, process: Process) -> bool:
    """Staff, and the process's moderators and facilitators."""
    return process_policy.can_moderate(actor, process)


def can_block(actor: User | None) -> bool:
    """Blocking an account reaches every process, so only council staff may do it."""
    return process_policy.is_staff(actor)


def can_block_in(actor: User | None, _process: Process) -> bool:
    return can_block(actor)


def can_change_settings(actor: User | None, process: Process) -> bool:
    return process_policy.can_manage(actor, process)


def flags(actor: User | None, process: Process) -> dict[str, bool]:
    return {
        "can_moderate": can_moderate(actor, process),
        "can_block": can_block(actor),
        "can_change_settings": can_change_settings(actor, process),
    }

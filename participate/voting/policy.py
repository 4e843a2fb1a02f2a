"""Who may vote, set up the vote, and run the paper-ballot kiosk. A `…_refusal` says why not."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.processes import policy as process_policy
from participate.processes.models import Phase, Process, phase_index
from participate.processes.services import phase_now
from participate.voting.models import VoteSettings


def can_manage_vote(actor: User | None, process: Process) -> bool:
    return process_policy.can_manage(actor, process)


def is_open(process: Process, settings: VoteSettings | None, on: date) -> bool:
    """Open while the process is in its voting phase and staff have not closed it."""
    return closed_refusal(process, settings, on) is None


def closed_refusal(process: Process, settings: VoteSettings | None, on: date) -> str | None:
    if settings is None or not process.published:
        return _("This process has no vote.")
    if settings.closed_at is not None:
        return _("The vote has closed.")
    now = phase_now(process, on)
    if now.phase is Phase.VOTING and now.running:
        return None
    if phase_index(now.phase) >= phase_index(Phase.VOTING) and process.window(Phase.VOTING) is not None:
        return _("The vote has closed.")
    return _("The vote is not open.")


def vote_refusal(actor: User | None, process: Process, settings: VoteSettings | None, on: date) -> str | None:
    """Why this person may not vote now, before eligibility (which voting.services checks)."""
    return closed_refusal(process, settings, on) or participation_refusal(actor, log_in=_("Log in to vote."))


def can_run_kiosk(actor: User | None, process: Process) -> bool:
    """Checking residents in and entering paper ballots is staff's or a poll worker's work."""
    return process_policy.can_work_the_polls(actor, process)

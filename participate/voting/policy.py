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
    now = phase_now(process, on, ended_early=lambda _process: None)  # not closed: `settings` just said so
    if now.phase is Phase.VOTING and now.running:
        return None
    if phase_index(now.phase) >= phase_index(Phase.VOTING) and process.window(Phase.VOTING) is not None:
        return _("The vote has closed.")
    return _("The vote is not open.")


def vote_refusal(actor: User | None, process: Process, settings: VoteSettings | None, on: date) -> str | None:
    """Why this person may not vote now, before eligibility (part of ballot_refusal)."""
    return closed_refusal(process, settings, on) or participation_refusal(actor, log_in=_("Log in to vote."))


def unregistered_refusal() -> str:
    return _("Confirm that you may vote in this process first.")


def ballot_refusal(
    actor: User | None,
    process: Process,
    settings: VoteSettings | None,
    on: date,
    *,
    registered: bool,
    checked_in_on_paper: bool,
    budget_on_ballot: bool = True,
) -> str | None:
    """Who may vote, in one place: why this person may not cast a ballot in this process now (None: they
    may). The vote is open; the person may take part (logged in, confirmed, not blocked); they have
    confirmed that they may vote here (by the census or their account: `registered`); staff have not
    checked them in to vote on paper; and the budget is on their ballot (their district's, or city-wide
    under the process's scope). The ballot page and voting.services.cast_ballot both ask it."""
    if refusal := vote_refusal(actor, process, settings, on):
        return refusal
    if not registered:
        return unregistered_refusal()
    if checked_in_on_paper:
        # Whom to ask, since a check-in made by mistake or in bad faith is the one way to lose an online vote.
        return _(
            "You were checked in to vote on paper at a polling station, so you cannot also vote online. If "
            "you did not vote on paper, ask the council staff who run this process: every check-in is "
            "recorded with who made it and when, so they can find out what happened."
        )
    if not budget_on_ballot:
        return _("This budget is not on your ballot.")
    return None

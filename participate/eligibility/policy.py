"""Who may manage eligibility, register to vote and work the polls. A `…_refusal` says why not.

Eligibility serves a vote it does not own: what it needs of it (whether it is set up, closed, checks the
census, its minimum age) arrives as `VoteTerms`, read by eligibility.services.the_vote()."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.eligibility.models import Eligibility
from participate.processes import policy as process_policy
from participate.processes.models import Process


class VoteTerms(Protocol):
    """The vote's settings as eligibility reads them (voting.models.VoteSettings is one)."""

    @property
    def eligibility(self) -> str: ...
    @property
    def min_age(self) -> int | None: ...
    @property
    def closed_at(self) -> datetime | None: ...


def checks_census(terms: VoteTerms | None) -> bool:
    return terms is not None and terms.eligibility == Eligibility.CENSUS.value


def can_manage_eligibility(actor: User | None, process: Process) -> bool:
    return process_policy.can_manage(actor, process)


def can_run_kiosk(actor: User | None, process: Process) -> bool:
    """Checking residents in and entering paper ballots is staff's or a poll worker's work."""
    return process_policy.can_work_the_polls(actor, process)


def verification_refusal(actor: User | None, process: Process, terms: VoteTerms | None) -> str | None:
    """Why this person cannot register in this process now, before their answers are looked at."""
    refusal = participation_refusal(actor, log_in=_("Log in to vote."))
    if refusal:
        return refusal
    if terms is None or not process.published:
        return _("This process has no vote.")
    if terms.closed_at is not None:
        return _("The vote has closed.")
    return None

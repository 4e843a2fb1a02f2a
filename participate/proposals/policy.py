"""Who may do what with proposals. A `…_refusal` function says why not, in words for the person."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.processes import policy as process_policy
from participate.processes.models import Phase, Process
from participate.processes.services import in_phase
from participate.proposals.models import OPEN_STATUSES, Proposal, ProposalStatus

SUPPORTABLE = (
    ProposalStatus.SUBMITTED.value,
    ProposalStatus.UNDER_REVIEW.value,
    ProposalStatus.FEASIBLE.value,
)


def can_review(actor: User | None, proposal: Proposal) -> bool:
    return process_policy.can_review(actor, proposal.process)


def can_view(actor: User | None, proposal: Proposal) -> bool:
    """Drafts exist for their author and reviewers only; the rest is public once the process is."""
    if not process_policy.can_view(actor, proposal.process):
        return False
    return proposal.is_public or _is_author(actor, proposal) or can_review(actor, proposal)


def _is_author(actor: User | None, proposal: Proposal) -> bool:
    return actor is not None and proposal.author_id == actor.id


def _participation_refusal(actor: User | None) -> str | None:
    return participation_refusal(actor, log_in=_("Log in to take part."))


def submit_refusal(actor: User | None, process: Process, on: date) -> str | None:
    if not process.published:
        return _("This process is not open yet.")
    if not in_phase(process, Phase.PROPOSALS, on):
        return _("Proposals can be submitted only while the process is in its proposals phase.")
    return _participation_refusal(actor)


def can_submit(actor: User | None, process: Process, on: date) -> bool:
    return submit_refusal(actor, process, on) is None


def edit_refusal(actor: User | None, proposal: Proposal, on: date) -> str | None:
    if not _is_author(actor, proposal):
        return _("Only the author can change a proposal.")
    if actor is not None and actor.is_blocked:
        return _participation_refusal(actor)
    if proposal.status not in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED):
        return _("Staff have answered this proposal, so it can no longer be changed.")
    if not in_phase(proposal.process, Phase.PROPOSALS, on):
        return _("The proposals phase has ended, so proposals can no longer be changed.")
    return None


def can_edit(actor: User | None, proposal: Proposal, on: date) -> bool:
    return edit_refusal(actor, proposal, on) is None


def can_withdraw(actor: User | None, proposal: Proposal) -> bool:
    return _is_author(actor, proposal) and proposal.status in (ProposalStatus.DRAFT, *OPEN_STATUSES)


def support_refusal(actor: User | None, proposal: Proposal, on: date) -> str | None:
    if proposal.status not in SUPPORTABLE or proposal.is_hidden:
        return _("This proposal cannot be supported.")
    if not supports_open(proposal.process, on):
        return _("Supports can be given or withdrawn only during the proposals phase.")
    return _participation_refusal(actor)


def supports_open(process: Process, on: date) -> bool:
    return in_phase(process, Phase.PROPOSALS, on)


def can_support(actor: User | None, proposal: Proposal, on: date) -> bool:
    return support_refusal(actor, proposal, on) is None


def flags(actor: User | None, proposal: Proposal, on: date) -> dict[str, bool]:
    return {
        "can_edit": can_edit(actor, proposal, on),
        "can_publish": proposal.status == ProposalStatus.DRAFT and can_edit(actor, proposal, on),
        "can_withdraw": can_withdraw(actor, proposal),
        "can_support": can_support(actor, proposal, on),
        "can_review": can_review(actor, proposal),
        "can_follow": actor is not None,
    }

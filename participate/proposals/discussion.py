"""Every proposal has a discussion thread (participate/deliberation), and its card shows the count."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import update

from participate.accounts.models import User
from participate.core.clock import today
from participate.core.events import subscribe
from participate.deliberation.subjects import SubjectKind, register_subject
from participate.extensions import db
from participate.processes import policy as process_policy
from participate.processes.models import Phase
from participate.proposals import policy
from participate.proposals.models import Proposal, ProposalStatus

OPEN_PHASES = (Phase.PROPOSALS, Phase.DELIBERATION, Phase.PANEL, Phase.VOTING)
CLOSED_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, ProposalStatus.MERGED)


def _comment_refusal(actor: User | None, proposal: Proposal) -> str | None:
    if proposal.status in CLOSED_STATUSES or proposal.is_hidden:
        return _("This proposal's discussion is closed.")
    if proposal.process.current_phase(today()) not in OPEN_PHASES:
        return _("The discussion is open from the proposals phase until the vote closes.")
    return None


def _facilitates(actor: User | None, proposal: Proposal) -> bool:
    process = proposal.process
    return process_policy.can_facilitate(actor, process) or process_policy.can_moderate(actor, process)


register_subject(
    SubjectKind(
        name="proposal",
        load=lambda ident: db.session.get(Proposal, ident),
        can_view=policy.can_view,
        comment_refusal=_comment_refusal,
        can_facilitate=_facilitates,
        process_of=lambda proposal: proposal.process,
        url=lambda proposal: url_for("proposals.detail", proposal_id=proposal.id),
        title=lambda proposal: proposal.title,
    )
)


@subscribe("thread.counted")
def keep_the_comment_count(thread: Any) -> None:
    if thread.subject_type == "proposal":
        db.session.execute(
            update(Proposal)
            .where(Proposal.id == thread.subject_id)
            .values(comment_count=thread.comment_count)
        )

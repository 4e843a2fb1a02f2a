"""What can be reported: one `Reportable` per kind of item, registered with `register_reportable`.

Adding a kind is one call, in this module or in the domain's own (imported at start-up), e.g.:

    register_reportable(Reportable(
        kind="comment", label=_l("Comment"),
        load=lambda ident: db.session.get(Comment, ident),
        can_view=deliberation_policy.can_view_comment,
        process_of=lambda comment: comment.thread.process,
        author_id=lambda comment: comment.author_id,
        excerpt=lambda comment: comment.body,
        url=lambda comment: site_path("deliberation.thread", ...) + f"#comment-{comment.id}",
    ))

`is_hidden`, `hide` and `unhide` default to the `hidden_at`, `hidden_reason` (and, when the model has
it, `hidden_by_id`) columns, so a model that has them needs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.urls import site_path
from participate.deliberation import policy as deliberation_policy
from participate.deliberation.models import Comment
from participate.deliberation.policy import subject_of
from participate.deliberation.services import recount_thread
from participate.extensions import db
from participate.processes.models import Process
from participate.proposals import policy as proposal_policy
from participate.proposals.models import Proposal

EXCERPT_LENGTH = 200


def hidden_by_columns(item: Any) -> bool:
    return item.hidden_at is not None


def hide_by_columns(item: Any, reason: str, actor: User | None) -> None:
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    if hasattr(item, "hidden_by_id"):
        item.hidden_by_id = actor.id if actor is not None else None


def unhide_by_columns(item: Any) -> None:
    item.hidden_at = None
    item.hidden_reason = ""
    if hasattr(item, "hidden_by_id"):
        item.hidden_by_id = None


@dataclass(frozen=True)
class Reportable:
    kind: str
    label: Any  # shown to moderators: "Proposal", "Comment"
    load: Callable[[int], Any | None]
    can_view: Callable[[User | None, Any], bool]  # whom the item exists for (404 for everyone else)
    process_of: Callable[[Any], Process]
    author_id: Callable[[Any], int | None]
    excerpt: Callable[[Any], str]
    url: Callable[[Any], str]
    is_hidden: Callable[[Any], bool] = hidden_by_columns
    hide: Callable[[Any, str, User | None], None] = hide_by_columns  # (item, public reason, actor or None)
    unhide: Callable[[Any], None] = unhide_by_columns

    def short_excerpt(self, item: Any) -> str:
        text = " ".join(self.excerpt(item).split())
        return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


REPORTABLES: dict[str, Reportable] = {}


def register_reportable(reportable: Reportable) -> Reportable:
    REPORTABLES[reportable.kind] = reportable
    return reportable


def reportable(kind: str) -> Reportable | None:
    return REPORTABLES.get(kind)


register_reportable(
    Reportable(
        kind="proposal",
        label=_l("Proposal"),
        load=lambda ident: db.session.get(Proposal, ident),
        can_view=proposal_policy.can_view,
        process_of=lambda proposal: proposal.process,
        author_id=lambda proposal: proposal.author_id,
        excerpt=lambda proposal: f"{proposal.title}: {proposal.summary}",
        url=lambda proposal: site_path("proposals.detail", proposal_id=proposal.id),
    )
)


def _hide_comment(comment: Any, reason: str, actor: User | None) -> None:
    hide_by_columns(comment, reason, actor)
    db.session.flush()
    recount_thread(comment.thread)  # the stance counts cover visible comments only


def _unhide_comment(comment: Any) -> None:
    unhide_by_columns(comment)
    db.session.flush()
    recount_thread(comment.thread)


def _process_of_comment(comment: Comment) -> Process:
    subject = subject_of(comment)
    process = subject.kind.process_of(subject.obj) if subject else None
    assert process is not None, "every comment's subject belongs to a process"
    return process


register_reportable(
    Reportable(
        kind="comment",
        label=_l("Comment"),
        load=lambda ident: db.session.get(Comment, ident),
        can_view=deliberation_policy.can_view_comment,
        process_of=_process_of_comment,
        author_id=lambda comment: comment.author_id,
        excerpt=lambda comment: comment.body,
        url=lambda comment: site_path("deliberation.permalink", comment_id=comment.id),
        hide=_hide_comment,
        unhide=_unhide_comment,
    )
)

"""Who may do what in a discussion. Plain functions of the actor (a User or None) and the object.

Services refuse through them, views load with them, and the thread page gets their answers as flags.
What a subject allows (a process that has finished closes its discussion) comes from its SubjectKind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.accounts.policy import participation_refusal
from participate.core.clock import utcnow
from participate.deliberation.models import MAX_DEPTH, Comment
from participate.deliberation.subjects import Subject, resolve

EDIT_WINDOW = timedelta(minutes=15)


def subject_of(comment: Comment) -> Subject | None:
    return resolve(comment.thread.subject_type, comment.thread.subject_id)


def can_view(actor: User | None, subject: Subject) -> bool:
    return subject.kind.can_view(actor, subject.obj)


def comment_refusal(actor: User | None, subject: Subject) -> str | None:
    """Why the actor may not comment here, in words they understand; None when they may."""
    refusal = participation_refusal(
        actor,
        log_in=_("Log in to take part in the discussion."),
        confirm=_("Confirm your email address to take part in the discussion."),
    )
    return refusal or subject.kind.comment_refusal(actor, subject.obj)


def can_comment(actor: User | None, subject: Subject) -> bool:
    return comment_refusal(actor, subject) is None


def can_pin(actor: User | None, subject: Subject) -> bool:
    """Facilitators, moderators and staff of the subject's process pin the "what we heard" summary."""
    return actor is not None and subject.kind.can_facilitate(actor, subject.obj)


def can_view_comment(actor: User | None, comment: Comment) -> bool:
    subject = subject_of(comment)
    return subject is not None and can_view(actor, subject)


def reply_refusal(actor: User | None, comment: Comment, *, subject_refusal: str | None) -> str | None:
    """`subject_refusal` is comment_refusal(actor, subject), asked once for a whole page."""
    if subject_refusal:
        return subject_refusal
    if not comment.is_visible:
        return _("This comment was removed, so it cannot be answered.")
    if comment.depth >= MAX_DEPTH:
        return _("Replies go at most three levels deep. Answer the comment this one replies to instead.")
    return None


def can_reply(actor: User | None, comment: Comment) -> bool:
    subject = subject_of(comment)
    if subject is None:
        return False
    return reply_refusal(actor, comment, subject_refusal=comment_refusal(actor, subject)) is None


def _is_author(actor: User | None, comment: Comment) -> bool:
    return actor is not None and actor.is_active and comment.author_id == actor.id


def can_edit(actor: User | None, comment: Comment, now: datetime | None = None) -> bool:
    """The author, within 15 minutes of posting, while the comment is neither deleted nor hidden."""
    return (
        _is_author(actor, comment)
        and comment.is_visible
        and (now or utcnow()) - comment.created_at <= EDIT_WINDOW
    )


def can_delete(actor: User | None, comment: Comment) -> bool:
    return _is_author(actor, comment) and not comment.is_deleted


def can_vote(actor: User | None, comment: Comment) -> bool:
    """Anyone logged in, on someone else's comment that is still shown."""
    return actor is not None and actor.is_active and comment.author_id != actor.id and comment.is_visible

"""Deliberation use cases: post, reply, edit, delete, vote, pin the summary; and the page of a thread.

Every change to a thread's comments takes the thread's row lock first and then recounts its cached
counts from the comments in one aggregate query, so two people posting at once both count. A vote
takes its comment's row lock and recounts that comment's votes the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from participate.accounts.models import User
from participate.audit.services import record
from participate.core.clock import utcnow
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.locks import locked
from participate.core.markdown import render_markdown
from participate.core.numbers import row_by_id
from participate.core.pagination import Page, paginate
from participate.core.unique import add_unique
from participate.core.urls import site_path
from participate.deliberation import policy
from participate.deliberation.models import (
    Comment,
    CommentMention,
    CommentVote,
    Stance,
    Thread,
    path_segment,
    stance_label,
)
from participate.deliberation.subjects import Subject
from participate.extensions import db

MAX_BODY = 5_000
MAX_SUMMARY = 10_000
MAX_MENTIONS = 10
PER_PAGE = 50
SORTS = ("best", "newest", "oldest")
DEFAULT_SORT = "best"
VOTE_VALUES = {"up": 1, "down": -1, "none": 0}
Z_95 = 1.959963984540054


def wilson_lower_bound(up: int, down: int, z: float = Z_95) -> float:
    """The lower bound of the 95% Wilson interval of the share of up votes: few votes rank cautiously."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    return (centre - spread) / (1 + z * z / n)


# --- threads ---------------------------------------------------------------------------------------


def find_comment(comment_id: int | str) -> Comment | None:
    return row_by_id(Comment, comment_id)


def find_thread(subject_type: str, subject_id: int) -> Thread | None:
    return db.session.execute(
        select(Thread).where(Thread.subject_type == subject_type, Thread.subject_id == subject_id)
    ).scalar_one_or_none()


def get_or_create_thread(subject_type: str, subject_id: int) -> Thread:
    """The subject's thread; two requests creating it at once end with one row (the unique constraint)."""
    thread = find_thread(subject_type, subject_id)
    if thread is not None:
        return thread
    thread = Thread(subject_type=subject_type, subject_id=subject_id)
    if add_unique(thread):
        return thread
    thread = find_thread(subject_type, subject_id)  # the other request's thread, now committed
    if thread is None:
        raise Conflict(_("The discussion was busy. Try again."))
    return thread


def _permalink(comment: Comment) -> str:
    """A site path that lands on the comment whatever page it is on (for notifications)."""
    return site_path("deliberation.permalink", comment_id=comment.id)


def recount_thread(thread: Thread) -> None:
    """Recompute the cached counts from the visible comments (moderation calls this after hiding). The
    thread's row is locked first, so the count sees every comment committed before it and no other
    recount can overwrite it with an older one."""
    thread = locked(thread)

    def stance_count(stance: Stance) -> Any:
        return func.coalesce(func.sum(case((Comment.stance == stance.value, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            func.count(Comment.id),
            stance_count(Stance.IN_FAVOUR),
            stance_count(Stance.NEUTRAL),
            stance_count(Stance.AGAINST),
        ).where(Comment.thread_id == thread.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
    ).one()
    thread.comment_count, thread.in_favour_count, thread.neutral_count, thread.against_count = (
        int(value) for value in row
    )
    db.session.flush()
    # Subjects that show a comment count (a proposal's card) keep theirs in step.
    publish("thread.counted", thread=thread)


# --- input -----------------------------------------------------------------------------------------


def _clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(_("Write your comment before posting it."))
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            _(
                "A comment can be at most %(max)d characters long; this one has %(n)d.",
                max=MAX_BODY,
                n=len(text),
            )
        )
    return text


def _clean_stance(stance: str | None, *, required: bool) -> str | None:
    if not stance:
        if required:
            raise ValidationFailed(_("Say whether you are in favour, neutral or against."))
        return None
    try:
        return Stance(stance).value
    except ValueError as exc:
        raise ValidationFailed(_("Choose in favour, neutral or against.")) from exc


# --- mentions --------------------------------------------------------------------------------------


def _participants(thread: Thread) -> list[User]:
    authors = select(Comment.author_id).where(Comment.thread_id == thread.id)
    return list(db.session.execute(select(User).where(User.id.in_(authors))).scalars())


def find_mentions(text: str, people: Iterable[User], *, author: User) -> list[User]:
    """`@Display Name` of someone who has taken part in the thread, longest name first, any case.

    A name shared by two participants is ambiguous and mentions nobody; the author never mentions
    themselves; at most MAX_MENTIONS people are mentioned by one comment.
    """
    by_name: dict[str, list[User]] = {}
    for person in people:
        if person.is_active and person.display_name.strip():
            by_name.setdefault(person.display_name.strip().casefold(), []).append(person)
    found: list[User] = []
    remaining = text
    for name in sorted(by_name, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w@])@" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        if not pattern.search(remaining):
            continue
        remaining = pattern.sub(" ", remaining)  # "@Anna Berg" must not also mention "Anna"
        candidates = by_name[name]
        if len(candidates) == 1 and candidates[0].id != author.id:
            found.append(candidates[0])
    return found[:MAX_MENTIONS]


def _record_mentions(comment: Comment, thread: Thread, subject: Subject, author: User) -> list[User]:
    """Store who the comment mentions; return only the newly mentioned (an edit does not repeat)."""
    mentioned = [
        person
        for person in find_mentions(comment.body, _participants(thread), author=author)
        if subject.kind.can_view(person, subject.obj)
    ]
    already = set(
        db.session.execute(
            select(CommentMention.user_id).where(CommentMention.comment_id == comment.id)
        ).scalars()
    )
    new = [person for person in mentioned if person.id not in already]
    for person in new:
        db.session.add(CommentMention(comment_id=comment.id, user_id=person.id))
    db.session.flush()
    return new


# --- use cases -------------------------------------------------------------------------------------


def _require_subject(subject: Subject | None) -> Subject:
    if subject is None:
        raise PermissionDenied(_("This discussion is closed."))
    return subject


def post_comment(actor: User | None, subject: Subject, body: str, stance: str | None) -> Comment:
    refusal = policy.comment_refusal(actor, subject)
    if refusal or actor is None:
        raise PermissionDenied(refusal or _("Log in to take part in the discussion."))
    text, position = _clean_body(body), _clean_stance(stance, required=True)
    thread = locked(get_or_create_thread(subject.type, subject.id))
    comment = Comment(thread_id=thread.id, author_id=actor.id, depth=0, body=text, stance=position)
    db.session.add(comment)
    db.session.flush()
    comment.path = path_segment(comment.id)
    recount_thread(thread)
    mentioned = _record_mentions(comment, thread, subject, actor)
    publish("comment.posted", comment=comment, url=_permalink(comment))
    for person in mentioned:
        publish("comment.mentioned", comment=comment, mentioned=person, url=_permalink(comment))
    return comment


def reply_to(actor: User | None, parent: Comment, body: str, stance: str | None) -> Comment:
    subject = _require_subject(policy.subject_of(parent))
    refusal = policy.comment_refusal(actor, subject)
    if refusal or actor is None:
        raise PermissionDenied(refusal or _("Log in to take part in the discussion."))
    refusal = policy.reply_refusal(actor, parent, subject_refusal=None)
    if refusal:
        raise ValidationFailed(refusal)
    text, position = _clean_body(body), _clean_stance(stance, required=False)
    thread = locked(parent.thread)
    comment = Comment(
        thread_id=thread.id,
        author_id=actor.id,
        parent_id=parent.id,
        root_id=parent.root_id or parent.id,
        depth=parent.depth + 1,
        body=text,
        stance=position,
    )
    db.session.add(comment)
    db.session.flush()
    comment.path = f"{parent.path}/{path_segment(comment.id)}"
    recount_thread(thread)
    mentioned = _record_mentions(comment, thread, subject, actor)
    publish("comment.posted", comment=comment, url=_permalink(comment))
    publish("comment.replied", comment=comment, parent=parent, url=_permalink(comment))
    for person in mentioned:
        publish("comment.mentioned", comment=comment, mentioned=person, url=_permalink(comment))
    return comment


def edit_comment(actor: User | None, comment: Comment, body: str, stance: str | None) -> Comment:
    if not policy.can_edit(actor, comment) or actor is None:
        raise PermissionDenied(_("You can change your own comment for 15 minutes after posting it."))
    subject = _require_subject(policy.subject_of(comment))
    text, position = _clean_body(body), _clean_stance(stance, required=comment.depth == 0)
    if text == comment.body and position == comment.stance:
        return comment
    thread = locked(comment.thread)
    comment.body, comment.stance, comment.edited_at = text, position, utcnow()
    db.session.flush()
    recount_thread(thread)
    for person in _record_mentions(comment, thread, subject, actor):
        publish("comment.mentioned", comment=comment, mentioned=person, url=_permalink(comment))
    return comment


def delete_comment(actor: User | None, comment: Comment) -> Comment:
    """The author's own deletion: the text goes, a tombstone stays so that the replies keep their place."""
    if not policy.can_delete(actor, comment):
        raise PermissionDenied(_("You can only delete your own comments."))
    thread = locked(comment.thread)
    comment.deleted_at = utcnow()
    comment.body = ""
    db.session.flush()
    recount_thread(thread)
    return comment


def vote_on(actor: User | None, comment: Comment, direction: str) -> Comment:
    """Up, down, or "none" to take one's vote back; a second vote by the same person changes the first."""
    if not policy.can_vote(actor, comment) or actor is None:
        if actor is not None and comment.author_id == actor.id:
            raise PermissionDenied(_("You cannot vote on your own comment."))
        raise PermissionDenied(_("This comment cannot be voted on."))
    if direction not in VOTE_VALUES:
        raise ValidationFailed(_("Vote up, vote down, or take your vote back."))
    value = VOTE_VALUES[direction]
    comment = locked(comment)
    vote = db.session.execute(
        select(CommentVote).where(CommentVote.comment_id == comment.id, CommentVote.user_id == actor.id)
    ).scalar_one_or_none()
    if value == 0:
        if vote is not None:
            db.session.delete(vote)
    elif vote is not None:
        vote.value = value
    elif not add_unique(CommentVote(comment_id=comment.id, user_id=actor.id, value=value)):
        raise Conflict(_("Your vote on this comment was already counted."))
    db.session.flush()
    up, down = db.session.execute(
        select(
            func.coalesce(func.sum(case((CommentVote.value > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((CommentVote.value < 0, 1), else_=0)), 0),
        ).where(CommentVote.comment_id == comment.id)
    ).one()
    comment.upvotes, comment.downvotes = int(up), int(down)
    comment.score = wilson_lower_bound(comment.upvotes, comment.downvotes)
    db.session.flush()
    return comment


def pin_summary(actor: User | None, subject: Subject, summary: str) -> Thread:
    """ "What we heard": a facilitator's Markdown summary at the top of the thread; empty unpins it."""
    if not policy.can_pin(actor, subject) or actor is None:
        raise PermissionDenied(_("Only the facilitators and moderators of this process can pin a summary."))
    text = (summary or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_SUMMARY:
        raise ValidationFailed(
            _(
                "A summary can be at most %(max)d characters long; this one has %(n)d.",
                max=MAX_SUMMARY,
                n=len(text),
            )
        )
    thread = locked(get_or_create_thread(subject.type, subject.id))
    thread.summary = text
    thread.summary_by_id = actor.id if text else None
    thread.summary_at = utcnow() if text else None
    db.session.flush()
    record(
        "thread.summary_pinned" if text else "thread.summary_removed",
        actor=actor,
        subject_type=subject.type,
        subject_id=subject.id,
        data={"thread_id": thread.id, "length": len(text)},
    )
    return thread


# --- reading a thread ------------------------------------------------------------------------------


def _order(sort: str) -> tuple[Any, ...]:
    if sort == "newest":
        return (Comment.id.desc(),)
    if sort == "oldest":
        return (Comment.id.asc(),)
    return (Comment.score.desc(), Comment.id.desc())


def clean_sort(sort: str | None) -> str:
    return sort if sort in SORTS else DEFAULT_SORT


def page_of(comment: Comment, sort: str, per_page: int = PER_PAGE) -> int:
    """The page on which a comment's top-level ancestor shows in this order (for links to a comment)."""
    root = comment if comment.root_id is None else db.session.get(Comment, comment.root_id)
    assert root is not None
    if sort == "newest":
        before = Comment.id > root.id
    elif sort == "oldest":
        before = Comment.id < root.id
    else:
        before = (Comment.score > root.score) | ((Comment.score == root.score) & (Comment.id > root.id))
    ahead = db.session.scalar(
        select(func.count(Comment.id)).where(Comment.thread_id == root.thread_id, Comment.depth == 0, before)
    )
    return (ahead or 0) // per_page + 1


@dataclass
class CommentNode:
    """One comment as the page shows it; the template reads these and decides nothing."""

    comment: Comment
    state: str  # "shown", "deleted" or "hidden"
    body_html: Markup
    stance_label: str
    edited: bool
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_vote: bool
    my_vote: str | None  # "up", "down" or None
    up_action: str  # what the up button does: "up", or "none" to take the up vote back
    down_action: str
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class ThreadView:
    subject: Subject
    thread: Thread | None
    sort: str
    page: Page[Comment]
    nodes: list[CommentNode]
    comment_refusal: str | None
    can_comment: bool
    can_pin: bool
    summary_html: Markup
    counts: dict[str, int]
    sorts: tuple[str, ...] = SORTS
    max_body: int = MAX_BODY

    @property
    def comment_count(self) -> int:
        return self.thread.comment_count if self.thread else 0


def _node(
    actor: User | None, comment: Comment, my_vote: str | None, subject_refusal: str | None
) -> CommentNode:
    if comment.is_deleted:
        state, html = "deleted", Markup("")
    elif comment.is_hidden:
        state, html = "hidden", Markup("")
    else:
        state, html = "shown", render_markdown(comment.body)
    refusal = policy.reply_refusal(actor, comment, subject_refusal=subject_refusal)
    return CommentNode(
        comment=comment,
        state=state,
        body_html=html,
        stance_label=stance_label(comment.stance) if state == "shown" else "",
        edited=comment.edited_at is not None and state == "shown",
        can_reply=refusal is None,
        can_edit=policy.can_edit(actor, comment),
        can_delete=policy.can_delete(actor, comment),
        can_vote=policy.can_vote(actor, comment),
        my_vote=my_vote,
        up_action="none" if my_vote == "up" else "up",
        down_action="none" if my_vote == "down" else "down",
    )


# Authors come with their comments; their global roles are not needed to show a thread.
_authors = joinedload(Comment.author).lazyload(User.roles)


def thread_view(
    actor: User | None, subject: Subject, *, sort: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> ThreadView:
    """One page of top-level comments with every reply to them: a fixed number of queries."""
    order = clean_sort(sort)
    refusal = policy.comment_refusal(actor, subject)
    thread = find_thread(subject.type, subject.id)
    roots: Page[Comment] = Page([], 1, per_page, 0)
    top: list[CommentNode] = []
    if thread is not None:
        roots = paginate(
            select(Comment)
            .where(Comment.thread_id == thread.id, Comment.depth == 0)
            .options(_authors)
            .order_by(*_order(order)),
            page,
            per_page,
        )
        top = _comment_tree(actor, roots.items, refusal)
    return ThreadView(
        subject=subject,
        thread=thread,
        sort=order,
        page=roots,
        nodes=top,
        comment_refusal=refusal,
        can_comment=refusal is None,
        can_pin=policy.can_pin(actor, subject),
        summary_html=render_markdown(thread.summary) if thread else Markup(""),
        counts={
            Stance.IN_FAVOUR.value: thread.in_favour_count if thread else 0,
            Stance.NEUTRAL.value: thread.neutral_count if thread else 0,
            Stance.AGAINST.value: thread.against_count if thread else 0,
        },
    )


def _comment_tree(actor: User | None, roots: list[Comment], refusal: str | None) -> list[CommentNode]:
    """The page's top-level comments with all their replies (one query), and the actor's votes (one)."""
    root_ids = [root.id for root in roots]
    replies: list[Comment] = []
    if root_ids:
        replies = list(
            db.session.execute(
                select(Comment).where(Comment.root_id.in_(root_ids)).options(_authors).order_by(Comment.path)
            ).scalars()
        )
    my_votes: dict[int, str] = {}
    if actor is not None and root_ids:
        ids = root_ids + [reply.id for reply in replies]
        rows = db.session.execute(
            select(CommentVote.comment_id, CommentVote.value).where(
                CommentVote.user_id == actor.id, CommentVote.comment_id.in_(ids)
            )
        )
        my_votes = {comment_id: "up" if value > 0 else "down" for comment_id, value in rows}
    nodes_by_id: dict[int, CommentNode] = {}
    top: list[CommentNode] = []
    for comment in [*roots, *replies]:
        node = _node(actor, comment, my_votes.get(comment.id), refusal)
        nodes_by_id[comment.id] = node
        if comment.parent_id is None:
            top.append(node)
        elif comment.parent_id in nodes_by_id:
            nodes_by_id[comment.parent_id].children.append(node)
    return top

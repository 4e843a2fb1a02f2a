"""Discussion pages and actions (blueprint `deliberation`), and the `discussion(...)` template global.

Any subject page embeds its thread with one line: `{{ discussion("process", process) }}`. Each POST
goes through run_form and redirects back to the subject's page, to the comment's anchor on the page of
the thread where it shows. A refusal a person can fix comes back on a page of its own with the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from participate.audit import services as audit
from participate.core.access import authorize, current_actor, load
from participate.core.markdown import render_markdown
from participate.core.transaction import run_form
from participate.deliberation import policy, services
from participate.deliberation.forms import (
    STANCE_CHOICES,
    CommentForm,
    DeleteCommentForm,
    EditCommentForm,
    ReplyForm,
    SummaryForm,
    VoteForm,
)
from participate.deliberation.models import Comment
from participate.deliberation.subjects import Subject, resolve
from participate.extensions import limiter

bp = Blueprint("deliberation", __name__, url_prefix="/deliberation")

SORT_LABELS = {"best": _l("Best"), "newest": _l("Newest"), "oldest": _l("Oldest")}
ANCHOR = "discussion"


def _comment_limit() -> str:
    return current_app.config.get("COMMENT_RATE_LIMIT", "10 per minute;100 per hour")


def _per_person() -> str:
    """Comments are limited per person (a library's computers share one address), visitors by address."""
    actor = current_actor()
    return f"user:{actor.id}" if actor is not None else (request.remote_addr or "unknown")


@audit.describes("comment")
def _describe_comment(subject_id: str) -> tuple[str, str | None]:
    comment = services.find_comment(subject_id)
    if comment is None:
        return _("comment %(id)s", id=subject_id), None
    excerpt = " ".join(comment.body.split())[:60]
    return _("comment “%(excerpt)s”", excerpt=excerpt), url_for(
        "deliberation.permalink", comment_id=comment.id
    )


def _logged_in(actor: Any, _obj: Any) -> bool:
    return actor is not None


def _subject(subject_type: str, subject_id: int) -> Subject:
    return authorize(resolve(subject_type, subject_id), see=policy.can_view)


def _comment(comment_id: int, act=_logged_in) -> tuple[Comment, Subject]:
    comment = load(Comment, comment_id, see=policy.can_view_comment, act=act)
    subject = policy.subject_of(comment)
    assert subject is not None  # can_view_comment found it
    return comment, subject


def thread_link(
    subject: Subject, *, sort: str | None = None, page: int | None = None, anchor: str = ANCHOR
) -> str:
    query: dict[str, str | int] = {}
    if sort and sort != services.DEFAULT_SORT:
        query["comments_sort"] = sort
    if page and page > 1:
        query["comments_page"] = page
    return subject.url + (f"?{urlencode(query)}" if query else "") + f"#{anchor}"


def comment_link(comment: Comment, subject: Subject, sort: str | None) -> str:
    order = services.clean_sort(sort)
    page = services.page_of(comment, order)
    return thread_link(subject, sort=order, page=page, anchor=f"comment-{comment.id}")


def _thread_context(subject: Subject, sort: str | None, page: int) -> dict[str, Any]:
    view = services.thread_view(current_actor(), subject, sort=sort, page=page)
    return {
        "view": view,
        "stance_choices": STANCE_CHOICES,
        "sort_links": [
            (name, SORT_LABELS[name], thread_link(subject, sort=name), name == view.sort)
            for name in view.sorts
        ],
        "previous_url": thread_link(subject, sort=view.sort, page=view.page.previous)
        if view.page.previous
        else None,
        "next_url": thread_link(subject, sort=view.sort, page=view.page.next) if view.page.next else None,
    }


def _requested_page() -> int:
    return request.args.get("comments_page", 1, type=int) or 1


@bp.app_template_global("discussion")
def discussion(subject_type: str, obj: Any) -> Markup:
    """The thread of a subject page, read at the sort and page its URL asks for."""
    subject = resolve(subject_type, obj.id)
    if subject is None or not policy.can_view(current_actor(), subject):
        return Markup("")
    context = _thread_context(subject, request.args.get("comments_sort"), _requested_page())
    return Markup(render_template("deliberation/_embed.html", **context))


@bp.get("/<subject_type>/<int:subject_id>")
def thread(subject_type: str, subject_id: int):
    subject = _subject(subject_type, subject_id)
    context = _thread_context(subject, request.args.get("comments_sort"), _requested_page())
    return render_template("deliberation/thread.html", subject=subject, **context)


def _form_page(subject: Subject, form: Any, *, heading: str, action: str, comment: Comment | None = None):
    return render_template(
        "deliberation/form.html",
        subject=subject,
        form=form,
        heading=heading,
        action=action,
        comment=comment,
        back=comment_link(comment, subject, form.sort.data) if comment else thread_link(subject),
        comment_html=render_markdown(comment.body) if comment is not None and comment.is_visible else None,
        max_body=services.MAX_BODY,
    )


@bp.post("/<subject_type>/<int:subject_id>/comments")
@limiter.limit(_comment_limit, key_func=_per_person)
def post(subject_type: str, subject_id: int):
    subject = authorize(resolve(subject_type, subject_id), see=policy.can_view, act=_logged_in)
    form = CommentForm()
    return run_form(
        form,
        lambda: services.post_comment(current_actor(), subject, form.body.data, form.stance.data),
        done=lambda comment: (_("Your comment is posted."), comment_link(comment, subject, form.sort.data)),
        render=lambda: _form_page(subject, form, heading=_("Add your comment"), action=request.path),
    )


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    comment, subject = _comment(comment_id, act=None)
    return redirect(comment_link(comment, subject, request.args.get("sort")))


def _on_comment(
    comment_id: int,
    form_for: Callable[[Comment], Any],
    use_case: Callable[[Any, Comment, Any], Comment],
    *,
    saved: str,
    heading: str,
    act: Any = _logged_in,
) -> Any:
    """An action on one comment: its form, the use case, then back to the comment it concerns."""
    comment, subject = _comment(comment_id, act=act)
    form = form_for(comment)
    return run_form(
        form,
        lambda: use_case(current_actor(), comment, form),
        done=lambda changed: (saved, comment_link(changed, subject, form.sort.data)),
        render=lambda: _form_page(subject, form, heading=heading, action=request.path, comment=comment),
    )


@bp.post("/comments/<int:comment_id>/replies")
@limiter.limit(_comment_limit, key_func=_per_person)
def reply(comment_id: int):
    return _on_comment(
        comment_id,
        lambda _parent: ReplyForm(),
        lambda actor, parent, form: services.reply_to(actor, parent, form.body.data, form.stance.data),
        saved=_("Your reply is posted."),
        heading=_("Reply to a comment"),
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    return _on_comment(
        comment_id,
        lambda comment: EditCommentForm(
            body=comment.body, stance=comment.stance, sort=request.args.get("sort")
        ),
        lambda actor, comment, form: services.edit_comment(actor, comment, form.body.data, form.stance.data),
        saved=_("Your comment is saved."),
        heading=_("Change your comment"),
        act=policy.can_edit,
    )


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    return _on_comment(
        comment_id,
        lambda _comment: DeleteCommentForm(),
        lambda actor, comment, _form: services.delete_comment(actor, comment),
        saved=_("Your comment is deleted."),
        heading=_("Delete your comment"),
        act=policy.can_delete,
    )


@bp.post("/comments/<int:comment_id>/vote")
def vote(comment_id: int):
    return _on_comment(
        comment_id,
        lambda _comment: VoteForm(),
        lambda actor, comment, form: services.vote_on(actor, comment, form.direction.data),
        saved=_("Your vote is saved."),
        heading=_("Vote on a comment"),
    )


@bp.route("/<subject_type>/<int:subject_id>/summary", methods=["GET", "POST"])
def summary(subject_type: str, subject_id: int):
    subject = authorize(resolve(subject_type, subject_id), see=policy.can_view, act=policy.can_pin)
    existing = services.find_thread(subject.type, subject.id)
    form = SummaryForm(summary=existing.summary if existing else "")
    return run_form(
        form,
        lambda: services.pin_summary(current_actor(), subject, form.summary.data),
        done=lambda thread: (
            _("The summary is pinned.") if thread.summary else _("The summary is removed."),
            thread_link(subject),
        ),
        render=lambda: _form_page(subject, form, heading=_("What we heard"), action=request.path),
    )

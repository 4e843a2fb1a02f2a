"""Deliberation threads: comments, replies, stances and votes that attach to any registered subject.

Attach a thread to a kind of page (a proposal, a panel) in two steps:

1. Register the kind once, in the module that owns it (see `subjects.py`, which registers "process"):

       register_subject(SubjectKind(name="proposal", load=..., can_view=..., comment_refusal=...,
                                    can_facilitate=..., process_of=..., url=..., title=...))

   `comment_refusal(actor, obj)` returns why commenting is closed (None when open); login and a
   confirmed email are checked here for every kind. `can_facilitate` says who pins the summary.
2. Embed it at the end of the page's template: `{{ discussion("proposal", proposal) }}`. The thread
   reads `?comments_sort=best|newest|oldest&comments_page=N` from the page's URL and links to
   `#discussion` and `#comment-<id>`; every form posts to /deliberation/… and comes back there.

Events for other domains (`core.events`), published inside the transaction:
    comment.posted(comment)             every new comment, replies included
    comment.replied(comment, parent)    a reply, with the comment it answers
    comment.mentioned(comment, mentioned)  once per person newly mentioned (an edit does not repeat)

Mentions are `@Display Name` of someone who has already commented in the same thread (the reply form
starts with the parent author's name); a name two participants share mentions nobody.

Moderation (another domain) sets `hidden_at`, `hidden_reason`, `hidden_by_id` on a Comment and then
calls `services.recount_thread(thread)`; the page shows "Hidden by moderation" and the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """The thread pages and the `discussion(...)` template global."""
    from participate.deliberation import views

    app.register_blueprint(views.bp)

"""What other domains publish, turned into notifications. Imported by participate.notifications.register(app).

The events and their keyword arguments are the contract with the publishing domains:

    publish("proposal.answered", proposal=proposal, actor=actor)
    publish("comment.replied", comment=comment, parent=parent, url=url)
    publish("comment.mentioned", comment=comment, mentioned=user, url=url)
    publish("content.hidden", author_id=..., what="comment" | "proposal", reason=..., url=...)
    publish("process.phase_changed", process=process, phase=phase)
    publish("panel.recommendation_answered", process=process, title=..., decision=..., actor=actor, url=url)

`url` is a path on this site (publishers build it; this package imports none of them). Nobody is ever
notified of their own action.
"""

from __future__ import annotations

from typing import Any

from participate.core.events import subscribe
from participate.core.urls import site_path
from participate.extensions import db
from participate.notifications import services
from participate.notifications.models import Kind


@subscribe("proposal.answered")
def proposal_answered(proposal: Any, actor: Any = None, **_: Any) -> None:
    if actor is not None and getattr(actor, "id", None) == proposal.author_id:
        return
    data = {
        "title": proposal.title,
        "status": str(proposal.status),
        "status_label": str(proposal.status_label),
    }
    url = site_path("proposals.detail", proposal_id=proposal.id)
    services.notify(proposal.author_id, Kind.PROPOSAL_ANSWERED, data, url)


def _first_about(user_id: int, comment: Any) -> bool:
    """A reply that also mentions its parent's author notifies them once, whichever event comes first
    (remembered for the current transaction only)."""
    session = db.session()
    info, transaction = session.info, session.get_transaction()
    if info.get("notifications.transaction") is not transaction:
        info["notifications.transaction"], info["notifications.comments"] = transaction, set()
    seen = info["notifications.comments"]
    key = (user_id, comment.id)
    if key in seen:
        return False
    seen.add(key)
    return True


def _notify_about_comment(user_id: int | None, kind: Kind, comment: Any, url: str) -> None:
    """Never the comment's own author, and once per person and comment (a reply can also mention)."""
    if user_id is None or user_id == comment.author_id or not _first_about(user_id, comment):
        return
    data = {"name": services.display_name(comment.author_id), "comment_id": comment.id}
    services.notify(user_id, kind, data, url)


@subscribe("comment.replied")
def comment_replied(comment: Any, parent: Any, url: str, **_: Any) -> None:
    _notify_about_comment(parent.author_id, Kind.REPLY, comment, url)


@subscribe("comment.mentioned")
def comment_mentioned(comment: Any, mentioned: Any, url: str, **_: Any) -> None:
    _notify_about_comment(mentioned.id if mentioned is not None else None, Kind.MENTION, comment, url)


@subscribe("content.hidden")
def content_hidden(author_id: int | None, what: str, reason: str | None, url: str, **_: Any) -> None:
    data = {"what": "proposal" if what == "proposal" else "comment", "reason": (reason or "")[:500]}
    services.notify(author_id, Kind.HIDDEN, data, url)


@subscribe("process.phase_changed")
def process_phase_changed(process: Any, phase: Any, **_: Any) -> None:
    services.announce_phase(process, phase)


@subscribe("content.reported")
def content_reported(process: Any, item_type: str, item_id: int, **_: Any) -> None:
    """The process's moderators and facilitators hear of a report; without any, council staff do."""
    data = {"process": process.title, "what": item_type, "item_id": item_id}
    queue = site_path("moderation_manage.queue", process_id=process.id)
    for user_id in services.moderators_of(process):
        services.notify(user_id, Kind.REPORTED, data, queue)


@subscribe("panel.recommendation_answered")
def recommendation_answered(
    process: Any, title: str, decision: str, url: str, actor: Any = None, **_: Any
) -> None:
    """Everyone who follows the process hears of the council's answer (not the staff member who gave it)."""
    if not process.published:
        return
    data = {"process": process.title, "title": title[:200], "decision": decision}
    actor_id = getattr(actor, "id", None)
    for user_id in services.follower_ids(process.id):
        if user_id != actor_id:
            services.notify(user_id, Kind.RECOMMENDATION_ANSWERED, data, url)

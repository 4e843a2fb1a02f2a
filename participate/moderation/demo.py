"""Demo moderation for `make run`: a hidden advert, and a report still waiting in the queue."""

from __future__ import annotations

from sqlalchemy import select

from participate.accounts.models import User
from participate.deliberation import services as deliberation
from participate.deliberation.models import Comment
from participate.deliberation.subjects import resolve
from participate.extensions import db
from participate.moderation import services
from participate.moderation.reportables import reportable
from participate.processes.models import Process


def seed_moderation(staff: User, people: list[User]) -> None:
    process = (
        db.session.execute(select(Process).where(Process.published.is_(True)).order_by(Process.id.desc()))
        .scalars()
        .first()
    )
    subject = resolve("process", process.id) if process else None
    comments = reportable("comment")
    if subject is None or comments is None or len(people) < 4:
        return
    advert = deliberation.post_comment(
        people[-1], subject, "Cheap sunglasses!!! Visit my shop for 50% off today only.", "neutral"
    )
    for reporter in people[:2]:
        services.report_item(reporter, comments, advert, "spam", "")
    services.hide_item(staff, comments, advert, "Advertising is not allowed in the discussion.")
    doubtful = (
        db.session.execute(
            select(Comment)
            .where(Comment.thread_id == advert.thread_id, Comment.id != advert.id)
            .order_by(Comment.id)
        )
        .scalars()
        .first()
    )
    if doubtful is not None and doubtful.author_id != people[2].id:
        services.report_item(people[2], comments, doubtful, "off_topic", "")

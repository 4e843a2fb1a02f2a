"""Domain events: a domain says what happened; other domains react without being imported by it.

    publish("comment.posted", comment=comment, actor=actor)      # in deliberation.services

    @subscribe("comment.posted")                                  # in notifications/subscribers.py
    def notify_the_parent_author(comment, actor): ...

Subscribers run at once, inside the same transaction as the action (a notification row commits with the
comment it is about); anything that leaves the database (an email) they queue with `after_commit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Subscriber = Callable[..., None]
SUBSCRIBERS: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Subscriber], Subscriber]:
    def register(fn: Subscriber) -> Subscriber:
        if fn not in SUBSCRIBERS[event]:
            SUBSCRIBERS[event].append(fn)
        return fn

    return register


def publish(event: str, **data: Any) -> None:
    for subscriber in SUBSCRIBERS.get(event, []):
        subscriber(**data)

"""Demo discussions for `make run`: lively threads on the processes that are open for comments."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.deliberation import policy, services
from participate.deliberation.models import MAX_DEPTH, Comment
from participate.deliberation.subjects import resolve
from participate.extensions import db
from participate.processes.models import Process

OPENERS = [
    ("in_favour", "Shade matters: the square is unbearable in July. More **trees** please."),
    ("against", "The playground budget would be better spent on lighting along the cycle path."),
    ("neutral", "Could the council publish the maintenance cost next to each idea?"),
    ("in_favour", "A safe crossing by the school is overdue. Children cross four lanes today."),
    ("against", "We already have three outdoor gyms within a kilometre; nobody uses the last one."),
    ("in_favour", "Benches with backrests, please: older residents cannot rest on the current ones."),
    ("neutral", "How will the districts with fewer voters be heard?"),
    ("in_favour", "Free repair café in the library: cheap, local and good for the climate."),
]
REPLIES = [
    "Agreed, and the trees would also take rain water off the street.",
    "Do you have numbers for that? The last survey said otherwise.",
    "I walk there every day and see the same thing.",
    "Good point, though the cost might be higher than it looks.",
    "The council answered this at the open meeting: see the minutes.",
    "Could both ideas be combined in one proposal?",
]


def seed_threads(staff: User, *, seed: int = 2026) -> int:
    """Threads on every process whose discussion is open; returns how many comments were posted."""
    rng = random.Random(seed)
    people = list(
        db.session.execute(
            select(User).where(User.email_confirmed_at.is_not(None)).order_by(User.id)
        ).scalars()
    )
    posted = 0
    for process in db.session.execute(select(Process).order_by(Process.id)).scalars():
        subject = resolve("process", process.id)
        if subject is None or policy.comment_refusal(staff, subject) is not None:
            continue
        comments: list[Comment] = []
        for opener_stance, text in rng.sample(OPENERS, k=rng.randint(4, len(OPENERS))):
            comments.append(services.post_comment(rng.choice(people), subject, text, opener_stance))
        for _ in range(rng.randint(6, 12)):
            parent = rng.choice([c for c in comments if c.depth < MAX_DEPTH])
            author = rng.choice([p for p in people if p.id != parent.author_id])
            mention = f"@{parent.author.display_name} " if parent.author and rng.random() < 0.4 else ""
            stance = rng.choice([None, None, "in_favour", "against", "neutral"])
            comments.append(services.reply_to(author, parent, mention + rng.choice(REPLIES), stance))
        # Spread over the last days, in posting order (replies after what they answer), not all at seeding.
        moment = utcnow() - timedelta(hours=5 * len(comments))
        for comment in comments:
            moment += timedelta(hours=rng.randint(1, 8), minutes=rng.randint(0, 59))
            comment.created_at = min(moment, utcnow())
        for comment in comments:
            for voter in rng.sample(people, k=rng.randint(0, 9)):
                if voter.id != comment.author_id:
                    services.vote_on(voter, comment, "up" if rng.random() < 0.75 else "down")
        posted += len(comments)
        services.pin_summary(
            staff,
            subject,
            "Halfway through the discussion:\n\n"
            "- Shade and places to sit come up again and again.\n"
            "- Several people ask for running costs next to each idea.\n"
            "- Some would rather spend on lighting and safe crossings than on new equipment.",
        )
    db.session.flush()
    return posted

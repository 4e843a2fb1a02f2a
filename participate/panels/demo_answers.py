"""Demo: the climate panel's statements on two proposals of its process (shown on the open vote's
ballot, since the seated panel sits in the process whose vote is open), and the council's answers to the
panel's published recommendations in every state: accepted and under way, accepted in part, not
accepted, done, accepted but late (its implementation is overdue), and one still unanswered after the
deadline the council set itself (overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import today, utcnow
from participate.extensions import db
from participate.panels import answers, statements
from participate.panels.answer_models import RecommendationAnswer
from participate.panels.models import Panel
from participate.proposals.models import Proposal
from participate.results.tracking import TrackingInput

STATEMENTS = (
    "The panel discussed this proposal at its second meeting and **supports it**: it cuts emissions "
    "where people live, and the running costs are low. We ask that residents of the block help choose "
    "the site.\n\n*Panelen stöder förslaget: det minskar utsläppen där folk bor.*",
    "The panel is **divided** on this proposal. Most members welcome it, but several worry that it "
    "serves people who already cycle and asked the council to publish how it will reach everyone "
    "else.\n\n*Panelen är oenig: de flesta välkomnar förslaget, men flera oroar sig för vem det når.*",
)


@dataclass(frozen=True)
class Plan:
    decision: str
    reasons: str
    deadline_in_days: int | None
    status: str | None = None
    progress: int = 0
    milestones: tuple[tuple[int, str], ...] = ()


# One plan per published recommendation, in order; the recommendations after the last stay unanswered.
PLANS = (
    Plan(
        "accepted",
        "The council **accepts** the recommendation. The environment committee adopted a plan on "
        "2 December; the first steps are funded in next year's budget.",
        240,
        "in_progress",
        35,
        ((-6, "Environment committee adopted the plan"), (-2, "Procurement started")),
    ),
    Plan(
        "partly",
        "The council **accepts it in part**: it starts in the three districts with the highest "
        "emissions and will decide on the rest after an evaluation in 2028.",
        365,
        "planned",
        0,
    ),
    Plan(
        "not_accepted",
        "The council **does not accept** the recommendation: the law gives this decision to the region, "
        "not the municipality. The council has passed the panel's reasoning on to the region.",
        None,
    ),
    Plan(
        "accepted",
        "The council **accepts** the recommendation; it needed no new money.",
        20,
        "done",
        100,
        ((-7, "Guidelines changed"), (-1, "Published on the city's website")),
    ),
    Plan(
        "accepted",
        "The council **accepts** the recommendation and promised a timetable within a week.",
        -3,
        "in_progress",
        20,
        ((-8, "Working group appointed"),),
    ),
)


def seed_statements(staff: User, panel: Panel) -> int:
    proposals = db.session.execute(
        select(Proposal)
        .where(
            Proposal.process_id == panel.process_id,
            Proposal.status == "feasible",
            Proposal.hidden_at.is_(None),
        )
        .order_by(Proposal.support_count.desc(), Proposal.id)
        .limit(len(STATEMENTS))
    ).scalars()
    count = 0
    for proposal, text in zip(proposals, STATEMENTS, strict=False):
        statements.save_statement(staff, panel, proposal, text)
        count += 1
    return count


def seed_council_answers(staff: User, panel: Panel, on: date | None = None) -> int:
    """Answers the panel's published recommendations as PLANS says; the council promised its answers
    two days ago, so a recommendation left unanswered is overdue."""
    on = on or today()
    panel.answers_due = on - timedelta(days=2)
    answered = 0
    for recommendation, plan in zip(answers.answerable(panel), PLANS, strict=False):
        deadline = on + timedelta(days=plan.deadline_in_days) if plan.deadline_in_days is not None else None
        row: RecommendationAnswer = answers.answer(
            staff, panel, recommendation, answers.AnswerInput(plan.decision, plan.reasons, deadline)
        )
        row.answered_at = row.updated_at = utcnow() - timedelta(days=9)
        if plan.status is not None:
            answers.set_tracking(staff, panel, recommendation, TrackingInput(plan.status, plan.progress))
        for days, text in plan.milestones:
            answers.add_milestone(staff, panel, recommendation, on + timedelta(days=days), text)
        answered += 1
    db.session.flush()
    return answered


def seed_panel_answers(staff: User, panel: Panel) -> None:
    seed_statements(staff, panel)
    seed_council_answers(staff, panel)

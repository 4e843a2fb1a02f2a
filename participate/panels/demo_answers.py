"""Demo: the climate panel's statements on two proposals of its process (shown on the open vote's
ballot, since the seated panel sits in the process whose vote is open), and the council's answers to the
panel's published recommendations in every state: accepted and under way, accepted in part and already
done, not accepted, accepted but late (its implementation is overdue), and one still unanswered after the
deadline the council set itself (its answer is overdue). Milestones fall between the answers and today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import today, utcnow
from participate.extensions import db
from participate.panels import answers, statements
from participate.panels.answer_models import RecommendationAnswer
from participate.panels.models import Panel
from participate.processes.models import Phase
from participate.proposals.models import Proposal
from participate.results.tracking import TrackingInput
from participate.voting import services as voting

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


# One plan per published recommendation, in order (the climate panel's: rain gardens, cargo bikes, solar
# panels, a tool library, heat refuges); the recommendations after the last plan stay unanswered.
PLANS = (
    Plan(
        "accepted",
        "The council **accepts** the recommendation. The environment committee adopted a plan for rain "
        "gardens outside every school this week; the first four schools are designed and the rest are "
        "in the budget for the next two years.\n\n*På svenska:* Kommunen godtar rekommendationen; de fyra "
        "första skolorna är projekterade.",
        700,
        "in_progress",
        35,
        ((-3, "Environment committee adopted the plan"), (-1, "First four school streets designed")),
    ),
    Plan(
        "partly",
        "The council **accepts it in part**: the fifteen electric cargo bikes of last summer's pilot move to "
        "the libraries of the three districts with the fewest cars, bookable by the hour and free for the "
        "first two hours; the council decides on the other districts after a year's evaluation.\n\n"
        "*På svenska:* Kommunen godtar den delvis: de femton lådcyklarna från sommarens försök flyttar till "
        "biblioteken i de tre stadsdelar som har minst bilar.",
        30,
        "done",
        100,
        (
            (-3, "Pilot bikes serviced and fitted with child seats"),
            (-1, "Five bikes bookable at each of the three libraries"),
        ),
    ),
    Plan(
        "not_accepted",
        "The council **does not accept** the recommendation: most community centres are rented, and their "
        "owners decide about the roofs. The council buys only renewable electricity for them from January "
        "instead and will ask the owners about solar panels when the leases are renewed.\n\n*På svenska:* "
        "Kommunen godtar inte rekommendationen: de flesta fritidsgårdar är hyrda och ägarna bestämmer över taken.",
        None,
    ),
    Plan(
        "accepted",
        "The council **accepts** the recommendation and promised to open the tool library with the tenants' "
        "association before the end of the month.\n\n*På svenska:* Kommunen godtar rekommendationen och "
        "lovade att öppna verktygsbiblioteket före månadens slut.",
        -1,
        "in_progress",
        60,
        ((-3, "Premises found on Amiralsgatan"), (-2, "Agreement signed with the tenants' association")),
    ),
)


def seed_statements(staff: User, panel: Panel) -> int:
    """On the two feasible proposals with most support that every voter's ballot shows (the city-wide
    budget's, when the vote is set up), else on the process's two most supported feasible proposals."""
    budgets = voting.budgets_of(panel.process)
    if budgets:
        chosen = voting.candidates(budgets[0])
    else:
        chosen = list(
            db.session.execute(
                select(Proposal).where(
                    Proposal.process_id == panel.process_id,
                    Proposal.status == "feasible",
                    Proposal.hidden_at.is_(None),
                )
            ).scalars()
        )
    chosen.sort(key=lambda p: (-p.support_count, p.id))
    count = 0
    for proposal, text in zip(chosen, STATEMENTS, strict=False):
        statements.save_statement(staff, panel, proposal, text)
        count += 1
    return count


def _published_when_the_phase_ended(panel: Panel, recommendations: list, on: date) -> datetime:
    """The panel's report came out the evening its phase ended (the demo publishes it as it seeds)."""
    window = panel.process.window(Phase.PANEL)
    if window is not None and window.ends_on < on:
        ended = datetime.combine(window.ends_on, time(18))
        for recommendation in recommendations:
            recommendation.published_at = min(recommendation.published_at, ended)
    return min(r.published_at for r in recommendations)


def seed_council_answers(staff: User, panel: Panel, on: date | None = None) -> int:
    """Answers the panel's published recommendations as PLANS says, two days after they came out; the
    council had promised its answers within five days, so a recommendation left unanswered is overdue."""
    on = on or today()
    recommendations = answers.answerable(panel)
    if not recommendations:
        return 0
    published = _published_when_the_phase_ended(panel, recommendations, on)
    panel.answers_due = min(published.date() + timedelta(days=5), on - timedelta(days=1))
    answered_at = min(published + timedelta(days=2), utcnow())
    answered = 0
    for recommendation, plan in zip(recommendations, PLANS, strict=False):
        deadline = on + timedelta(days=plan.deadline_in_days) if plan.deadline_in_days is not None else None
        row: RecommendationAnswer = answers.answer(
            staff, panel, recommendation, answers.AnswerInput(plan.decision, plan.reasons, deadline)
        )
        row.answered_at = row.updated_at = answered_at
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

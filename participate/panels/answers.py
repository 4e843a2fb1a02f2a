"""The council's answers to a panel's recommendations, their implementation, and what is overdue.

Who answers is who tracks funded proposals (results.policy: council staff). The recommendations answered
are the panel's: published in its report and adopted. Implementation is tracked with the results'
tracking (status, progress, dated milestones), as funded proposals are.

Overdue (shown on "What the council did" and the staff screens):
- an *answer* is overdue when a published recommendation has none after the panel's answer deadline
  (`Panel.answers_due`, set by staff; when unset, ANSWER_DAYS after the recommendation was published);
- an *implementation* is overdue when an accepted (or partly accepted) recommendation's deadline has passed
  and its tracking is neither done nor cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import NotFound, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.unique import add_unique
from participate.core.urls import site_path
from participate.extensions import db
from participate.panels import policy
from participate.panels.answer_models import DECISION_LABELS, Decision, RecommendationAnswer
from participate.panels.models import Panel
from participate.panels.recommendation_models import Recommendation, RecommendationStatus
from participate.panels.setup import panels_of, record_on_panel
from participate.processes.models import Process
from participate.results import tracking
from participate.results.models import ProjectMilestone, ProjectTracking, TrackingStatus

ANSWER_DAYS = 90
MAX_REASONS = 10000
FINISHED = {TrackingStatus.DONE.value, TrackingStatus.CANCELLED.value}


class Overdue:
    ANSWER = "answer"
    IMPLEMENTATION = "implementation"


def require_answerer(actor: User | None, panel: Panel) -> None:
    if not policy.can_answer(actor, panel):
        raise PermissionDenied(_("Only council staff answer a panel's recommendations."))


def answerable(panel: Panel) -> list[Recommendation]:
    """The recommendations the council owes an answer: adopted and published in the panel's report."""
    rows = db.session.execute(
        select(Recommendation)
        .where(
            Recommendation.panel_id == panel.id,
            Recommendation.status == RecommendationStatus.ADOPTED.value,
            Recommendation.published_at.is_not(None),
        )
        .order_by(Recommendation.id)
    ).scalars()
    return list(rows)


def answerable_one(panel: Panel, recommendation_id: int) -> Recommendation:
    for recommendation in answerable(panel):
        if recommendation.id == recommendation_id:
            return recommendation
    raise NotFound(_("The council answers the panel's published, adopted recommendations only."))


def answers_of(ids: list[int]) -> dict[int, RecommendationAnswer]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(RecommendationAnswer).where(RecommendationAnswer.recommendation_id.in_(ids))
    ).scalars()
    return {a.recommendation_id: a for a in rows}


def answer_due(panel: Panel, recommendation: Recommendation) -> date:
    if panel.answers_due is not None:
        return panel.answers_due
    published = recommendation.published_at or utcnow()
    return published.date() + timedelta(days=ANSWER_DAYS)


def overdue(
    panel: Panel,
    recommendation: Recommendation,
    answer: RecommendationAnswer | None,
    tracked: ProjectTracking | None,
    on: date,
) -> str | None:
    if answer is None:
        return Overdue.ANSWER if on > answer_due(panel, recommendation) else None
    late = answer.accepted and answer.deadline is not None and on > answer.deadline
    finished = tracked is not None and tracked.status in FINISHED
    return Overdue.IMPLEMENTATION if late and not finished else None


@dataclass
class Item:
    """A recommendation as "What the council did" and the staff list show it."""

    recommendation: Recommendation
    answer: RecommendationAnswer | None
    tracking: ProjectTracking | None
    milestones: list[ProjectMilestone] = field(default_factory=list)
    due: date | None = None
    overdue: str | None = None


def items(panel: Panel, on: date) -> list[Item]:
    recommendations = answerable(panel)
    ids = [r.id for r in recommendations]
    answers = answers_of(ids)
    trackings = tracking.tracking_of("recommendation", ids)
    milestones = tracking.milestones_of("recommendation", ids)
    return [
        Item(
            recommendation=r,
            answer=answers.get(r.id),
            tracking=trackings.get(r.id),
            milestones=milestones.get(r.id, []),
            due=answer_due(panel, r),
            overdue=overdue(panel, r, answers.get(r.id), trackings.get(r.id), on),
        )
        for r in recommendations
    ]


def council_items(process: Process, on: date) -> list[tuple[Panel, list[Item]]]:
    """Every panel of the process that has published recommendations, with them."""
    found = []
    for panel in panels_of(process):
        listed = items(panel, on)
        if listed:
            found.append((panel, listed))
    return found


@dataclass(frozen=True)
class AnswerInput:
    decision: str
    reasons: str
    deadline: date | None


def _clean(data: AnswerInput) -> AnswerInput:
    if data.decision not in {d.value for d in Decision}:
        raise ValidationFailed(_("Choose the council's decision."))
    reasons = data.reasons.strip()
    if not reasons:
        raise ValidationFailed(_("Give the council's reasons."))
    if len(reasons) > MAX_REASONS:
        raise ValidationFailed(_("Keep the reasons under %(n)d characters.", n=MAX_REASONS))
    if data.decision != Decision.NOT_ACCEPTED.value and data.deadline is None:
        raise ValidationFailed(_("Give the date by which the council will have done what it accepted."))
    if data.deadline is not None and not date(2000, 1, 1) <= data.deadline <= date(2100, 12, 31):
        raise ValidationFailed(_("Give a date between 2000 and 2100."))
    return AnswerInput(data.decision, reasons, data.deadline)


def answer(
    actor: User | None, panel: Panel, recommendation: Recommendation, data: AnswerInput
) -> RecommendationAnswer:
    """Answers the recommendation, or revises the answer. The process's followers hear of a new answer
    and of a changed decision."""
    require_answerer(actor, panel)
    assert actor is not None
    recommendation = answerable_one(panel, recommendation.id)
    data = _clean(data)
    existing = answers_of([recommendation.id]).get(recommendation.id)
    changed = existing is None or existing.decision != data.decision
    row = existing or RecommendationAnswer(
        recommendation_id=recommendation.id,
        decision=data.decision,
        reasons=data.reasons,
        deadline=data.deadline,
    )
    if existing is None and not add_unique(row):
        # answered a moment ago in another tab: this one revises that answer
        row = answers_of([recommendation.id])[recommendation.id]
        changed = row.decision != data.decision
        existing = row
    row.decision, row.reasons, row.deadline = data.decision, data.reasons, data.deadline
    row.answered_by_id, row.updated_at = actor.id, utcnow()
    record_on_panel(
        "panel.recommendation_answered" if existing is None else "panel.answer_revised",
        actor,
        panel,
        recommendation_id=recommendation.id,
        decision=data.decision,
        deadline=data.deadline.isoformat() if data.deadline else None,
        reasons=data.reasons,
    )
    db.session.flush()
    if changed:
        publish(
            "panel.recommendation_answered",
            process=panel.process,
            title=recommendation.title,
            decision=data.decision,
            actor=actor,
            url=site_path("results.council", slug=panel.process.slug)
            + f"#recommendation-{recommendation.id}",
        )
    return row


def set_answers_due(actor: User | None, panel: Panel, due: date | None) -> None:
    require_answerer(actor, panel)
    if due is not None and not date(2000, 1, 1) <= due <= date(2100, 12, 31):
        raise ValidationFailed(_("Give a date between 2000 and 2100."))
    panel.answers_due = due
    record_on_panel("panel.answers_due", actor, panel, due=due.isoformat() if due else None)
    db.session.flush()


def _tracked(panel: Panel, recommendation: Recommendation) -> tracking.Tracked:
    found = answers_of([recommendation.id]).get(recommendation.id)
    if found is None or not found.accepted:
        raise ValidationFailed(
            _("Track a recommendation once the council has accepted it, in whole or in part.")
        )
    return tracking.Tracked("recommendation", recommendation.id)


def set_tracking(
    actor: User | None, panel: Panel, recommendation: Recommendation, data: tracking.TrackingInput
) -> ProjectTracking:
    require_answerer(actor, panel)
    assert actor is not None
    return tracking.set_tracking(actor, _tracked(panel, recommendation), data)


def add_milestone(
    actor: User | None, panel: Panel, recommendation: Recommendation, on: date, text: str
) -> ProjectMilestone:
    require_answerer(actor, panel)
    assert actor is not None
    return tracking.add_milestone(actor, _tracked(panel, recommendation), on, text)


def delete_milestone(
    actor: User | None, panel: Panel, recommendation: Recommendation, milestone_id: int
) -> None:
    require_answerer(actor, panel)
    assert actor is not None
    tracking.delete_milestone(actor, tracking.Tracked("recommendation", recommendation.id), milestone_id)


def response_document(recommendation: Recommendation) -> dict[str, Any] | None:
    """The council's response as the API shows it (None before the council answered)."""
    found = answers_of([recommendation.id]).get(recommendation.id)
    if found is None:
        return None
    tracked = tracking.tracking_of("recommendation", [recommendation.id]).get(recommendation.id)
    document = tracking.document(tracked, [])
    return {
        "decision": found.decision,
        "reasons": found.reasons,
        "deadline": found.deadline.isoformat() if found.deadline else None,
        "status": document["status"],
        "progress": document["progress"],
    }


def decision_label(decision: str) -> str:
    return str(DECISION_LABELS[Decision(decision)])


def council_part(process: Process, actor: Any, on: date) -> dict[str, Any]:
    """The panels' part of "What the council did" (results.views.add_council_part)."""
    return {
        "panels": [(p, listed) for p, listed in council_items(process, on) if policy.can_view_panel(actor, p)]
    }

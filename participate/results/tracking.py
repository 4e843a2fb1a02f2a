"""The accountability tracking, for anything the council follows up: a funded proposal, or a citizens'
panel's recommendation it answered. One status, one progress, dated milestones, the same audit actions.

Callers check who may act (results.policy.can_manage_results) and hand over a `Tracked`; the panels name
their recommendations as Tracked("recommendation", id) without this module knowing about panels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.audit.services import record
from participate.core.clock import utcnow
from participate.core.errors import Conflict, ValidationFailed
from participate.core.locks import take_turns
from participate.extensions import db
from participate.results.models import ProjectMilestone, ProjectTracking, TrackingStatus

KINDS = ("proposal", "recommendation")


@dataclass(frozen=True)
class Tracked:
    kind: str  # one of KINDS
    id: int


@dataclass(frozen=True)
class TrackingInput:
    status: str
    progress: int


def _column(model: Any, kind: str) -> Any:
    if kind not in KINDS:
        raise ValueError(kind)
    return getattr(model, f"{kind}_id")


def tracking_of(kind: str, ids: list[int]) -> dict[int, ProjectTracking]:
    column = _column(ProjectTracking, kind)
    if not ids:
        return {}
    rows = db.session.execute(select(ProjectTracking).where(column.in_(ids))).scalars()
    return {getattr(t, f"{kind}_id"): t for t in rows}


def milestones_of(kind: str, ids: list[int]) -> dict[int, list[ProjectMilestone]]:
    column = _column(ProjectMilestone, kind)
    found: dict[int, list[ProjectMilestone]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(
            select(ProjectMilestone).where(column.in_(ids)).order_by(ProjectMilestone.on, ProjectMilestone.id)
        ).scalars()
        for milestone in rows:
            found[getattr(milestone, f"{kind}_id")].append(milestone)
    return found


def subject_of(milestone: ProjectMilestone) -> Tracked:
    if milestone.proposal_id is not None:
        return Tracked("proposal", milestone.proposal_id)
    assert milestone.recommendation_id is not None
    return Tracked("recommendation", milestone.recommendation_id)


def set_tracking(actor: User, subject: Tracked, data: TrackingInput) -> ProjectTracking:
    if data.status not in {s.value for s in TrackingStatus}:
        raise ValidationFailed(_("Choose one of the statuses."))
    if not 0 <= data.progress <= 100:
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."))
    take_turns(f"{subject.kind} tracking", subject.id)  # two first saves at once would both add the row
    tracking = tracking_of(subject.kind, [subject.id]).get(subject.id)
    if tracking is None:
        tracking = ProjectTracking(**{f"{subject.kind}_id": subject.id})
        db.session.add(tracking)
    tracking.status, tracking.progress, tracking.updated_at = data.status, data.progress, utcnow()
    record(
        "results.tracking_updated",
        actor=actor,
        subject_type=subject.kind,
        subject_id=subject.id,
        data={"status": data.status, "progress": data.progress},
    )
    db.session.flush()
    return tracking


def add_milestone(actor: User, subject: Tracked, on: date, text: str) -> ProjectMilestone:
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Say what happened."))
    if len(text) > 500:
        raise ValidationFailed(_("Keep a milestone under 500 characters."))
    if not date(2000, 1, 1) <= on <= date(2100, 12, 31):
        raise ValidationFailed(_("Give a date between 2000 and 2100."))
    milestone = ProjectMilestone(**{f"{subject.kind}_id": subject.id}, on=on, text=text)
    db.session.add(milestone)
    record(
        "results.milestone_added",
        actor=actor,
        subject_type=subject.kind,
        subject_id=subject.id,
        data={"on": on.isoformat(), "text": text},
    )
    db.session.flush()
    return milestone


def milestone_of(subject: Tracked, milestone_id: int) -> ProjectMilestone:
    """One of the subject's milestones; a milestone gone (deleted from another page) or of another
    subject is refused with a message for the subject's page."""
    milestone = db.session.get(ProjectMilestone, milestone_id)
    if milestone is None or subject_of(milestone) != subject:
        raise Conflict(_("This milestone is no longer here: it may have been deleted already."))
    return milestone


def delete_milestone(actor: User, subject: Tracked, milestone_id: int) -> None:
    take_turns(f"{subject.kind} tracking", subject.id)  # of two deletes at once, the second finds it gone
    milestone = milestone_of(subject, milestone_id)
    record(
        "results.milestone_deleted",
        actor=actor,
        subject_type=subject.kind,
        subject_id=subject.id,
        data={"on": milestone.on.isoformat(), "text": milestone.text},
    )
    db.session.delete(milestone)
    db.session.flush()


def document(tracking: ProjectTracking | None, milestones: list[ProjectMilestone]) -> dict[str, Any]:
    """The tracking as the API and the downloads show it ("planned" until staff say otherwise)."""
    return {
        "status": tracking.status if tracking else TrackingStatus.PLANNED.value,
        "progress": tracking.progress if tracking else 0,
        "milestones": [{"date": m.on.isoformat(), "text": m.text} for m in milestones],
    }

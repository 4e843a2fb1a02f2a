"""Members draft recommendations and amend them; every text a recommendation had is kept as a numbered
version with who wrote it and why. A recommendation can be amended while it is a draft, or after a round
that did not adopt it (it goes back to being a draft); an adopted one is final. Members who disagree
attach minority statements to a decided recommendation until the report is published."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.panels import workspace_policy
from participate.panels.models import Panel
from participate.panels.recommendation_models import (
    DECIDED,
    MinorityStatement,
    Recommendation,
    RecommendationStatus,
    RecommendationVersion,
)
from participate.panels.setup import record_on_panel

TITLE_MAX = 200
TEXT_MAX = 20_000
NOTE_MAX = 500
STATEMENT_MAX = 5_000
AMENDABLE = frozenset({RecommendationStatus.DRAFT, RecommendationStatus.NOT_ADOPTED})


@dataclass(frozen=True)
class RecommendationInput:
    title: str
    text: str
    note: str = ""


def require_workspace(actor: User | None, panel: Panel) -> User:
    if actor is None or not workspace_policy.can_use_workspace(actor, panel):
        raise PermissionDenied(_("Only the panel's members and facilitators may do this."))
    return actor


def recommendations_of(panel: Panel, *, published: bool = False) -> list[Recommendation]:
    query = select(Recommendation).where(Recommendation.panel_id == panel.id)
    if published:
        query = query.where(Recommendation.published_at.is_not(None))
    return list(db.session.execute(query.order_by(Recommendation.id)).scalars())


def find(panel: Panel, recommendation_id: int) -> Recommendation | None:
    found = db.session.get(Recommendation, recommendation_id)
    return found if found is not None and found.panel_id == panel.id else None


def versions_of(recommendation: Recommendation) -> list[RecommendationVersion]:
    return list(
        db.session.execute(
            select(RecommendationVersion)
            .where(RecommendationVersion.recommendation_id == recommendation.id)
            .order_by(RecommendationVersion.number.desc())
        ).scalars()
    )


def _clean(data: RecommendationInput) -> tuple[str, str, str]:
    title, text, note = data.title.strip(), data.text.strip(), data.note.strip()
    if not title or not text:
        raise ValidationFailed(_("A recommendation needs a title and a text."))
    if len(title) > TITLE_MAX or len(text) > TEXT_MAX or len(note) > NOTE_MAX:
        raise ValidationFailed(
            _(
                "Keep the title under %(title)s characters, the text under %(text)s and the note under %(note)s.",
                title=TITLE_MAX,
                text=f"{TEXT_MAX:,}",
                note=NOTE_MAX,
            )
        )
    return title, text, note


def draft(actor: User | None, panel: Panel, data: RecommendationInput) -> Recommendation:
    author = require_workspace(actor, panel)
    title, text, note = _clean(data)
    recommendation = Recommendation(panel_id=panel.id, title=title, text=text, author_id=author.id, version=1)
    db.session.add(recommendation)
    db.session.flush()
    db.session.add(
        RecommendationVersion(
            recommendation_id=recommendation.id,
            number=1,
            title=title,
            text=text,
            author_id=author.id,
            note=note,
        )
    )
    db.session.flush()
    record_on_panel("panel.recommendation_drafted", author, panel, recommendation_id=recommendation.id)
    return recommendation


def amend(
    actor: User | None, panel: Panel, recommendation: Recommendation, data: RecommendationInput
) -> Recommendation:
    author = require_workspace(actor, panel)
    if RecommendationStatus(recommendation.status) not in AMENDABLE or recommendation.is_published:
        raise IllegalTransition(
            _("Only a draft, or a recommendation the panel did not adopt, can be amended.")
        )
    title, text, note = _clean(data)
    if (title, text) == (recommendation.title, recommendation.text):
        raise ValidationFailed(_("Nothing changed: edit the title or the text."))
    recommendation.version += 1
    recommendation.title, recommendation.text = title, text
    recommendation.status = RecommendationStatus.DRAFT.value
    db.session.add(
        RecommendationVersion(
            recommendation_id=recommendation.id,
            number=recommendation.version,
            title=title,
            text=text,
            author_id=author.id,
            note=note,
        )
    )
    db.session.flush()
    record_on_panel(
        "panel.recommendation_amended",
        author,
        panel,
        recommendation_id=recommendation.id,
        version=recommendation.version,
    )
    return recommendation


def withdraw(actor: User | None, panel: Panel, recommendation: Recommendation) -> None:
    author = require_workspace(actor, panel)
    if RecommendationStatus(recommendation.status) not in AMENDABLE or recommendation.is_published:
        raise IllegalTransition(
            _("Only a draft, or a recommendation the panel did not adopt, can be withdrawn.")
        )
    recommendation.status = RecommendationStatus.WITHDRAWN.value
    db.session.flush()
    record_on_panel("panel.recommendation_withdrawn", author, panel, recommendation_id=recommendation.id)


def add_minority_statement(
    actor: User | None, panel: Panel, recommendation: Recommendation, text: str
) -> MinorityStatement:
    if actor is None or not workspace_policy.is_member(actor, panel):
        raise PermissionDenied(_("Only the panel's members may add a minority statement."))
    if RecommendationStatus(recommendation.status) not in DECIDED or recommendation.is_published:
        raise IllegalTransition(
            _("A minority statement can be added after the support round, until the report is published.")
        )
    text = text.strip()
    if not text or len(text) > STATEMENT_MAX:
        raise ValidationFailed(
            _("Write the statement in at most %(count)s characters.", count=f"{STATEMENT_MAX:,}")
        )
    statement = MinorityStatement(recommendation_id=recommendation.id, author_id=actor.id, text=text)
    db.session.add(statement)
    db.session.flush()
    db.session.expire(recommendation, ["minority_statements"])
    record_on_panel("panel.minority_statement", actor, panel, recommendation_id=recommendation.id)
    return statement

"""Support rounds: facilitators open a round on the drafts they choose, each member gives each
recommendation a support level once per round (a second answer replaces the first while the round is
open; the database holds one row per member, recommendation and round), and closing the round counts.

The rule (docs/panels.md): a recommendation is adopted when the members who chose "support" or "can live
with it" are at least the round's threshold of the members who voted on it (with the default 80%: four
fifths). Members who did not vote are counted as abstaining and do not count either way; a
recommendation nobody voted on is not adopted. The threshold is fixed when the round opens.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from participate.accounts.models import User
from participate.core.clock import utcnow
from participate.core.errors import Conflict, IllegalTransition, PermissionDenied, ValidationFailed
from participate.core.locks import take_turns
from participate.core.unique import add_unique
from participate.extensions import db
from participate.panels import members, workspace_policy
from participate.panels.models import Panel
from participate.panels.recommendation_models import (
    Recommendation,
    RecommendationStatus,
    RoundItem,
    SupportLevel,
    SupportRound,
    SupportVote,
)
from participate.panels.recommendations import AMENDABLE, recommendations_of
from participate.panels.setup import record_on_panel, require_manager

DEFAULT_THRESHOLD = 80
ROUNDS = "panel support rounds"  # the lock that opening, voting, closing and publishing take turns on


def is_adopted(support: int, can_live_with: int, oppose: int, threshold_percent: int) -> bool:
    """Whole numbers only, so that exactly four fifths reaches 80%."""
    cast = support + can_live_with + oppose
    return cast > 0 and (support + can_live_with) * 100 >= threshold_percent * cast


def open_round_of(panel: Panel) -> SupportRound | None:
    return db.session.scalar(
        select(SupportRound).where(SupportRound.panel_id == panel.id, SupportRound.closed_at.is_(None))
    )


def rounds_of(panel: Panel) -> list[SupportRound]:
    return list(
        db.session.execute(
            select(SupportRound).where(SupportRound.panel_id == panel.id).order_by(SupportRound.number)
        ).scalars()
    )


def open_round(
    actor: User | None, panel: Panel, recommendation_ids: list[int], threshold_percent: int
) -> SupportRound:
    require_manager(actor, panel)
    if not 50 <= threshold_percent <= 100:
        raise ValidationFailed(_("The threshold is a percentage between 50 and 100."))
    take_turns(ROUNDS, panel.id)
    if open_round_of(panel) is not None:
        raise Conflict(_("A support round is already open. Close it before opening another."))
    chosen = [
        r
        for r in db.session.execute(
            select(Recommendation).where(
                Recommendation.panel_id == panel.id, Recommendation.id.in_(recommendation_ids or [0])
            )
        ).scalars()
        if RecommendationStatus(r.status) in AMENDABLE and not r.is_published
    ]
    if not chosen or len(chosen) != len(set(recommendation_ids)):
        raise ValidationFailed(_("Choose at least one recommendation that is a draft."))
    number = (
        db.session.scalar(select(func.max(SupportRound.number)).where(SupportRound.panel_id == panel.id)) or 0
    ) + 1
    support_round = SupportRound(
        panel_id=panel.id,
        number=number,
        threshold_percent=threshold_percent,
        opened_by_id=actor.id if actor else None,
    )
    db.session.add(support_round)
    db.session.flush()
    for recommendation in chosen:
        recommendation.status = RecommendationStatus.IN_VOTE.value
        db.session.add(
            RoundItem(
                round_id=support_round.id, recommendation_id=recommendation.id, version=recommendation.version
            )
        )
    db.session.flush()
    record_on_panel(
        "panel.round_opened",
        actor,
        panel,
        round=number,
        threshold_percent=threshold_percent,
        recommendations=[r.id for r in chosen],
    )
    return support_round


def _item(support_round: SupportRound, recommendation: Recommendation) -> RoundItem | None:
    return db.session.scalar(
        select(RoundItem).where(
            RoundItem.round_id == support_round.id, RoundItem.recommendation_id == recommendation.id
        )
    )


def cast_vote(actor: User | None, panel: Panel, recommendation: Recommendation, level: str) -> SupportVote:
    member = workspace_policy.membership(actor, panel)
    if member is None:
        raise PermissionDenied(_("Only the panel's members vote on its recommendations."))
    if level not in set(SupportLevel):
        raise ValidationFailed(_("Choose support, can live with it, or oppose."))
    # Votes take turns with the close (which counts), never with each other.
    take_turns(ROUNDS, panel.id, shared=True)
    support_round = open_round_of(panel)
    if support_round is None or _item(support_round, recommendation) is None:
        raise IllegalTransition(_("This recommendation is not in an open support round."))
    vote = SupportVote(
        round_id=support_round.id, recommendation_id=recommendation.id, member_id=member.id, level=level
    )
    if not add_unique(vote):  # this member already answered, perhaps a moment ago: the new answer replaces it
        vote = db.session.execute(
            select(SupportVote).where(
                SupportVote.round_id == support_round.id,
                SupportVote.recommendation_id == recommendation.id,
                SupportVote.member_id == member.id,
            )
        ).scalar_one()
        vote.level, vote.cast_at = level, utcnow()
        db.session.flush()
    # The audit log says that a member voted, never how.
    record_on_panel(
        "panel.support_vote", actor, panel, recommendation_id=recommendation.id, round=support_round.number
    )
    return vote


def my_votes(actor: User | None, panel: Panel, support_round: SupportRound | None) -> dict[int, str]:
    member = workspace_policy.membership(actor, panel)
    if member is None or support_round is None:
        return {}
    rows = db.session.execute(
        select(SupportVote.recommendation_id, SupportVote.level).where(
            SupportVote.round_id == support_round.id, SupportVote.member_id == member.id
        )
    )
    return {key: value for key, value in rows}  # noqa: C416 - rows are Row objects, not pairs


def votes_cast(support_round: SupportRound) -> dict[int, int]:
    """How many members answered on each recommendation so far (a count, never who or how)."""
    rows = db.session.execute(
        select(SupportVote.recommendation_id, func.count())
        .where(SupportVote.round_id == support_round.id)
        .group_by(SupportVote.recommendation_id)
    )
    return {key: value for key, value in rows}  # noqa: C416 - rows are Row objects, not pairs


def close_round(actor: User | None, panel: Panel) -> SupportRound:
    require_manager(actor, panel)
    take_turns(ROUNDS, panel.id)
    support_round = open_round_of(panel)
    if support_round is None:
        raise IllegalTransition(_("No support round is open."))
    voters = {member.id for member in members.active_members(panel)}
    for item in support_round.items:
        votes = list(
            db.session.execute(
                select(SupportVote.member_id, SupportVote.level).where(
                    SupportVote.round_id == support_round.id,
                    SupportVote.recommendation_id == item.recommendation_id,
                )
            )
        )
        levels = Counter(level for _member, level in votes)
        item.support = levels[SupportLevel.SUPPORT.value]
        item.can_live_with = levels[SupportLevel.CAN_LIVE_WITH.value]
        item.oppose = levels[SupportLevel.OPPOSE.value]
        item.abstain = len(voters - {member_id for member_id, _level in votes})
        item.adopted = is_adopted(
            item.support, item.can_live_with, item.oppose, support_round.threshold_percent
        )
        item.recommendation.status = (
            RecommendationStatus.ADOPTED if item.adopted else RecommendationStatus.NOT_ADOPTED
        ).value
    support_round.closed_at, support_round.closed_by_id = utcnow(), actor.id if actor else None
    db.session.flush()
    record_on_panel(
        "panel.round_closed",
        actor,
        panel,
        round=support_round.number,
        adopted=[item.recommendation_id for item in support_round.items if item.adopted],
    )
    return support_round


def publish_report(actor: User | None, panel: Panel) -> int:
    """Every decided recommendation not yet public becomes public, with its last round's counts."""
    require_manager(actor, panel)
    take_turns(ROUNDS, panel.id)
    if open_round_of(panel) is not None:
        raise IllegalTransition(_("Close the support round before publishing the report."))
    now = utcnow()
    decided = list(
        db.session.execute(
            select(Recommendation).where(
                Recommendation.panel_id == panel.id,
                Recommendation.published_at.is_(None),
                Recommendation.status.in_(
                    [RecommendationStatus.ADOPTED.value, RecommendationStatus.NOT_ADOPTED.value]
                ),
            )
        ).scalars()
    )
    if not decided:
        raise IllegalTransition(_("There is no decided recommendation left to publish."))
    for recommendation in decided:
        recommendation.published_at = now
    db.session.flush()
    record_on_panel("panel.report_published", actor, panel, recommendations=[r.id for r in decided])
    return len(decided)


# --- the published report ------------------------------------------------------------------------


def last_result(recommendation: Recommendation) -> RoundItem | None:
    """The counts of the last closed round the recommendation was in."""
    return db.session.scalar(
        select(RoundItem)
        .join(SupportRound, SupportRound.id == RoundItem.round_id)
        .where(RoundItem.recommendation_id == recommendation.id, SupportRound.closed_at.is_not(None))
        .order_by(SupportRound.number.desc())
        .limit(1)
    )


ResponseProvider = Callable[[Recommendation], "dict[str, Any] | None"]
_response_provider: list[ResponseProvider] = []


def provide_responses(provider: ResponseProvider) -> None:
    """The council's answers (another part of the product) register here how to find one."""
    _response_provider[:] = [provider]


def response_for(recommendation: Recommendation) -> dict[str, Any] | None:
    """The council's published answer to a recommendation, or None while there is none."""
    return _response_provider[0](recommendation) if _response_provider else None


@dataclass(frozen=True)
class ReportEntry:
    recommendation: Recommendation
    result: RoundItem | None
    threshold_percent: int | None

    @property
    def support(self) -> dict[str, int]:
        item = self.result
        if item is None:
            return {"support": 0, "can_live_with": 0, "oppose": 0, "abstain": 0}
        return {
            "support": item.support,
            "can_live_with": item.can_live_with,
            "oppose": item.oppose,
            "abstain": item.abstain,
        }

    @property
    def total(self) -> int:
        return sum(self.support.values())


def has_report(panel: Panel) -> bool:
    return (
        db.session.scalar(
            select(Recommendation.id)
            .where(Recommendation.panel_id == panel.id, Recommendation.published_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def report(panel: Panel) -> list[ReportEntry]:
    entries = []
    for recommendation in recommendations_of(panel, published=True):
        item = last_result(recommendation)
        entries.append(ReportEntry(recommendation, item, item.round.threshold_percent if item else None))
    return entries


def recommendation_document(entry: ReportEntry) -> dict[str, Any]:
    """One recommendation in the API, with exactly the public fields."""
    recommendation = entry.recommendation
    return {
        "id": recommendation.id,
        "title": recommendation.title,
        "text": recommendation.text,
        "support": entry.support,
        "adopted": recommendation.adopted,
        "response": response_for(recommendation),
    }

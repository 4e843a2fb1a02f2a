"""Proposal use cases: submit, edit, withdraw, support, review, browse. They flush, never commit."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import BigInteger, Select, cast, delete, func, select, update

from participate.accounts.models import User
from participate.audit.services import record, record_on_process
from participate.core.after_commit import after_commit
from participate.core.clock import today, utcnow
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.locks import locked, take_turns
from participate.core.numbers import row_by_id
from participate.core.pagination import Page, paginate
from participate.core.unique import add_unique
from participate.extensions import db
from participate.processes.models import Process
from participate.processes.services import configure_in_turn
from participate.proposals import policy, search
from participate.proposals.images import prepare_image, save_image
from participate.proposals.models import (
    PUBLIC_STATUSES,
    Category,
    Follow,
    Proposal,
    ProposalSettings,
    ProposalStatus,
    Support,
)

MAX_CATEGORIES = 30
# Drafts one person may keep in a process: plenty for real work, and a bound on what a script can store.
MAX_DRAFTS_PER_PERSON = 10


@dataclass(frozen=True)
class ProposalInput:
    title: str
    summary: str
    description: str
    cost_minor: int
    district_id: int | None = None
    category_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    image: bytes | None = None
    address: str = ""


def _refuse_unless(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _check(process: Process, data: ProposalInput) -> None:
    if not data.title.strip():
        raise ValidationFailed(_("A proposal needs a title."))
    district = next((d for d in process.districts if d.id == data.district_id), None)
    if data.district_id is not None and district is None:
        raise ValidationFailed(_("Choose one of this process's districts."))
    if data.category_id is not None and data.category_id not in {c.id for c in categories(process)}:
        raise ValidationFailed(_("Choose one of this process's categories."))
    ceiling = district.budget_minor if district else process.budget_minor
    if data.cost_minor > ceiling:
        raise ValidationFailed(_("The cost is more than the budget it would come from."))
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."))


def _apply(actor: User, proposal: Proposal, data: ProposalInput, image_folder: Path) -> None:
    proposal.title = data.title.strip()
    proposal.summary = data.summary.strip()
    proposal.description = data.description
    proposal.cost_minor = data.cost_minor
    proposal.district_id = data.district_id
    proposal.category_id = data.category_id
    proposal.latitude, proposal.longitude = data.latitude, data.longitude
    proposal.address = data.address.strip()[:200]
    if data.image:
        name, jpeg = prepare_image(data.image, person_id=actor.id)
        proposal.image_filename = name
        after_commit(save_image, image_folder, name, jpeg)


def create_proposal(
    actor: User,
    process: Process,
    data: ProposalInput,
    *,
    publish_now: bool,
    image_folder: Path,
    on: date | None = None,
) -> Proposal:
    _refuse_unless(policy.submit_refusal(actor, process, on or today()))
    _check(process, data)
    if not publish_now:
        _refuse_beyond_draft_limit(actor, process)
    proposal = Proposal(process=process, author_id=actor.id, language=process.language)
    _apply(actor, proposal, data, image_folder)
    db.session.add(proposal)
    db.session.flush()
    if publish_now:
        _publish(proposal)
    search.index_proposal(proposal)
    db.session.add(Follow(proposal_id=proposal.id, user_id=actor.id))
    db.session.flush()
    return proposal


def _refuse_beyond_draft_limit(actor: User, process: Process) -> None:
    # Counted, then a row is added: two requests at once could both pass the count.
    take_turns(f"drafts in process {process.id}", actor.id)
    drafts = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(
            Proposal.process_id == process.id,
            Proposal.author_id == actor.id,
            Proposal.status == ProposalStatus.DRAFT.value,
        )
    )
    if (drafts or 0) >= MAX_DRAFTS_PER_PERSON:
        raise ValidationFailed(
            _(
                "You already have %(count)d drafts in this process, the most one person can keep. Publish "
                "or withdraw one of them before saving another.",
                count=MAX_DRAFTS_PER_PERSON,
            )
        )


def _publish(proposal: Proposal) -> None:
    proposal.status = ProposalStatus.SUBMITTED.value
    proposal.published_at = utcnow()
    db.session.flush()


def update_proposal(
    actor: User,
    proposal: Proposal,
    data: ProposalInput,
    *,
    publish_now: bool,
    image_folder: Path,
    on: date | None = None,
) -> Proposal:
    _refuse_unless(policy.edit_refusal(actor, proposal, on or today()))
    _check(proposal.process, data)
    _apply(actor, proposal, data, image_folder)
    if publish_now and proposal.status == ProposalStatus.DRAFT:
        _publish(proposal)
    db.session.flush()
    search.index_proposal(proposal)
    return proposal


def publish_draft(actor: User, proposal: Proposal, on: date | None = None) -> Proposal:
    """Publish a draft as it was saved, with the same checks as the form's Publish button."""
    _refuse_unless(policy.edit_refusal(actor, proposal, on or today()))
    if proposal.status != ProposalStatus.DRAFT:
        raise Conflict(_("This proposal is already published."))
    _check(
        proposal.process,
        ProposalInput(
            title=proposal.title,
            summary=proposal.summary,
            description=proposal.description,
            cost_minor=proposal.cost_minor,
            district_id=proposal.district_id,
            category_id=proposal.category_id,
            latitude=proposal.latitude,
            longitude=proposal.longitude,
        ),
    )
    _publish(proposal)
    search.index_proposal(proposal)
    return proposal


def withdraw_proposal(actor: User, proposal: Proposal, reason: str) -> Proposal:
    if not policy.can_withdraw(actor, proposal):
        raise PermissionDenied(_("Only the author can withdraw an open proposal."))
    proposal.status = ProposalStatus.WITHDRAWN.value
    proposal.withdrawn_reason = reason.strip()[:500]
    db.session.flush()
    record(
        "proposal.withdrawn",
        actor=actor,
        subject_type="proposal",
        subject_id=proposal.id,
        data={"reason": proposal.withdrawn_reason},
    )
    return proposal


def settings_of(process: Process) -> ProposalSettings | None:
    return db.session.execute(
        select(ProposalSettings).where(ProposalSettings.process_id == process.id)
    ).scalar_one_or_none()


def supports_left(actor: User, process: Process) -> int | None:
    settings = settings_of(process)
    if settings is None or settings.supports_per_person is None:
        return None
    given = db.session.scalar(
        select(func.count())
        .select_from(Support)
        .where(Support.user_id == actor.id, Support.process_id == process.id)
    )
    return max(0, settings.supports_per_person - (given or 0))


def has_supported(actor: User | None, proposal: Proposal) -> bool:
    if actor is None:
        return False
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Support)
            .where(Support.user_id == actor.id, Support.proposal_id == proposal.id)
        )
        == 1
    )


def support_proposal(actor: User, proposal: Proposal, on: date | None = None) -> None:
    """One support per person per proposal: the unique constraint decides when two requests race."""
    _refuse_unless(policy.support_refusal(actor, proposal, on or today()))
    # The limit is counted, then a row is added: two requests at once could both pass the count.
    take_turns(f"supports in process {proposal.process_id}", actor.id)
    if has_supported(actor, proposal):
        raise Conflict(_("You already support this proposal."))
    left = supports_left(actor, proposal.process)
    if left == 0:
        raise Conflict(_("You have used all your supports in this process. Withdraw one to support another."))
    locked(proposal)  # before the row is added: the recount then sees every support committed before it
    if not add_unique(Support(proposal_id=proposal.id, user_id=actor.id, process_id=proposal.process_id)):
        raise Conflict(_("You already support this proposal."))
    _recount_supports(proposal)


def withdraw_support(actor: User, proposal: Proposal, on: date | None = None) -> None:
    _refuse_unless(policy.support_refusal(actor, proposal, on or today()))
    locked(proposal)
    removed = db.session.execute(
        delete(Support).where(Support.user_id == actor.id, Support.proposal_id == proposal.id)
    )
    if not getattr(removed, "rowcount", 0):
        raise Conflict(_("You do not support this proposal."))
    _recount_supports(proposal)


def _recount_supports(proposal: Proposal) -> None:
    # Counted from the rows, not incremented, under the proposal's row lock (`locked`, taken by the callers):
    # two requests at once cannot leave a wrong total.
    count = (
        select(func.count()).select_from(Support).where(Support.proposal_id == proposal.id).scalar_subquery()
    )
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(support_count=count))
    db.session.refresh(proposal, ["support_count"])


def follow_proposal(actor: User, proposal: Proposal, following: bool) -> None:
    if following:
        add_unique(Follow(proposal_id=proposal.id, user_id=actor.id))  # already following: so be it
    else:
        db.session.execute(
            delete(Follow).where(Follow.user_id == actor.id, Follow.proposal_id == proposal.id)
        )


def is_following(actor: User | None, proposal: Proposal) -> bool:
    if actor is None:
        return False
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Follow)
            .where(Follow.user_id == actor.id, Follow.proposal_id == proposal.id)
        )
    )


# Review by staff and reviewers ------------------------------------------------------------------------

DECISIONS = (
    ProposalStatus.UNDER_REVIEW,
    ProposalStatus.FEASIBLE,
    ProposalStatus.NOT_FEASIBLE,
    ProposalStatus.MERGED,
)


@dataclass(frozen=True)
class Decision:
    status: ProposalStatus
    answer: str = ""
    adjusted_cost_minor: int | None = None
    merged_into_id: int | None = None


def review_proposal(actor: User, proposal: Proposal, decision: Decision) -> Proposal:
    if not policy.can_review(actor, proposal):
        raise PermissionDenied(_("Only council staff and this process's reviewers can review proposals."))
    if proposal.status in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, ProposalStatus.MERGED):
        raise Conflict(
            _("This proposal is %(status)s and cannot be reviewed.", status=proposal.status_label.lower())
        )
    if decision.status not in DECISIONS:
        raise ValidationFailed(_("Choose a decision."))
    if decision.status is ProposalStatus.NOT_FEASIBLE and not decision.answer.strip():
        raise ValidationFailed(_("Say why the proposal is not feasible: the author and the public read it."))
    target = None
    if decision.status is ProposalStatus.MERGED:
        target = db.session.get(Proposal, decision.merged_into_id) if decision.merged_into_id else None
        if target is None or target.process_id != proposal.process_id or target.id == proposal.id:
            raise ValidationFailed(_("Choose another proposal of the same process to merge into."))
        if target.status not in PUBLIC_STATUSES or target.status in (
            ProposalStatus.MERGED,
            ProposalStatus.WITHDRAWN,
        ):
            raise ValidationFailed(_("A proposal can only be merged into an open one."))
    before = proposal.status
    proposal.status = decision.status.value
    proposal.answer = decision.answer.strip()
    proposal.answered_at = utcnow()
    if decision.adjusted_cost_minor is not None:
        proposal.adjusted_cost_minor = decision.adjusted_cost_minor
    if target is not None:
        proposal.merged_into_id = target.id
        _move_supporters_and_followers(proposal, target)
    db.session.flush()
    record(
        "proposal.reviewed",
        actor=actor,
        subject_type="proposal",
        subject_id=proposal.id,
        data={
            "from": before,
            "to": proposal.status,
            "answer": proposal.answer,
            "adjusted_cost_minor": proposal.adjusted_cost_minor,
            "merged_into_id": proposal.merged_into_id,
        },
    )
    publish("proposal.answered", proposal=proposal, actor=actor)
    return proposal


def _move_supporters_and_followers(source: Proposal, target: Proposal) -> None:
    """Supporters of a merged proposal support the one it joined (once each); so do its followers. Both
    rows are locked first (in id order, as every support locks its proposal): a support given meanwhile
    is either moved or waits, never added twice."""
    for proposal in sorted((source, target), key=lambda p: p.id):
        locked(proposal)
    for model in (Support, Follow):
        already = select(model.user_id).where(model.proposal_id == target.id)
        moving = (
            db.session.execute(
                select(model.user_id).where(model.proposal_id == source.id, model.user_id.not_in(already))
            )
            .scalars()
            .all()
        )
        extra = {"process_id": target.process_id} if model is Support else {}
        for user_id in moving:
            db.session.add(model(proposal_id=target.id, user_id=user_id, **extra))
        db.session.execute(delete(model).where(model.proposal_id == source.id))
    db.session.flush()
    _recount_supports(source)
    _recount_supports(target)


# Categories and settings --------------------------------------------------------------------------------


def categories(process: Process) -> list[Category]:
    return list(
        db.session.execute(
            select(Category).where(Category.process_id == process.id).order_by(Category.name)
        ).scalars()
    )


def set_proposal_settings(
    actor: User, process: Process, category_names: list[str], supports_per_person: int | None
) -> None:
    from participate.processes import policy as process_policy

    if not process_policy.can_manage(actor, process):
        raise PermissionDenied(_("Only council staff can change how proposals work."))
    configure_in_turn(process)
    names = [name.strip() for name in category_names if name.strip()]
    if len({name.casefold() for name in names}) != len(names):
        raise ValidationFailed(_("Two categories have the same name."))
    if len(names) > MAX_CATEGORIES:
        raise ValidationFailed(_("A process can have at most %(n)d categories.", n=MAX_CATEGORIES))
    existing = {category.name: category for category in categories(process)}
    for name, category in existing.items():
        if name not in names:
            db.session.delete(category)
    for name in names:
        if name not in existing:
            db.session.add(Category(process_id=process.id, name=name))
    settings = settings_of(process) or ProposalSettings(process_id=process.id)
    settings.supports_per_person = supports_per_person
    db.session.add(settings)
    db.session.flush()
    record_on_process(
        "proposal.settings_set",
        actor=actor,
        process_id=process.id,
        data={"categories": names, "supports_per_person": supports_per_person},
    )


# Browsing -----------------------------------------------------------------------------------------------

SORTS = ("newest", "supports", "comments", "random", "relevance")
PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    query: str = ""
    district_id: int | None = None
    category_id: int | None = None
    status: str | None = None
    sort: str = "newest"
    seed: int = 0


def _public(process: Process) -> Select[Any]:
    return select(Proposal).where(
        Proposal.process_id == process.id,
        Proposal.status.in_(PUBLIC_STATUSES),
        Proposal.hidden_at.is_(None),
    )


def browse(process: Process, filters: Filters, page: int = 1) -> Page[Proposal]:
    stmt = _public(process)
    if filters.district_id:
        stmt = stmt.where(Proposal.district_id == filters.district_id)
    if filters.category_id:
        stmt = stmt.where(Proposal.category_id == filters.category_id)
    if filters.status in PUBLIC_STATUSES:
        stmt = stmt.where(Proposal.status == filters.status)
    match = search.matching(filters.query, process.language) if filters.query else None
    if filters.query and match is None:
        return Page([], 1, PER_PAGE, 0)
    rank = None
    if match is not None:
        stmt, rank = match(stmt)
    return paginate(stmt.order_by(*_order(filters, rank)), page, PER_PAGE, key=Proposal.id)


def _order(filters: Filters, rank: Any) -> list[Any]:
    if filters.sort == "relevance" and rank is not None:
        return [rank.desc(), Proposal.id.desc()]
    if filters.sort == "supports":
        return [Proposal.support_count.desc(), Proposal.id.desc()]
    if filters.sort == "comments":
        return [Proposal.comment_count.desc(), Proposal.id.desc()]
    if filters.sort == "random":
        # The same seed gives the same order on every page; a new visitor gets a new seed. 64-bit
        # arithmetic: the product outgrows a 32-bit integer as soon as ids pass a few thousand.
        seeded = random.Random(filters.seed)
        multiplier, offset = seeded.randrange(1, 2**20, 2), seeded.randrange(2**20)
        shuffled = (cast(Proposal.id, BigInteger) * multiplier + offset) % 1_000_003
        return [shuffled.asc(), Proposal.id]
    return [Proposal.published_at.desc(), Proposal.id.desc()]


def browse_public(process: Process, *, page: int, per_page: int) -> Page[Proposal]:
    """The API's listing: oldest first, so pages stay stable while new proposals arrive."""
    return paginate(_public(process).order_by(Proposal.id), page, per_page)


def similar_proposals(process: Process, title: str, limit: int = 5) -> list[Proposal]:
    match = search.matching(title, process.language, any_word=True)
    if match is None:
        return []
    stmt, rank = match(_public(process))
    stmt = stmt.order_by(rank.desc(), Proposal.id.desc()).limit(limit)
    return list(db.session.execute(stmt).scalars())


def public_count(process: Process) -> int:
    return db.session.scalar(select(func.count()).select_from(_public(process).subquery())) or 0


def count_by_status(process: Process) -> dict[str, int]:
    rows = db.session.execute(
        select(Proposal.status, func.count())
        .where(Proposal.process_id == process.id)
        .group_by(Proposal.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


def review_queue(process: Process, status: str | None, page: int = 1) -> Page[Proposal]:
    stmt = select(Proposal).where(
        Proposal.process_id == process.id, Proposal.status != ProposalStatus.DRAFT.value
    )
    if status:
        stmt = stmt.where(Proposal.status == status)
    return paginate(stmt.order_by(Proposal.published_at.asc(), Proposal.id), page, 50)


def find_proposal(proposal_id: int | str) -> Proposal | None:
    return row_by_id(Proposal, proposal_id)

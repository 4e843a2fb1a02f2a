"""Moderation use cases: report, hide, unhide, dismiss, block, unblock. They flush, never commit.

Every moderator action writes an audit entry in the same transaction; reports themselves do not (they
are the reporters' data and go with their accounts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, select, update

from participate.accounts.models import User
from participate.audit.services import record, record_on_process
from participate.core.clock import utcnow
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.core.events import publish
from participate.core.locks import take_turns
from participate.core.pagination import Page, paginate
from participate.core.unique import add_unique
from participate.extensions import db
from participate.moderation import policy
from participate.moderation.models import (
    DEFAULT_HIDE_AFTER,
    REPORT_TEXT_MAX,
    ModerationSettings,
    Report,
    ReportReason,
    Resolution,
)
from participate.moderation.reportables import REPORTABLES, Reportable
from participate.processes.models import Process
from participate.processes.services import configure_in_turn

HIDDEN_REASON_MAX = 500
BLOCKED_REASON_MAX = 500


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not moderate this."))


# Settings ---------------------------------------------------------------------------------------------


def settings_of(process: Process) -> ModerationSettings | None:
    return db.session.execute(
        select(ModerationSettings).where(ModerationSettings.process_id == process.id)
    ).scalar_one_or_none()


def hide_after(process: Process) -> int:
    """Open reports that hide an item automatically; 0 means never."""
    settings = settings_of(process)
    return DEFAULT_HIDE_AFTER if settings is None else settings.hide_after_reports


def set_hide_after(actor: User, process: Process, reports: int) -> ModerationSettings:
    _require(policy.can_change_settings(actor, process))
    configure_in_turn(process)
    if reports < 0:
        raise ValidationFailed(_("Write 0 or a positive number."))
    settings = settings_of(process)
    if settings is None:
        settings = ModerationSettings(process_id=process.id)
        db.session.add(settings)
    settings.hide_after_reports = reports
    db.session.flush()
    record_on_process(
        "moderation.settings_changed",
        actor=actor,
        process_id=process.id,
        data={"hide_after_reports": reports},
    )
    return settings


# Reports ----------------------------------------------------------------------------------------------


def has_reported(actor: User | None, kind: Reportable, item: Any) -> bool:
    if actor is None:
        return False
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.item_type == kind.kind, Report.item_id == item.id, Report.reporter_id == actor.id)
        )
    )


def open_report_count(kind: Reportable, item: Any) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.item_type == kind.kind, Report.item_id == item.id, Report.resolved_at.is_(None))
        )
        or 0
    )


def report_item(actor: User, kind: Reportable, item: Any, reason: str, details: str) -> Report:
    """One report per person per item: the unique constraint decides when two requests race."""
    refusal = policy.report_refusal(actor, kind, item)
    if refusal:
        raise PermissionDenied(refusal)
    details = (details or "").strip()
    if reason not in {r.value for r in ReportReason}:
        raise ValidationFailed(_("Choose why you are reporting this."))
    if reason == ReportReason.OTHER and not details:
        raise ValidationFailed(_("Tell the moderators what is wrong."))
    if len(details) > REPORT_TEXT_MAX:
        raise ValidationFailed(
            _("Write at most %(max)d characters.", max=REPORT_TEXT_MAX)  # the form says so first
        )
    process = kind.process_of(item)
    # Reports are counted after each is added: two at once could both count one too few and neither
    # hide the item.
    take_turns(f"reports on {kind.kind}", item.id)
    already = _("You have already reported this. The moderators will look at it.")
    if has_reported(actor, kind, item):
        raise Conflict(already)
    report = Report(
        item_type=kind.kind,
        item_id=item.id,
        reporter_id=actor.id,
        reason=reason,
        text=details,
        process_id=process.id,
    )
    if not add_unique(report):
        raise Conflict(already)
    publish("content.reported", process=process, item_type=kind.kind, item_id=item.id, url=kind.url(item))
    threshold = hide_after(process)
    open_reports = open_report_count(kind, item)
    if threshold and open_reports >= threshold and not kind.is_hidden(item):
        with force_locale(process.language):  # the public reads it in the process's language
            reason = _("Reported by several people; hidden until a moderator looks at it.")
        _hide(None, kind, item, reason, automatic=True, open_reports=open_reports)
    return report


def _resolve_open_reports(actor: User | None, kind: Reportable, item: Any, resolution: Resolution) -> int:
    result = db.session.execute(
        update(Report)
        .where(Report.item_type == kind.kind, Report.item_id == item.id, Report.resolved_at.is_(None))
        .values(
            resolved_at=utcnow(),
            resolution=resolution.value,
            resolved_by_id=actor.id if actor is not None else None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _hide(actor: User | None, kind: Reportable, item: Any, reason: str, **audit_data: Any) -> None:
    kind.hide(item, reason, actor)
    db.session.flush()
    record(
        "moderation.hidden",
        actor=actor,
        subject_type=kind.kind,
        subject_id=item.id,
        data={"reason": reason, **audit_data},
    )
    publish(
        "content.hidden", author_id=kind.author_id(item), what=kind.kind, reason=reason, url=kind.url(item)
    )


def hide_item(actor: User, kind: Reportable, item: Any, reason: str) -> None:
    """Hide (or confirm an automatic hiding with a moderator's reason) and close the open reports."""
    _require(policy.can_moderate(actor, kind.process_of(item)))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Say why it is hidden: the public sees the reason."))
    if len(reason) > HIDDEN_REASON_MAX:
        raise ValidationFailed(_("Write at most %(max)d characters.", max=HIDDEN_REASON_MAX))
    resolved = _resolve_open_reports(actor, kind, item, Resolution.HIDDEN)
    _hide(actor, kind, item, reason, automatic=False, reports_resolved=resolved)


def unhide_item(actor: User, kind: Reportable, item: Any) -> None:
    """Show the item again; its open reports are closed, so only new reports can hide it again."""
    _require(policy.can_moderate(actor, kind.process_of(item)))
    if not kind.is_hidden(item):
        raise Conflict(_("This is not hidden."))
    kind.unhide(item)
    resolved = _resolve_open_reports(actor, kind, item, Resolution.RESTORED)
    db.session.flush()
    record(
        "moderation.unhidden",
        actor=actor,
        subject_type=kind.kind,
        subject_id=item.id,
        data={"reports_resolved": resolved},
    )


def dismiss_reports(actor: User, kind: Reportable, item: Any) -> int:
    """Nothing wrong: close the open reports and leave the item as it is."""
    _require(policy.can_moderate(actor, kind.process_of(item)))
    resolved = _resolve_open_reports(actor, kind, item, Resolution.DISMISSED)
    if not resolved:
        raise Conflict(_("There are no open reports to dismiss."))
    db.session.flush()
    record(
        "moderation.dismissed",
        actor=actor,
        subject_type=kind.kind,
        subject_id=item.id,
        data={"reports_resolved": resolved},
    )
    return resolved


# Blocking ---------------------------------------------------------------------------------------------


def block_user(actor: User, person: User | None, reason: str) -> User:
    if not policy.can_block(actor):
        raise PermissionDenied(_("Only council staff can block an account."))
    if person is None or not person.is_active:
        raise ValidationFailed(_("This account no longer exists."))
    if person.id == actor.id:
        raise ValidationFailed(_("You cannot block yourself."))
    if policy.can_block(person):
        raise ValidationFailed(_("Council staff cannot be blocked: remove their role first."))
    if person.is_blocked:
        raise Conflict(_("%(name)s is already blocked.", name=person.display_name))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Say why: the person sees the reason when they try to take part."))
    if len(reason) > BLOCKED_REASON_MAX:
        raise ValidationFailed(_("Write at most %(max)d characters.", max=BLOCKED_REASON_MAX))
    person.blocked_at = utcnow()
    person.blocked_reason = reason
    db.session.flush()
    record("user.blocked", actor=actor, subject_type="user", subject_id=person.id, data={"reason": reason})
    return person


def unblock_user(actor: User, person: User | None) -> User:
    if not policy.can_block(actor):
        raise PermissionDenied(_("Only council staff can unblock an account."))
    if person is None:
        raise ValidationFailed(_("This account no longer exists."))
    if not person.is_blocked:
        raise Conflict(_("%(name)s is not blocked.", name=person.display_name))
    person.blocked_at = None
    person.blocked_reason = ""
    db.session.flush()
    record("user.unblocked", actor=actor, subject_type="user", subject_id=person.id)
    return person


def blocked_users(page: int = 1, per_page: int = 50) -> Page[User]:
    return paginate(
        select(User).where(User.blocked_at.is_not(None)).order_by(User.blocked_at.desc()), page, per_page
    )


# The queue --------------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    kind: Reportable
    item_id: int
    item: Any | None  # None when the item was deleted since
    open_reports: int
    total_reports: int
    reports: list[Report] = field(default_factory=list)
    author: User | None = None

    @property
    def key(self) -> str:
        return f"{self.kind.kind}-{self.item_id}"

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        counts = Counter(
            report.reason_label for report in self.reports if report.is_open or not self.open_reports
        )
        return sorted(counts.items(), key=lambda pair: -pair[1])

    @property
    def is_hidden(self) -> bool:
        return self.item is not None and self.kind.is_hidden(self.item)


def queue(process: Process, page: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Reported items of a process, those with open reports first, then the most recently reported."""
    open_count = func.sum(case((Report.resolved_at.is_(None), 1), else_=0))
    grouped = (
        select(Report.item_type, Report.item_id, open_count.label("open"), func.count().label("total"))
        .where(Report.process_id == process.id, Report.item_type.in_(list(REPORTABLES)))
        .group_by(Report.item_type, Report.item_id)
    )
    ordered = grouped.order_by(
        case((open_count > 0, 0), else_=1), func.max(Report.created_at).desc(), Report.item_id
    )
    rows = paginate(ordered, page, per_page, rows=True)
    items = []
    for item_type, item_id, opened, reported in rows.items:
        kind = REPORTABLES[item_type]
        item = kind.load(item_id)
        author_id = kind.author_id(item) if item is not None else None
        items.append(
            QueueItem(
                kind=kind,
                item_id=item_id,
                item=item,
                open_reports=int(opened or 0),
                total_reports=int(reported),
                author=db.session.get(User, author_id) if author_id else None,
            )
        )
    if items:
        reports = db.session.execute(
            select(Report)
            .where(Report.process_id == process.id, Report.item_id.in_([i.item_id for i in items]))
            .order_by(Report.created_at)
        ).scalars()
        by_key = {item.key: item for item in items}
        for report in reports:
            target = by_key.get(f"{report.item_type}-{report.item_id}")
            if target is not None:
                target.reports.append(report)
    return Page(items, rows.number, per_page, rows.total)

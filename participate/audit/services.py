"""Writing and checking the audit chain.

hash = SHA-256(prev_hash || canonical JSON of the entry), where the canonical JSON has sorted keys, no
spaces and UTF-8 text, and holds: action, actor_id, created_at (ISO 8601), data, subject_type, subject_id.
Anyone holding an export of the log can recompute every link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from participate.audit.models import GENESIS_HASH, AuditEntry
from participate.core.clock import utcnow
from participate.core.locks import take_turns
from participate.core.pagination import Page, paginate
from participate.extensions import db


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "action": entry.action,
        "actor_id": entry.actor_id,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
        "data": json.loads(entry.data),
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
    }


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()


def record(action: str, *, actor, subject_type: str, subject_id: Any, data: dict | None = None) -> AuditEntry:
    """Append one entry. Call inside the request's transaction so the action and its record commit together."""
    # Two staff actions at once would both read the same last entry and fork the chain (the unique
    # prev_hash would then refuse one of them): each appender waits for the one before to commit.
    take_turns("audit chain", 0)
    last = db.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=canonical_json(data or {}),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = chain_hash(entry.prev_hash, entry_payload(entry))
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def record_on_process(action: str, *, actor, process_id: Any, data: dict | None = None) -> AuditEntry:
    """`record` for the many actions whose subject is a process."""
    return record(action, actor=actor, subject_type="process", subject_id=process_id, data=data)


def verify_chain(progress: Callable[[float, str], None] | None = None) -> ChainReport:
    total = db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    expected_prev = GENESIS_HASH
    count = 0
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000))
    for entry in entries.scalars():
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count / total, f"{count} / {total}")
        if entry.prev_hash != expected_prev:
            return ChainReport(count, entry.id, "its link to the previous entry is broken")
        if chain_hash(entry.prev_hash, entry_payload(entry)) != entry.hash:
            return ChainReport(count, entry.id, "its content does not match its hash")
        expected_prev = entry.hash
    return ChainReport(count, None, None)


def entries_page(page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    return paginate(select(AuditEntry).order_by(AuditEntry.id.desc()), page, per_page)


SubjectDescriber = Callable[[str], tuple[str, str | None]]
SUBJECTS: dict[str, SubjectDescriber] = {}


def describes(subject_type: str) -> Callable[[SubjectDescriber], SubjectDescriber]:
    """Each domain says how its subjects read in the log: `(name, link or None)` for an id."""

    def register(describe: SubjectDescriber) -> SubjectDescriber:
        SUBJECTS[subject_type] = describe
        return describe

    return register


def describe_subject(entry: AuditEntry) -> tuple[str, str | None]:
    describe = SUBJECTS.get(entry.subject_type)
    if describe is None:
        return f"{entry.subject_type} {entry.subject_id}", None
    return describe(entry.subject_id)

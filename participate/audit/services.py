"""Writing and checking the audit chain.

hash = SHA-256(prev_hash || canonical JSON of the entry), where the canonical JSON has sorted keys, no
spaces and UTF-8 text, and holds: action, actor_id, created_at (ISO 8601), data, subject_type, subject_id.
Anyone holding an export of the log can recompute every link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from participate.audit.models import GENESIS_HASH, AuditEntry
from participate.extensions import db
from participate.timeutil import utcnow


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


def verify_chain() -> ChainReport:
    expected_prev = GENESIS_HASH
    count = 0
    for entry in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.prev_hash != expected_prev:
            return ChainReport(count, entry.id, "its link to the previous entry is broken")
        if chain_hash(entry.prev_hash, entry_payload(entry)) != entry.hash:
            return ChainReport(count, entry.id, "its content does not match its hash")
        expected_prev = entry.hash
    return ChainReport(count, None, None)


def recent_entries(limit: int = 100) -> list[AuditEntry]:
    return list(db.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())

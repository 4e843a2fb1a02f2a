from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.after_commit import after_commit
from participate.core.errors import ValidationFailed
from participate.core.tasks import dispatch
from participate.extensions import db
from participate.jobs.models import Job
from participate.jobs.registry import JOB_KINDS


def start_job(actor: User | None, kind: str, params: dict[str, Any] | None = None) -> Job:
    """Record the job now; it starts once the request commits (a rolled-back request starts nothing)."""
    if kind not in JOB_KINDS:
        raise ValidationFailed(_("Unknown kind of job."))
    job = Job(kind=kind, params=params or {}, created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    after_commit(dispatch, "jobs.run", job.id)
    return job


def latest_job(kind: str, **params: int) -> Job | None:
    """The newest job of `kind` whose params hold these integer values (e.g. process_id=3)."""
    query = select(Job).where(Job.kind == kind)
    for name, value in params.items():
        query = query.where(Job.params[name].as_integer() == value)
    return db.session.execute(query.order_by(Job.id.desc()).limit(1)).scalar_one_or_none()


def status_document(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "created_at": job.created_at.isoformat() + "Z",
        "started_at": job.started_at.isoformat() + "Z" if job.started_at else None,
        "finished_at": job.finished_at.isoformat() + "Z" if job.finished_at else None,
    }

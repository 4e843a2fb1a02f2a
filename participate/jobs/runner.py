"""Runs a recorded job in the background (a Celery worker or a thread) and keeps its row up to date.

This is the background counterpart of a view: it owns its transactions. The work itself computes; the
runner commits the job's state around it, and progress is written through a separate session so a
half-done piece of work is never committed with it. So a job takes its turns (core.locks) only after its
last progress report: on SQLite a turn is the database's one write lock, which that session would wait for.
"""

from __future__ import annotations

import time

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from participate.core.after_commit import commit, rollback
from participate.core.clock import utcnow
from participate.core.errors import ServiceError
from participate.core.tasks import task
from participate.extensions import db
from participate.jobs.models import Job, JobStatus
from participate.jobs.registry import JOB_KINDS, Progress

PROGRESS_INTERVAL_SECONDS = 0.5


def _write(job_id: int, **values: object) -> None:
    with Session(db.engine) as session, session.begin():
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def _reporter(job_id: int) -> Progress:
    last = {"percent": -1, "at": 0.0}

    def progress(fraction: float, message: str = "") -> None:
        percent = max(0, min(100, int(fraction * 100)))
        now = time.monotonic()
        if percent == last["percent"] or (now - last["at"] < PROGRESS_INTERVAL_SECONDS and percent < 100):
            return
        last.update(percent=percent, at=now)
        _write(job_id, progress=percent, message=message[:300])

    return progress


@task("jobs.run")
def run_job(job_id: int) -> None:
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(status=JobStatus.RUNNING.value, started_at=utcnow())
    )
    commit()
    if getattr(claimed, "rowcount", 0) != 1:
        return  # another worker took it, or it no longer exists
    job = db.session.get(Job, job_id)
    assert job is not None
    kind = JOB_KINDS[job.kind]
    try:
        result = kind.work(dict(job.params), _reporter(job_id))
    except ServiceError as error:
        _finish(job_id, JobStatus.FAILED, error=error.message)
    except Exception:  # a failed job is reported on its page; the details go to the log
        current_app.logger.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(
            job_id, JobStatus.FAILED, error=_("An unexpected error stopped this job; it has been logged.")
        )
    else:
        _finish(job_id, JobStatus.DONE, result=result)


def _finish(job_id: int, status: JobStatus, **values: object) -> None:
    rollback()
    job = db.session.get(Job, job_id)
    assert job is not None
    job.status, job.finished_at = status.value, utcnow()
    if status is JobStatus.DONE:
        job.progress = 100
    for name, value in values.items():
        setattr(job, name, value)
    commit()

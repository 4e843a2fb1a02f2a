"""Background work: the task runner (Celery, thread, inline) and jobs as records with progress."""

import threading

import pytest
from sqlalchemy import func, select

from participate.audit.jobs import VERIFY_CHAIN
from participate.audit.services import record
from participate.core import tasks
from participate.core.after_commit import commit
from participate.core.mail import send_email
from participate.extensions import db
from participate.jobs import services as jobs
from participate.jobs.models import Job
from participate.jobs.registry import job_kind
from tests.conftest import login, post_form
from tests.factories import make_user


def test_tasks_run_inline_in_tests_once_the_request_commits(app, outbox):
    send_email("a@example.org", "Subject", "Body")
    assert outbox == []
    commit()
    assert [(m.to, m.subject) for m in outbox] == [("a@example.org", "Subject")]


def test_a_rolled_back_transaction_sends_nothing(app, outbox):
    send_email("a@example.org", "Subject", "Body")
    db.session.rollback()
    commit()
    assert outbox == []


def test_without_a_broker_tasks_run_in_a_background_thread(make_app):
    app = make_app(JOBS_RUN_INLINE=False)
    done = threading.Event()
    seen = {}

    @tasks.task("test.remember_thread")
    def remember_thread(value):
        seen["value"] = value
        seen["thread"] = threading.current_thread().name
        done.set()

    tasks.dispatch("test.remember_thread", 42)
    assert done.wait(5)
    assert seen == {"value": 42, "thread": "task-test.remember_thread"}
    assert app.extensions["celery"] is None


def test_with_a_broker_tasks_go_through_celery(make_app):
    app = make_app(JOBS_RUN_INLINE=False, CELERY_BROKER_URL="memory://")
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = True  # run the real task class in-process instead of needing Redis
    send_email("b@example.org", "Via Celery", "Body")
    commit()
    assert [m.to for m in app.extensions["mailer"].outbox] == ["b@example.org"]
    assert "participate.run_task" in celery.tasks


def test_unknown_tasks_are_refused(app):
    with pytest.raises(KeyError):
        tasks.dispatch("no.such.task")


@job_kind("test.count_to", label="Count")
def _count_to(params, progress):
    seen = []
    for n in range(1, params["n"] + 1):
        progress(n / params["n"], f"{n}")
        seen.append(db.session.get(Job, params["job_id"]).progress if "job_id" in params else None)
    if params.get("fail"):
        from participate.core.errors import ValidationFailed

        raise ValidationFailed("The numbers ran out.")
    return {"counted": params["n"]}


def test_a_job_records_progress_result_and_who_started_it(app):
    staff = make_user("staff")
    job = jobs.start_job(staff, "test.count_to", {"n": 3})
    assert job.status == "queued"
    commit()
    db.session.expire_all()
    assert (job.status, job.progress, job.result, job.created_by_id) == (
        "done",
        100,
        {"counted": 3},
        staff.id,
    )
    assert job.started_at <= job.finished_at


def test_a_failing_job_keeps_its_message_and_never_half_commits(app):
    job = jobs.start_job(None, "test.count_to", {"n": 2, "fail": True})
    commit()
    db.session.expire_all()
    assert (job.status, job.error, job.result) == ("failed", "The numbers ran out.", None)


def test_a_job_that_is_rolled_back_never_starts(app):
    jobs.start_job(None, "test.count_to", {"n": 2})
    db.session.rollback()
    commit()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_staff_verify_the_audit_chain_as_a_job_and_follow_it(client, as_user):
    staff = make_user("staff")
    for n in range(3):
        record("test.action", actor=staff, subject_type="test", subject_id=n)
    db.session.commit()
    as_user(staff)
    response = post_form(client, "/admin/audit/verify", token_from="/admin/audit")
    assert response.status_code == 302 and "/jobs/" in response.location
    job = db.session.execute(select(Job)).scalar_one()
    assert job.kind == VERIFY_CHAIN
    page = client.get(response.location).get_data(as_text=True)
    assert "Finished" in page and 'http-equiv="refresh"' not in page
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["status"] == "done" and status["result"]["intact"] is True
    assert status["result"]["entries"] == 3
    assert "intact" in client.get("/admin/audit").get_data(as_text=True)


def test_a_running_job_page_refreshes_itself_and_strangers_cannot_see_it(app, client, as_user):
    staff = make_user("staff")
    job = Job(kind=VERIFY_CHAIN, created_by_id=staff.id, status="running", progress=40, message="4 / 10")
    db.session.add(job)
    db.session.commit()
    as_user(make_user())
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}/status").status_code == 404
    staff_client = app.test_client()
    login(staff_client, staff.email)
    page = staff_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and 'value="40"' in page and "4 / 10" in page


def _redis_or_skip(url: str):
    import redis

    from tests.ci import unavailable

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.ConnectionError:
        unavailable(f"no Redis at {url} (.ci/run starts one)")
    return client


def test_jobs_run_on_a_real_celery_worker_through_redis(make_app, tmp_path):
    """The production path: the web app queues in Redis, a separate worker process runs the job."""
    import os
    import subprocess
    import sys
    import time

    broker = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    _redis_or_skip(broker).flushdb()
    database = f"sqlite:///{tmp_path / 'celery.db'}"
    make_app(SQLALCHEMY_DATABASE_URI=database, CELERY_BROKER_URL=broker, JOBS_RUN_INLINE=False)
    db.create_all()
    staff = make_user("staff")
    record("test.action", actor=staff, subject_type="test", subject_id=1)
    job = jobs.start_job(staff, VERIFY_CHAIN)
    commit()
    env = {
        **os.environ,
        "PARTICIPATE_ENV": "development",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "participate.celery_worker:celery", "worker", "--pool=solo"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Job, job.id).finished:
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=20)
    finished = db.session.get(Job, job.id)
    assert finished.status == "done", errors.decode()[-2000:]
    assert finished.result == {"entries": 1, "intact": True, "first_broken_id": None}

import threading

from participate import jobs
from participate.mail import send_email


def test_jobs_run_inline_in_tests(app, outbox):
    send_email("a@example.org", "Subject", "Body")
    assert [(m.to, m.subject) for m in outbox] == [("a@example.org", "Subject")]


def test_without_a_broker_jobs_run_in_a_background_thread(make_app):
    app = make_app(JOBS_RUN_INLINE=False)
    done = threading.Event()
    seen = {}

    @jobs.job("test.remember_thread")
    def remember_thread(value):
        seen["value"] = value
        seen["thread"] = threading.current_thread().name
        done.set()

    jobs.enqueue("test.remember_thread", 42)
    assert done.wait(5)
    assert seen == {"value": 42, "thread": "job-test.remember_thread"}
    assert app.extensions["celery"] is None


def test_with_a_broker_jobs_go_through_celery(make_app):
    app = make_app(JOBS_RUN_INLINE=False, CELERY_BROKER_URL="memory://")
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = True  # run the real task class in-process instead of needing Redis
    send_email("b@example.org", "Via Celery", "Body")
    assert [m.to for m in app.extensions["mailer"].outbox] == ["b@example.org"]
    assert "participate.run_job" in celery.tasks


def test_unknown_jobs_are_refused(app):
    import pytest

    with pytest.raises(KeyError):
        jobs.enqueue("no.such.job")

"""Background jobs: Celery when a broker is configured, otherwise a local thread (or inline in tests).

Jobs are named functions in JOBS, so the same call works on every backend and a worker needs no
pickled closures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, current_app

JOBS: dict[str, Callable[..., object]] = {}


def job(name: str):
    def register(fn):
        JOBS[name] = fn
        return fn

    return register


def _register_builtin_jobs() -> None:
    from participate import mail

    job("mail.deliver")(mail.deliver)


def init_app(app: Flask) -> None:
    from participate import mail

    mail.init_app(app)
    _register_builtin_jobs()
    app.extensions["celery"] = _make_celery(app) if app.config.get("CELERY_BROKER_URL") else None


def _make_celery(app: Flask):
    from celery import Celery, Task

    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, broker=app.config["CELERY_BROKER_URL"], task_cls=AppContextTask)
    celery.conf.update(task_ignore_result=True, task_acks_late=True, broker_connection_retry_on_startup=True)

    @celery.task(name="participate.run_job")
    def run_job(name: str, *args):
        return JOBS[name](*args)

    return celery


def enqueue(name: str, *args) -> None:
    if name not in JOBS:
        raise KeyError(f"Unknown job {name!r}")
    app = current_app._get_current_object()
    if app.config.get("JOBS_RUN_INLINE"):
        JOBS[name](*args)
        return
    celery = app.extensions.get("celery")
    if celery is not None:
        celery.tasks["participate.run_job"].delay(name, *args)
        return

    def run_in_thread():
        with app.app_context():
            try:
                JOBS[name](*args)
            except Exception:  # a failed background job must be logged, never crash the server
                app.logger.exception("Background job %s failed", name)

    threading.Thread(target=run_in_thread, name=f"job-{name}", daemon=True).start()

"""Where background work runs: Celery when a broker is configured, a local thread otherwise, inline in tests.

A task is a named function in TASKS, so the same call works on every backend and a worker needs no
pickled closures. Modules register their own tasks (`@task("mail.deliver")`); this module imports none
of them. Tasks are dispatched with `after_commit`, so a request whose commit fails starts nothing.
Job records with progress (participate/jobs) are built on top of this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

TASKS: dict[str, Callable[..., object]] = {}


def task(name: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    def register(fn: Callable[..., object]) -> Callable[..., object]:
        TASKS[name] = fn
        return fn

    return register


def init_app(app: Flask) -> None:
    app.extensions["celery"] = _make_celery(app) if app.config.get("CELERY_BROKER_URL") else None


def _make_celery(app: Flask) -> Any:
    from celery import Celery, Task

    class AppContextTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, broker=app.config["CELERY_BROKER_URL"], task_cls=AppContextTask)
    celery.conf.update(task_ignore_result=True, task_acks_late=True, broker_connection_retry_on_startup=True)

    # Not shared: a shared task joins every Celery app made later in the process, so a second Flask app (the
    # tests make many) would run this one's closure, in this app's context.
    @celery.task(name="participate.run_task", shared=False)
    def run_task(name: str, *args: Any) -> object:
        return TASKS[name](*args)

    return celery


def dispatch(name: str, *args: Any) -> None:
    """Run a registered task now, in the background. Call it through `after_commit`, not directly."""
    if name not in TASKS:
        raise KeyError(f"Unknown task {name!r}")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_RUN_INLINE"):
        TASKS[name](*args)
        return
    celery = app.extensions.get("celery")
    if celery is not None:
        celery.tasks["participate.run_task"].delay(name, *args)
        return

    def run_in_thread() -> None:
        with app.app_context():
            try:
                TASKS[name](*args)
            except Exception:  # a failed background task must be logged, never crash the server
                app.logger.exception("Background task %s failed", name)

    threading.Thread(target=run_in_thread, name=f"task-{name}", daemon=True).start()

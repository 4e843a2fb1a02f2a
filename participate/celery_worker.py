"""Celery entry point: `celery -A participate.celery_worker:celery worker` (needs CELERY_BROKER_URL)."""

from participate import create_app

app = create_app()
celery = app.extensions["celery"]
if celery is None:
    raise RuntimeError("Set CELERY_BROKER_URL (or REDIS_URL) to run a Celery worker.")

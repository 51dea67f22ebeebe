"""The API's periodic work, run by Celery beat (config/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import idempotency


@shared_task(name="api.tasks.sweep_idempotency_keys")
def sweep_idempotency_keys():
    """Forget the answers kept for Idempotency-Key retries once they are older than API_IDEMPOTENCY_KEEP_HOURS."""
    return {"deleted": idempotency.sweep()}

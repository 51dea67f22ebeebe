"""The API's periodic work, run by Celery beat (config/settings.py CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from targets.actions import sweep_deleted_values as forget_deleted_values

from . import idempotency


@shared_task(name="api.tasks.sweep_idempotency_keys")
def sweep_idempotency_keys():
    """Forget the answers kept for Idempotency-Key retries once they are older than API_IDEMPOTENCY_KEEP_HOURS."""
    return {"deleted": idempotency.sweep()}


def deleted_values_kept_since(now=None):
    """The oldest moment values/deleted/ still answers for: DeletedValues before it are swept."""
    return (now or timezone.now()) - timedelta(days=settings.API_DELETED_VALUES_KEEP_DAYS)


@shared_task(name="api.tasks.sweep_deleted_values")
def sweep_deleted_values():
    """Forget the values deleted or archived longer ago than API_DELETED_VALUES_KEEP_DAYS."""
    return {"deleted": forget_deleted_values(before=deleted_values_kept_since())}

"""Thin Celery tasks: they take primary keys and call reports.builds, where the work is."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import builds
from .models import ReportBuild

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60,
             max_retries=2, soft_time_limit=600, time_limit=660)
def build_report(self, build_id):
    """Build a report's files; tried three times, then the build is marked failed with the reason."""
    try:
        builds.run_build(build_id)
    except Exception as error:
        if self.request.retries < self.max_retries:
            if self.request.is_eager:
                # eager runs propagate Celery's Retry to the caller (CELERY_TASK_EAGER_PROPAGATES): retry inline
                return self.apply((build_id,), retries=self.request.retries + 1).get()
            raise  # autoretry_for enqueues the next try after a backoff
        logger.exception("Report build %s failed after %s tries", build_id, self.request.retries + 1)
        if isinstance(error, SoftTimeLimitExceeded):
            error = "Quá thời gian tạo báo cáo (10 phút)."
        # not re-raised: the build row carries the failure, and an eager run must not break the request
        builds.fail_build(ReportBuild.objects.get(pk=build_id), error)


@shared_task
def sweep_stale_builds():
    """Every few minutes: enqueue again, or fail, the builds whose worker stopped."""
    requeued, failed = builds.sweep_stale_builds()
    return {"requeued": [b.pk for b in requeued], "failed": [b.pk for b in failed]}


@shared_task
def build_deadline_reports():
    """Every morning: the reports of the periods whose deadline has just passed."""
    return [b.pk for b in builds.build_deadline_reports()]

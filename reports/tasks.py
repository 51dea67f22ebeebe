"""Thin Celery tasks: they take primary keys and call reports.builds, where the work is.

Imports go one way: this module imports reports.builds, never the reverse. Builds are enqueued here
(enqueue_builds), by reports.actions.request_build for a user, and by the tasks below for the builds the
sweep and the deadline run return. Whether a build's message reached the broker is recorded
on its row (enqueued_at): a build the broker refused, or did not answer for within seconds (units.broker), stays
"to send" and the sweep sends it later.
"""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from units.broker import BoundedSendTask

from . import builds, notifications
from .models import ReportBuild

logger = logging.getLogger(__name__)


def enqueue_builds(to_send):
    """Send the builds' tasks once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(send_builds, list(to_send)))


def send_builds(to_send):
    """Hand the builds' tasks to the broker in turn and record when on each row (enqueued_at). Once the broker
    is found unreachable, this build and the rest are left to send (enqueued_at empty), for the sweep."""
    broker_down = False
    for build in to_send:
        if not broker_down:
            try:
                build_report.delay(build.pk)
            except OperationalError as error:
                logger.warning("The broker is unreachable (%s): report builds stay to send from build %s on",
                               error, build.pk)
                broker_down = True
        build.enqueued_at = None if broker_down else timezone.now()
        ReportBuild.objects.filter(pk=build.pk).update(enqueued_at=build.enqueued_at)


@shared_task(base=BoundedSendTask, bind=True, acks_late=True, autoretry_for=(builds.TryAgain,), retry_backoff=True,
             retry_backoff_max=60, max_retries=builds.MAX_ATTEMPTS - 1, soft_time_limit=600, time_limit=660)
def build_report(self, build_id):
    """Build a report's files. A failed try is retried after a backoff; the row counts the tries and fails the
    build after the third, whichever messages carried them."""
    try:
        builds.run_build(build_id)
    except builds.TryAgain:
        if self.request.is_eager:
            # eager runs propagate Celery's Retry to the caller (CELERY_TASK_EAGER_PROPAGATES): retry inline
            self.apply((build_id,), retries=self.request.retries + 1)
            return
        raise  # autoretry_for enqueues the next try after a backoff


@shared_task
def sweep_stale_builds():
    """Send again, or fail, the builds no worker holds. Each worker enqueues it when it connects to the broker
    and every REPORT_BUILD_SWEEP_SECONDS (config/celery.py); the build pages call it directly."""
    to_send, failed = builds.sweep_stale_builds()
    enqueue_builds(to_send)
    return {"to_send": [b.pk for b in to_send], "failed": [b.pk for b in failed]}


@shared_task
def build_deadline_reports():
    """Every morning: the reports of the periods whose deadline has just passed."""
    requested = builds.build_deadline_reports()
    enqueue_builds(requested)
    return [b.pk for b in requested]


@shared_task
def send_daily_notifications():
    """Every morning (celery beat): the deadlines a few days away and the tasks just overdue. Running it twice
    tells nobody twice (each notification has a key per user)."""
    return {"deadline": notifications.send_deadline_notifications(),
            "task_overdue": notifications.send_task_overdue_notifications()}

"""Thin Celery tasks: they take primary keys and call importer.reading_job, where the work is."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from units.broker import BoundedSendTask

from . import reading_job

logger = logging.getLogger(__name__)


def enqueue_reading(plan_import):
    """Run the import's reading once the current transaction commits (at once outside a transaction).

    With the broker down, or silent for units.broker's few seconds, the upload still succeeds (the file is kept);
    the import shows at once that it could not be sent (reading_job.mark_not_sent), and the officer reads it
    again from its page.
    """
    import_id = plan_import.pk
    transaction.on_commit(partial(send_reading, import_id))


def send_reading(import_id):
    try:
        read_plan_import.delay(import_id)
    except OperationalError as error:
        logger.warning("The broker is unreachable (%s): plan import %s not sent for reading", error, import_id)
        reading_job.mark_not_sent(import_id)


# Time limits above the child's own (reading_child.READ_TIMEOUT, 120 s): the soft one lets the job record the
# failure, the hard one ends a worker stuck elsewhere; its message is then delivered again (late
# acknowledgement), and reading_job gives up after MAX_ATTEMPTS runs.
@shared_task(base=BoundedSendTask, acks_late=True, soft_time_limit=150, time_limit=180)
def read_plan_import(import_id):
    """Read an uploaded plan and save its proposals for review; a failure is recorded on the import."""
    reading_job.run_reading(import_id)

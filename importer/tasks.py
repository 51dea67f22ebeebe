"""Thin Celery tasks: they take primary keys and call importer.reading_job, where the work is."""

from celery import shared_task
from django.db import transaction

from . import reading_job


def enqueue_reading(plan_import):
    """Run the import's reading once the current transaction commits (at once outside a transaction).

    robust: with the broker down the upload still succeeds; the import shows as stalled after
    reading_job.STALLED_AFTER, and the officer reads it again from its page.
    """
    import_id = plan_import.pk
    transaction.on_commit(lambda: read_plan_import.delay(import_id), robust=True)


# Time limits above the child's own (reading_child.READ_TIMEOUT, 120 s): the soft one lets the job record the
# failure, the hard one ends a worker stuck elsewhere; its message is then delivered again (late
# acknowledgement), and reading_job gives up after MAX_ATTEMPTS runs.
@shared_task(acks_late=True, soft_time_limit=150, time_limit=180)
def read_plan_import(import_id):
    """Read an uploaded plan and save its proposals for review; a failure is recorded on the import."""
    reading_job.run_reading(import_id)

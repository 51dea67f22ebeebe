"""The Celery app, in Celery's documented Django layout, and the worker's sweep of report builds."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping():
    """Health check: answers from whichever process runs tasks (a worker, or in-process when eager)."""
    import socket

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"host": socket.gethostname(), "pid": os.getpid(), "database": connection.vendor}


class SweepReportBuilds(bootsteps.StartStopStep):
    """Each worker enqueues the sweep of report builds (reports.tasks.sweep_stale_builds) when it connects to the
    broker and every REPORT_BUILD_SWEEP_SECONDS while connected, so that builds whose worker died or whose
    message was lost are sent again without celery beat.

    A consumer step rather than the worker_ready signal: Celery restarts the consumer's steps after a lost
    broker connection, which is when a broker without persistence comes back with an empty queue; worker_ready
    fires once per process.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, consumer):
        from django.conf import settings

        every = settings.REPORT_BUILD_SWEEP_SECONDS
        send_sweep(expires=every)
        self.timer_entry = consumer.timer.call_repeatedly(every, send_sweep, kwargs={"expires": every})

    def stop(self, consumer):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


def send_sweep(*, expires):
    # expires: a sweep still waiting behind long builds when the next one is sent is dropped unread
    try:
        app.send_task("reports.tasks.sweep_stale_builds", expires=expires)
    except Exception:  # the worker's event loop must not stop over a sweep; the next one comes
        logger.warning("Could not enqueue the sweep of report builds", exc_info=True)


app.steps["consumer"].add(SweepReportBuilds)

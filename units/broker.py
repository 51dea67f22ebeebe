"""Handing a task to the Celery broker without waiting on a broker that does not answer.

kombu's Redis transport reads with no time limit unless told (socket_timeout), and the settings bound only the
TCP connect (socket_connect_timeout): a broker that accepts the connection and never answers (a Redis frozen,
swapping, or behind a half-open route) held a request for ever. A report asked for, a plan uploaded, the list
of builds and each poll of a build's status (both send the builds left to send) and /suc-khoe/ never answered.

    bounded_connection   a new connection to the broker whose connect, each read and each write give up after
                         a few seconds with kombu's OperationalError
    BoundedSendTask      the base of the tasks a request sends (reports.tasks.build_report,
                         importer.tasks.read_plan_import): each message goes over such a connection, once (no
                         retries); the caller records what was not sent and the sweep or the user sends it again
"""

from celery import Task

SEND_TIMEOUT_SECONDS = 2  # a broker answers in milliseconds: two seconds of silence is a broker that is down


def bounded_connection(app, timeout=SEND_TIMEOUT_SECONDS):
    """A new connection to `app`'s broker (not yet opened), tried once: each step gives up after `timeout` s."""
    return app.connection_for_write(connect_timeout=timeout, transport_options={
        "socket_connect_timeout": timeout, "socket_timeout": timeout,
        "max_retries": 0,  # kombu otherwise tries to connect again until connect_timeout has passed
    })


class BoundedSendTask(Task):
    """A task whose messages are handed to the broker within SEND_TIMEOUT_SECONDS, or not at all: a broker that
    refuses or does not answer raises kombu's OperationalError at once. `delay` and Celery's own retries go
    through apply_async, so they are bounded too; in-process (eager) runs and a caller's own connection or
    producer are left as they are."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        if producer is not None or options.get("connection") is not None or self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id, producer, **options)
        with bounded_connection(self.app) as connection:
            return super().apply_async(args, kwargs, task_id, producer, connection=connection, retry=False,
                                       **options)

"""The Celery app, in Celery's documented Django layout."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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

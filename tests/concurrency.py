"""Real threads against a real database, for the races of issue 10 (first saves, approve/return/reopen, finalise).

Each thread has its own database connection, closed when it ends so that the test database can be flushed.
The threads need concurrent writers and row locks: the tests run on PostgreSQL (CI's PostgreSQL pass) and are
skipped on SQLite, which serialises writes and has no row locks.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections

POSTGRESQL_THREADS = [
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="real concurrent writers need PostgreSQL (SQLite serialises writes and has no row "
                              "locks); these run in CI's PostgreSQL pass"),
    pytest.mark.django_db(transaction=True),
]


def run_together(n, work):
    """Run work(i, barrier) in n threads, each waiting on the barrier so that they act at once; returns what
    each returned, or the exception it raised (a server error is what the tests count)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            results[i] = work(i, barrier)
        except Exception as error:  # noqa: BLE001
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results

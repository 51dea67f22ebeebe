"""The Celery path: in-process by default, a real worker in CI's PostgreSQL pass."""

import os

import pytest

from config.celery import ping


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_and_reaches_the_database():
    result = ping.delay().get(timeout=60)
    assert result["database"] in ("sqlite", "postgresql")
    if os.environ.get("REQUIRE_CELERY_WORKER"):
        # .ci/run starts a worker: the task must have run there, not in this process
        assert result["pid"] != os.getpid()
        assert result["database"] == "postgresql"
    else:
        assert result["pid"] == os.getpid()

import os

import pytest


@pytest.fixture(autouse=True)
def in_process(request, settings, tmp_path):
    """The reading job runs in this process and uploads go to a temporary folder, except for the worker
    tests in CI's PostgreSQL pass (where the broker is set for the whole suite)."""
    if request.node.get_closest_marker("celery_worker") and os.environ.get("REQUIRE_CELERY_WORKER"):
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"

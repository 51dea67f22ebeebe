import os

import pytest

from plans.models import Document, DocumentStatus
from targets.models import Indicator, Target


@pytest.fixture(autouse=True)
def in_process(request, settings, tmp_path):
    """The reading job runs in this process and uploads go to a temporary folder, except for the worker
    tests in CI's PostgreSQL pass (where the broker is set for the whole suite)."""
    if request.node.get_closest_marker("celery_worker") and os.environ.get("REQUIRE_CELERY_WORKER"):
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def nq71(tree):
    """The resolution the sample plans cite, in the portal with one target (schools connected to the Internet)."""
    document = Document.objects.create(doc_type="NQ", number="71-NQ/TW", issuer=tree["VN"], issuer_name="Bộ Chính trị",
                                       title="Nghị quyết về đột phá phát triển giáo dục và đào tạo",
                                       status=DocumentStatus.IN_FORCE)
    internet = Indicator.objects.create(code="ket-noi-internet", name="Tỷ lệ trường học có kết nối Internet",
                                        kind="rate", aggregation="ratio_of_sums", unit_label="%")
    Target.objects.create(document=document, indicator=internet, ref="NQ-1", comparator="eq", text="100% trường học có Internet")
    return document

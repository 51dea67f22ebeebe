"""When the server fails rather than the request: the database out of reach or the file storage full is a 503
in Vietnamese that says nothing was saved (with Retry-After), anything else the 500 page; a partly written
file is removed; /suc-khoe/ tells a load balancer whether the database and the broker answer."""

import errno

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from config.storage import PortalFileSystemStorage
from targets import views as target_views


@pytest.mark.parametrize(("error", "status", "says"), [
    (OperationalError("could not connect to server"), 503, "Cổng tạm thời không truy cập được dữ liệu"),
    (OSError(errno.ENOSPC, "No space left on device"), 503, "Máy chủ không ghi được tệp"),
    (OSError(errno.EROFS, "Read-only file system"), 503, "Máy chủ không ghi được tệp"),
    (ValueError("a bug"), 500, "Đã có lỗi ở máy chủ"),
])
def test_a_server_failure_is_answered_in_vietnamese_with_its_status(personas, error, status, says, monkeypatch):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(target_views, "render", fail)  # the target list fails as it writes its page
    client = Client(raise_request_exception=False)
    client.force_login(personas["officer_a"])
    response = client.get(reverse("targets:target_list"))
    assert response.status_code == status
    page = response.content.decode()
    assert says in page and "không có gì bị lưu dở" in page.lower() if status == 503 else says in page
    assert ("Retry-After" in response) == (status == 503)


def test_the_handler_is_the_portal_s():
    from config import urls

    assert urls.handler500 == "config.failures.server_error"


def test_a_file_written_in_part_is_removed(tmp_path, monkeypatch):
    storage = PortalFileSystemStorage(location=tmp_path)
    chunks = iter([b"%PDF-1.4 " * 100, OSError(errno.ENOSPC, "No space left on device")])

    class Filling(ContentFile):
        def chunks(self, chunk_size=None):
            for chunk in chunks:
                if isinstance(chunk, Exception):
                    raise chunk
                yield chunk

    with pytest.raises(OSError):
        storage.save("minh-chung/tep.pdf", Filling(b"x"))
    assert list(tmp_path.rglob("*.pdf")) == []
    # a file saved whole stays
    assert storage.save("minh-chung/tep.pdf", ContentFile(b"%PDF-1.4 ok")) == "minh-chung/tep.pdf"


def test_the_health_check_says_whether_the_database_and_the_broker_answer(client, db, settings, monkeypatch):
    from config import failures

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: no broker to ask
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}
    assert "no-cache" in response["Cache-Control"]

    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    connect = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda **kwargs: connect(url="redis://127.0.0.1:1/0"))  # no one
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}

    monkeypatch.setattr(failures, "_broker", lambda: "ok")
    monkeypatch.setattr(failures, "_database", lambda: "unavailable")
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
    assert client.post(reverse("health")).status_code == 405


def test_a_report_build_that_cannot_write_its_file_says_so_in_vietnamese():
    from reports.builds import error_text

    assert error_text(OSError(errno.ENOSPC, "No space left on device")).startswith(
        "Máy chủ không ghi được tệp báo cáo (bộ nhớ lưu trữ đầy hoặc không cho ghi)")
    assert error_text(ConnectionRefusedError(111, "refused")) == "ConnectionRefusedError: [Errno 111] refused"

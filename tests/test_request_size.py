"""A request body larger than any form takes is refused (413) before anything reads it.

Django writes a posted file to a temporary file as it arrives and lets the view refuse it only afterwards; the CSRF
check reads a posted form, its files included, before any sign-in check. A POST of 3 GB to an evidence address,
signed out, was written whole to the server's disk (24 s on the demo server) before the sign-in page answered it.
"""

from datetime import timedelta

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from importer.extraction.reading import MAX_BYTES as PLAN_MAX_BYTES
from tests.factories import make_period

BOUNDARY = "helpera"
LIMIT = 64 * 1024


def multipart(size):
    """A form posting one file of `size` bytes."""
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"minh-chung.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + b"%" * size + f"\r\n--{BOUNDARY}--\r\n".encode()


def post(client, path, body, content_type=f"multipart/form-data; boundary={BOUNDARY}"):
    return client.generic("POST", path, body, content_type=content_type)


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_a_body_above_the_limit_is_refused_signed_out_before_the_sign_in_check(client, db, monkeypatch):
    def written(*args, **kwargs):
        raise AssertionError("the posted file was read")

    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryFileUploadHandler.receive_data_chunk", written)
    monkeypatch.setattr("django.core.files.uploadhandler.MemoryFileUploadHandler.receive_data_chunk", written)
    response = post(client, reverse("reports:school_report_attachment_remove", args=[1]), multipart(LIMIT + 1))
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn (64 KB): mỗi lần gửi tối đa 64 KB. Hãy chọn tệp nhỏ hơn." in response.content.decode()


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_a_body_above_the_limit_is_refused_to_a_signed_in_user(client, personas, tree):
    client.force_login(personas["principal_a"])
    today = timezone.localdate()
    period = make_period(code="hk-nay", start=today - timedelta(60), end=today + timedelta(30),
                         deadline=today + timedelta(40))
    url = reverse("reports:school_report_attach", args=[tree["A-TH1"].pk, period.pk])
    assert post(client, url, multipart(LIMIT + 1)).status_code == 413
    # at the limit, the request reaches the view, which judges the file itself (here: not a PDF)
    response = post(client, url, multipart(LIMIT - 1024))
    assert response.status_code == 302


@override_settings(REQUEST_MAX_BYTES=LIMIT)
def test_the_api_says_it_in_json(client, db):
    response = post(client, "/api/values/bulk/", b"[" + b" " * LIMIT + b"]", content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "Dữ liệu gửi lên quá lớn" in response.json()["detail"]


def test_a_get_and_a_small_post_are_untouched(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200


def test_the_limit_takes_every_file_a_form_accepts_with_its_form():
    largest = max(settings.EVIDENCE_MAX_BYTES, settings.XLSX_MAX_BYTES, PLAN_MAX_BYTES,
                  settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert largest + 64 * 1024 <= settings.REQUEST_MAX_BYTES <= 2 * largest

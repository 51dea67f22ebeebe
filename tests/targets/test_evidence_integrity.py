"""An evidence file posted twice (a double tap on a phone, a form sent again) is attached once: the second post
says it is there already and keeps no second row nor a second file; the same content under another name, or
another file under the same name, is still attached."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from targets.actions import save_progress_value
from targets.models import Evidence
from tests import evidence_files
from tests.failed_writes import media_files

from .test_target_views import period, plan  # noqa: F401 (fixtures)

PDF = evidence_files.pdf()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def entered(plan, period, personas):  # noqa: F811
    return save_progress_value(target=plan["rate"], period=period, by=personas["officer_a"], expected_version=0,
                               values={"numerator": Decimal(4), "denominator": Decimal(7), "status": "in_progress"})


def upload(client, target, period, name, content):  # noqa: F811
    return client.post(reverse("targets:evidence_upload", args=[target.pk, period.pk]),
                       {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_the_same_file_posted_twice_is_attached_once(client, personas, plan, period, media, entered):  # noqa: F811
    client.force_login(personas["officer_a"])
    assertContains(upload(client, plan["rate"], period, "quyet-dinh.pdf", PDF), "Đã đính kèm “quyet-dinh.pdf”.")

    again = upload(client, plan["rate"], period, "quyet-dinh.pdf", PDF)

    assertContains(again, "Tệp “quyet-dinh.pdf” đã được đính kèm lúc")
    assertContains(again, "không đính kèm thêm lần nữa")
    assert Evidence.objects.count() == 1 and len(media_files()) == 1


def test_another_name_or_another_content_is_attached(client, personas, plan, period, media, entered):  # noqa: F811
    client.force_login(personas["officer_a"])
    upload(client, plan["rate"], period, "quyet-dinh.pdf", PDF)
    upload(client, plan["rate"], period, "ban-sao-quyet-dinh.pdf", PDF)
    upload(client, plan["rate"], period, "quyet-dinh.pdf", evidence_files.pdf(pages=2))
    assert Evidence.objects.count() == 3 and len(media_files()) == 3

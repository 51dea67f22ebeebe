"""A target's page and its fragments show the issuer's working data (notes, who entered, history, evidence)
only to readers of the issuer; a school below it sees the plan and the figures. The "made concrete by" list
shows only targets the user may read."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from targets.actions import save_progress_value
from targets.models import Evidence, ProgressValue
from tests import evidence_files
from tests.factories import make_document, make_indicator, make_period, make_target

FIRST_NOTE = "Ghi chú nội bộ: chờ số liệu của phòng VH-XH"
LAST_NOTE = "Ghi chú nội bộ: đã đối chiếu"
EVIDENCE_NAME = "quyet-dinh-noi-bo.pdf"


@pytest.fixture
def period(db):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def ward_target(tree, personas, period, settings, tmp_path):
    """A's target with a figure entered twice by officer_a (so a history with notes) and one evidence file."""
    settings.MEDIA_ROOT = tmp_path
    officer = personas["officer_a"]
    officer.first_name, officer.last_name = "Nguyễn Văn", "An"
    officer.save(update_fields=["first_name", "last_name"])
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    target = make_target(document, make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum"),
                         value=10)
    save_progress_value(target=target, period=period, values={"value": 3, "status": "in_progress", "note": FIRST_NOTE},
                        by=officer, expected_version=0)
    save_progress_value(target=target, period=period, values={"value": 4, "status": "in_progress", "note": LAST_NOTE},
                        by=officer, expected_version=1)
    value = ProgressValue.objects.get(target=target)
    pdf = evidence_files.pdf()
    Evidence.objects.create(value=value, file=ContentFile(pdf, name="x.pdf"), original_name=EVIDENCE_NAME,
                            content_type="application/pdf", size=len(pdf), uploaded_by=officer)
    return target


def working_data_shown(response):
    text = response.content.decode()
    return {"note": LAST_NOTE in text, "history": FIRST_NOTE in text, "enterer": "Nguyễn Văn An" in text,
            "evidence": EVIDENCE_NAME in text or " tệp<" in text}


def test_a_principal_below_the_ward_sees_the_figure_but_none_of_its_working_data(client, personas, ward_target):
    client.force_login(personas["principal_a"])
    response = client.get(reverse("targets:target_detail", args=[ward_target.pk]))
    assertContains(response, "Số phòng học thông minh")
    assert "Lịch sử thay đổi" not in response.content.decode()
    assert working_data_shown(response) == {"note": False, "history": False, "enterer": False, "evidence": False}


def test_the_principal_still_sees_the_wards_figure(client, personas, ward_target):
    client.force_login(personas["principal_a"])
    response = client.get(reverse("targets:target_detail", args=[ward_target.pk]))
    assertContains(response, "Số liệu đã nhập theo kỳ")
    assertContains(response, "Đang thực hiện")
    assertNotContains(response, "Người nhập")


def test_a_principal_gets_the_row_fragment_without_note_or_enterer(client, personas, ward_target, period):
    client.force_login(personas["principal_a"])
    response = client.get(reverse("targets:value_row", args=[ward_target.pk, period.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assertContains(response, "Số phòng học thông minh")
    assert working_data_shown(response) == {"note": False, "history": False, "enterer": False, "evidence": False}


def test_a_principal_may_not_download_the_wards_evidence(client, personas, ward_target):
    client.force_login(personas["principal_a"])
    evidence = Evidence.objects.get()
    assert client.get(reverse("targets:evidence_download", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "reviewer"])
def test_readers_of_the_ward_see_its_working_data(client, personas, ward_target, period, persona):
    client.force_login(personas[persona])
    page = client.get(reverse("targets:target_detail", args=[ward_target.pk]) + f"?period={period.pk}")
    assert working_data_shown(page) == {"note": True, "history": True, "enterer": True, "evidence": True}
    row = client.get(reverse("targets:value_row", args=[ward_target.pk, period.pk]), HTTP_HX_REQUEST="true")
    assert working_data_shown(row)["note"] and working_data_shown(row)["enterer"]


def test_made_concrete_by_lists_only_the_targets_the_user_reads(client, tree, personas, period):
    city = make_document(tree["HP"], "5/KH-UBND", "Kế hoạch của thành phố")
    indicator = make_indicator("pho-cap", "Tỷ lệ phổ cập giáo dục")
    city_target = make_target(city, indicator, value=95)
    a_plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch riêng của phường A")
    b_plan = make_document(tree["B"], "7/KH-UBND", "Kế hoạch riêng của phường B")
    make_target(a_plan, indicator, value=96, parent=city_target)
    make_target(b_plan, indicator, value=97, parent=city_target)
    url = reverse("targets:target_detail", args=[city_target.pk])

    client.force_login(personas["officer_a"])
    response = client.get(url)
    assertContains(response, "Phường A, Kế hoạch số 12/KH-UBND")
    assertNotContains(response, "7/KH-UBND")
    assertNotContains(response, "Phường B")

    client.force_login(personas["officer_b"])
    response = client.get(url)
    assertContains(response, "Phường B, Kế hoạch số 7/KH-UBND")
    assertNotContains(response, "12/KH-UBND")

    client.force_login(personas["reviewer"])  # the Sở reads the whole city
    response = client.get(url)
    assertContains(response, "Phường A, Kế hoạch số 12/KH-UBND")
    assertContains(response, "Phường B, Kế hoạch số 7/KH-UBND")

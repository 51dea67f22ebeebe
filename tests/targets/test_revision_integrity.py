"""The target revision form ("Điều chỉnh", targets.views_revision): a save from a page opened before someone else's
revision is refused, saying who changed the target, when and to what, with what the user typed kept; impossible
figures (a negative one, a rate over 100%) and NUL characters are refused on their field. Nothing is saved then."""

from decimal import Decimal

import lxml.html
import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from targets.models import TargetRevision
from tests.factories import make_document, make_indicator, make_target, make_user


@pytest.fixture
def rate_target(tree):
    indicator = make_indicator("GV", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    return make_target(make_document(tree["A"]), indicator, value=80, text="Tỷ lệ giáo viên đạt chuẩn 80%")


@pytest.fixture
def count_target(tree):
    indicator = make_indicator("PHONG", "Số phòng học thông minh", kind="count", aggregation="sum", unit_label="phòng")
    return make_target(make_document(tree["A"]), indicator, value=120, text="Có 120 phòng học thông minh")


def url(target):
    return f"/chi-tieu/{target.pk}/dieu-chinh/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_form(response):
    """What a browser would post from the revision page as it was rendered: every field, the hidden ones too."""
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id("target-revise")
    return {name: value.removeprefix("\n") for name, value in form.form_values()}


def revision(page, target, baseline, horizon, reason="Theo số liệu rà soát đầu năm học"):
    value = f"h{target.horizons.get().pk}_value"
    return {**page, "baseline_value": baseline, "baseline_year": "2025", value: horizon, "reason": reason,
            "source": "Báo cáo tổng kết năm học 2024-2025"}


@pytest.fixture
def two_officers(tree, personas):
    """Two officers of phường A, each with the revision page open before either saves."""
    other = make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà")
    return signed_in(other), signed_in(personas["officer_a"])


def test_a_revision_from_a_page_opened_before_anothers_is_refused(two_officers, rate_target):
    first, second = two_officers
    first_page, second_page = page_form(first.get(url(rate_target))), page_form(second.get(url(rate_target)))
    assert first.post(url(rate_target), revision(first_page, rate_target, "80,5", "96")).status_code == 302

    response = second.post(url(rate_target), revision(second_page, rate_target, "70", "95"))

    assertContains(response, "Chỉ tiêu đã được điều chỉnh sau khi bạn mở trang này", status_code=409)
    assertContains(response, "Trần Thị Hà", status_code=409)  # who, and when, from the revision history
    text = lxml.html.fromstring(response.content.decode()).get_element_by_id("revise-conflict").text_content()
    assert "giá trị nền 80,5% (năm 2025)" in text and "mốc 2030: 96%" in text  # the values now
    assert "Điều chỉnh của bạn chưa được lưu" in text
    typed = page_form(response)
    assert (typed["baseline_value"], typed[f"h{rate_target.horizons.get().pk}_value"]) == ("70", "95")
    rate_target.refresh_from_db()
    assert rate_target.baseline_value == Decimal("80.5") and rate_target.horizons.get().value == Decimal("96")
    assert TargetRevision.objects.filter(target=rate_target).count() == 1


def test_after_seeing_the_conflict_the_user_may_save_over_it(two_officers, rate_target):
    first, second = two_officers
    first_page, second_page = page_form(first.get(url(rate_target))), page_form(second.get(url(rate_target)))
    first.post(url(rate_target), revision(first_page, rate_target, "80,5", "96"))
    refused = second.post(url(rate_target), revision(second_page, rate_target, "70", "95"))

    assert second.post(url(rate_target), page_form(refused)).status_code == 302

    rate_target.refresh_from_db()
    assert rate_target.baseline_value == Decimal("70") and rate_target.horizons.get().value == Decimal("95")
    assert TargetRevision.objects.filter(target=rate_target).count() == 2


def test_the_same_page_saved_twice_is_refused_the_second_time(personas, rate_target):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(rate_target)))
    assert client.post(url(rate_target), revision(page, rate_target, "80,5", "96")).status_code == 302
    response = client.post(url(rate_target), revision(page, rate_target, "70", "95"))
    assertContains(response, "Chỉ tiêu đã được điều chỉnh sau khi bạn mở trang này", status_code=409)
    assertContains(response, "officer_a", status_code=409)


def test_a_form_without_the_version_it_was_opened_at_is_refused(personas, rate_target):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(rate_target)))
    del page["seen"]
    response = client.post(url(rate_target), revision(page, rate_target, "80,5", "96"))
    assertContains(response, "hãy tải lại trang", status_code=400)
    assert rate_target.horizons.get().value == Decimal("80")
    assert not TargetRevision.objects.filter(target=rate_target).exists()


@pytest.mark.parametrize("baseline, horizon, message", [
    ("-5", "90", "Giá trị không được âm."),
    ("150", "90", "Tỷ lệ phần trăm không được vượt quá 100%."),
    ("80", "250", "Tỷ lệ phần trăm không được vượt quá 100%."),
    ("80", "-1", "Giá trị không được âm."),
])
def test_a_rate_target_takes_no_impossible_percentage(personas, rate_target, baseline, horizon, message):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(rate_target)))
    response = client.post(url(rate_target), revision(page, rate_target, baseline, horizon))
    assertContains(response, message, status_code=400)
    rate_target.refresh_from_db()
    assert rate_target.baseline_value is None and rate_target.horizons.get().value == Decimal("80")
    assert not TargetRevision.objects.filter(target=rate_target).exists()


def test_a_rate_may_be_typed_with_its_percent_sign(personas, rate_target):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(rate_target)))
    assert client.post(url(rate_target), revision(page, rate_target, "80,5%", "100%")).status_code == 302
    rate_target.refresh_from_db()
    assert rate_target.baseline_value == Decimal("80.5") and rate_target.horizons.get().value == Decimal("100")


def test_a_count_goes_over_100_but_never_below_0(personas, count_target):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(count_target)))
    assertContains(client.post(url(count_target), revision(page, count_target, "-3", "250")),
                   "Giá trị không được âm.", status_code=400)
    assert client.post(url(count_target), revision(page, count_target, "90", "250")).status_code == 302
    assert count_target.horizons.get().value == Decimal("250")


@pytest.mark.parametrize("field", ["reason", "source"])
def test_a_nul_character_is_refused_in_vietnamese(personas, rate_target, field):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(url(rate_target)))
    response = client.post(url(rate_target), {**revision(page, rate_target, "80,5", "96"), field: "Theo\x00 rà soát"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not TargetRevision.objects.filter(target=rate_target).exists()

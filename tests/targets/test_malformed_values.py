"""Malformed figures in the officer's inline progress form (value_edit, htmx), sent as the officer of A:
each is refused with a Vietnamese message, without a server error and without a row changed. Then the
figures at the edges that must still be accepted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from targets.models import Evidence, ProgressValue, ProgressValueChange
from tests.factories import make_document, make_indicator, make_period, make_target
from tests.malformed import Case, check_refused, number_cases

TOO_LARGE = "Số quá lớn: chỉ nhập được số nhỏ hơn 1.000.000.000.000."
NOT_A_NUMBER = "không phải là một số"
NEGATIVE = "Giá trị không được âm."
WHOLE = "Phải là số nguyên, không có phần thập phân."
PERCENT_SIGN = "Số liệu này không phải là tỷ lệ phần trăm: hãy nhập số, không kèm dấu %."
OVER_100 = "Tỷ lệ phần trăm không được vượt quá 100%."
PLACES = "Chỉ nhập tối đa 4 chữ số thập phân."
STALE_FORM = "Biểu mẫu không còn hợp lệ (thiếu phiên bản số liệu): hãy tải lại trang rồi nhập lại."
CHOICE = "Hãy chọn một lựa chọn hợp lệ."
COUNT_MESSAGES = {"too_large": TOO_LARGE, "not_a_number": NOT_A_NUMBER, "negative": NEGATIVE, "fraction": WHOLE,
                  "percent": PERCENT_SIGN}


@pytest.fixture
def period(db):
    """The semester in progress: entry is open."""
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def plan(tree):
    """A's plan, one target of each kind the form takes."""
    document = make_document(tree["A"], issued_on=date(2025, 10, 1))
    return {
        "rate": make_target(document, make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn", "rate",
                                                     unit_label="%", numerator_label="Số giáo viên đạt chuẩn",
                                                     denominator_label="Tổng số giáo viên"), 1, Decimal(95)),
        "budget": make_target(document, make_indicator("chi-ngan-sach", "Tỷ lệ chi ngân sách cho giáo dục", "rate",
                                                       unit_label="%", category="budget"), 2, Decimal(20)),
        "count": make_target(document, make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum",
                                                      "phòng"), 3, Decimal(12)),
        "index": make_target(document, make_indicator("hdi", "Chỉ số giáo dục HDI", "index", "none"), 4,
                             Decimal("0.82")),
        "percent": make_target(document, make_indicator("ky-nang-so", "Tỷ lệ người dân có kỹ năng số", "index",
                                                        "none", "%"), 5, Decimal(80)),
        "level": make_target(document, make_indicator("xoa-mu-chu", "Chuẩn xóa mù chữ", "level", "min", "mức độ"), 6,
                             Decimal(2), comparator="maintain", level_label="mức độ 2"),
        "milestone": make_target(document, make_indicator("ke-hoach-cds", "Ban hành kế hoạch chuyển đổi số",
                                                          "milestone", "none"), 7, None, comparator="achieve"),
        "growth": make_target(document, make_indicator("hs-ngoai-khoa", "Số học sinh tham gia ngoại khóa", "count",
                                                       "sum", "học sinh"), 8, Decimal(20), value_kind="growth",
                              baseline_year=2025),
    }


def rate(numerator, denominator, **extra):
    return {"numerator": numerator, "denominator": denominator, "status": "in_progress", "note": "", "version": 0,
            **extra}


def value(text, **extra):
    return {"value": text, "status": "in_progress", "note": "", "version": 0, **extra}


def milestone(achieved, **extra):
    return {"achieved": achieved, "status": "in_progress", "note": "", "version": 0, **extra}


def cases():
    """(target key, Case): 140-odd malformed posts of the form."""
    found = [("count", case) for case in number_cases("count", value, COUNT_MESSAGES)]
    found += [("rate", case) for case in number_cases("numerator", lambda t: rate(t, "10"), COUNT_MESSAGES)]
    found += [("rate", Case(name, data, message)) for name, data, message in [
        ("denominator 0", rate("0", "0"), "Mẫu số phải lớn hơn 0."),
        ("5 over 0", rate("5", "0"), "Mẫu số phải lớn hơn 0."),
        ("numerator above denominator", rate("8", "7"), "Tử số không được lớn hơn mẫu số."),
        ("numerator alone", rate("4", ""), "Cần nhập cả tử số và mẫu số (hoặc để trống cả hai)."),
        ("denominator alone", rate("", "7"), "Cần nhập cả tử số và mẫu số (hoặc để trống cả hai)."),
        ("13 ones over 13 ones", rate("1111111111111", "1111111111111"), TOO_LARGE),
        ("denominator of 13 digits", rate("999999999999", "1000000000000"), TOO_LARGE),
        ("negative denominator", rate("4", "-7"), NEGATIVE),
        ("fraction of a teacher", rate("4", "7,5"), WHOLE),
        ("percent denominator", rate("4", "100%"), PERCENT_SIGN),
        ("exponent denominator", rate("1", "1e3"), NOT_A_NUMBER),
    ]]
    found += [("budget", Case(name, data, message)) for name, data, message in [
        ("five decimals", rate("1,23456", "10"), PLACES),
        ("percent numerator", rate("12,5%", "100"), PERCENT_SIGN),
        ("13 digits of money", rate("1111111111111", "1111111111111"), TOO_LARGE),
        ("spent above the total", rate("120,5", "100"), "Tử số không được lớn hơn mẫu số."),
    ]]
    found += [("level", Case(f"level {text!r}", value(text), message)) for text, message in [
        ("99", "Mức cao nhất của chỉ tiêu này là mức 2; không nhập được mức 99."),
        ("3", "Mức cao nhất của chỉ tiêu này là mức 2; không nhập được mức 3."),
        ("2,5", WHOLE), ("-1", NEGATIVE), ("2%", PERCENT_SIGN), ("mức 2", NOT_A_NUMBER),
        ("1000000000000", TOO_LARGE), ("1e1", NOT_A_NUMBER),
    ]]
    found += [("index", Case(f"index {text!r}", value(text), message)) for text, message in [
        ("0,12345", PLACES), ("0,00001", PLACES), ("1" + "0" * 13, TOO_LARGE), ("0,82%", PERCENT_SIGN),
        ("-0,1", NEGATIVE), ("NaN", NOT_A_NUMBER), ("8.2e-1", NOT_A_NUMBER),
    ]]
    found += [("percent", Case(f"percentage {text!r}", value(text), message)) for text, message in [
        ("120", OVER_100), ("150%", OVER_100), ("100,01", OVER_100), ("1000000000000%", TOO_LARGE),
        ("-5%", NEGATIVE), ("50%%%x", NOT_A_NUMBER),
    ]]
    found += [("growth", Case(f"growth {text!r}", value(text), message)) for text, message in [
        ("20%", PERCENT_SIGN), ("2,5", WHOLE), ("-20", NEGATIVE),
    ]]
    found += [("milestone", Case(f"achieved {text!r}", milestone(text), CHOICE))
              for text in ["maybe", "1", "true", "<script>", "yes\x00"]]
    found += [("count", Case(name, data, message)) for name, data, message in [
        ("no status", value("3", status=""), "Trường này là bắt buộc."),
        ("unknown status", value("3", status="hacked"), CHOICE),
        ("status with NUL", value("3", status="done\x00"), CHOICE),
        ("note with NUL", value("3", note="Đã xong\x00"), "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."),
        ("note of 2001 characters", value("3", note="x" * 2001), "tối đa 2000 kí tự"),
        ("version text", value("3", version="abc"), STALE_FORM),
        ("version negative", value("3", version="-1"), STALE_FORM),
        ("version missing", value("3", version=""), STALE_FORM),
        ("version decimal", value("3", version="1.5"), STALE_FORM),
        ("version exponent", value("3", version="1e3"), STALE_FORM),
    ]]
    return found


CASES = cases()


def test_the_corpus_of_value_forms_holds_over_140_cases():
    assert len(CASES) >= 140


def test_every_malformed_figure_is_refused_in_vietnamese_and_nothing_is_saved(
        client, subtests, personas, plan, period):
    client.force_login(personas["officer_a"])

    def send(pair):
        key, case = pair.data
        return client.post(reverse("targets:value_edit", args=[plan[key].pk, period.pk]), case.data,
                           HTTP_HX_REQUEST="true")

    check_refused(subtests, [Case(case.name, (key, case), case.message) for key, case in CASES], send,
                  [ProgressValue, ProgressValueChange, Evidence])


# --- the edges that are accepted -----------------------------------------------------------------


def post(client, target, period, data):
    return client.post(reverse("targets:value_edit", args=[target.pk, period.pk]), data, HTTP_HX_REQUEST="true")


def saved(target):
    return ProgressValue.objects.get(target=target)


def test_the_largest_count_the_column_holds_is_saved_and_the_target_page_still_opens(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["count"], period, value("999.999.999.999"))
    assert saved(plan["count"]).value == Decimal("999999999999")
    page = client.get(reverse("targets:target_detail", args=[plan["count"].pk]), {"period": period.pk})
    assert "999.999.999.999" in page.content.decode()


def test_a_rate_of_twelve_digit_counts_is_saved(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["rate"], period, rate("999.999.999.998", "999.999.999.999"))
    assert (saved(plan["rate"]).numerator, saved(plan["rate"]).denominator) == (999999999998, 999999999999)


def test_a_budget_share_takes_sums_of_money_with_decimals(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["budget"], period, rate("1.250,5", "6.000,75"))
    assert (saved(plan["budget"]).numerator, saved(plan["budget"]).denominator) == (Decimal("1250.5"),
                                                                                   Decimal("6000.75"))


@pytest.mark.parametrize("text", ["50%", "50", "50,0 %"])
def test_a_percentage_is_taken_with_or_without_its_sign(client, personas, plan, period, text):
    client.force_login(personas["officer_a"])
    post(client, plan["percent"], period, value(text))
    assert saved(plan["percent"]).value == 50


def test_the_highest_level_of_the_scale_is_taken(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["level"], period, value("2"))
    assert saved(plan["level"]).value == 2


def test_trailing_zeros_beyond_four_decimals_are_not_a_fifth_decimal(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["index"], period, value("0,820000"))
    assert saved(plan["index"]).value == Decimal("0.82")


def test_minus_zero_is_saved_as_zero(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    post(client, plan["count"], period, value("-0"))
    assert str(saved(plan["count"]).value) in ("0", "0.0000")


def test_a_growth_target_takes_the_indicators_figure_and_says_its_unit(client, personas, plan, period):
    client.force_login(personas["officer_a"])
    form = client.get(reverse("targets:value_edit", args=[plan["growth"].pk, period.pk]), HTTP_HX_REQUEST="true")
    assert "Giá trị (học sinh)" in form.content.decode()
    post(client, plan["growth"], period, value("1.318"))
    assert saved(plan["growth"]).value == 1318

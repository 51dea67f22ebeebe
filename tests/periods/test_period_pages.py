"""The reporting periods on the portal (periods.views): the system administrator creates a school year's usual
periods at once, adds one, moves its dates, deletes one created by mistake; everyone else is refused; bad input is
refused in Vietnamese and saves nothing; a save from a page opened before someone else's change is refused with
what was typed kept."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from periods.models import Period, PeriodException
from tests.factories import make_period

LIST = reverse("periods:period_list")


def edit_url(period):
    return reverse("periods:period_edit", args=[period.pk])


def edit_data(client, period, **changes):
    """The edit form as its page shows it (the fingerprint of the period included), with `changes`."""
    page = client.get(edit_url(period)).content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)
    data = {"kind": period.kind, "school_year": period.school_year, "year": period.year or "", "code": period.code,
            "start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}",
            "deadline": f"{period.deadline:%d/%m/%Y}", "lock_after_days": period.lock_after_days, "seen": seen}
    return {**data, **changes}


@pytest.fixture
def admin(client, personas):
    client.force_login(personas["admin"])
    return client


def test_a_school_years_usual_periods_are_created_at_once(admin, db):
    kept = make_period(code="hk1-cu", school_year="2027-2028", start=date(2027, 9, 8), end=date(2028, 1, 18),
                       deadline=date(2028, 1, 28))
    response = admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"}, follow=True)
    assertContains(response, "Đã tạo Học kỳ II năm học 2027-2028, Năm học 2027-2028, 6 tháng đầu năm 2028, Năm 2028. "
                             "Đã có sẵn: Học kỳ I năm học 2027-2028.")
    got = {p.code: (p.kind, p.school_year, p.year, p.start, p.end, p.deadline) for p in Period.objects.all()}
    assert got == {
        "hk1-cu": ("semester_1", "2027-2028", None, date(2027, 9, 8), date(2028, 1, 18), date(2028, 1, 28)),
        # the day after the Học kỳ I kept, which ends on 18/01 (the usual 16/01 would overlap it)
        "2027-2028-hk2": ("semester_2", "2027-2028", None, date(2028, 1, 19), date(2028, 5, 31), date(2028, 6, 10)),
        "2027-2028-nh": ("school_year", "2027-2028", None, date(2027, 9, 5), date(2028, 5, 31), date(2028, 6, 20)),
        "2028-6t": ("half_year", "", 2028, date(2028, 1, 1), date(2028, 6, 30), date(2028, 6, 20)),
        "2028": ("year", "", 2028, date(2028, 1, 1), date(2028, 12, 31), date(2028, 12, 15)),
    }
    assert kept.pk in {p.pk for p in Period.objects.all()}
    again = admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"}, follow=True)
    assertContains(again, "Các kỳ của năm học 2027-2028 đã có đủ; không tạo thêm kỳ nào.")
    assert Period.objects.count() == 5
    # the list proposes the school year after the latest
    assertContains(admin.get(LIST), 'value="2028-2029"')


def test_a_new_first_semester_ends_the_day_before_a_second_semester_kept_that_starts_early(admin, db):
    # the second semester typed by hand from 10/01: the usual first one (to 15/01) would overlap it
    kept = make_period(code="hk2-som", kind="semester_2", school_year="2027-2028", start=date(2028, 1, 10),
                       end=date(2028, 5, 31), deadline=date(2028, 6, 10))
    response = admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"}, follow=True)
    assertContains(response, "Đã tạo Học kỳ I năm học 2027-2028, Năm học 2027-2028, 6 tháng đầu năm 2028, Năm 2028. "
                             "Đã có sẵn: Học kỳ II năm học 2027-2028.")
    first = Period.objects.get(kind="semester_1", school_year="2027-2028")
    # to the day before, its report due ten days after its end as usual
    assert (first.code, first.start, first.end, first.deadline) == (
        "2027-2028-hk1", date(2027, 9, 5), date(2028, 1, 9), date(2028, 1, 19))
    assert Period.objects.get(pk=kept.pk).start == date(2028, 1, 10)


@pytest.mark.parametrize(("kept", "message"), [
    ({"code": "hk2-sai", "kind": "semester_2", "start": date(2027, 10, 1), "end": date(2028, 5, 31),
      "deadline": date(2028, 6, 10)},
     "Học kỳ I năm học 2027-2028: Trùng thời gian với Học kỳ II năm học 2027-2028 đã có (mã hk2-sai, từ 01/10/2027 "
     "đến 31/05/2028): học kỳ này phải kết thúc trước ngày 01/10/2027 nên không còn đủ 90 ngày kể từ 05/09/2027. "
     "Hãy sửa ngày bắt đầu của Học kỳ II năm học 2027-2028 rồi tạo lại năm học."),
    ({"code": "hk1-sai", "kind": "semester_1", "start": date(2027, 9, 5), "end": date(2028, 4, 30),
      "deadline": date(2028, 5, 10)},
     "Học kỳ II năm học 2027-2028: Trùng thời gian với Học kỳ I năm học 2027-2028 đã có (mã hk1-sai, từ 05/09/2027 "
     "đến 30/04/2028): học kỳ này phải bắt đầu sau ngày 30/04/2028 nên không còn đủ 90 ngày đến 31/05/2028. "
     "Hãy sửa ngày kết thúc của Học kỳ I năm học 2027-2028 rồi tạo lại năm học."),
])
def test_a_semester_kept_that_leaves_too_little_of_the_other_is_named_and_nothing_is_created(admin, db, kept,
                                                                                              message):
    make_period(school_year="2027-2028", **kept)
    response = admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"})
    assertContains(response, "Chưa tạo kỳ nào: " + message, status_code=400)
    assert Period.objects.count() == 1


@pytest.mark.parametrize(("typed", "message"), [
    ("2027-2029", "Năm học phải có dạng 2027-2028 (hai năm liên tiếp)."),
    ("2027", "Năm học phải có dạng 2027-2028 (hai năm liên tiếp)."),
    ("", "Hãy nhập năm học, ví dụ 2027-2028."),
    ("1899-1900", "Năm học phải trong khoảng 2000-2001 đến 2099-2100."),
    ("2100-2101", "Năm học phải trong khoảng 2000-2001 đến 2099-2100."),
    ("٢٠٢٧-٢٠٢٨", "Năm học phải có dạng 2027-2028 (hai năm liên tiếp)."),  # other digits: no second set of semesters
])
def test_a_wrong_school_year_is_refused_and_creates_nothing(admin, db, typed, message):
    response = admin.post(reverse("periods:period_school_year"), {"school_year": typed})
    assertContains(response, message, status_code=400)
    assert not Period.objects.exists()


def test_one_period_is_added_with_its_code_from_its_kind_and_year(admin, db):
    response = admin.post(reverse("periods:period_create"), {
        "kind": "half_year", "year": "2029", "school_year": "", "code": "", "start": "01/01/2029",
        "end": "30/06/2029", "deadline": "20/06/2029", "lock_after_days": "10"}, follow=True)
    assertContains(response, "Đã tạo 6 tháng đầu năm 2029 (mã 2029-6t).")
    period = Period.objects.get()
    assert (period.code, period.year, period.start, period.lock_after_days) == ("2029-6t", 2029, date(2029, 1, 1), 10)


@pytest.mark.parametrize(("changes", "message"), [
    ({"end": "01/08/2029"}, "Ngày kết thúc phải sau ngày bắt đầu."),
    ({"end": "31/02/2030"}, "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm."),
    ({"start": "01/07/2029"}, "Kỳ phải nằm trong năm học 2029-2030 (từ 01/08/2029 đến 31/08/2030)."),
    ({"deadline": "01/01/2029"}, "Hạn nộp phải sau ngày bắt đầu kỳ."),
    ({"lock_after_days": "-1"}, "Số ngày phải là số nguyên, từ 0 đến 365."),
    ({"lock_after_days": "1,5"}, "Số ngày phải là số nguyên, từ 0 đến 365."),
    ({"school_year": ""}, "Kỳ theo năm học cần ghi năm học, ví dụ 2027-2028."),
    ({"code": "hk 1/2029"}, "Mã kỳ chỉ gồm chữ không dấu, số, gạch ngang: ví dụ 2027-2028-hk1."),
    ({"start": "10/01/2029", "end": "20/01/2030"}, "hai học kỳ không được chồng lên nhau."),
])
def test_a_wrong_period_is_refused_with_what_was_typed_kept(admin, db, changes, message):
    make_period(code="2028-2029-hk2", kind="semester_2", school_year="2028-2029", start=date(2029, 1, 16),
                end=date(2029, 5, 31), deadline=date(2029, 6, 10))
    data = {"kind": "semester_1", "school_year": "2029-2030", "year": "", "code": "", "start": "05/09/2029",
            "end": "15/01/2030", "deadline": "25/01/2030", "lock_after_days": "7", **changes}
    response = admin.post(reverse("periods:period_create"), data)
    assertContains(response, message, status_code=400)
    assert Period.objects.count() == 1
    typed = data["lock_after_days"]
    assertContains(response, f'name="lock_after_days" value="{typed}"', status_code=400)


def test_a_second_period_of_the_same_kind_and_year_is_refused(admin, db):
    make_period(code="nam-2029", kind="year", school_year="", year=2029, start=date(2029, 1, 1),
                end=date(2029, 12, 31), deadline=date(2029, 12, 15))
    response = admin.post(reverse("periods:period_create"), {
        "kind": "year", "year": "2029", "code": "", "start": "01/01/2029", "end": "31/12/2029",
        "deadline": "15/12/2029", "lock_after_days": "7"})
    assertContains(response, "Đã có kỳ “Năm 2029” (mã nam-2029)", status_code=400)
    assert Period.objects.count() == 1


def test_a_periods_dates_are_moved(admin, db):
    period = make_period(code="2029-2030-hk1", school_year="2029-2030", start=date(2029, 9, 5),
                         end=date(2030, 1, 15), deadline=date(2030, 1, 25))
    response = admin.post(edit_url(period), edit_data(admin, period, deadline="31/01/2030", lock_after_days="3"),
                          follow=True)
    assertContains(response, "Đã lưu Học kỳ I năm học 2029-2030: từ 05/09/2029 đến 15/01/2030, hạn nộp 31/01/2030, "
                             "khóa nhập từ 03/02/2030.")
    period.refresh_from_db()
    assert (period.deadline, period.lock_after_days) == (date(2030, 1, 31), 3)


def test_a_save_from_a_page_opened_before_another_change_is_refused(admin, db):
    period = make_period(code="2029-2030-hk1", school_year="2029-2030", start=date(2029, 9, 5),
                         end=date(2030, 1, 15), deadline=date(2030, 1, 25))
    stale = edit_data(admin, period, deadline="28/01/2030")
    Period.objects.filter(pk=period.pk).update(deadline=date(2030, 2, 5))  # another administrator, meanwhile
    response = admin.post(edit_url(period), stale)
    assertContains(response, "vừa được người khác sửa", status_code=400)
    assertContains(response, "hạn nộp 05/02/2030", status_code=400)  # the latest, shown
    assertContains(response, 'value="2030-01-28"', status_code=400)  # what was typed, kept
    period.refresh_from_db()
    assert period.deadline == date(2030, 2, 5)
    # sent again from that page: the page carries the latest fingerprint now, the save goes through
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', response.content.decode()).group(1)
    admin.post(edit_url(period), {**stale, "seen": seen})
    period.refresh_from_db()
    assert period.deadline == date(2030, 1, 28)


def test_a_period_in_use_keeps_its_name_and_cannot_be_deleted(admin, tree, personas, db):
    period = make_period(code="2029-2030-hk1", school_year="2029-2030", start=date(2029, 9, 5),
                         end=date(2030, 1, 15), deadline=date(2030, 1, 25))
    PeriodException.objects.create(period=period, unit=tree["A-TH1"], open_until=date(2030, 2, 10), reason="Mất điện")
    page = admin.get(edit_url(period))
    assertContains(page, "chỉ sửa được ngày, hạn nộp và số ngày khóa nhập")
    assert "Xóa kỳ này" not in page.content.decode()
    # the naming fields are disabled: a forged change of them is ignored, the dates are saved
    admin.post(edit_url(period), edit_data(admin, period, kind="semester_2", school_year="2030-2031",
                                           deadline="30/01/2030"))
    period.refresh_from_db()
    assert (period.kind, period.school_year, period.deadline) == ("semester_1", "2029-2030", date(2030, 1, 30))
    refused = admin.post(reverse("periods:period_delete", args=[period.pk]), follow=True)
    assertContains(refused, "đã có số liệu, báo cáo hoặc gia hạn: không xóa được.")
    assert Period.objects.filter(pk=period.pk).exists()


def test_a_period_created_by_mistake_is_deleted(admin, db):
    period = make_period(code="2029", kind="year", school_year="", year=2029, start=date(2029, 1, 1),
                         end=date(2029, 12, 31), deadline=date(2029, 12, 15))
    assertContains(admin.get(edit_url(period)), "Xóa kỳ này")
    response = admin.post(reverse("periods:period_delete", args=[period.pk]), follow=True)
    assertContains(response, "Đã xóa Năm 2029.")
    assert not Period.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "principal_a", "reviewer", "nobody"])
def test_the_periods_are_refused_to_everyone_but_the_system_administrator(client, personas, persona):
    period = make_period()
    client.force_login(personas[persona])
    for url in (LIST, reverse("periods:period_create"), edit_url(period)):
        assert client.get(url).status_code == 403, url
    for url, data in ((reverse("periods:period_school_year"), {"school_year": "2030-2031"}),
                      (reverse("periods:period_create"), {"kind": "year", "year": "2030", "start": "01/01/2030",
                                                          "end": "31/12/2030", "deadline": "15/12/2030",
                                                          "lock_after_days": "7"}),
                      (edit_url(period), {"deadline": "30/01/2026"}),
                      (reverse("periods:period_delete", args=[period.pk]), {})):
        assert client.post(url, data).status_code == 403, url
    assert list(Period.objects.values_list("pk", "deadline")) == [(period.pk, date(2026, 1, 20))]
    assert "Kỳ báo cáo</a>" not in client.get(reverse("home")).content.decode()


def test_the_list_reads_the_periods_in_a_fixed_number_of_queries(admin, db, django_assert_max_num_queries):
    admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"})
    with CaptureQueriesContext(connection) as few:
        admin.get(LIST)
    first = len(few.captured_queries)
    assert first <= 8
    admin.post(reverse("periods:period_school_year"), {"school_year": "2028-2029"})
    admin.post(reverse("periods:period_school_year"), {"school_year": "2029-2030"})
    with django_assert_max_num_queries(first):
        page = admin.get(LIST)
    assert page.content.decode().count('<tr id="period-') == 15
    assertContains(page, "Kỳ báo cáo</a>")  # in the menu


def test_a_school_year_whose_period_cannot_be_made_creates_none(admin, db):
    # a code taken by a period of another kind: refused, said, and nothing of the year made (not "kept")
    make_period(code="2028", kind="half_year", school_year="", year=2027, start=date(2027, 1, 1),
                end=date(2027, 6, 30), deadline=date(2027, 6, 20))
    response = admin.post(reverse("periods:period_school_year"), {"school_year": "2027-2028"})
    assertContains(response, "Chưa tạo kỳ nào: Năm 2028: Đã có kỳ mang mã 2028", status_code=400)
    assert Period.objects.count() == 1


@pytest.mark.parametrize("typed", ["9999-0000", "0000-0001", "2099-2100"])
def test_a_school_year_out_of_range_is_refused_not_a_server_error(admin, db, typed):
    response = admin.post(reverse("periods:period_create"), {
        "kind": "semester_1", "school_year": typed, "year": "", "code": "", "start": "05/09/2027",
        "end": "15/01/2028", "deadline": "25/01/2028", "lock_after_days": "7"})
    assert response.status_code == 400
    assert not Period.objects.exists()


def test_a_year_past_its_lock_date_is_shown_locked_before_its_end(admin, db):
    today = timezone.localdate()
    make_period(code="nam-nay", kind="year", school_year="", year=today.year, start=date(today.year, 1, 1),
                end=today + timedelta(days=10), deadline=today - timedelta(days=20), lock_after_days=7)
    row = re.search(r'<tr id="period-\d+">.*?</tr>', admin.get(LIST).content.decode(), re.S).group(0)
    assert "Đã khóa nhập" in row


def test_a_period_in_use_named_by_an_older_form_still_has_its_dates_moved(admin, tree, db):
    # a semester saved with a year too (the admin form allowed it): its dates are edited, its naming left as it is
    period = make_period(code="2029-2030-hk1", school_year="2029-2030", year=2029, start=date(2029, 9, 5),
                         end=date(2030, 1, 15), deadline=date(2030, 1, 25))
    PeriodException.objects.create(period=period, unit=tree["A-TH1"], open_until=date(2030, 2, 10), reason="Mất điện")
    response = admin.post(edit_url(period), edit_data(admin, period, deadline="30/01/2030"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    period.refresh_from_db()
    assert (period.year, period.deadline) == (2029, date(2030, 1, 30))

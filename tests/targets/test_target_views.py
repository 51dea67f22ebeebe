"""The target list, a target's page, inline progress entry (htmx), the lost-update rule and evidence files."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from periods.models import Period, PeriodException
from reports.models import ReportItem
from targets.actions import save_progress_value
from targets.models import (
    Evidence,
    ProgressValue,
    ProgressValueChange,
    Target,
    TargetResponsibility,
)
from tests import evidence_files
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit, make_user
from tests.failed_writes import insert_refused, media_files

PDF = evidence_files.pdf()  # a real one-page PDF: evidence is checked through and through (units.evidence)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
# a link to an evidence file, as the pages write it
EVIDENCE_LINK = 'href="({})"'.format(re.escape(reverse("targets:evidence_download", args=[999])).replace("999", r"\d+"))


def current_school_year(today):
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"


@pytest.fixture
def period(db):
    """The semester in progress, far from its deadline: entry is open."""
    today = timezone.localdate()
    return make_period(code="hk-hien-tai", school_year=current_school_year(today), start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def late_period(db):
    """A semester after the plan's years (2025–2030)."""
    return make_period(code="2032-2033-hk1", school_year="2032-2033", start=date(2032, 9, 5), end=date(2033, 1, 15),
                       deadline=date(2033, 1, 25))


@pytest.fixture
def plan(tree):
    """A's plan in force for 2025–2030 with a rate, a count, an index, a milestone and a percentage."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71", issued_on=date(2025, 10, 1))
    rate = make_indicator("cbql-gv-cds", "Tỷ lệ CBQL, GV được bồi dưỡng chuyển đổi số", "rate", "ratio_of_sums",
                          "%", numerator_label="Số CBQL, GV được bồi dưỡng", denominator_label="Tổng số CBQL, GV")
    count = make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng")
    index = make_indicator("chi-so-hai-long", "Chỉ số hài lòng của phụ huynh", "index", "none")
    milestone = make_indicator("ke-hoach-cds", "Ban hành kế hoạch chuyển đổi số", "milestone", "none")
    percent = make_indicator("pho-cap-ky-nang-so", "Tỷ lệ người dân có kỹ năng số cơ bản", "index", "none", "%")
    targets = {
        "rate": make_target(document, rate, 1, Decimal(95), category="digital"),
        "count": make_target(document, count, 2, Decimal(12), label="2026-2027"),
        "index": make_target(document, index, 3, Decimal("0.8")),
        "milestone": make_target(document, milestone, 4, None, comparator="achieve"),
        "percent": make_target(document, percent, 5, Decimal(80)),
    }
    TargetResponsibility.objects.create(target=targets["rate"], unit=tree["A-VHXH"])
    return {"document": document, **targets}


@pytest.fixture
def plan_b(tree):
    document = make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B")
    indicator = make_indicator("tre-mn-ban-tru", "Tỷ lệ trẻ mầm non học bán trú", "rate", "ratio_of_sums", "%")
    return make_target(document, indicator, 1, Decimal(90))


def login(client, user):
    client.force_login(user)
    return client


def edit_url(target, period):
    return reverse("targets:value_edit", args=[target.pk, period.pk])


def rate_data(numerator, denominator, version=0, **extra):
    return {"numerator": numerator, "denominator": denominator, "status": "in_progress", "note": "",
            "version": version, **extra}


def value_data(value, version=0):
    return {"value": value, "status": "in_progress", "note": "", "version": version}


# --- the target list ----------------------------------------------------------------------------


def test_the_list_shows_a_targets_to_officer_a_in_vietnamese(client, personas, plan, period):
    response = login(client, personas["officer_a"]).get(reverse("targets:target_list"))
    assertContains(response, "Chỉ tiêu của Phường A")
    assertContains(response, "Tỷ lệ CBQL, GV được bồi dưỡng chuyển đổi số")
    assertContains(response, "≥ 95% · đến năm 2030")
    assertContains(response, "≥ 12 phòng · năm học 2026-2027")
    assertContains(response, "Kế hoạch 12/KH-UBND · Chuyển đổi số")
    assertContains(response, f"5 chỉ tiêu · số liệu {period.name}")
    assertContains(response, '<span class="badge st-none">Chưa cập nhật</span>', count=5)
    # officers may update: every row has its inline edit button
    assertContains(response, "Cập nhật</button>", count=5)


def test_the_list_shows_an_entered_rate_as_a_vietnamese_percentage(client, personas, plan, period):
    save_progress_value(target=plan["rate"], period=period, by=personas["officer_a"], expected_version=0,
                        values={"numerator": Decimal(4), "denominator": Decimal(7), "status": "in_progress"})
    response = login(client, personas["officer_a"]).get(reverse("targets:target_list"))
    assertContains(response, "57,1%")
    assertContains(response, "4/7")
    assertContains(response, "Đang thực hiện")


def list_row(response, target):
    match = re.search(rf'<tr id="target-{target.pk}"[^>]*>(.*?)</tr>', response.content.decode(), re.S)
    assert match, f"no row for {target}"
    return match.group(1), " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_list_judges_each_target_as_the_dashboard_does(client, personas, plan, period):
    save_progress_value(target=plan["rate"], period=period, by=personas["officer_a"], expected_version=0,
                        values={"numerator": Decimal(4), "denominator": Decimal(7), "status": "in_progress"})
    response = login(client, personas["officer_a"]).get(reverse("targets:target_list"))
    html, text = list_row(response, plan["rate"])
    # a figure reported once is where its path starts: on track, as on the dashboard
    assert "57,1% Đúng tiến độ" in text and '<span class="badge st-on_track">Đúng tiến độ</span>' in html
    html, text = list_row(response, plan["index"])
    assert '<span class="badge st-no_data">Chưa có số liệu</span>' in html


def test_a_target_for_every_school_is_listed_with_its_lowest_school(client, personas, tree, plan, period):
    item = ReportItem.objects.create(code="so-phong-tm", label="Số phòng học thông minh", section="Cơ sở vật chất",
                                     levels=["th"])
    rooms = make_indicator("phong-tm-moi-truong", "Số phòng học thông minh của mỗi trường", "count", "sum", "phòng",
                           numerator_item=item)
    target = make_target(plan["document"], rooms, 6, Decimal(2), each_unit=True)
    for school, figure in ((tree["A-TH1"], 1), (tree["A-THCS"], 3)):
        ProgressValue.objects.create(indicator=rooms, unit=school, period=period, value=figure)
    html, text = list_row(login(client, personas["officer_a"]).get(reverse("targets:target_list")), target)
    # "mỗi trường có tối thiểu 02 phòng": the school with one room is what counts, not the four in all
    assert "1 phòng thấp nhất trong 2 đơn vị báo cáo" in text and "4 phòng" not in text
    assert '<span class="badge st-on_track">Đúng tiến độ</span>' in html


def test_the_leader_reads_the_list_without_edit_buttons(client, personas, plan, period):
    response = login(client, personas["leader_a"]).get(reverse("targets:target_list"))
    assertContains(response, "Số phòng học thông minh")
    assertNotContains(response, "Cập nhật</button>")


def test_officer_b_never_sees_the_targets_of_a(client, personas, plan, plan_b, period):
    response = login(client, personas["officer_b"]).get(reverse("targets:target_list"))
    assertContains(response, "Tỷ lệ trẻ mầm non học bán trú")
    for key in ("rate", "count", "index", "milestone", "percent"):
        assertNotContains(response, plan[key].indicator.name)


def test_officer_b_cannot_pick_a_in_the_list_filter(client, personas, plan, plan_b, period, tree):
    response = login(client, personas["officer_b"]).get(reverse("targets:target_list"), {"unit": tree["A"].pk})
    assertNotContains(response, "Tỷ lệ CBQL, GV được bồi dưỡng chuyển đổi số")
    assertContains(response, "Chỉ tiêu của Phường B")


def add_count_targets(document, n):
    for i in range(n):
        indicator = make_indicator(f"extra-{document.pk}-{i}", f"Chỉ tiêu bổ sung số {i}", "count", "sum", "trường")
        make_target(document, indicator, 100 + i, Decimal(i + 1))


@pytest.mark.parametrize("n_targets", [3, 12])
def test_the_list_query_count_does_not_grow_with_the_targets(
    client, personas, tree, period, n_targets, django_assert_num_queries
):
    document = make_document(tree["A"], "20/KH-UBND", "Kế hoạch")
    # one school-collected indicator, so that the roll-up queries are part of the count
    item = ReportItem.objects.create(code="so-gv", label="Tổng số giáo viên", section="Đội ngũ", levels=["th"])
    collected = make_indicator("collected", "Tỷ lệ thu từ trường", "rate", "ratio_of_sums", "%",
                               numerator_item=item, denominator_item=item)
    make_target(document, collected, 0, Decimal(90))
    add_count_targets(document, n_targets - 1)
    for target in Target.objects.filter(document=document)[:2]:
        TargetResponsibility.objects.create(target=target, unit=tree["A-VHXH"])
        save_progress_value(target=target, period=period, by=personas["officer_a"], expected_version=0,
                            values={"value": Decimal(3), "status": "done"})
    login(client, personas["officer_a"])
    # session, the user with its memberships, the unread notifications (top bar), issuing units (marked with
    # whether they have predecessors: A has none), periods (the current one is picked from them), plans,
    # responsible units, targets (with indicator, document, part_of and its indicator), horizons, scope units,
    # responsibilities (with unit), entered values (with who entered), roll-ups of school-collected indicators (13)
    with django_assert_num_queries(13):
        response = client.get(reverse("targets:target_list"))
    assertContains(response, f"{n_targets} chỉ tiêu")
    assertContains(response, '<tr id="target-', count=n_targets)


# --- a target's page ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "leader_a"])
def test_the_detail_page_shows_the_target_to_readers_of_a(client, personas, plan, period, persona):
    response = login(client, personas[persona]).get(reverse("targets:target_detail", args=[plan["rate"].pk]))
    assertContains(response, "<h1>Tỷ lệ CBQL, GV được bồi dưỡng chuyển đổi số</h1>", html=True)
    assertContains(response, "“Phấn đấu đến năm 2030: tỷ lệ cbql, gv được bồi dưỡng chuyển đổi số”")
    assertContains(response, "Phòng Văn hóa - Xã hội phường A (chủ trì)")
    assertContains(response, f"Số liệu {period.name}")


def test_only_those_who_may_change_see_the_evidence_form(client, personas, plan, period):
    url = reverse("targets:target_detail", args=[plan["rate"].pk])
    assertContains(login(client, personas["officer_a"]).get(url), "Đính kèm</button>")
    assertNotContains(login(client, personas["leader_a"]).get(url), "Đính kèm</button>")


def test_the_detail_page_is_hidden_from_officer_b(client, personas, plan, period):
    response = login(client, personas["officer_b"]).get(reverse("targets:target_detail", args=[plan["rate"].pk]))
    assert response.status_code == 404


def add_history(tree, plan, officer, n):
    """n more rows of each list on the rate target's page: a unit that coordinates it, a value entered for an
    earlier semester (with its change and an evidence file), a target of a school's plan that makes it
    concrete, and a part of it."""
    target, today = plan["rate"], timezone.localdate()
    start = Period.objects.count()
    for i in range(start, start + n):
        earlier = make_period(code=f"hk-truoc-{i}", start=today - timedelta(400 + 30 * i),
                              end=today - timedelta(300 + 30 * i), deadline=today - timedelta(290 + 30 * i))
        # the semester is locked: the level above reopened it for the ward
        PeriodException.objects.create(period=earlier, unit=tree["A"], open_until=today, reason="Nhập bổ sung")
        value = save_progress_value(target=target, period=earlier, by=officer, expected_version=0,
                                    values={"numerator": Decimal(i), "denominator": Decimal(40), "status": "done"})
        Evidence.objects.create(value=value, file=SimpleUploadedFile(f"bien-ban-{i}.pdf", PDF),
                                original_name=f"bien-ban-{i}.pdf", content_type="application/pdf", size=len(PDF),
                                uploaded_by=officer)
        office = make_unit(f"A-P{i}", f"Phòng số {i} phường A", "commune_office", tree["A"])
        TargetResponsibility.objects.create(target=target, unit=office, role="coordinate")
        school_plan = make_document(tree["A-TH1"], f"{i}/KH-TH", f"Kế hoạch số {i} của Trường Tiểu học A1")
        make_target(school_plan, target.indicator, 1, Decimal(100), parent=target)
        make_target(plan["document"], make_indicator(f"phan-{i}", f"Phần số {i}", unit_label="%"), 10 + i,
                    Decimal(50), part_of=target)


@pytest.mark.parametrize("persona", ["officer_a", "leader_a"])
def test_the_detail_page_takes_the_same_queries_whatever_the_number_of_rows(
        client, personas, tree, plan, period, media, persona, django_assert_num_queries):
    url = reverse("targets:target_detail", args=[plan["rate"].pk])
    login(client, personas[persona])
    add_history(tree, plan, personas["officer_a"], 3)
    # session, the user with its memberships, the unread notifications (top bar), the target (with plan, issuer,
    # indicator, parent, whole), the periods; the row of the period: horizons, scope units, the issuer's
    # predecessors, its value, the schools' roll-up; the units responsible (with unit), the parts (with indicator)
    # and their horizons, the children (with plan, issuer, indicator), the values by period (with period, who
    # entered), their evidence files, the changes (with value, period, who), the revisions (with who)
    with django_assert_num_queries(18):
        client.get(url, {"period": period.pk})
    add_history(tree, plan, personas["officer_a"], 4)
    with django_assert_num_queries(18):
        response = client.get(url, {"period": period.pk})
    assertContains(response, "bien-ban-6.pdf</a>")
    assertContains(response, "Trường Tiểu học A1, Kế hoạch số 6/KH-TH")
    assertContains(response, "Phần số 6</a>")
    assertContains(response, "Phòng số 6 phường A (phối hợp)")


# --- inline entry -------------------------------------------------------------------------------


def test_htmx_get_returns_the_edit_form_fragment_with_the_rate_labels(client, personas, plan, period):
    response = login(client, personas["officer_a"]).get(edit_url(plan["rate"], period), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "targets/value_edit_row.html"
    assertNotContains(response, "<html")
    assertContains(response, f'<tr id="target-{plan["rate"].pk}" class="editing">')
    assertContains(response, f'hx-post="{edit_url(plan["rate"], period)}"')
    assertContains(response, "Số CBQL, GV được bồi dưỡng")
    assertContains(response, "Tổng số CBQL, GV")
    assertContains(response, '<input type="hidden" name="version" value="0"', html=False)


def test_the_edit_form_opens_with_the_figure_entered_and_its_version(client, personas, plan, period, django_assert_max_num_queries):
    officer = login(client, personas["officer_a"])
    officer.post(edit_url(plan["rate"], period), rate_data("4", "7", note="Theo báo cáo tháng 11"), HTTP_HX_REQUEST="true")
    value = ProgressValue.objects.get()
    # an archived figure of the same target and period is no longer the one shown
    ProgressValue.all_objects.create(indicator=value.indicator, target=value.target, unit=value.unit, period=period,
                                     numerator=1, denominator=9, archived_at=timezone.now())
    with django_assert_max_num_queries(6):
        response = officer.get(edit_url(plan["rate"], period), HTTP_HX_REQUEST="true")
    assertContains(response, '<input type="text" name="numerator" value="4"', html=False)
    assertContains(response, '<input type="text" name="denominator" value="7"', html=False)
    assertContains(response, "Theo báo cáo tháng 11")
    assertContains(response, f'<input type="hidden" name="version" value="{value.version}"', html=False)


def test_each_rows_editor_has_ids_of_its_own(client, personas, plan, period):
    """The list can hold several open editors beside its own filters (the "Tình trạng" filter is id_status): a
    field's id, and the label pointing at it, are the row's own, so a tap on a label never lands in another row."""
    officer = login(client, personas["officer_a"])
    pages = {key: officer.get(edit_url(plan[key], period), HTTP_HX_REQUEST="true").content.decode()
             for key in ("rate", "count")}
    ids = {key: re.findall(r'\bid="([^"]+)"', page) for key, page in pages.items()}
    assert ids["rate"] and not set(ids["rate"]) & set(ids["count"])
    assert "id_status" not in ids["rate"] + ids["count"]
    target = plan["rate"].pk
    assert f'<label for="id_t{target}_numerator">' in pages["rate"] and f'id="id_t{target}_numerator"' in pages["rate"]
    listing = officer.get(reverse("targets:target_list")).content.decode()
    assert 'id="id_status"' in listing  # the filter keeps its own


def test_a_plain_get_returns_the_full_edit_page(client, personas, plan, period):
    response = login(client, personas["officer_a"]).get(edit_url(plan["count"], period))
    assertContains(response, "<html")
    assertContains(response, "Cập nhật số liệu: Số phòng học thông minh")
    assertContains(response, "Giá trị (phòng)")


def test_saving_a_rate_stores_the_two_counts_and_returns_the_row_in_vietnamese(client, personas, plan, period):
    response = login(client, personas["officer_a"]).post(
        edit_url(plan["rate"], period), rate_data("4", "7", note="Theo báo cáo tháng 11"), HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "targets/target_list_row.html"
    assertContains(response, "57,1%")
    assertContains(response, "4/7")
    assertContains(response, "Đã lưu")
    value = ProgressValue.objects.get(target=plan["rate"], period=period)
    assert (value.numerator, value.denominator, value.value) == (4, 7, None)
    assert value.unit == plan["document"].issuer
    assert (value.version, value.entered_by, value.note) == (1, personas["officer_a"], "Theo báo cáo tháng 11")


def test_saving_records_the_change_with_before_and_after(client, personas, plan, period):
    login(client, personas["officer_a"])
    client.post(edit_url(plan["rate"], period), rate_data("4", "7"), HTTP_HX_REQUEST="true")
    client.post(edit_url(plan["rate"], period), rate_data("5", "7", version=1), HTTP_HX_REQUEST="true")
    first, second = ProgressValueChange.objects.filter(value__target=plan["rate"]).order_by("pk")
    assert first.before is None
    assert (first.after["numerator"], first.after["denominator"]) == ("4", "7")
    assert second.before["numerator"] == "4"
    assert second.after["numerator"] == "5"
    assert second.changed_by == personas["officer_a"]
    history = client.get(reverse("targets:target_detail", args=[plan["rate"].pk]))
    assertContains(history, "4/7 · Đang thực hiện")
    assertContains(history, "5/7 · Đang thực hiện")


def test_a_plain_post_redirects_to_the_target_page_with_a_message(client, personas, plan, period):
    response = login(client, personas["officer_a"]).post(edit_url(plan["count"], period), value_data("1.318"),
                                                          follow=True)
    assertContains(response, "Đã lưu số liệu.")
    assert ProgressValue.objects.get(target=plan["count"]).value == 1318
    assertContains(response, "1.318 phòng")


def test_the_index_accepts_a_decimal_comma(client, personas, plan, period):
    response = login(client, personas["officer_a"]).post(edit_url(plan["index"], period), value_data("0,82"),
                                                          HTTP_HX_REQUEST="true")
    assertContains(response, "0,82")
    assert ProgressValue.objects.get(target=plan["index"]).value == Decimal("0.82")


def test_a_milestone_is_saved_as_achieved(client, personas, plan, period):
    login(client, personas["officer_a"]).post(
        edit_url(plan["milestone"], period), {"achieved": "yes", "status": "done", "version": 0},
        HTTP_HX_REQUEST="true")
    value = ProgressValue.objects.get(target=plan["milestone"])
    assert (value.achieved, value.status) == (True, "done")


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("rate", rate_data("8", "7"), "Tử số không được lớn hơn mẫu số."),
        ("rate", rate_data("-1", "7"), "Giá trị không được âm."),
        ("rate", rate_data("4", ""), "Cần nhập cả tử số và mẫu số (hoặc để trống cả hai)."),
        ("rate", rate_data("", "7"), "Cần nhập cả tử số và mẫu số (hoặc để trống cả hai)."),
        ("rate", rate_data("0", "0"), "Mẫu số phải lớn hơn 0."),
        ("count", value_data("-3"), "Giá trị không được âm."),
        ("count", value_data("nhiều"), "“nhiều” không phải là một số"),
        ("percent", value_data("120"), "Tỷ lệ phần trăm không được vượt quá 100%."),
    ],
)
def test_invalid_figures_are_refused_in_vietnamese_and_nothing_is_saved(
    client, personas, plan, period, key, data, message
):
    response = login(client, personas["officer_a"]).post(edit_url(plan[key], period), data, HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "targets/value_edit_row.html"
    assertContains(response, message)
    assert not ProgressValue.objects.exists()
    assert not ProgressValueChange.objects.exists()


def test_a_period_outside_the_plans_years_is_refused(client, personas, plan, late_period):
    response = login(client, personas["officer_a"]).post(edit_url(plan["count"], late_period), value_data("3"),
                                                          HTTP_HX_REQUEST="true")
    assertContains(response, "nằm ngoài thời gian thực hiện của kế hoạch (2025–2030)")
    assert not ProgressValue.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("leader_a", 403), ("principal_a", 403), ("officer_b", 404)])
def test_those_who_may_not_change_a_cannot_open_or_save_an_entry(client, personas, plan, period, persona, status):
    login(client, personas[persona])
    assert client.get(edit_url(plan["rate"], period), HTTP_HX_REQUEST="true").status_code == status
    assert client.post(edit_url(plan["rate"], period), rate_data("4", "7")).status_code == status
    assert not ProgressValue.objects.exists()


def test_cancel_returns_the_read_only_row(client, personas, plan, period):
    response = login(client, personas["officer_a"]).get(
        reverse("targets:value_row", args=[plan["rate"].pk, period.pk]), HTTP_HX_REQUEST="true")
    assertContains(response, f'<tr id="target-{plan["rate"].pk}"')
    assertContains(response, "Chưa nhập")


def test_cancel_hides_a_row_of_a_from_officer_b(client, personas, plan, period):
    response = login(client, personas["officer_b"]).get(
        reverse("targets:value_row", args=[plan["rate"].pk, period.pk]))
    assert response.status_code == 404


# --- the lost-update rule -----------------------------------------------------------------------


def version_in_conflict_box(response):
    # the box ends with the hidden version the user resubmits with
    box = re.search(r'<div class="conflict" role="alert">(.*?name="version" value="(\d+)")', response.content.decode(),
                    re.S)
    assert box, "no conflict box with a version"
    return int(box.group(2)), box.group(1)


def test_a_second_save_from_a_stale_form_is_refused_and_shows_the_first_value(client, personas, plan, period, tree):
    first, second = personas["officer_a"], make_user("officer_a2", tree["A"], "officer", first_name="Lan")
    url = edit_url(plan["rate"], period)
    for user in (first, second):
        opened = login(client, user).get(url, HTTP_HX_REQUEST="true")
        assertContains(opened, 'name="version" value="0"')

    login(client, first).post(url, rate_data("4", "7"), HTTP_HX_REQUEST="true")
    refused = login(client, second).post(url, rate_data("6", "7"), HTTP_HX_REQUEST="true")

    assertContains(refused, "Số liệu vừa được người khác cập nhật.")
    version, box = version_in_conflict_box(refused)
    assert version == 1
    assert "officer_a đã lưu lúc" in box
    assert "57,1%" in box and "4/7" in box
    # the second person's figures are still in the form, not saved
    assertContains(refused, 'value="6"')
    value = ProgressValue.objects.get(target=plan["rate"], period=period)
    assert (value.numerator, value.version, value.entered_by) == (4, 1, first)
    assert ProgressValueChange.objects.count() == 1


def test_resubmitting_with_the_version_of_the_conflict_box_saves(client, personas, plan, period, tree):
    first, second = personas["officer_a"], make_user("officer_a2", tree["A"], "officer")
    url = edit_url(plan["rate"], period)
    login(client, first).post(url, rate_data("4", "7"), HTTP_HX_REQUEST="true")
    refused = login(client, second).post(url, rate_data("6", "7"), HTTP_HX_REQUEST="true")
    version, _ = version_in_conflict_box(refused)

    saved = client.post(url, rate_data("6", "7", version=version), HTTP_HX_REQUEST="true")

    assertContains(saved, "85,7%")
    value = ProgressValue.objects.get(target=plan["rate"], period=period)
    assert (value.numerator, value.version, value.entered_by) == (6, 2, second)
    latest = ProgressValueChange.objects.order_by("-pk").first()
    assert (latest.before["numerator"], latest.after["numerator"]) == ("4", "6")


# --- evidence -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def entered(plan, period, personas):
    return save_progress_value(target=plan["rate"], period=period, by=personas["officer_a"], expected_version=0,
                               values={"numerator": Decimal(4), "denominator": Decimal(7), "status": "in_progress"})


def upload_url(target, period):
    return reverse("targets:evidence_upload", args=[target.pk, period.pk])


def upload(client, target, period, name, content):
    return client.post(upload_url(target, period), {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_a_pdf_is_attached_to_the_value_and_listed(client, personas, plan, period, media, entered):
    response = upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    assertContains(response, "Đã đính kèm “quyet-dinh.pdf”.")
    evidence = Evidence.objects.get()
    assert (evidence.value, evidence.content_type, evidence.size) == (entered, "application/pdf", len(PDF))
    assert evidence.uploaded_by == personas["officer_a"]
    assert (media / evidence.file.name).read_bytes() == PDF
    assertContains(response, reverse("targets:evidence_download", args=[evidence.pk]))


def test_the_evidence_downloads_for_officer_a(client, personas, plan, period, media, entered):
    upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    response = client.get(reverse("targets:evidence_download", args=[Evidence.objects.get().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="quyet-dinh.pdf"' in response["Content-Disposition"]
    response.close()


def test_the_evidence_is_hidden_from_officer_b(client, personas, plan, period, media, entered):
    upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    evidence = Evidence.objects.get()
    response = login(client, personas["officer_b"]).get(reverse("targets:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "reviewer"])
def test_every_evidence_link_a_reader_is_shown_can_be_opened(client, personas, plan, period, media, entered, persona):
    upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    upload(client, plan["rate"], period, "bien-ban.pdf", PDF)
    page = login(client, personas[persona]).get(reverse("targets:target_detail", args=[plan["rate"].pk]),
                                                {"period": period.pk})
    links = set(re.findall(EVIDENCE_LINK, page.content.decode()))
    assert links == {reverse("targets:evidence_download", args=[e.pk]) for e in Evidence.objects.all()}
    assert len(links) == 2
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert b"".join(response.streaming_content) == PDF  # read to the end, the test client closes it


def test_a_school_below_the_unit_is_told_nothing_of_its_evidence(
        client, personas, plan, period, media, entered):
    # the ward's evidence is its working data (tests/targets/test_target_working_data.py): not even a count
    upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    page = login(client, personas["principal_a"]).get(reverse("targets:target_detail", args=[plan["rate"].pk]))
    assert not re.findall(EVIDENCE_LINK, page.content.decode())
    assertNotContains(page, "tệp</td>")
    assertNotContains(page, "quyet-dinh.pdf")


def test_evidence_whose_row_the_database_refuses_leaves_no_file(client, personas, plan, period, media, entered):
    login(client, personas["officer_a"])
    with insert_refused("targets_evidence"), pytest.raises(IntegrityError):
        upload(client, plan["rate"], period, "quyet-dinh.pdf", PDF)
    assert not Evidence.objects.exists() and media_files() == []


def test_officer_b_cannot_upload_evidence_to_a(client, personas, plan, period, media, entered):
    response = login(client, personas["officer_b"]).post(upload_url(plan["rate"], period),
                                                          {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_the_leader_cannot_upload_evidence(client, personas, plan, period, media, entered):
    response = login(client, personas["leader_a"]).post(upload_url(plan["rate"], period),
                                                         {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_an_executable_renamed_pdf_is_refused_by_its_content(client, personas, plan, period, media, entered):
    response = upload(login(client, personas["officer_a"]), plan["rate"], period, "bao-cao.pdf", EXE)
    assertContains(response, "Loại tệp không được chấp nhận")
    assert not Evidence.objects.exists()
    assert not list(media.rglob("*.pdf"))


def test_an_empty_file_is_refused(client, personas, plan, period, media, entered):
    response = upload(login(client, personas["officer_a"]), plan["rate"], period, "rong.pdf", b"")
    assertContains(response, "msg-error")
    assertContains(response, "rỗng")
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused(client, personas, plan, period, media, entered):
    with override_settings(EVIDENCE_MAX_BYTES=1024 * 1024):
        response = upload(login(client, personas["officer_a"]), plan["rate"], period, "lon.pdf",
                          PDF + b"0" * (1024 * 1024))
    assertContains(response, "Tệp quá lớn: tối đa 1 MB.")
    assert not Evidence.objects.exists()


def test_evidence_before_any_value_is_refused_with_a_message(client, personas, plan, period, media):
    response = upload(login(client, personas["officer_a"]), plan["rate"], period, "quyet-dinh.pdf", PDF)
    assertContains(response, "Hãy nhập số liệu của kỳ này trước khi đính kèm minh chứng.")
    assert not Evidence.objects.exists()


def test_the_target_list_says_so_when_no_period_exists_yet(client, personas):
    from periods.models import Period

    Period.objects.all().delete()
    client.force_login(personas["officer_a"])
    response = client.get("/chi-tieu/")
    assert response.status_code == 200
    assert "Chưa có kỳ báo cáo nào" in response.content.decode()


def test_the_detail_page_of_a_fresh_installation_says_no_period_is_set_up(client, personas, tree):
    from periods.models import Period
    from tests.factories import make_document

    Period.objects.all().delete()
    document = make_document(tree["A"], number="99/KH-UBND")
    target = make_target(document, make_indicator("fresh", "Chỉ số mới", "count", "sum", "trường"), 1, Decimal(2))
    client.force_login(personas["officer_a"])
    response = client.get(f"/chi-tieu/{target.pk}/")
    assert response.status_code == 200
    assert "Chưa có kỳ báo cáo nào được thiết lập" in response.content.decode()


def test_the_lists_periods_are_offered_newest_first(client, personas, plan, period, late_period):
    page = login(client, personas["officer_a"]).get(reverse("targets:target_list")).content.decode()
    select = re.search(r'<select name="period"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = re.findall(r'<option value="(\d+)"', select)
    assert offered == [str(late_period.pk), str(period.pk)]  # as the dashboards offer them

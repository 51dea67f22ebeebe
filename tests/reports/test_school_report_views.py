"""A school's semester report through its workflow, the commune's review, locking, completeness and reminders."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from periods.models import Period, PeriodException
from reports import actions
from reports.catalogue import ensure_report_items
from reports.models import ReportStatus, ReportValue, SchoolReport, SchoolReportEntry
from targets.models import ProgressValue
from targets.queries import rollup
from tests.factories import make_indicator, make_period, make_unit, make_user
from units.models import Unit

# A consistent set of figures: every part is at most its whole.
FIGURES = {
    "so-cbgvnv": "50", "so-cbgvnv-quan-triet": "48", "so-cbql-gv": "40", "so-gv": "36", "so-gv-dat-chuan": "35",
    "so-gv-tren-chuan": "10", "so-cbql-gv-boi-duong-cds": "30", "so-gv-tap-huan-ai": "20",
    "so-cbql-gv-ung-dung-ai": "15", "so-gv-boi-duong-nang-luc-so": "25", "so-hs": "1.318", "so-hs-bo-hoc": "0",
    "so-hs-2-buoi": "1.200", "so-hs-ngoai-khoa": "900", "so-tre-suy-dinh-duong": "3", "so-hs-hoan-thanh-th": "1.300",
    "so-hs-lop5": "250", "so-hs-lop5-vao-lop6": "248", "so-hs-lop9": "200", "so-hs-lop9-hoan-thanh": "198",
    "so-lop": "36", "so-lop-2-buoi": "30", "so-phong-hoc-thong-minh": "2", "ket-noi-internet": "1",
    "thiet-bi-day-hoc-so": "1", "ung-dung-ai": "0", "phan-mem-quan-tri": "1", "muc-chuan-quoc-gia": "1",
    "cap-do-kiem-dinh": "2", "so-vu-bao-luc": "0",
}


def field(code):
    return "item_" + code.replace("-", "_")


@pytest.fixture
def items(db):
    return ensure_report_items()


@pytest.fixture
def period(db):
    """The semester in progress, its deadline still ahead."""
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def locked_period(db):
    """A semester whose deadline and the seven days after it are past: entry is closed."""
    today = timezone.localdate()
    return make_period(code="hk-da-khoa", kind="semester_2", start=today - timedelta(days=200),
                       end=today - timedelta(days=40), deadline=today - timedelta(days=30), lock_after_days=7)


def detail_url(school, period):
    return reverse("reports:school_report_detail", args=[school.pk, period.pk])


def login(client, user):
    client.force_login(user)
    return client


def version_on_page(response):
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


def report_data(school, version, *, figures=None, only=None, **extra):
    """The POST a school's staff sends: its items (yes/no as 1/0), the version it opened, the narrative."""
    figures = {**FIGURES, **(figures or {})}
    data = {"version": version, "highlights": "Hoàn thành bồi dưỡng chuyển đổi số", "difficulties": "",
            "proposals": "Bổ sung thiết bị", **extra}
    for item in actions.applicable_items(school):
        if only is None or item.code in only:
            data[field(item.code)] = figures[item.code]
    return data


def post_report(client, school, period, *, submit=False, follow=True, **kwargs):
    url = detail_url(school, period)
    version = version_on_page(client.get(url))
    data = report_data(school, version, **kwargs)
    data["submit" if submit else "save"] = ""
    return client.post(url, data, follow=follow)


def report_of(school, period):
    return SchoolReport.objects.get(school=school, period=period)


def fill_and_submit(school, period, user, **figures):
    """A school's complete report, submitted through the workflow's actions (set-up for other tests)."""
    values = {**FIGURES, **figures}
    entries = {item.code: Decimal(values[item.code].replace(".", "")) for item in actions.applicable_items(school)}
    report = actions.get_or_start_report(school=school, period=period)
    report = actions.save_school_report(report=report, entries=entries, narrative={}, by=user,
                                        expected_version=report.version)
    return actions.submit_school_report(report=report, by=user, expected_version=report.version)


@pytest.fixture
def trained_rate(items):
    """The share of managers and teachers trained in digital skills, computed from two report items."""
    return make_indicator("cbql-gv-boi-duong-cds", "Tỷ lệ CBQL, GV được bồi dưỡng CĐS", "rate", "ratio_of_sums", "%",
                          numerator_item=items["so-cbql-gv-boi-duong-cds"], denominator_item=items["so-cbql-gv"])


# --- filling in -------------------------------------------------------------------------------


def test_the_principal_opens_a_form_with_the_items_of_the_schools_levels(client, personas, tree, items, period):
    response = login(client, personas["principal_a"]).get(detail_url(tree["A-TH1"], period))
    assertContains(response, f"<h1>Báo cáo {period.name}</h1>", html=True)
    assertContains(response, '<span class="badge st-none" id="report-status">Chưa bắt đầu</span>', html=True)
    assertContains(response, "Tổng số giáo viên")
    assertContains(response, f'name="{field("so-gv")}"')
    assertContains(response, "Số học sinh lớp 5")
    # a primary school does not answer the preschool or lower-secondary items
    assertNotContains(response, "Số trẻ suy dinh dưỡng")
    assertNotContains(response, "Số học sinh lớp 9")
    assertContains(response, "Nộp báo cáo</button>")


def test_a_draft_is_saved_with_its_figures_and_narrative(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, only={"so-gv", "so-hs", "ket-noi-internet", "ung-dung-ai"})
    assertContains(response, "Đã lưu nháp báo cáo.")
    report = report_of(tree["A-TH1"], period)
    assert report.status == ReportStatus.DRAFT
    assert report.updated_by == personas["principal_a"]
    assert (report.highlights, report.proposals) == ("Hoàn thành bồi dưỡng chuyển đổi số", "Bổ sung thiết bị")
    figures = report.entries_by_code()
    assert (figures["so-gv"], figures["so-hs"]) == (36, 1318)
    assert (figures["ket-noi-internet"], figures["ung-dung-ai"]) == (1, 0)
    assert figures["so-lop"] is None
    # the page shows the saved figures back, Vietnamese style
    assertContains(response, 'value="1.318"')
    assertContains(response, "Đang soạn")


def test_the_first_save_of_a_new_report_is_not_taken_for_a_conflict(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, only={"so-gv"})
    assertNotContains(response, "Báo cáo vừa được người khác cập nhật")
    assert report_of(tree["A-TH1"], period).entries_by_code()["so-gv"] == 36


def test_submitting_with_missing_items_is_refused_but_the_draft_is_kept(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, submit=True, only={"so-gv", "so-cbql-gv"})
    n_missing = len(actions.applicable_items(tree["A-TH1"])) - 2
    assertContains(response, f"Chưa thể nộp: còn {n_missing} mục chưa nhập số liệu")
    report = report_of(tree["A-TH1"], period)
    assert report.status == ReportStatus.DRAFT
    assert report.entries_by_code()["so-gv"] == 36
    # the form is still there, with the version that lets the school save again
    assert version_on_page(response) == report.version
    assertContains(response, "Nộp báo cáo</button>")


def test_a_part_above_its_whole_is_refused_at_the_form(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, follow=False,
                           figures={"so-gv": "36", "so-gv-dat-chuan": "40"})
    assert response.status_code == 200
    assertContains(response, "Báo cáo chưa được lưu: hãy sửa các ô báo lỗi bên dưới.")
    assertContains(response, "Không được lớn hơn “Tổng số giáo viên” (36).")
    assert not SchoolReportEntry.objects.exists()


def test_a_negative_figure_is_refused_in_vietnamese(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, follow=False, figures={"so-vu-bao-luc": "-1"})
    assertContains(response, "Giá trị không được âm.")
    assert not SchoolReportEntry.objects.exists()


def test_a_full_submit_locks_the_report(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, submit=True)
    assertContains(response, "Đã nộp báo cáo. Báo cáo được khóa chờ cán bộ phụ trách duyệt.")
    report = report_of(tree["A-TH1"], period)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at is not None
    assertContains(response, "Đã nộp, chờ duyệt")
    # read-only: the figures are shown, no input, no button
    assertNotContains(response, f'name="{field("so-gv")}"')
    assertNotContains(response, "Nộp báo cáo</button>")
    assertNotContains(response, "Lưu nháp</button>")


def test_a_submitted_report_refuses_a_further_save(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period, submit=True)
    report = report_of(tree["A-TH1"], period)
    response = client.post(detail_url(tree["A-TH1"], period),
                           report_data(tree["A-TH1"], report.version, figures={"so-gv": "37"}, save=""))
    assertContains(response, "Báo cáo đang ở trạng thái “Đã nộp, chờ duyệt”, không thể sửa.")
    assert report_of(tree["A-TH1"], period).entries_by_code()["so-gv"] == 36


def test_a_submitted_report_shows_yes_no_answers_in_words(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, submit=True)
    row = re.search(r"Trường có kết nối Internet</label></th>\s*<td>(.*?)</td>", response.content.decode(), re.S)
    assert re.sub(r"<[^>]+>", "", row.group(1)).strip() == "Có"


def shown(response, label):
    """The figure the read-only report shows beside an item's label."""
    row = re.search(rf"{re.escape(label)}</label></th>\s*<td>(.*?)</td>", response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", row.group(1)).strip()


def test_a_submitted_report_shows_thousands_as_entered(client, personas, tree, items, period):
    """1.318 pupils entered (a thousands dot) are shown 1.318 once submitted, to the principal and to the
    officer who reviews it: not 1,318 (one point three) nor 1."""
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, submit=True, figures={"so-hs-hoan-thanh-th": "1.000"})
    assert report_of(tree["A-TH1"], period).entries_by_code()["so-hs"] == 1318
    for page in (response, login(client, personas["officer_a"]).get(detail_url(tree["A-TH1"], period))):
        assert shown(page, items["so-hs"].label) == "1.318"
        assert shown(page, items["so-hs-hoan-thanh-th"].label) == "1.000"
        assert shown(page, items["so-gv"].label) == "36"


def test_the_history_writes_yes_no_answers_and_thousands_in_words(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period)
    page = post_report(client, tree["A-TH1"], period, figures={"ket-noi-internet": "0", "so-hs": "1.320"})
    history = re.sub(r"<[^>]+>", " ", re.search(r'<ul id="report-history">(.*?)</ul>\s*(?:</li>)?\s*(?:</ul>)?',
                                                page.content.decode(), re.S).group(0))
    assert f"{items['ket-noi-internet'].label}: Có → Không" in " ".join(history.split())
    assert f"{items['so-hs'].label}: 1.318 → 1.320" in " ".join(history.split())


def test_a_part_above_its_whole_is_refused_with_the_wholes_label_intact(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, follow=False,
                           figures={"so-cbgvnv": "1.045", "so-cbgvnv-quan-triet": "1.050"})
    label = items["so-cbgvnv"].label
    assert "," in label  # “Tổng số cán bộ quản lý, giáo viên, nhân viên”: its commas stay commas
    assertContains(response, f"Không được lớn hơn “{label}” (1.045).")
    assert not SchoolReportEntry.objects.exists()


# --- the list of a school's reports and the queries of its pages ---------------------------------


def add_earlier_reports(school, user, n):
    """n earlier semesters, each with a report of the school: submitted, draft, none in turn (the semesters
    are locked: the ward reopened them for the school)."""
    today = timezone.localdate()
    start = Period.objects.count()
    for i in range(start, start + n):
        earlier = make_period(code=f"hk-truoc-{i}", start=today - timedelta(400 + 30 * i),
                              end=today - timedelta(300 + 30 * i), deadline=today - timedelta(290 + 30 * i))
        PeriodException.objects.create(period=earlier, unit=school, open_until=today, reason="Nhập bổ sung")
        if i % 3 == 0:
            fill_and_submit(school, earlier, user)
        elif i % 3 == 1:
            actions.get_or_start_report(school=school, period=earlier)


def test_the_list_shows_each_semester_with_the_schools_report(client, personas, tree, items, period):
    add_earlier_reports(tree["A-TH1"], personas["principal_a"], 3)
    response = login(client, personas["principal_a"]).get(reverse("reports:school_report_list"))
    assertContains(response, "<h1>Báo cáo của Trường Tiểu học A1</h1>", html=True)
    assertContains(response, '<span class="badge st-submitted">Đã nộp, chờ duyệt</span>', count=1, html=True)
    assertContains(response, '<span class="badge st-draft">Đang soạn</span>', count=1, html=True)
    # the semester in progress and the third earlier one have no report yet
    assertContains(response, '<span class="badge st-none">Chưa bắt đầu</span>', count=2, html=True)


def test_each_semester_s_button_names_its_semester_and_school(client, personas, tree, items, period):
    # read out of its row (a screen reader's list of links, a phone's cards), every button said only "Xem" or
    # "Nhập báo cáo": the officer's page repeats them for each school and semester
    add_earlier_reports(tree["A-TH1"], personas["principal_a"], 3)  # a draft, none, one submitted
    page = login(client, personas["principal_a"]).get(reverse("reports:school_report_list")).content.decode()
    names = [re.sub(r"<[^>]+>", "", name) for name in re.findall(r'<a class="button" href="[^"]+">(.*?)</a>', page)]
    assert len(names) == 4
    assert names[0] == f"Nhập báo cáo {period.name} của Trường Tiểu học A1"
    assert all(re.fullmatch(r"(Nhập báo cáo|Xem báo cáo) Học kỳ I năm học \d{4}-\d{4} của Trường Tiểu học A1", name)
               for name in names)
    assert sum(name.startswith("Xem báo cáo") for name in names) == 1
def test_the_list_takes_the_same_queries_whatever_the_number_of_semesters(
        client, personas, tree, items, period, django_assert_num_queries):
    login(client, personas["principal_a"])
    add_earlier_reports(tree["A-TH1"], personas["principal_a"], 3)
    # session, the user with its memberships, the unread notifications (top bar), the semesters, whether the
    # user's schools were merged into another (from then on they report through it: one query for all of them),
    # the school's reports (with period and number of figures)
    with django_assert_num_queries(6):
        client.get(reverse("reports:school_report_list"))
    add_earlier_reports(tree["A-TH1"], personas["principal_a"], 4)
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:school_report_list"))
    assertContains(response, "<tr><td>Học kỳ I", count=8)  # the semester in progress and seven earlier
    assertContains(response, '<span class="badge st-submitted">Đã nộp, chờ duyệt</span>', count=2, html=True)


@pytest.mark.parametrize("persona", ["principal_a", "officer_a"])
def test_the_report_page_takes_the_same_queries_whatever_the_number_of_figures_and_events(
        client, personas, tree, items, period, persona, django_assert_num_queries):
    school, principal = tree["A-TH1"], personas["principal_a"]
    codes = [item.code for item in actions.applicable_items(school)]

    def save(n_figures, n_saves):
        report = actions.get_or_start_report(school=school, period=period)
        for _ in range(n_saves):
            report = actions.save_school_report(
                report=report, entries={code: Decimal(FIGURES[code].replace(".", "")) for code in codes[:n_figures]},
                narrative={"highlights": "Hoàn thành bồi dưỡng"}, by=principal, expected_version=report.version)

    login(client, personas[persona])
    save(3, 3)
    # session, the user with its memberships, the unread notifications (top bar), the school, the period, the
    # report, the items of the school's levels, its figures, then for the missing items: the figures, the report's
    # school and its items again; the events (with who), the figures each save changed (with their items), its
    # evidence files (with who attached them); a draft's: whether the school was merged by the period's end
    with django_assert_num_queries(15):
        client.get(detail_url(school, period))
    save(len(codes), 4)
    with django_assert_num_queries(15):
        response = client.get(detail_url(school, period))
    assert response.content.decode().count(" — Lưu nháp — ") == 7  # the history
    assert "Còn " not in response.content.decode()  # every item filled in


# --- review -----------------------------------------------------------------------------------


@pytest.fixture
def submitted(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period, submit=True)
    client.logout()
    return report_of(tree["A-TH1"], period)


def return_url(report):
    return reverse("reports:school_report_return", args=[report.pk])


def approve_url(report):
    return reverse("reports:school_report_approve", args=[report.pk])


def seen(report, **data):
    """What a review button posts: the version of the report that the officer's (freshly loaded) page shows."""
    return {"version": SchoolReport.objects.get(pk=report.pk).version, **data}


def test_the_officer_sees_the_review_buttons(client, personas, tree, period, submitted):
    response = login(client, personas["officer_a"]).get(detail_url(tree["A-TH1"], period))
    assertContains(response, "Duyệt báo cáo</button>")
    assertContains(response, "Trả lại báo cáo</button>")
    # the officer reads the figures but cannot change them
    assertNotContains(response, f'name="{field("so-gv")}"')


def test_returning_without_a_comment_is_refused(client, personas, tree, period, submitted):
    # the report's page again (400), not a redirect: the refusal is said beside the comment box
    response = login(client, personas["officer_a"]).post(return_url(submitted), seen(submitted, comment="  "))
    assertContains(response, "Hãy ghi ý kiến để trường biết cần chỉnh sửa gì.", status_code=400)
    assert report_of(tree["A-TH1"], period).status == ReportStatus.SUBMITTED


def test_a_return_refused_keeps_the_comment_typed_and_says_why(client, personas, tree, period, submitted):
    """The officer typed a long reason while the report moved on (or the reason was too long): the page comes
    back with what was typed, not a redirect that dropped it."""
    comment = "Số giáo viên đạt chuẩn chưa khớp hồ sơ; bổ sung minh chứng phòng học. " * 3
    data = seen(submitted, comment=comment)
    data["version"] = str(int(data["version"]) - 1)  # the page the officer had open is older than the report
    response = login(client, personas["officer_a"]).post(return_url(submitted), data)
    page = response.content.decode()
    assert response.status_code == 400 and 'id="return-refused"' in page
    assert comment.strip() in page  # in the comment box again
    assert report_of(tree["A-TH1"], period).status == ReportStatus.SUBMITTED
    too_long = login(client, personas["officer_a"]).post(return_url(submitted), seen(submitted, comment="x" * 2001))
    assert "Ý kiến trả lại dài quá 2.000 ký tự." in too_long.content.decode() and "x" * 2001 in too_long.content.decode()
    assert report_of(tree["A-TH1"], period).status == ReportStatus.SUBMITTED


def test_a_returned_report_shows_the_comment_and_can_be_resubmitted(client, personas, tree, period, submitted):
    response = login(client, personas["officer_a"]).post(
        return_url(submitted), seen(submitted, comment="Số giáo viên đạt chuẩn chưa khớp hồ sơ"), follow=True)
    assertContains(response, "Đã trả lại báo cáo của Trường Tiểu học A1 để chỉnh sửa.")
    assert report_of(tree["A-TH1"], period).status == ReportStatus.RETURNED

    login(client, personas["principal_a"])
    page = client.get(detail_url(tree["A-TH1"], period))
    assertContains(page, "Ý kiến của cán bộ phụ trách:</strong> Số giáo viên đạt chuẩn chưa khớp hồ sơ")
    assertContains(page, "Bị trả lại để chỉnh sửa")
    assertContains(page, f'name="{field("so-gv-dat-chuan")}"')

    resubmitted = post_report(client, tree["A-TH1"], period, submit=True, figures={"so-gv-dat-chuan": "34"})
    assertContains(resubmitted, "Đã nộp báo cáo.")
    report = report_of(tree["A-TH1"], period)
    assert report.status == ReportStatus.SUBMITTED
    assert report.entries_by_code()["so-gv-dat-chuan"] == 34


def test_approval_counts_only_approved_reports_in_the_wards_rate(
    client, personas, tree, items, period, submitted, trained_rate
):
    # a second primary school of A, approved: 12 of 20 trained
    school3 = make_unit("A-TH3", "Trường Tiểu học A3", "school", tree["A"], levels=["th"])
    principal3 = make_user("principal_a3", school3, "school_staff")
    report3 = fill_and_submit(school3, period, principal3, **{"so-cbql-gv-boi-duong-cds": "12", "so-cbql-gv": "20"})
    actions.approve_school_report(report=report3, by=personas["officer_a"], expected_version=report3.version)
    # A2 submitted but not yet approved: 1 of 40 must not count
    principal2 = make_user("principal_a2", tree["A-THCS"], "school_staff")
    fill_and_submit(tree["A-THCS"], period, principal2, **{"so-cbql-gv-boi-duong-cds": "1"})

    response = login(client, personas["officer_a"]).post(approve_url(submitted), seen(submitted), follow=True)

    assertContains(response, "Đã duyệt báo cáo của Trường Tiểu học A1. Số liệu đã được tổng hợp vào chỉ tiêu.")
    assertContains(response, "Đã duyệt")
    assert report_of(tree["A-TH1"], period).status == ReportStatus.APPROVED
    result = rollup(trained_rate, tree["A"], period)
    # (30 + 12) / (40 + 20), not counting A2's 1/40
    assert (result.numerator, result.denominator, result.reporting_units) == (42, 60, 2)
    assert result.value == Decimal(70)


def test_reopening_an_approved_report_removes_its_values_and_counts_the_changes(
    client, personas, tree, period, submitted, trained_rate
):
    login(client, personas["officer_a"]).post(approve_url(submitted), seen(submitted))
    assert ProgressValue.objects.filter(pk__in=ReportValue.objects.filter(report=submitted).values("value")).count() == 1
    assert rollup(trained_rate, tree["A"], period).value == Decimal(75)

    response = client.post(return_url(submitted), seen(submitted, comment="Mở lại để sửa số giáo viên"), follow=True)
    assert report_of(tree["A-TH1"], period).status == ReportStatus.RETURNED
    assert not ProgressValue.objects.filter(pk__in=ReportValue.objects.filter(report=submitted).values("value")).exists()
    assert rollup(trained_rate, tree["A"], period).value is None
    assertContains(response, "0 số liệu đã thay đổi so với lúc duyệt.")

    login(client, personas["principal_a"])
    edited = post_report(client, tree["A-TH1"], period, figures={"so-gv": "37", "so-cbql-gv-boi-duong-cds": "32"})
    assertContains(edited, "Báo cáo đã được duyệt trước đó và được mở lại: 2 số liệu đã thay đổi so với lúc duyệt.")


def test_a_report_cannot_be_approved_twice(client, personas, tree, period, submitted):
    login(client, personas["officer_a"]).post(approve_url(submitted), seen(submitted))
    response = client.post(approve_url(submitted), seen(submitted), follow=True)
    assertContains(response, "Chỉ duyệt được báo cáo đã nộp.")


def test_a_draft_cannot_be_approved(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period, only={"so-gv"})
    draft = report_of(tree["A-TH1"], period)
    response = login(client, personas["officer_a"]).post(approve_url(draft), seen(draft), follow=True)
    assertContains(response, "Chỉ duyệt được báo cáo đã nộp.")
    assert report_of(tree["A-TH1"], period).status == ReportStatus.DRAFT


# --- permissions ------------------------------------------------------------------------------


def test_principal_b_cannot_see_a_schools_report(client, personas, tree, period, submitted):
    login(client, personas["principal_b"])
    assert client.get(detail_url(tree["A-TH1"], period)).status_code == 404
    assert client.post(detail_url(tree["A-TH1"], period), report_data(tree["A-TH1"], 0)).status_code == 404


def test_the_leader_reads_the_report_but_cannot_change_it(client, personas, tree, period, submitted):
    login(client, personas["leader_a"])
    page = client.get(detail_url(tree["A-TH1"], period))
    assertContains(page, "Đã nộp, chờ duyệt")
    assertContains(page, "Tổng số giáo viên")
    assertNotContains(page, "Duyệt báo cáo</button>")
    response = client.post(detail_url(tree["A-TH1"], period),
                           report_data(tree["A-TH1"], submitted.version, figures={"so-gv": "1"}, save=""))
    assert response.status_code == 403
    assert report_of(tree["A-TH1"], period).entries_by_code()["so-gv"] == 36


def test_a_principal_of_another_school_of_a_cannot_fill_in_a1(client, tree, items, period):
    principal2 = make_user("principal_a2", tree["A-THCS"], "school_staff")
    response = login(client, principal2).post(detail_url(tree["A-TH1"], period), report_data(tree["A-TH1"], 1))
    assert response.status_code == 404
    assert not SchoolReport.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("principal_a", 403), ("leader_a", 403), ("officer_b", 404)])
def test_only_the_wards_officer_approves_or_returns(client, personas, tree, period, submitted, persona, status):
    login(client, personas[persona])
    assert client.post(approve_url(submitted), seen(submitted)).status_code == status
    assert client.post(return_url(submitted), seen(submitted, comment="Sửa lại")).status_code == status
    assert report_of(tree["A-TH1"], period).status == ReportStatus.SUBMITTED


# --- locking ----------------------------------------------------------------------------------


def lock_message(period):
    return f"Kỳ báo cáo đã khóa nhập số liệu từ ngày {period.locks_on:%d/%m/%Y}."


def test_a_locked_period_refuses_the_schools_save(client, personas, tree, items, locked_period):
    login(client, personas["principal_a"])
    page = client.get(detail_url(tree["A-TH1"], locked_period))
    assertContains(page, lock_message(locked_period))
    assertNotContains(page, "Lưu nháp</button>")
    response = client.post(detail_url(tree["A-TH1"], locked_period),
                           report_data(tree["A-TH1"], version_on_page(page), save=""))
    assertContains(response, lock_message(locked_period) + " Hãy đề nghị cán bộ phụ trách của phường/xã gia hạn")
    assert not SchoolReportEntry.objects.exists()


@pytest.mark.parametrize("case", ["locked", "invalid"])
def test_a_refused_first_save_leaves_no_empty_report(client, personas, tree, items, period, locked_period, case):
    login(client, personas["principal_a"])
    chosen = locked_period if case == "locked" else period
    figures = {"so-gv-dat-chuan": "99"} if case == "invalid" else {}
    client.post(detail_url(tree["A-TH1"], chosen), report_data(tree["A-TH1"], 1, figures=figures, save=""))
    assert not SchoolReport.objects.exists()


def grant_exception(client, school, period, days=7):
    open_until = timezone.localdate() + timedelta(days=days)
    # the reopening's version as the completeness page shows it (reports.actions.exception_version)
    shown = actions.exception_version(PeriodException.objects.filter(period=period, unit=school).first())
    return client.post(reverse("reports:period_exception", args=[period.pk]),
                       {"unit": school.pk, "open_until": open_until.isoformat(), "reason": "Trường bị mất điện",
                        "seen": shown}, follow=True)


def test_an_officers_exception_reopens_entry_for_that_one_school_only(client, personas, tree, items, locked_period):
    response = grant_exception(login(client, personas["officer_a"]), tree["A-TH1"], locked_period)
    open_until = timezone.localdate() + timedelta(days=7)
    assertContains(response, f"Đã mở nhập số liệu cho Trường Tiểu học A1 đến ngày {open_until:%d/%m/%Y}.")
    exception = PeriodException.objects.get()
    assert (exception.unit, exception.granted_by) == (tree["A-TH1"], personas["officer_a"])

    login(client, personas["principal_a"])
    saved = post_report(client, tree["A-TH1"], locked_period, only={"so-gv"})
    assertContains(saved, "Đã lưu nháp báo cáo.")
    assert report_of(tree["A-TH1"], locked_period).entries_by_code()["so-gv"] == 36

    principal2 = make_user("principal_a2", tree["A-THCS"], "school_staff")
    login(client, principal2)
    refused = post_report(client, tree["A-THCS"], locked_period, only={"so-gv"})
    assertContains(refused, lock_message(locked_period))
    assert not SchoolReportEntry.objects.filter(report__school=tree["A-THCS"]).exists()


def test_granting_again_moves_the_schools_exception(client, personas, tree, items, locked_period):
    login(client, personas["officer_a"])
    grant_exception(client, tree["A-TH1"], locked_period, days=3)
    response = grant_exception(client, tree["A-TH1"], locked_period, days=10)
    open_until = timezone.localdate() + timedelta(days=10)
    assertContains(response, f"Đã mở nhập số liệu cho Trường Tiểu học A1 đến ngày {open_until:%d/%m/%Y}.")
    assert list(PeriodException.objects.values_list("unit", "open_until")) == [(tree["A-TH1"].pk, open_until)]


def test_a_refused_reopening_comes_back_with_the_reason_typed(client, personas, tree, items, locked_period):
    # the folded form of the completeness page, refused: its page comes back with the date and reason typed and
    # why, instead of a redirect that dropped the reason (what a refusal did until 28/11/2026)
    login(client, personas["officer_a"])
    past = timezone.localdate() - timedelta(days=2)
    response = client.post(reverse("reports:period_exception", args=[locked_period.pk]),
                           {"unit": tree["A-TH1"].pk, "open_until": past.isoformat(), "reason": "Mất điện <b>cả tuần</b>"})
    assert response.status_code == 400
    assertContains(response, "Mở nhập số liệu sau hạn: Trường Tiểu học A1", status_code=400)
    assertContains(response, "Ngày mở nhập đến đã qua", status_code=400)
    assertContains(response, 'value="Mất điện &lt;b&gt;cả tuần&lt;/b&gt;"', status_code=400)
    assertContains(response, f'value="{past.isoformat()}"', status_code=400)
    back = f"{reverse('reports:period_completeness')}?unit={tree['A'].pk}&amp;period={locked_period.pk}"
    assertContains(response, f'href="{back}"', status_code=400)
    assert not PeriodException.objects.exists()

    too_long = client.post(reverse("reports:period_exception", args=[locked_period.pk]),
                           {"unit": tree["A-TH1"].pk, "open_until": (past + timedelta(days=9)).isoformat(),
                            "reason": "x" * 256})
    assertContains(too_long, "Lý do dài quá 255 ký tự.", status_code=400)
    assert not PeriodException.objects.exists()

    # sent again from that page, corrected: granted, back to the completeness page
    granted = client.post(reverse("reports:period_exception", args=[locked_period.pk]),
                          {"unit": tree["A-TH1"].pk, "open_until": (past + timedelta(days=9)).isoformat(),
                           "reason": "Mất điện cả tuần", "seen": "0"})
    assert granted.url == f"{reverse('reports:period_completeness')}?unit={tree['A'].pk}&period={locked_period.pk}"
    assert PeriodException.objects.get().reason == "Mất điện cả tuần"


def test_the_reopening_page_shows_the_exception_granted(client, personas, tree, items, locked_period):
    login(client, personas["officer_a"])
    grant_exception(client, tree["A-TH1"], locked_period, days=3)
    page = client.get(reverse("reports:period_exception", args=[locked_period.pk]), {"unit": tree["A-TH1"].pk})
    open_until = timezone.localdate() + timedelta(days=3)
    assertContains(page, f"Đang mở đến ngày {open_until:%d/%m/%Y} (lý do: Trường bị mất điện).")
    assertContains(page, 'name="reason"')


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_reopening_of_another_wards_school_tells_nothing_of_it(client, personas, tree, items, locked_period,
                                                                  method):
    login(client, personas["officer_a"])
    past = timezone.localdate() - timedelta(days=2)
    data = {"unit": tree["B-MN"].pk, "open_until": past.isoformat(), "reason": "Mất điện"}
    response = getattr(client, method)(reverse("reports:period_exception", args=[locked_period.pk]), data)
    assert response.status_code == 404
    assert "Trường Mầm non B1" not in response.content.decode()
    assert not PeriodException.objects.exists()


def test_the_reopening_page_is_refused_to_the_schools_own_staff_and_leader(client, personas, tree, items,
                                                                           locked_period):
    for persona in ("principal_a", "leader_a"):
        response = login(client, personas[persona]).get(
            reverse("reports:period_exception", args=[locked_period.pk]), {"unit": tree["A-TH1"].pk})
        assert response.status_code == 403, persona


@pytest.mark.parametrize(("persona", "status"), [("officer_b", 404), ("principal_a", 403), ("leader_a", 403)])
def test_only_the_wards_officer_grants_an_exception(client, personas, tree, items, locked_period, persona, status):
    response = grant_exception(login(client, personas[persona]), tree["A-TH1"], locked_period)
    assert response.status_code == status
    assert not PeriodException.objects.exists()


# --- completeness and reminders ---------------------------------------------------------------


def completeness_row(response, school_name):
    row = re.search(rf"<tr><td>{re.escape(school_name)}</td><td>(.*?)</td>", response.content.decode(), re.S)
    assert row, f"no row for {school_name}"
    return re.sub(r"<[^>]+>", "", row.group(1)).strip()


def test_the_completeness_page_shows_each_schools_state_and_the_rate(client, personas, tree, period, submitted):
    response = login(client, personas["officer_a"]).get(reverse("reports:period_completeness"))
    assertContains(response, "Tình hình nộp báo cáo — Phường A")
    assert completeness_row(response, "Trường Tiểu học A1") == "Đã nộp, chờ duyệt"
    assert completeness_row(response, "Trường Tiểu học và THCS A2") == "Chưa bắt đầu"
    assertNotContains(response, "Trường Mầm non B1")
    assertContains(response, '<div class="stat" id="reporting-rate">50%</div>', html=True)
    assertContains(response, "Gửi thư nhắc các trường chưa nộp</button>")


def test_the_completeness_page_shows_late_schools_after_the_deadline(client, personas, tree, items, locked_period):
    response = login(client, personas["officer_a"]).get(reverse("reports:period_completeness"),
                                                         {"period": locked_period.pk})
    assert completeness_row(response, "Trường Tiểu học A1") == "Trễ hạn"
    assertContains(response, '<div class="stat" id="reporting-rate">0%</div>', html=True)


def test_the_completeness_page_is_refused_to_a_principal(client, personas, period):
    # the page follows a commune's schools; a principal follows only its own report
    response = login(client, personas["principal_a"]).get(reverse("reports:period_completeness"))
    assert response.status_code == 403


@pytest.mark.parametrize("n_schools", [3, 10])
def test_the_completeness_query_count_does_not_grow_with_the_schools(
    client, personas, tree, items, period, n_schools, django_assert_max_num_queries
):
    for i in range(n_schools - 2):
        make_unit(f"A-TH{i + 10}", f"Trường Tiểu học A{i + 10}", "school", tree["A"], levels=["th"])
    schools = list(Unit.objects.in_subtree(tree["A"]).schools().order_by("path"))
    assert len(schools) == n_schools
    fill_and_submit(schools[0], period, personas["principal_a"])
    actions.get_or_start_report(school=schools[1], period=period)
    PeriodException.objects.create(period=period, unit=schools[2], open_until=period.end, reason="Gia hạn")
    login(client, personas["officer_a"])
    # session, the user with its memberships, periods, current period, schools, their reports, exceptions
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:period_completeness"))
    assertContains(response, "<tr><td>Trường", count=n_schools)


@pytest.fixture
def staff_with_mail(personas, tree):
    personas["principal_a"].email = "a1@truong.edu.vn"
    personas["principal_a"].save(update_fields=["email"])
    personas["principal_b"].email = "b1@truong.edu.vn"
    personas["principal_b"].save(update_fields=["email"])
    return [
        make_user("hieu_truong_a2", tree["A-THCS"], "school_staff", email="ht.a2@truong.edu.vn"),
        make_user("pho_hieu_truong_a2", tree["A-THCS"], "school_staff", email="pht.a2@truong.edu.vn"),
        make_user("nhan_vien_a2", tree["A-THCS"], "school_staff"),  # no address: nothing to send
    ]


def remind(client, period, unit):
    return client.post(reverse("reports:period_remind", args=[period.pk]), {"unit": unit.pk}, follow=True)


def test_the_reminder_goes_to_each_staff_member_of_schools_that_have_not_submitted(
    client, personas, tree, period, submitted, staff_with_mail
):
    response = remind(login(client, personas["officer_a"]), period, tree["A"])
    assertContains(response, "Đã gửi 2 thư nhắc tới 1 trường chưa nộp báo cáo.")
    assert sorted(m.to[0] for m in mail.outbox) == ["ht.a2@truong.edu.vn", "pht.a2@truong.edu.vn"]
    assert all(m.subject == f"Nhắc nộp báo cáo {period.name}" for m in mail.outbox)
    assert "Trường Tiểu học và THCS A2" in mail.outbox[0].body
    assert f"hạn nộp là {period.deadline:%d/%m/%Y}" in mail.outbox[0].body


@pytest.mark.parametrize(("persona", "status"), [("officer_b", 404), ("principal_a", 404), ("leader_a", 403)])
def test_only_the_wards_officer_reminds_its_schools(client, personas, tree, period, staff_with_mail, persona, status):
    response = remind(login(client, personas[persona]), period, tree["A"])
    assert response.status_code == status
    assert mail.outbox == []


# --- home, login ------------------------------------------------------------------------------


def test_the_officer_sees_the_report_awaiting_review_on_the_home_page(client, personas, tree, period, submitted):
    response = login(client, personas["officer_a"]).get("/")
    assertContains(response, f"Việc cần làm — {period.name}")
    assertContains(response, "Báo cáo chờ duyệt")
    assertContains(response, f'<a href="{detail_url(tree["A-TH1"], period)}">Trường Tiểu học A1 — {period.name}</a>',
                   html=True)


def test_the_principal_sees_the_returned_comment_on_the_home_page(client, personas, tree, period, submitted):
    login(client, personas["officer_a"]).post(return_url(submitted), seen(submitted, comment="Bổ sung số phòng học thông minh"))
    response = login(client, personas["principal_a"]).get("/")
    assertContains(response, "Báo cáo bị trả lại:</strong> Bổ sung số phòng học thông minh")
    assertContains(response, "Bị trả lại để chỉnh sửa")


def test_officer_b_does_not_see_as_report_on_the_home_page(client, personas, tree, period, submitted):
    response = login(client, personas["officer_b"]).get("/")
    assertContains(response, "Phường B")
    assertNotContains(response, "Trường Tiểu học A1")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, period):
    assertRedirects(client.get("/"), "/dang-nhap/?next=/")


def test_the_login_page_is_in_vietnamese(client, db):
    response = client.get("/dang-nhap/")
    assertContains(response, '<html lang="vi">')
    assertContains(response, "<h1>Đăng nhập</h1>", html=True)
    assertContains(response, "Tên đăng nhập")
    assertContains(response, "Mật khẩu")


def test_a_wrong_password_is_refused_in_vietnamese(client, personas):
    response = client.post("/dang-nhap/", {"username": "officer_a", "password": "sai-mat-khau"})
    assertContains(response, "Vui lòng điền vào")
    assertContains(response, "mật khẩu chính xác")


def test_the_login_leads_to_the_home_page(client, personas, period):
    response = client.post("/dang-nhap/", {"username": "officer_a", "password": "Mat-khau-2026"})
    assertRedirects(response, "/")


def test_the_password_change_page_is_in_vietnamese(client, personas):
    response = login(client, personas["officer_a"]).get("/doi-mat-khau/")
    assertContains(response, "<h1>Đổi mật khẩu</h1>", html=True)
    assertContains(response, "Mật khẩu cũ")
    assertContains(response, "Mật khẩu mới")
    assertContains(response, "Xác nhận mật khẩu mới")
    assertContains(response, "Mật khẩu phải có ít nhất 8 ký tự.")


def test_a_wrong_old_password_is_refused_in_vietnamese(client, personas):
    response = login(client, personas["officer_a"]).post("/doi-mat-khau/", {
        "old_password": "khong-dung", "new_password1": "Hai-Phong-2030!", "new_password2": "Hai-Phong-2030!"})
    assertContains(response, "Mật khẩu cũ không chính xác.")


def test_the_password_is_changed(client, personas):
    response = login(client, personas["officer_a"]).post("/doi-mat-khau/", {
        "old_password": "Mat-khau-2026", "new_password1": "Hai-Phong-2030!", "new_password2": "Hai-Phong-2030!"},
        follow=True)
    assertContains(response, "Mật khẩu của bạn đã được thay đổi.")
    personas["officer_a"].refresh_from_db()
    assert personas["officer_a"].check_password("Hai-Phong-2030!")


# ---- the mail server down: the step is saved, the user is told, nothing is a 500 ----


class RefusingMailBackend:
    """A mail server that does not answer, as smtplib's backend raises it."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


REFUSING = "tests.reports.test_school_report_views.RefusingMailBackend"


def test_an_approval_is_saved_and_answered_when_the_mail_server_is_down(
        client, personas, submitted, settings, django_capture_on_commit_callbacks, caplog):
    from reports.models import Notification

    settings.EMAIL_BACKEND = REFUSING
    personas["principal_a"].email = "a1@truong.edu.vn"
    personas["principal_a"].save(update_fields=["email"])
    login(client, personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve_url(submitted), seen(submitted))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.APPROVED
    # the principal is told on the portal; the row says the e-mail did not go
    note = Notification.objects.get(user=personas["principal_a"])
    assert note.emailed is False
    assert "Could not send 1 e-mail(s)" in caplog.text


def test_a_reminder_says_so_when_the_mail_server_is_down(client, personas, tree, period, staff_with_mail, settings):
    settings.EMAIL_BACKEND = REFUSING
    response = remind(login(client, personas["officer_a"]), period, tree["A"])
    assert response.status_code == 200
    assertContains(response, "Chưa gửi được thư nhắc: máy chủ thư điện tử không nhận thư.")
    assertNotContains(response, "Đã gửi")


def test_a_reminder_says_so_within_seconds_when_the_mail_server_does_not_answer(
        client, personas, tree, period, staff_with_mail, settings, monkeypatch):
    from reports import notifications
    from tests.silent_server import answered_within, silent_server

    monkeypatch.setattr(notifications, "MAIL_TIMEOUT_SECONDS", 1)
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = (
        "django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", None)
    with silent_server() as port, answered_within(15) as elapsed:
        settings.EMAIL_PORT = port  # accepts the connection, never greets: smtplib waited for ever
        response = remind(login(client, personas["officer_a"]), period, tree["A"])
        assert elapsed() < 5
    assertContains(response, "Chưa gửi được thư nhắc: máy chủ thư điện tử không nhận thư.")


def test_a_draft_of_a_school_merged_away_is_shown_but_neither_saved_nor_sent(client, personas, tree, items, period):
    """A2 merged into A1 (which reports for the semester, A2's pupils included) with a draft opened before: sent in,
    A2 would be expected again and its pupils counted twice. Its page says so, without a form; a save, a submission
    (a page opened before the merge) and an attachment are refused in Vietnamese, nothing changed."""
    from reports import queries
    from units.maintenance import merge_schools
    from units.models import Role

    school = tree["A-THCS"]
    staff = make_user("hieutruong.a2", school, Role.SCHOOL_STAFF)
    draft = actions.get_or_start_report(school=school, period=period)
    merge_schools(predecessors=[school], successor=tree["A-TH1"], legal_basis="QĐ 1",
                  by=make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN),
                  effective_on=timezone.localdate() - timedelta(days=3))
    login(client, staff)
    page = client.get(detail_url(school, period)).content.decode()
    assert "đã sáp nhập vào Trường Tiểu học A1 từ ngày" in page and 'name="submit"' not in page
    codes = [item.code for item in actions.applicable_items(school)]
    with pytest.raises(actions.WorkflowError, match="không lưu, không nộp được nữa"):
        actions.file_school_report(school=school, period=period, entries={codes[0]: Decimal(3)}, narrative={},
                                   by=staff, expected_version=draft.version, submit=True)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and not draft.entries.exists()
    assert [row.school for row in queries.completeness(tree["A"], period)] == [tree["A-TH1"]]


def test_a_report_returned_to_a_school_merged_away_is_not_sent_again(client, personas, tree, items, period):
    """Sent before the merge, returned after it: sent again and approved, A2's pupils would be counted in its own
    report and in A1's, which reports for both. Refused; A2 is no longer expected for the semester."""
    from reports import queries
    from units.maintenance import merge_schools
    from units.models import Role

    school = tree["A-THCS"]
    staff = make_user("hieutruong.a2", school, Role.SCHOOL_STAFF)
    codes = [item.code for item in actions.applicable_items(school)]
    started = actions.get_or_start_report(school=school, period=period)
    report, refused = actions.file_school_report(
        school=school, period=period, entries={code: Decimal(FIGURES[code].replace(".", "")) for code in codes},
        narrative={}, by=staff, expected_version=started.version, submit=True)
    assert refused is None and report.status == ReportStatus.SUBMITTED
    merge_schools(predecessors=[school], successor=tree["A-TH1"], legal_basis="QĐ 1",
                  by=make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN),
                  effective_on=timezone.localdate() - timedelta(days=3))
    report = actions.return_school_report(report=report, by=personas["officer_a"], comment="Sửa số giáo viên",
                                          expected_version=report.version)
    with pytest.raises(actions.WorkflowError, match="không lưu, không nộp được nữa"):
        actions.submit_school_report(report=report, by=staff, expected_version=report.version)
    assert [row.school for row in queries.completeness(tree["A"], period)] == [tree["A-TH1"]]
    login(client, staff)
    assert "đã sáp nhập vào Trường Tiểu học A1" in client.get(detail_url(school, period)).content.decode()

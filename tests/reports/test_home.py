"""The home page: each persona's to-do list, and the queries it takes whatever the number of rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from reports.models import ReportStatus, SchoolReport
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from units.models import Unit

HOME = reverse("home")


@pytest.fixture
def period(db):
    """The semester in progress; its deadline passed two days ago, entry is still open."""
    today = timezone.localdate()
    return make_period(code="hk-nay", start=today - timedelta(100), end=today + timedelta(10),
                       deadline=today - timedelta(2))


@pytest.fixture
def plan(tree):
    return make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A")


def add_rows(tree, period, plan, n):
    """n of each row the home page lists: schools of A (submitted, draft, not started in turn), targets of A's
    plan with nothing entered for the period, and reports of school A1 returned for earlier periods."""
    start = Unit.objects.filter(code__startswith="A-S").count()
    today = timezone.localdate()
    for i in range(start, start + n):
        school = make_unit(f"A-S{i}", f"Trường Tiểu học số {i}", "school", tree["A"], levels=["th"])
        status = [ReportStatus.SUBMITTED, ReportStatus.DRAFT, None][i % 3]
        if status:
            SchoolReport.objects.create(school=school, period=period, status=status, submitted_at=timezone.now())
        make_target(plan, make_indicator(f"chi-so-{i}", f"Chỉ số số {i}", "count", "sum", "trường"), i, Decimal(2))
        earlier = make_period(code=f"hk-truoc-{i}", start=today - timedelta(400 + 10 * i),
                              end=today - timedelta(300 + 10 * i), deadline=today - timedelta(290 + 10 * i))
        SchoolReport.objects.create(school=tree["A-TH1"], period=earlier, status=ReportStatus.RETURNED,
                                    review_comment=f"Bổ sung số liệu kỳ {i}")


def test_officer_a_sees_the_reports_to_review_the_late_schools_and_the_targets_to_update(
        client, personas, tree, period, plan):
    add_rows(tree, period, plan, 3)
    client.force_login(personas["officer_a"])
    response = client.get(HOME)
    assertContains(response, f"Việc cần làm — {period.name}")
    assertContains(response, "Trường Tiểu học số 0 — ")  # submitted: awaiting review
    assertContains(response, "<li>Trường Tiểu học số 1</li>", html=True)  # a draft after the deadline: late
    assertContains(response, "<li>Trường Tiểu học số 2</li>", html=True)  # not started: late
    assertContains(response, "Chỉ số số 2</a>")


def test_the_principal_sees_every_returned_report(client, personas, tree, period, plan):
    add_rows(tree, period, plan, 3)
    client.force_login(personas["principal_a"])
    response = client.get(HOME)
    for i in range(3):
        assertContains(response, f"Bổ sung số liệu kỳ {i} — ")


# each count includes the unread notifications of the top bar (reports.context_processors.notifications)
@pytest.mark.parametrize(("persona", "queries", "shown"), [
    # session, the user with its memberships (scope and navigation), the unread notifications, current period, then
    # for phường A: its schools, the counts of its schools' report states (one aggregate), the first reports
    # awaiting review (with school and period; counted apart only when the list is full), the first targets with
    # nothing entered (with indicator and plan) and their count, the unit's reports returned from above, the first
    # late schools
    ("officer_a", 10, "Trường Tiểu học số 6 — "),
    # session, the user with its memberships, the unread notifications, current period, the school's report, its
    # returned reports (with period)
    ("principal_a", 6, "Bổ sung số liệu kỳ 6 — "),
    # session, the user with its memberships, the unread notifications, current period, then for phường A: its
    # schools' report states (one count), its reports waiting for the leader's approval (with plan and period)
    ("leader_a", 6, "/9 trường)"),
])
def test_the_home_page_takes_the_same_queries_whatever_the_number_of_rows(
        client, personas, tree, period, plan, persona, queries, shown, django_assert_num_queries):
    client.force_login(personas[persona])
    add_rows(tree, period, plan, 3)
    with django_assert_num_queries(queries):
        client.get(HOME)
    add_rows(tree, period, plan, 4)
    with django_assert_num_queries(queries):
        response = client.get(HOME)
    assertContains(response, shown)


def test_an_administrator_is_shown_their_work_not_told_they_have_no_role(client, tree, period):
    from tests.factories import make_user
    from units.models import Role

    ward_admin = make_user("quantri.a", tree["A"], Role.UNIT_ADMIN)
    client.force_login(ward_admin)
    page = client.get(HOME).content.decode()
    assert 'id="admin-block"' in page and f'href="{reverse("units:account_list")}"' in page
    assert "chưa được phân quyền" not in page
    assert f'href="{reverse("units:unit_list")}"' not in page  # a ward's administrator keeps no unit list
    nobody = make_user("chua.phan.quyen")
    client.force_login(nobody)
    assert "chưa được phân quyền" in client.get(HOME).content.decode()


def test_the_menu_offers_the_reports_sent_and_received_only_above_schools(client, personas, period):
    inbox = f'href="{reverse("reports:report_inbox")}"'
    client.force_login(personas["principal_a"])
    assert inbox not in client.get(HOME).content.decode()
    client.force_login(personas["officer_a"])
    assert inbox in client.get(HOME).content.decode()


def test_a_report_the_level_above_returned_is_on_the_officers_list(client, personas, tree, period, plan):
    from reports.models import OutgoingReport, OutgoingStatus

    report = OutgoingReport.objects.create(
        unit=tree["A"], document=plan, period=period, number="45/BC-UBND", snapshot={},
        finalised_by=personas["officer_a"], status=OutgoingStatus.RETURNED, return_reason="Thiếu số liệu trường Mầm non",
        answered_at=timezone.now())
    client.force_login(personas["officer_a"])
    page = client.get(HOME).content.decode()
    assert "Báo cáo bị cấp trên trả lại" in page and "Thiếu số liệu trường Mầm non" in page
    assert f'href="{reverse("reports:outgoing_detail", args=[report.pk])}"' in page
    client.force_login(personas["officer_b"])  # phường B's officer: not theirs
    assert "Thiếu số liệu trường Mầm non" not in client.get(HOME).content.decode()


def test_a_ward_with_many_schools_gets_counts_and_the_first_names_not_every_school(client, personas, tree, period, plan):
    """A ministry officer follows 45,000 schools: the home page named every late one (2 MB at the national preset)."""
    add_rows(tree, period, plan, 36)  # 12 submitted, 24 late (12 drafts, 12 not started), and A1, A2 not started
    client.force_login(personas["officer_a"])
    page = client.get(HOME).content.decode()
    late_list = page.split("<h3>Trường trễ hạn</h3>")[1].split("</ul>")[0]
    assert late_list.count("<li>") == 10
    assert "Xem tất cả 26 trường trễ hạn tại trang tình hình nộp báo cáo" in page
    assert '<div class="stat">26</div>trường trễ hạn nộp' in page
    review_list = page.split("<h3>Báo cáo chờ duyệt</h3>")[1].split("</ul>")[0]
    assert review_list.count("<li>") == 10
    assert "Còn 2 báo cáo chờ duyệt khác" in page and '<div class="stat">12</div>báo cáo của trường chờ duyệt' in page
    assert "Xem tất cả 36 chỉ tiêu chưa cập nhật" in page

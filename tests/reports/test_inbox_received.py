"""What arrives from below: the reviewer's home page lists it, the inbox opens on the latest period something
arrived for, and a ward's inbox does not list its schools as late (their semester reports are another flow)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.content import build_report_content
from reports.models import OutgoingReport, OutgoingStatus
from tests.factories import make_document, make_period, make_unit

HOME = reverse("home")
INBOX = reverse("reports:report_inbox")


@pytest.fixture
def periods(db):
    today = timezone.localdate()
    return {
        "old": make_period(code="hk-cu", school_year="2024-2025", start=date(2024, 9, 1), end=date(2025, 1, 15),
                           deadline=date(2025, 1, 25)),
        "last": make_period(code="hk-truoc", school_year="2025-2026", start=today - timedelta(200),
                            end=today - timedelta(60), deadline=today - timedelta(50)),
        "now": make_period(code="hk-nay", school_year="2025-2026", start=today - timedelta(59),
                           end=today + timedelta(60), deadline=today + timedelta(70)),
    }


def send_from(unit, parent, period, by, status=OutgoingStatus.SENT, number="1/BC"):
    document = make_document(unit, f"{unit.code}/KH-UBND", f"Kế hoạch của {unit.name}")
    content = build_report_content(unit=unit, document=document, period=period)
    return OutgoingReport.objects.create(unit=unit, document=document, period=period, number=number,
                                         snapshot=content.to_json(), finalised_by=by, recipient=parent,
                                         sent_at=None if status == OutgoingStatus.PREPARED else timezone.now(),
                                         sent_by=by, status=status)


def test_the_inbox_opens_on_the_latest_period_with_reports(client, personas, tree, periods):
    send_from(tree["A"], tree["HP"], periods["old"], personas["officer_a"])
    send_from(tree["B"], tree["HP"], periods["last"], personas["officer_b"])
    client.force_login(personas["reviewer"])
    page = client.get(INBOX).content.decode()
    assert f'<option value="{periods["last"].pk}" selected>' in page
    assert '<strong id="received-count">1/2</strong>' in page and "Phường B" in page
    # a period chosen is kept, even an empty one
    page = client.get(INBOX, {"period": periods["now"].pk}).content.decode()
    assert '<strong id="received-count">0/2</strong>' in page


def test_a_wards_inbox_does_not_list_its_schools_as_late(client, personas, tree, periods):
    client.force_login(personas["officer_a"])
    page = client.get(INBOX, {"period": periods["now"].pk}).content.decode()
    assert "Chưa gửi báo cáo" not in page
    assert "Trường Tiểu học A1" not in page.split('id="inbox"')[1]
    assert "Báo cáo học kỳ của các trường được theo dõi ở" in page


def test_the_inbox_shows_whether_each_report_was_acknowledged(client, personas, tree, periods):
    send_from(tree["A"], tree["HP"], periods["now"], personas["officer_a"], status=OutgoingStatus.ACKNOWLEDGED)
    send_from(tree["B"], tree["HP"], periods["now"], personas["officer_b"], status=OutgoingStatus.RETURNED)
    client.force_login(personas["reviewer"])
    page = client.get(INBOX, {"period": periods["now"].pk}).content.decode()
    assert "Cấp trên đã xác nhận đã nhận" in page and "Cấp trên đã trả lại" in page


def add_communes(tree, period, officer, n):
    for i in range(OutgoingReport.objects.count(), OutgoingReport.objects.count() + n):
        send_from(make_unit(f"P{i}", f"Phường số {i}", "commune", tree["HP"]), tree["HP"], period, officer,
                  number=f"{i}/BC")


def test_the_reviewers_home_lists_what_arrived_in_the_same_queries(
        client, personas, tree, periods, django_assert_num_queries):
    client.force_login(personas["reviewer"])
    add_communes(tree, periods["now"], personas["officer_a"], 3)
    # session, the user with its memberships, current period, then for the city: the counts of its schools' reports (one
    # query), the reports received (with unit, period and plan)
    with django_assert_num_queries(5):
        client.get(HOME)
    add_communes(tree, periods["now"], personas["officer_a"], 3)
    with django_assert_num_queries(5):
        page = client.get(HOME).content.decode()
    assert "Báo cáo cấp dưới gửi đến" in page
    assert page.count("Đã gửi, chờ cấp trên xác nhận") == 6 and "Phường số 5 — Kế hoạch P5/KH-UBND" in page


def test_the_leaders_home_lists_the_reports_to_approve_and_others_do_not_see_them(client, personas, tree, periods):
    report = send_from(tree["A"], None, periods["now"], personas["officer_a"], status=OutgoingStatus.PREPARED)
    client.force_login(personas["leader_a"])
    page = client.get(HOME).content.decode()
    assert "Báo cáo chờ lãnh đạo phê duyệt" in page
    assert reverse("reports:outgoing_detail", args=[report.pk]) in page
    client.force_login(personas["reviewer"])
    assert reverse("reports:outgoing_detail", args=[report.pk]) not in client.get(HOME).content.decode()

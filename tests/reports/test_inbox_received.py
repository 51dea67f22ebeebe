"""What arrives from below: the reviewer's home page lists it, the inbox opens on the latest period something
arrived for, and a ward's inbox does not list its schools as late (their semester reports are another flow);
the inbox is paged in Vietnamese order, filtered by state and unit name, in the same queries however many arrive."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.content import build_report_content
from reports.models import OutgoingReport, OutgoingStatus
from tests.factories import make_document, make_period, make_unit
from units.models import Unit

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
    # session, the user with its memberships, the unread notifications (top bar), current period, then for the city:
    # the counts of its schools' reports (one query), the reports received (with unit, period and plan)
    with django_assert_num_queries(6):
        client.get(HOME)
    add_communes(tree, periods["now"], personas["officer_a"], 3)
    with django_assert_num_queries(6):
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


# --- paged, filtered (issue 13: a province receives from ~170 communes, the country from 34 provinces) -------------


def receive_from(tree, period, names, status=OutgoingStatus.SENT):
    """A commune of the city for each name, each having sent its report on the city's plan for the period (the
    inbox reads no snapshot: an empty one does)."""
    plan = make_document(tree["HP"], f"{Unit.objects.count()}/KH-UBND", "Kế hoạch của thành phố")
    for name in names:
        commune = make_unit(f"X{Unit.objects.count()}", name, "commune", tree["HP"])
        OutgoingReport.objects.create(unit=commune, document=plan, period=period, snapshot={}, recipient=tree["HP"],
                                      sent_at=timezone.now(), status=status)


def inbox_units(response):
    """The names of the units on the inbox's rows, in order."""
    table = response.content.decode().split('id="inbox"')[1].split("</table>")[0]
    return re.findall(r'<td class="card-title">([^<]*)</td>', table)


def test_the_inbox_is_paged_in_vietnamese_order_with_its_counts(client, personas, tree, periods):
    receive_from(tree, periods["now"], [f"Phường Hòa Bình {i:02}" for i in range(30)])
    receive_from(tree, periods["now"], [f"Phường Hải An {i:02}" for i in range(25)])
    client.force_login(personas["reviewer"])
    first = client.get(INBOX, {"period": periods["now"].pk})
    page = first.content.decode()
    # "Hải" before "Hòa" (code points would put ò before ả); A and B sent nothing and are listed too
    assert inbox_units(first) == (["Phường A", "Phường B"] + [f"Phường Hải An {i:02}" for i in range(25)]
                                  + [f"Phường Hòa Bình {i:02}" for i in range(23)])
    assert '<strong id="received-count">55/57</strong>' in page
    assert "Chưa gửi báo cáo: 2" in page and "Chờ xác nhận: 55" in page
    assert "Trang 1/2 (1–50 trong 57)" in page
    second = client.get(INBOX, {"period": periods["now"].pk, "page": 2})
    assert inbox_units(second) == [f"Phường Hòa Bình {i:02}" for i in range(23, 30)]
    assert "Trang 2/2 (51–57 trong 57)" in second.content.decode()


def test_the_inbox_filters_by_state_and_name_and_keeps_them_across_pages(client, personas, tree, periods):
    receive_from(tree, periods["now"], [f"Phường Hòa Bình {i:02}" for i in range(55)])
    receive_from(tree, periods["now"], ["Phường Hải An", "Phường Đông Hải"], status=OutgoingStatus.ACKNOWLEDGED)
    client.force_login(personas["reviewer"])
    asked = {"period": periods["now"].pk, "state": "sent", "q": "hoa binh"}  # typed without accents
    first = client.get(INBOX, asked)
    page = first.content.decode()
    assert len(inbox_units(first)) == 50 and "Đang lọc: 55 dòng phù hợp." in page
    assert '<strong id="received-count">57/59</strong>' in page  # the counts are the whole inbox's
    assert "<strong>Chờ xác nhận: 55</strong>" in page and "Đã xác nhận đã nhận: 2</a>" in page
    following = re.search(r'<a class="button" href="\?([^"]*)" rel="next">Trang sau →</a>', page).group(1)
    assert parse_qs(following.replace("&amp;", "&")) == {
        "period": [str(periods["now"].pk)], "state": ["sent"], "q": ["hoa binh"], "page": ["2"]}
    second = client.get(f"{INBOX}?{following.replace('&amp;', '&')}")
    assert inbox_units(second) == [f"Phường Hòa Bình {i:02}" for i in range(50, 55)]
    acknowledged = client.get(INBOX, {"period": periods["now"].pk, "state": "acknowledged"})
    assert inbox_units(acknowledged) == ["Phường Đông Hải", "Phường Hải An"]
    missing = client.get(INBOX, {"period": periods["now"].pk, "state": "not_sent", "q": "Phường B"})
    assert inbox_units(missing) == ["Phường B"]
    nothing = client.get(INBOX, {"period": periods["now"].pk, "q": "Không có"})
    assert inbox_units(nothing) == [] and "Không có dòng nào phù hợp với bộ lọc." in nothing.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("-1", 2), ("999", 2), ("9" * 40, 2), ("", 1)])
def test_a_bad_page_number_opens_the_first_or_the_last_page(client, personas, tree, periods, asked, shown):
    receive_from(tree, periods["now"], [f"Phường số {i:02}" for i in range(55)])
    client.force_login(personas["reviewer"])
    response = client.get(INBOX, {"period": periods["now"].pk, "page": asked, "state": "bogus", "q": "x" * 500})
    assert response.status_code == 200 and f"Trang {shown}/2" in response.content.decode()


def test_a_commune_that_sent_on_two_plans_has_two_rows_and_counts_once(client, personas, tree, periods):
    receive_from(tree, periods["now"], ["Phường Hải An"])
    hai_an = Unit.objects.get(name="Phường Hải An")
    send_from(hai_an, tree["HP"], periods["now"], personas["officer_a"], number="2/BC")
    client.force_login(personas["reviewer"])
    response = client.get(INBOX, {"period": periods["now"].pk})
    assert inbox_units(response) == ["Phường A", "Phường B", "Phường Hải An", "Phường Hải An"]
    assert '<strong id="received-count">1/3</strong>' in response.content.decode()


@pytest.mark.parametrize("asked", [{}, {"state": "sent", "q": "phuong", "page": "2"}])
def test_the_inbox_takes_the_same_queries_for_5_or_60_reports(client, personas, tree, periods, asked,
                                                              django_assert_num_queries):
    client.force_login(personas["reviewer"])
    receive_from(tree, periods["now"], [f"Phường số {i:02}" for i in range(5)])
    asked = {"period": periods["now"].pk, **asked}
    # session, the user with its memberships, the unread notifications (top bar), the periods, the city's communes,
    # the keys of the reports they sent, the page's reports (with plan), the plans that apply to the city, the
    # city's own finalised reports (with plan)
    with django_assert_num_queries(9):
        client.get(INBOX, asked)
    receive_from(tree, periods["now"], [f"Phường số {i:02}" for i in range(5, 60)])
    with django_assert_num_queries(9):
        response = client.get(INBOX, asked)
    assert len(inbox_units(response)) == (50 if "page" not in asked else 10)


def test_a_ward_sees_only_its_own_inbox_whatever_unit_it_asks(client, personas, tree, periods):
    send_from(tree["A-TH1"], tree["A"], periods["now"], personas["principal_a"], number="9/BC-TH")
    client.force_login(personas["officer_b"])
    response = client.get(INBOX, {"period": periods["now"].pk, "unit": tree["A"].pk, "q": "A1"})
    page = response.content.decode()
    assert "Báo cáo nhận từ cấp dưới — Phường B" in page
    assert "Trường Tiểu học A1" not in page and "9/BC-TH" not in page


def test_the_inbox_of_a_past_period_follows_the_units_in_force_then(client, personas, tree, periods):
    """After a merge, the Sở's inbox of a period before it still lists what the old ward sent (it had vanished,
    "0/N đã gửi"), and a ward created since is not listed as late for a period before it existed."""
    today = timezone.localdate()
    old_ward = make_unit("C", "Phường C", "commune", tree["HP"], valid_from=date(2024, 1, 1))
    send_from(old_ward, tree["HP"], periods["last"], personas["officer_b"])
    Unit.objects.filter(pk=old_ward.pk).update(valid_to=today - timedelta(1))  # merged yesterday
    make_unit("D", "Phường D mới", "commune", tree["HP"], valid_from=today)
    client.force_login(personas["reviewer"])
    page = client.get(INBOX, {"period": periods["last"].pk}).content.decode()
    assert '<strong id="received-count">1/3</strong>' in page
    assert "Phường C" in page and "Phường D mới" not in page
    page = client.get(INBOX, {"period": periods["now"].pk}).content.decode()
    assert '<strong id="received-count">0/3</strong>' in page
    assert "Phường D mới" in page and "Phường C" not in page


def test_a_period_before_the_wards_existed_says_so(client, personas, tree, periods):
    """The wards of the tree began on 01/07/2025: the inbox of the 2024-2025 semester lists none as late and says
    why the list is empty."""
    client.force_login(personas["reviewer"])
    page = client.get(INBOX, {"period": periods["old"].pk}).content.decode()
    assert '<strong id="received-count">0/0</strong>' in page
    assert f"Không có đơn vị cấp dưới hoạt động trong {periods['old'].name}." in page
    assert "Chưa gửi báo cáo</span>" not in page

"""Notifications: a row per user in the portal (the count in the top bar, the list, marking read) and an e-mail
with an absolute link unless the user turned that kind off; celery beat tells of deadlines and overdue tasks once
per user, however often it runs; a reminder names the schools it could not reach and why."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Task, TaskStatus
from reports import actions, notifications, outgoing, tasks
from reports.models import Notification, NotificationKind, NotificationPreference, ReportStatus, SchoolReport
from tests.factories import make_document, make_period, make_user

PORTAL = "https://nq71.haiphong.example.vn"


@pytest.fixture(autouse=True)
def portal(settings, tmp_path):
    settings.PORTAL_URL = PORTAL
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def addressed(personas):
    """Every persona with an e-mail address of their own."""
    for name, user in personas.items():
        user.email = f"{name}@example.vn"
        user.save(update_fields=["email"])
    return personas


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(5), deadline=today + timedelta(7))


@pytest.fixture
def pdf_stub(monkeypatch):
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")


def mails_to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.vn"]]


# --- the steps of a report sent upward -----------------------------------------------------------------------


def test_each_step_of_a_report_sent_upward_tells_the_next_people(
        addressed, tree, period, pdf_stub, django_capture_on_commit_callbacks):
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    with django_capture_on_commit_callbacks(execute=True):
        report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                          narratives=[], by=addressed["officer_a"])
    link = f"{PORTAL}{reverse('reports:outgoing_detail', args=[report.pk])}"
    [to_leader] = mails_to("leader_a")
    assert "chờ phê duyệt" in to_leader.subject and link in to_leader.body

    with django_capture_on_commit_callbacks(execute=True):
        report = outgoing.approve_report(report=report, by=addressed["leader_a"], expected_version=report.version)
        report = outgoing.send_report(report=report, by=addressed["officer_a"], expected_version=report.version)
    [to_reviewer] = mails_to("reviewer")
    assert to_reviewer.subject == f"Nhận báo cáo {period.name} của Phường A" and link in to_reviewer.body

    with django_capture_on_commit_callbacks(execute=True):
        outgoing.answer_report(report=report, by=addressed["reviewer"], expected_version=report.version,
                               acknowledge=False, reason="Thiếu phụ lục số liệu")
    for who in ("officer_a", "leader_a"):
        returned = mails_to(who)[-1]
        assert "trả lại báo cáo" in returned.subject and "Lý do: Thiếu phụ lục số liệu" in returned.body
    assert set(Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED)
               .values_list("user__username", flat=True)) == {"officer_a", "leader_a"}
    assert not mails_to("officer_b") and not mails_to("principal_a")


def test_the_school_staff_are_told_when_their_report_is_returned_or_approved(
        addressed, tree, period, django_capture_on_commit_callbacks):
    report = SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.return_school_report(report=report, by=addressed["officer_a"], comment="Bổ sung số phòng học",
                                              expected_version=report.version)
    [returned] = mails_to("principal_a")
    assert returned.subject == f"Báo cáo {period.name} của Trường Tiểu học A1 bị trả lại"
    assert "Bổ sung số phòng học" in returned.body
    assert f"{PORTAL}{reverse('reports:school_report_detail', args=[tree['A-TH1'].pk, period.pk])}" in returned.body

    SchoolReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_school_report(report=report, by=addressed["officer_a"], expected_version=report.version)
    assert mails_to("principal_a")[-1].subject.endswith("đã được duyệt")
    assert not mails_to("principal_b")


def test_a_kind_turned_off_stays_in_the_portal_without_mail(client, addressed, tree, period,
                                                            django_capture_on_commit_callbacks):
    client.force_login(addressed["principal_a"])
    client.post(reverse("reports:notification_preferences"),
                {kind: "on" for kind in NotificationKind.values if kind != NotificationKind.SCHOOL_REPORT_RETURNED})
    assert list(NotificationPreference.objects.values_list("user__username", "kind", "by_email")) == [
        ("principal_a", NotificationKind.SCHOOL_REPORT_RETURNED, False)]
    report = SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_school_report(report=report, by=addressed["officer_a"], comment="Sửa lại",
                                     expected_version=report.version)
    assert mails_to("principal_a") == []
    assert Notification.objects.get(user=addressed["principal_a"]).emailed is False
    page = client.get(reverse("reports:notification_list")).content.decode()
    assert "bị trả lại" in page and 'name="school_returned" id="id_school_returned">' in page  # unticked


def test_a_refused_step_tells_nobody(addressed, tree, period, pdf_stub, django_capture_on_commit_callbacks):
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="",
                                      narratives=[], by=addressed["officer_a"])
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(outgoing.WorkflowError):
        outgoing.send_report(report=report, by=addressed["officer_a"], expected_version=report.version)
    assert not Notification.objects.exists() and mail.outbox == []


# --- the deadline and overdue tasks, by celery beat -----------------------------------------------------------


def test_the_deadline_notice_goes_once_per_user_period_and_days_whatever_the_runs(
        addressed, tree, period, django_capture_on_commit_callbacks):
    SchoolReport.objects.create(school=tree["B-MN"], period=period, status=ReportStatus.SUBMITTED)  # B1 is done
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_daily_notifications()
        second = tasks.send_daily_notifications()
    # the principal of A1 (not submitted) and the officers of both wards (nothing sent up); not B1's principal
    assert first["deadline"] == 3 and second == {"deadline": 0, "task_overdue": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["officer_a@example.vn", "officer_b@example.vn",
                                                   "principal_a@example.vn"]
    notice = mails_to("principal_a")[0]
    assert notice.subject == f"Còn 7 ngày đến hạn nộp báo cáo {period.name}"
    assert f"{PORTAL}{reverse('reports:school_report_list')}" in notice.body
    assert Notification.objects.get(user=addressed["principal_a"]).key == f"deadline:{period.pk}:7"
    # six days later the one-day notice is another notification
    notifications.send_deadline_notifications(today=timezone.localdate() + timedelta(days=6))
    assert Notification.objects.filter(user=addressed["principal_a"]).count() == 2


def test_an_overdue_task_is_told_once_to_its_lead_units_officers(addressed, tree, django_capture_on_commit_callbacks):
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    yesterday = timezone.localdate() - timedelta(days=1)
    late = Task.objects.create(document=plan, text="Lắp đặt phòng học thông minh", lead_unit=tree["A-VHXH"],
                               due_date=yesterday, status=TaskStatus.IN_PROGRESS)
    Task.objects.create(document=plan, text="Đã xong", lead_unit=tree["A"], due_date=yesterday, status=TaskStatus.DONE)
    Task.objects.create(document=plan, text="Còn hạn", lead_unit=tree["A"], due_date=yesterday + timedelta(days=9))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_task_overdue_notifications() == 1
        assert notifications.send_task_overdue_notifications() == 0
    [notice] = mail.outbox
    assert notice.to == ["officer_a@example.vn"] and notice.subject.startswith("Nhiệm vụ quá hạn: Lắp đặt")
    assert f"{PORTAL}{reverse('plans:task_detail', args=[late.pk])}" in notice.body


# --- the pages -----------------------------------------------------------------------------------------------


def notify_many(user, n):
    for i in range(n):
        notifications.notify([user], kind=NotificationKind.REPORT_RECEIVED, title=f"Thông báo số {i} cho {user.username}",
                             link=reverse("reports:report_inbox"))


def test_the_list_shows_only_the_users_own_in_the_same_queries(client, personas, django_assert_num_queries):
    notify_many(personas["officer_b"], 2)
    notify_many(personas["officer_a"], 3)
    client.force_login(personas["officer_a"])
    # session, the user with its memberships (top bar), the unread count (top bar), the user's notifications,
    # their e-mail choices
    with django_assert_num_queries(5):
        client.get(reverse("reports:notification_list"))
    notify_many(personas["officer_a"], 4)
    with django_assert_num_queries(5):
        page = client.get(reverse("reports:notification_list")).content.decode()
    assert '<strong id="unread-count">7</strong>' in page
    assert page.count("cho officer_a</strong>") == 7 and "cho officer_b" not in page  # each title once shown
    count = client.get(reverse("reports:notification_count")).content.decode()
    assert 'id="notification-count">7<span class="visually-hidden"> thông báo chưa đọc</span>' in count


def test_each_notification_s_button_names_its_notification(client, personas):
    # a screen reader listing the page's buttons heard "Xem và đánh dấu đã đọc" seven times, none told apart
    notify_many(personas["officer_a"], 2)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("reports:notification_list")).content.decode().split('id="notifications"')[1]
    buttons = [re.sub(r"<[^>]+>", "", b) for b in re.findall(r'<button type="submit" class="linklike">(.*?)</button>', page)]
    assert buttons == [f"Xem và đánh dấu đã đọc: Thông báo số {i} cho officer_a" for i in (1, 0)]
def test_reading_marks_read_and_follows_the_link_and_another_users_is_not_found(client, personas):
    notify_many(personas["officer_a"], 1)
    notify_many(personas["officer_b"], 1)
    mine, theirs = (Notification.objects.get(user=personas[p]) for p in ("officer_a", "officer_b"))
    client.force_login(personas["officer_a"])
    assert client.post(reverse("reports:notification_read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("reports:notification_read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_inbox")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.get(reverse("reports:notification_count")).content.decode().strip() == '<span id="notification-count"></span>'


def test_read_all_marks_only_the_users_own(client, personas):
    notify_many(personas["officer_a"], 3)
    notify_many(personas["officer_b"], 2)
    client.force_login(personas["officer_a"])
    response = client.post(reverse("reports:notification_read_all"), follow=True)
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert Notification.objects.unread().filter(user=personas["officer_b"]).count() == 2


def test_the_pages_require_sign_in(client):
    for name in ("notification_list", "notification_count", "calendar"):
        assert client.get(reverse(f"reports:{name}")).status_code == 302


def count_queries(queries):
    return [q["sql"] for q in queries if "reports_notification" in q["sql"]]


def test_the_top_bar_shows_the_count_in_the_page_itself(client, personas):
    notify_many(personas["officer_a"], 3)
    notify_many(personas["officer_b"], 2)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("home")).content.decode()
    # the number read aloud with what it counts (an aria-label on a plain span is ignored by screen readers)
    badge = ('<span class="badge notif-count" id="notification-count">3'
             '<span class="visually-hidden"> thông báo chưa đọc</span></span>')
    assert f'class="notifications">Thông báo {badge}</a>' in page
    # the same markup the count's own fragment gives, and the page does not ask for it again
    assert client.get(reverse("reports:notification_count")).content.decode() == badge
    assert reverse("reports:notification_count") not in page and 'hx-trigger="load"' not in page
    client.post(reverse("reports:notification_read_all"))
    page = client.get(reverse("home")).content.decode()
    assert 'class="notifications">Thông báo <span id="notification-count"></span></a>' in page
    assert "notif-count" not in page and "thông báo chưa đọc" not in page


def test_a_full_page_counts_once_and_a_fragment_never(client, personas, tree):
    notify_many(personas["reviewer"], 2)
    client.force_login(personas["reviewer"])
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("reports:dashboard_unit"))
    assert len(count_queries(page.captured_queries)) == 1 and "COUNT(" in count_queries(page.captured_queries)[0]
    # the unit picker's search: an htmx fragment rendered with the same context processors
    with CaptureQueriesContext(connection) as fragment:
        response = client.get(reverse("reports:unit_search"), {"q": "phường"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Phường A" in response.content.decode()
    assert count_queries(fragment.captured_queries) == []


def test_the_count_statement_counts_what_the_orm_counts(personas):
    from django.utils import timezone

    from reports.context_processors import unread_count
    from reports.models import Notification

    notify_many(personas["officer_a"], 4)
    notify_many(personas["officer_b"], 2)
    Notification.objects.filter(pk__in=Notification.objects.filter(user=personas["officer_a"]).values("pk")[:1]) \
        .update(read_at=timezone.now())
    for user in (personas["officer_a"], personas["officer_b"], personas["leader_a"]):
        assert unread_count(user) == Notification.objects.filter(user=user).unread().count()
    assert [unread_count(personas[who]) for who in ("officer_a", "officer_b", "leader_a")] == [3, 2, 0]


def test_the_sign_in_page_does_not_count(client, personas):
    notify_many(personas["officer_a"], 1)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("login")).content.decode()
    assert "id_username" in page and "notification-count" not in page
    assert count_queries(queries.captured_queries) == []


# --- the reminder ---------------------------------------------------------------------------------------------


def test_the_reminder_names_the_schools_it_could_not_reach_and_why(client, personas, tree, period):
    make_user("ht_a2", tree["A-THCS"], "school_staff")  # an account without an e-mail address
    personas["principal_a"].email = "ht.a1@truong.edu.vn"
    personas["principal_a"].save(update_fields=["email"])
    client.force_login(personas["officer_a"])
    response = client.post(reverse("reports:period_remind", args=[period.pk]), {"unit": tree["A"].pk}, follow=True)
    page = response.content.decode()
    assert "Đã gửi 1 thư nhắc tới 1 trường chưa nộp báo cáo." in page
    assert ("Không gửi được thư nhắc tới 1 trường: Trường Tiểu học và THCS A2 (tài khoản chưa có địa chỉ thư điện "
            "tử).") in page
    [reminder] = mail.outbox
    assert f"{PORTAL}{reverse('reports:school_report_detail', args=[tree['A-TH1'].pk, period.pk])}" in reminder.body


def test_the_reminder_says_a_school_has_no_account(personas, tree, period):
    personas["principal_a"].is_active = False  # deactivated: no account to reach
    personas["principal_a"].save(update_fields=["is_active"])
    sent, reached, unreachable = actions.remind_schools(unit=tree["A"], period=period, by=personas["officer_a"])
    assert (sent, reached) == (0, 0)
    assert [(school.code, why) for school, why in unreachable] == [
        ("A-TH1", "chưa có tài khoản"), ("A-THCS", "chưa có tài khoản")]


def test_celery_beat_runs_the_daily_notifications_every_morning(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-notifications"]
    assert entry["task"] == tasks.send_daily_notifications.name and entry["task"] in app.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {30}


def test_the_deadline_notice_skips_units_closed_or_merged_before_the_period_ends(
        addressed, tree, period, django_capture_on_commit_callbacks):
    """A ward merged into another keeps its officer's role at the old ward, a closed school its principal's: the
    beat told them of every deadline for ever; only the units that report for the period are told."""
    from units.models import Unit

    Unit.objects.filter(pk__in=[tree["B"].pk]).update(valid_to=timezone.localdate() - timedelta(days=30))
    Unit.objects.filter(pk__in=[tree["B-MN"].pk]).update(valid_to=period.start - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_deadline_notifications() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["officer_a@example.vn", "principal_a@example.vn"]


def test_a_subject_built_from_a_name_with_a_line_break_is_sent_on_one_line(mailoutbox):
    """A name stored with a line break (through the admin, or by a form before they kept it out) went into the
    subject, which Django refuses (BadHeaderError): the reminder page answered a server error, and a notification
    stayed marked as e-mailed while no mail had left."""
    mails = [("Nhắc nộp báo cáo Học kỳ I\n2025-2026", "Nội dung", None, ["ht.a1@truong.edu.vn"]),
             ("Nhận báo cáo của UBND phường A", "Nội dung", None, ["canbo@phuonga.gov.vn"])]
    assert notifications.send_mails(mails) == 2
    assert [m.subject for m in mailoutbox] == ["Nhắc nộp báo cáo Học kỳ I 2025-2026", "Nhận báo cáo của UBND phường A"]

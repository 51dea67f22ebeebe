"""The portal's notifications: a row per user (the count in the top bar, the list page) and, unless the user
turned the kind off, an e-mail with an absolute link (settings.PORTAL_URL).

Who is told what: the school's staff when its report is returned or approved; the unit's leaders when a report
waits for their approval; the officers and reviewers of the unit above when a report arrives; the sending unit's
officers and leaders when the unit above acknowledges or returns it; everyone concerned some days before a
period's deadline (celery beat: send_deadline_notifications, once per user, period and number of days).

E-mails leave once the transaction commits, so a refused step sends nothing.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from periods.models import Period, PeriodKind
from plans.models import DocumentStatus, Task, TaskStatus
from units.links import absolute_url
from units.models import Membership, Role, Unit, UnitKind

from .models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    OutgoingReport,
    ReportStatus,
    SchoolReport,
)
from .queries import schools_reporting

logger = logging.getLogger(__name__)

# the days before a deadline on which the beat task tells the people concerned (one notification for each)
DEADLINE_DAYS = (7, 1)
# how long the mail server may take over each step (connecting, each reply) unless EMAIL_TIMEOUT says: these
# mails leave inside a request (a reminder, the step of a report), and smtplib otherwise waits without limit
MAIL_TIMEOUT_SECONDS = 10


def portal_url(link):
    """An absolute address for a link inside the portal, as e-mails need (units.links.absolute_url)."""
    return absolute_url(link) if link.startswith("/") else link


def notify(users, *, kind, title, body="", link="", key=""):
    """Tell each user once (per `key` when given): a notification row each, and an e-mail to those with an
    address who did not turn this kind off. Three queries whatever the number of users. Returns the rows made."""
    users = {user.pk: user for user in users if user is not None and user.is_active}
    if not users:
        return []
    if key:
        already = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
        users = {pk: user for pk, user in users.items() if pk not in already}
    off = set(NotificationPreference.objects.filter(user__in=users, kind=kind, by_email=False)
              .values_list("user_id", flat=True))
    mailed = {pk for pk, user in users.items() if user.email and pk not in off}
    rows = [Notification(user=user, kind=kind, title=title, body=body, link=link, key=key, emailed=user.pk in mailed)
            for user in users.values()]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    mails = [(title, _mail_body(users[pk], body, link), None, [users[pk].email]) for pk in mailed]
    if mails:
        # after the commit, and never its undoing: the step the user took is saved whether the mail server
        # answers or not; the notification stays on the portal, marked as not e-mailed
        sent_rows = (Notification.objects.filter(key=key, user__in=mailed) if key
                     else Notification.objects.filter(pk__in=[row.pk for row in rows if row.emailed and row.pk]))
        # robust: the step is committed; a mail that fails in a way send_mails does not expect is logged, not a 500
        transaction.on_commit(lambda: send_mails(mails, on_failure=lambda: sent_rows.update(emailed=False)),
                              robust=True)
    return rows


def send_mails(mails, on_failure=None):
    """Send ``mails`` (send_mass_mail's tuples): the number sent, or None when the mail server refused or did
    not answer within MAIL_TIMEOUT_SECONDS (logged, ``on_failure`` called) — a failure the caller tells the user
    about, never a 500 nor a request left waiting."""
    # a subject on one line: one built from a name stored with a line break (through the admin, an older form) was
    # refused by Django (BadHeaderError), a server error for the reminder, and the others' mails were not sent
    mails = [(" ".join(subject.split()), body, sender, to) for subject, body, sender, to in mails]
    try:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT or MAIL_TIMEOUT_SECONDS)
        return send_mass_mail(mails, fail_silently=False, connection=connection)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send %s e-mail(s)", len(mails))
        if on_failure is not None:
            on_failure()
        return None


def _mail_body(user, body, link):
    greeting = f"Kính gửi {user.get_full_name() or user.username},\n\n{body}\n"
    if link:
        greeting += f"\nXem chi tiết: {portal_url(link)}\n"
    return greeting + (f"\nĐổi lựa chọn nhận thư: {portal_url(reverse('reports:notification_list'))}\n"
                       "\nCổng theo dõi thực hiện Nghị quyết 71-NQ/TW")


def members(units, roles):
    """The users with an active membership of one of `roles` in one of `units`: one query."""
    return [m.user for m in Membership.objects.active().filter(unit__in=units, role__in=roles).select_related("user")]


def receivers(unit):
    """Who receives the reports sent to `unit`: its officers and reviewers, and the reviewers placed in a
    department under it (a Sở's reviewer reads the whole province)."""
    rows = Membership.objects.active().filter(
        Q(unit=unit, role__in=[Role.OFFICER, Role.REVIEWER])
        | Q(unit__parent=unit, unit__kind=UnitKind.DEPARTMENT, role=Role.REVIEWER)).select_related("user")
    return [m.user for m in rows]


# --- the workflow's notifications ---------------------------------------------------------------------------


def _report_link(report):
    return reverse("reports:outgoing_detail", args=[report.pk])


def notify_report_to_approve(report):
    leaders = [user for user in members([report.unit], [Role.LEADER]) if user != report.finalised_by]
    notify(leaders, kind=NotificationKind.REPORT_TO_APPROVE,
           title=f"Báo cáo {report.period.name} của {report.unit.name} chờ phê duyệt",
           body=f"Báo cáo {report.document.short_label}, {report.period.name} đã được chốt và chờ lãnh đạo phê duyệt "
                "trước khi gửi lên cấp trên.", link=_report_link(report))


def notify_report_received(report):
    notify(receivers(report.recipient), kind=NotificationKind.REPORT_RECEIVED,
           title=f"Nhận báo cáo {report.period.name} của {report.unit.name}",
           body=f"{report.unit.name} đã gửi báo cáo {report.document.short_label}, {report.period.name}. "
                "Đề nghị xác nhận đã nhận hoặc trả lại kèm lý do.", link=_report_link(report))


def notify_report_answered(report):
    returned = report.status == "returned"
    kind = NotificationKind.REPORT_RETURNED if returned else NotificationKind.REPORT_ACKNOWLEDGED
    if returned:
        title = f"{report.recipient.name} trả lại báo cáo {report.period.name}"
        body = f"Báo cáo {report.document.short_label}, {report.period.name} bị trả lại. Lý do: {report.return_reason}"
    else:
        title = f"{report.recipient.name} đã xác nhận nhận báo cáo {report.period.name}"
        body = f"Báo cáo {report.document.short_label}, {report.period.name} đã được cấp trên xác nhận đã nhận."
    notify(members([report.unit], [Role.OFFICER, Role.LEADER]), kind=kind, title=title, body=body,
           link=_report_link(report))


def notify_school_report(report):
    """The school's staff, when the ward approves or returns its report."""
    returned = report.status == ReportStatus.RETURNED
    kind = NotificationKind.SCHOOL_REPORT_RETURNED if returned else NotificationKind.SCHOOL_REPORT_APPROVED
    title = f"Báo cáo {report.period.name} của {report.school.name} " + ("bị trả lại" if returned else "đã được duyệt")
    body = f"Ý kiến của phường/xã: {report.review_comment}" if returned else \
        "Số liệu của báo cáo đã được tính vào chỉ tiêu của phường/xã."
    notify(members([report.school], [Role.SCHOOL_STAFF]), kind=kind, title=title, body=body,
           link=reverse("reports:school_report_detail", args=[report.school_id, report.period_id]))


# --- the deadline, by celery beat --------------------------------------------------------------------------


def send_deadline_notifications(today=None):
    """For each period whose deadline is DEADLINE_DAYS away: the staff of schools whose semester report is not
    in, and the officers of the communes that have not sent a report for it. Idempotent: a user is told once
    per period and number of days (the notification's key), however often the task runs. Returns how many
    notifications were made."""
    today = today or timezone.localdate()
    made = 0
    for days in DEADLINE_DAYS:
        for period in Period.objects.filter(deadline=today + timedelta(days=days)):
            made += _deadline_for(period, days)
    return made


def _deadline_for(period, days):
    key = f"deadline:{period.pk}:{days}"
    title = f"Còn {days} ngày đến hạn nộp báo cáo {period.name}"
    body = f"Hạn nộp báo cáo {period.name} là ngày {period.deadline:%d/%m/%Y}."
    made = 0
    if period.kind in (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2):
        done = SchoolReport.objects.filter(period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED])
        # the staff of the schools that report for it: not of one closed before it, opened after it or merged
        # into another (completeness lists the same schools)
        staff = (Membership.objects.active().filter(role=Role.SCHOOL_STAFF, unit__in=schools_reporting(None, period))
                 .exclude(unit__in=done.values("school")).select_related("user"))
        made += len(notify([m.user for m in staff], kind=NotificationKind.DEADLINE_SOON, title=title, body=body,
                           key=key, link=reverse("reports:school_report_list")))
    sent = OutgoingReport.objects.filter(period=period, sent_at__isnull=False)
    # the officers of the communes in force at the period's end (as the inbox lists them): not of a ward merged
    # into another or closed, whose officers' roles stay with the old ward
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE).valid_on(period.end)
    officers = (Membership.objects.active().filter(role=Role.OFFICER, unit__in=communes)
                .exclude(unit__in=sent.values("unit")).select_related("user"))
    made += len(notify([m.user for m in officers], kind=NotificationKind.DEADLINE_SOON, title=title, body=body,
                       key=key, link=reverse("reports:calendar")))
    return made


# --- overdue tasks, by celery beat --------------------------------------------------------------------------

OVERDUE_WINDOW = 7  # tasks that fell due within this many days are looked at (a missed run catches up)


def send_task_overdue_notifications(today=None):
    """The officers of each task's lead unit (or, for an office or a school without officers, of the unit
    above it), once per task whose due date passed in the last OVERDUE_WINDOW days and that is not done.
    Idempotent (the notification's key is the task). Returns how many notifications were made."""
    today = today or timezone.localdate()
    tasks = list(Task.objects.filter(due_date__lt=today, due_date__gte=today - timedelta(days=OVERDUE_WINDOW),
                                     lead_unit__isnull=False).exclude(status=TaskStatus.DONE)
                 .exclude(document__status=DocumentStatus.DRAFT)  # a draft's deadline binds no one yet
                 .select_related("lead_unit", "document"))
    units = {t.lead_unit_id for t in tasks} | {t.lead_unit.parent_id for t in tasks if t.lead_unit.parent_id}
    officers = {}
    for m in Membership.objects.active().filter(unit__in=units, role=Role.OFFICER).select_related("user"):
        officers.setdefault(m.unit_id, []).append(m.user)
    made = 0
    for task in tasks:
        users = officers.get(task.lead_unit_id) or officers.get(task.lead_unit.parent_id, [])
        made += len(notify(users, kind=NotificationKind.TASK_OVERDUE, key=f"task_overdue:{task.pk}",
                           title=f"Nhiệm vụ quá hạn: {str(task)[:200]}",
                           body=f"Nhiệm vụ của {task.document.short_label} do {task.lead_unit.name} chủ trì đã quá "
                                f"thời hạn {task.due_date:%d/%m/%Y} mà chưa hoàn thành.",
                           link=reverse("plans:task_detail", args=[task.pk])))
    return made

"""The calendar of reporting: each period's deadline and lock date that concerns a user, past and future.

A school's staff report each semester; officers, leaders and reviewers follow every period (their unit's
figures, the schools' reports, the report sent upward). Where the level above reopened entry for one of the
user's units (PeriodException), the calendar shows until when.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from periods.models import Period, PeriodException, PeriodKind
from units import access
from units.models import Role

SCHOOL_KINDS = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2)


@dataclass
class CalendarRow:
    period: Period
    duties: list  # what the user does for it, in words
    link: str
    open_until: date | None  # entry reopened for one of the user's units until then
    past: bool  # the lock date has passed (and no exception keeps entry open)
    overdue: bool  # the deadline has passed


def calendar_for(user, today=None):
    """The periods that concern `user`, oldest first: two queries (periods, exceptions) besides memberships."""
    today = today or timezone.localdate()
    memberships = access.memberships(user)
    roles = {m.role for m in memberships}
    schools = [m.unit for m in memberships if m.role == Role.SCHOOL_STAFF]
    follows_all = access.is_system_admin(user) or bool(roles & {Role.OFFICER, Role.LEADER, Role.REVIEWER})
    if not follows_all and not schools:
        return []
    periods = Period.objects.order_by("deadline", "start")
    if not follows_all:
        periods = periods.filter(kind__in=SCHOOL_KINDS)
    reopened = dict(PeriodException.objects.filter(unit__in=[m.unit_id for m in memberships])
                    .values("period").annotate(until=Max("open_until")).values_list("period", "until"))
    rows = []
    for period in periods:
        duties, link = _duties(period, roles, schools)
        open_until = reopened.get(period.pk)
        rows.append(CalendarRow(period=period, duties=duties, link=link, open_until=open_until,
                                past=today > period.locks_on and not (open_until and open_until >= today),
                                overdue=today > period.deadline))
    return rows


def _duties(period, roles, schools):
    duties, link = [], ""
    if schools and period.kind in SCHOOL_KINDS:
        duties.append("Trường nộp báo cáo " + period.get_kind_display().lower())
        link = reverse("reports:school_report_detail", args=[schools[0].pk, period.pk])
    if Role.OFFICER in roles:
        duties.append("Cập nhật chỉ tiêu, duyệt báo cáo của trường, chốt và gửi báo cáo lên cấp trên")
        link = link or f"{reverse('reports:period_completeness')}?period={period.pk}"
    if Role.LEADER in roles:
        duties.append("Phê duyệt báo cáo gửi cấp trên")
    if Role.REVIEWER in roles or Role.LEADER in roles or Role.ADMIN in roles:
        duties.append("Nhận báo cáo của đơn vị cấp dưới")
        link = link or f"{reverse('reports:report_inbox')}?period={period.pk}"
    return duties, link or f"{reverse('reports:report_inbox')}?period={period.pk}"

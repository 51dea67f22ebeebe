"""Reporting periods (semesters, school years, half-years, years), their deadlines and lock dates."""

import functools
import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from units import access
from units.models import UnitKind

SCHOOL_YEAR_RE = re.compile(r"\A([0-9]{4})-([0-9]{4})\Z")  # ASCII digits: "٢٠٢٧-٢٠٢٨" is no school year


class PeriodKind(models.TextChoices):
    SEMESTER_1 = "semester_1", "Học kỳ I"
    SEMESTER_2 = "semester_2", "Học kỳ II"
    SCHOOL_YEAR = "school_year", "Năm học"
    HALF_YEAR = "half_year", "6 tháng đầu năm"
    YEAR = "year", "Năm"


# the periods a school reports on: its semesters (the school year, half-years and years are the units' above)
SCHOOL_REPORT_KINDS = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2)


@functools.lru_cache(maxsize=512)
def _period_name(kind, school_year, year):
    """A period's name from what names it (a dashboard asks it hundreds of times: once per period is enough)."""
    label = PeriodKind(kind).label if kind in PeriodKind.values else str(kind)
    if kind in (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2):
        return f"{label} năm học {school_year}"
    if kind == PeriodKind.SCHOOL_YEAR:
        return f"Năm học {school_year}"
    return f"{label} {year}" if kind == PeriodKind.HALF_YEAR else f"Năm {year}"


@functools.lru_cache(maxsize=512)
def _period_short_name(kind, school_year, year):
    return _period_name(kind, school_year, year).replace("Học kỳ ", "HK ").replace(" năm học ", " ")


class PeriodQuerySet(models.QuerySet):
    def containing(self, day):
        return self.filter(start__lte=day, end__gte=day)

    def current(self):
        return self.containing(timezone.localdate())

    def of_school_year(self, school_year):
        return self.filter(school_year=school_year)


class Period(models.Model):
    """A reporting period (semester, school year, half-year, year) with its submission deadline."""

    code = models.SlugField(
        "mã kỳ", max_length=32, unique=True, help_text="Ví dụ: 2025-2026-hk1, 2026-6t, 2026."
    )
    kind = models.CharField("loại kỳ", max_length=16, choices=PeriodKind.choices)
    school_year = models.CharField("năm học", max_length=9, blank=True, help_text="Ví dụ: 2025-2026.")
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    deadline = models.DateField("hạn nộp báo cáo")
    lock_after_days = models.PositiveSmallIntegerField(
        "khóa nhập sau hạn (ngày)",
        default=7,
        help_text="Số ngày sau hạn nộp mà việc nhập số liệu vẫn mở; sau đó bị khóa.",
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["start", "end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="period_dates_ordered",
                violation_error_message="Ngày kết thúc phải sau ngày bắt đầu.",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")),
                name="period_deadline_after_start",
                violation_error_message="Hạn nộp phải sau ngày bắt đầu kỳ.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return _period_name(self.kind, self.school_year, self.year)

    @property
    def short_name(self):
        """“HK II 2025-2026”, “Năm học 2025-2026”: the name in a chart's axis or a table's cell."""
        return _period_short_name(self.kind, self.school_year, self.year)

    def clean(self):
        school_kinds = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2, PeriodKind.SCHOOL_YEAR)
        if self.kind in school_kinds:
            match = SCHOOL_YEAR_RE.match(self.school_year or "")
            if not match or int(match.group(2)) != int(match.group(1)) + 1:
                raise ValidationError({"school_year": "Năm học phải có dạng 2025-2026 (hai năm liên tiếp)."})
        elif not self.year:
            raise ValidationError({"year": "Kỳ theo năm cần ghi năm."})

    @property
    def takes_school_reports(self):
        """Whether schools report on this period (SCHOOL_REPORT_KINDS)."""
        return self.kind in SCHOOL_REPORT_KINDS

    @property
    def locks_on(self):
        return self.deadline + timedelta(days=self.lock_after_days)

    def state_label(self, today=None):
        """Where the period stands, as the periods' list says it: to come, in progress, waiting for the reports,
        past its deadline with entry still open, locked. The lock and the deadline first: a year's deadline (15/12)
        comes before its end."""
        today = today or timezone.localdate()
        if today < self.start:
            return "Sắp tới"
        if today > self.locks_on:
            return "Đã khóa nhập"
        if today > self.deadline:
            return "Quá hạn, còn nhập"
        return "Đang diễn ra" if today <= self.end else "Chờ báo cáo"

    def is_overdue(self, today=None):
        return (today or timezone.localdate()) > self.deadline

    def is_locked_for(self, unit, today=None):
        """Entry closes lock_after_days after the deadline, unless the level above reopened it for the unit."""
        today = today or timezone.localdate()
        if today <= self.locks_on:
            return False
        return not self.exceptions.filter(unit=unit, open_until__gte=today).exists()

    def is_locked_for_user(self, user, unit, today=None):
        """Whether `user` may no longer enter `unit`'s figures for this period: the same rule for a school's
        report and a ward's own figures. After the lock date entry stays open only where the level above
        granted the unit an exception (PeriodException), or to a system admin (corrections)."""
        if access.is_system_admin(user):
            return False
        return self.is_locked_for(unit, today)

    @staticmethod
    def locked_pairs(user, pairs, today=None):
        """Of the (period, unit) pairs, those where `user` may no longer enter figures: is_locked_for_user for many
        pairs at once, with one query for the exceptions of the pairs past their lock date."""
        today = today or timezone.localdate()
        if access.is_system_admin(user):
            return set()
        past = {(period, unit) for period, unit in pairs if today > period.locks_on}
        if not past:
            return set()
        condition = Q(pk__in=[])
        for period, unit in past:
            condition |= Q(period_id=period.pk, unit_id=unit.pk)
        reopened = set(PeriodException.objects.filter(condition, open_until__gte=today)
                       .values_list("period_id", "unit_id"))
        return {(period, unit) for period, unit in past if (period.pk, unit.pk) not in reopened}

    def lock_message(self, unit):
        """The refusal shown when entry is locked, with whom to ask for an exception."""
        ask = ("Hãy đề nghị cán bộ phụ trách của phường/xã gia hạn cho trường." if unit.kind == UnitKind.SCHOOL
               else "Hãy đề nghị cán bộ phụ trách của cấp trên gia hạn cho đơn vị.")
        return f"Kỳ báo cáo đã khóa nhập số liệu từ ngày {self.locks_on:%d/%m/%Y}. {ask}"

    @classmethod
    def school_year_bounds(cls, school_year):
        """Start and end of a school year as the plans use it: September to May."""
        first = int(school_year[:4])
        return date(first, 9, 1), date(first + 1, 5, 31)


def current_period(today=None, among=None):
    """The semester in progress (or the last one that started): the period users report on now.

    `among`: the periods already read (every period, as a form offers them): the same choice made from
    them, without a query."""
    today = today or timezone.localdate()
    if among is not None:
        ordered = sorted(among, key=lambda p: (p.start, p.end))
        semesters = [p for p in ordered if p.kind in (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2)]
        return (next((p for p in semesters if p.start <= today <= p.end), None)
                or max((p for p in semesters if p.start <= today), key=lambda p: p.start, default=None)
                or next(iter(semesters), None) or next(iter(ordered), None))
    semesters = Period.objects.filter(kind__in=[PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2])
    # before any semester starts (a new installation): the first semester to come, else whatever period there is
    return (semesters.containing(today).first() or semesters.filter(start__lte=today).order_by("-start").first()
            or semesters.order_by("start").first() or Period.objects.order_by("start").first())


TREND_LENGTH = 4  # the chosen period and the three before it: enough for a trend, cheap on a province
TREND_KINDS = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2, PeriodKind.SCHOOL_YEAR)


def trend_periods(period, among=None):
    """The semesters and school years that ended by the end of the chosen period (the period itself when
    it is one of them), the latest TREND_LENGTH, oldest first.

    A target is judged on its latest figure among these, and its path starts at the earliest of them
    when it has no baseline. `among`: the periods a page has already read (no query then).
    """
    if among is None:
        latest = list(Period.objects.filter(end__lte=period.end, kind__in=TREND_KINDS).order_by("-end", "-start")
                      [:TREND_LENGTH])
    else:
        latest = sorted((p for p in among if p.end <= period.end and p.kind in TREND_KINDS),
                        key=lambda p: (p.end, p.start), reverse=True)[:TREND_LENGTH]
    return sorted(latest, key=lambda p: (p.end, -p.start.toordinal()))


class PeriodException(models.Model):
    """The level above reopens entry for one unit (a school, a ward) after the period has locked."""

    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.CASCADE, related_name="exceptions")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    open_until = models.DateField("mở đến ngày")
    reason = models.CharField("lý do", max_length=255)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người mở", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "gia hạn nhập số liệu"
        verbose_name_plural = "gia hạn nhập số liệu"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="period_exception_unique",
                                    violation_error_message="Đơn vị đã được gia hạn trong kỳ này."),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period} — đến {self.open_until:%d/%m/%Y}"


class ReportedPeriod(models.Model):
    """A period a unit reported upward itself (a report of it sent to the level above, reports.outgoing): after the
    unit is merged into another, its figures of that period count in that report, not again in its successor's
    (targets.queries.subtree_roots)."""

    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "kỳ đơn vị đã gửi báo cáo"
        verbose_name_plural = "kỳ đơn vị đã gửi báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="reported_period_unique",
                                    violation_error_message="Đơn vị đã gửi báo cáo kỳ này."),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period}"

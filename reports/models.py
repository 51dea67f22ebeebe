import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from targets.fields import plain_decimal

SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")


class PeriodKind(models.TextChoices):
    SEMESTER_1 = "semester_1", "Học kỳ I"
    SEMESTER_2 = "semester_2", "Học kỳ II"
    SCHOOL_YEAR = "school_year", "Năm học"
    HALF_YEAR = "half_year", "6 tháng đầu năm"
    YEAR = "year", "Năm"


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
        label = self.get_kind_display()
        if self.kind in (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2, PeriodKind.SCHOOL_YEAR):
            return (
                f"{label} năm học {self.school_year}"
                if self.kind != PeriodKind.SCHOOL_YEAR
                else f"Năm học {self.school_year}"
            )
        return f"{label} {self.year}" if self.kind == PeriodKind.HALF_YEAR else f"Năm {self.year}"

    def clean(self):
        school_kinds = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2, PeriodKind.SCHOOL_YEAR)
        if self.kind in school_kinds:
            match = SCHOOL_YEAR_RE.match(self.school_year or "")
            if not match or int(match.group(2)) != int(match.group(1)) + 1:
                raise ValidationError({"school_year": "Năm học phải có dạng 2025-2026 (hai năm liên tiếp)."})
        elif not self.year:
            raise ValidationError({"year": "Kỳ theo năm cần ghi năm."})

    @property
    def locks_on(self):
        return self.deadline + timedelta(days=self.lock_after_days)

    def is_overdue(self, today=None):
        return (today or timezone.localdate()) > self.deadline

    def is_locked_for(self, unit, today=None):
        """Entry closes lock_after_days after the deadline, unless an officer reopened it for the unit."""
        today = today or timezone.localdate()
        if today <= self.locks_on:
            return False
        return not self.exceptions.filter(unit=unit, open_until__gte=today).exists()

    @classmethod
    def school_year_bounds(cls, school_year):
        """Start and end of a school year as the plans use it: September to May."""
        first = int(school_year[:4])
        return date(first, 9, 1), date(first + 1, 5, 31)


class ItemKind(models.TextChoices):
    COUNT = "count", "Số lượng"
    YES_NO = "yes_no", "Có / không"
    LEVEL = "level", "Mức độ"


class ReportItem(models.Model):
    """A raw figure a school reports each period (teachers, teachers trained, pupils, Internet…)."""

    code = models.SlugField("mã mục", max_length=64, unique=True)
    label = models.CharField("nội dung", max_length=255)
    kind = models.CharField("kiểu", max_length=16, choices=ItemKind.choices, default=ItemKind.COUNT)
    section = models.CharField("nhóm", max_length=80)
    levels = models.JSONField("cấp học", default=list, help_text="Các cấp học phải báo cáo mục này.")
    not_above = models.ForeignKey(
        "self", verbose_name="không vượt quá mục", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Ví dụ: số giáo viên đạt chuẩn không vượt quá tổng số giáo viên.",
    )
    max_value = models.PositiveSmallIntegerField("giá trị tối đa", null=True, blank=True,
                                                 help_text="Cho mục mức độ: mức cao nhất.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "mục báo cáo của trường"
        verbose_name_plural = "mục báo cáo của trường"
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    def applies_to(self, school):
        return bool(set(self.levels) & set(school.levels))


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã nộp, chờ duyệt"
    RETURNED = "returned", "Bị trả lại để chỉnh sửa"
    APPROVED = "approved", "Đã duyệt"


class SchoolReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from units import access

        return self.filter(access.unit_condition(user, "school"))

    def for_period(self, period):
        return self.filter(period=period)

    def in_subtree(self, unit):
        return self.filter(school__path__startswith=unit.path)


class SchoolReport(models.Model):
    """A school's report for one period: raw figures and narrative, drafted, submitted, reviewed."""

    school = models.ForeignKey("units.Unit", verbose_name="trường", on_delete=models.PROTECT,
                               related_name="school_reports")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="school_reports")
    status = models.CharField("trạng thái", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    highlights = models.TextField("kết quả nổi bật", blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    reviewed_at = models.DateTimeField("duyệt / trả lại lúc", null=True, blank=True)
    review_comment = models.TextField("ý kiến của cán bộ phụ trách", blank=True)
    approved_snapshot = models.JSONField("số liệu lúc duyệt", default=dict, blank=True)

    objects = SchoolReportQuerySet.as_manager()

    class Meta:
        verbose_name = "báo cáo của trường"
        verbose_name_plural = "báo cáo của trường"
        ordering = ["period", "school__path"]
        constraints = [
            models.UniqueConstraint(fields=["school", "period"], name="school_report_unique",
                                    violation_error_message="Trường đã có báo cáo cho kỳ này."),
        ]

    def __str__(self):
        return f"Báo cáo {self.period} — {self.school}"

    @property
    def is_editable(self):
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    def entries_by_code(self):
        return {entry.item.code: entry.value for entry in self.entries.all()}

    def changes_since_approval(self):
        """How many figures differ from those approved (for a report reopened after approval)."""
        if not self.approved_snapshot:
            return 0
        current = {code: plain_decimal(value) for code, value in self.entries_by_code().items()}
        codes = set(current) | set(self.approved_snapshot)
        return sum(1 for code in codes if current.get(code) != self.approved_snapshot.get(code))



class SchoolReportEntry(models.Model):
    """One raw figure of a school report."""

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ReportItem, verbose_name="mục", on_delete=models.PROTECT, related_name="entries")
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "số liệu báo cáo"
        verbose_name_plural = "số liệu báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="school_report_entry_unique",
                                    violation_error_message="Mục này đã có trong báo cáo."),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="school_report_entry_positive",
                                   violation_error_message="Số liệu không được âm."),
        ]

    def __str__(self):
        return f"{self.item}: {self.value}"


class ReportEvent(models.Model):
    """The history of a school report's workflow: who saved, submitted, returned, approved, when."""

    class Action(models.TextChoices):
        SAVED = "saved", "Lưu nháp"
        UPLOADED = "uploaded", "Tải lên tệp Excel"
        SUBMITTED = "submitted", "Nộp báo cáo"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Duyệt"
        REOPENED = "reopened", "Mở lại để chỉnh sửa"

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("thao tác", max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)
    comment = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "lịch sử báo cáo"
        verbose_name_plural = "lịch sử báo cáo"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class PeriodException(models.Model):
    """An officer reopens entry for one school after the period has locked."""

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


def build_file_path(instance, filename):
    return f"bao-cao/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class BuildState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    SUCCEEDED = "succeeded", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class ReportBuildQuerySet(models.QuerySet):
    def visible_to(self, user):
        from units import access

        return self.filter(access.unit_condition(user, "unit"))


class ReportBuild(models.Model):
    """One build of a report's files (Excel, PDF): who asked, with which inputs, how it went."""

    class Kind(models.TextChoices):
        UNIT = "unit", "Báo cáo của đơn vị"
        CONSOLIDATED = "consolidated", "Báo cáo tổng hợp các đơn vị cấp dưới"

    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.UNIT)
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="report_builds")
    document = models.ForeignKey("plans.Document", verbose_name="kế hoạch", on_delete=models.CASCADE,
                                 related_name="report_builds")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="report_builds")
    formats = models.JSONField("định dạng", default=list, help_text='["xlsx", "pdf"]')
    inputs_hash = models.CharField("dấu vân tay dữ liệu", max_length=64, db_index=True,
                                   help_text="Cùng đầu vào và dữ liệu không đổi thì dùng lại tệp đã tạo.")
    state = models.CharField("trạng thái", max_length=16, choices=BuildState.choices, default=BuildState.QUEUED)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    error = models.TextField("lỗi", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    heartbeat_at = models.DateTimeField("còn chạy lúc", null=True, blank=True)
    xlsx_file = models.FileField("tệp Excel", upload_to=build_file_path, blank=True, max_length=255)
    pdf_file = models.FileField("tệp PDF", upload_to=build_file_path, blank=True, max_length=255)

    objects = ReportBuildQuerySet.as_manager()

    class Meta:
        verbose_name = "lần tạo báo cáo"
        verbose_name_plural = "các lần tạo báo cáo"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "started_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.unit} — {self.period} ({self.get_state_display().lower()})"

    @property
    def is_finished(self):
        return self.state in (BuildState.SUCCEEDED, BuildState.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class OutgoingReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of units in the user's scope, and those sent to a unit in it."""
        from units import access

        return self.filter(access.unit_condition(user, "unit") | access.unit_condition(user, "recipient"))


class OutgoingReport(models.Model):
    """A finalised report of a unit for a period, frozen (snapshot and files) and sent to the level above."""

    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="outgoing_reports")
    document = models.ForeignKey("plans.Document", verbose_name="kế hoạch", on_delete=models.PROTECT,
                                 related_name="outgoing_reports")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="outgoing_reports")
    number = models.CharField("số báo cáo", max_length=64, blank=True)
    snapshot = models.JSONField("số liệu đã chốt")
    build = models.ForeignKey(ReportBuild, verbose_name="tệp báo cáo", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người chốt", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    finalised_at = models.DateTimeField("chốt lúc", auto_now_add=True)
    recipient = models.ForeignKey("units.Unit", verbose_name="gửi đến", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="incoming_reports")
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    xlsx_file = models.FileField("tệp Excel", upload_to="bao-cao-da-chot/", blank=True, max_length=255)
    pdf_file = models.FileField("tệp PDF", upload_to="bao-cao-da-chot/", blank=True, max_length=255)

    objects = OutgoingReportQuerySet.as_manager()

    class Meta:
        verbose_name = "báo cáo gửi cấp trên"
        verbose_name_plural = "báo cáo gửi cấp trên"
        ordering = ["-finalised_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "document", "period"], name="outgoing_report_unique",
                                    violation_error_message="Đơn vị đã chốt báo cáo của kế hoạch này cho kỳ này."),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period} — {self.document.short_label}"

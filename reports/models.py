
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from periods.models import Period
from targets.fields import format_number, plain_decimal
from units import access


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

    def figure_text(self, value, blank="—"):
        """A figure of this item as a page or a message writes it: "Có" / "Không" for a yes/no item, else the
        Vietnamese number (thousands dot, decimal comma); `blank` when there is none."""
        if value is None:
            return blank
        if self.kind == ItemKind.YES_NO:
            return "Có" if value else "Không"
        return format_number(value)

    def applies_to(self, school):
        return bool(set(self.levels) & set(school.levels))


class IndicatorSource(models.Model):
    """Which school-report items an indicator is computed from (a rate: numerator and denominator)."""

    indicator = models.OneToOneField("targets.Indicator", verbose_name="chỉ số", on_delete=models.CASCADE,
                                     related_name="+")
    numerator_item = models.ForeignKey(
        ReportItem, verbose_name="tử số lấy từ mục báo cáo", on_delete=models.PROTECT, related_name="+",
        help_text="Với tỷ lệ; với số lượng, mức độ: giá trị lấy từ mục này.",
    )
    denominator_item = models.ForeignKey(
        ReportItem, verbose_name="mẫu số lấy từ mục báo cáo", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống với tỷ lệ trường: mỗi trường là 1 (tử số 1 nếu mục có giá trị lớn hơn 0).",
    )

    class Meta:
        verbose_name = "nguồn số liệu của chỉ số"
        verbose_name_plural = "nguồn số liệu của chỉ số"

    def __str__(self):
        return f"{self.indicator} ← {self.numerator_item}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã nộp, chờ duyệt"
    RETURNED = "returned", "Bị trả lại để chỉnh sửa"
    APPROVED = "approved", "Đã duyệt"


class SchoolReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "school"))

    def writable_by(self, user):
        """Reports the user fills in: those of their own school."""
        return self.filter(access.fill_condition(user, "school"))

    def reviewable_by(self, user):
        """Reports the user approves or returns: those of schools below a unit they are an officer of."""
        return self.filter(access.review_condition(user, "school"))

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
        """The report's figures by item code, in one query."""
        return dict(self.entries.values_list("item__code", "value"))

    def changes_since_approval(self):
        """How many figures differ from those approved (for a report reopened after approval)."""
        if not self.approved_snapshot:
            return 0
        current = {code: plain_decimal(value) for code, value in self.entries_by_code().items()}
        codes = set(current) | set(self.approved_snapshot)
        return sum(1 for code in codes if current.get(code) != self.approved_snapshot.get(code))



def school_report_attachment_path(instance, filename):
    """A generated name with the extension of what the file is (content_type, set from its content): the name the
    uploader gave never reaches the disk."""
    import uuid

    from django.utils.text import slugify

    from units.evidence import stored_extension

    report = instance.report
    folder = f"{slugify(report.period.code) or 'ky'}/{slugify(report.school.code) or 'truong'}"
    return f"minh-chung-truong/{folder}/{uuid.uuid4().hex}{stored_extension(instance.content_type)}"


class SchoolReportAttachment(models.Model):
    """A file the school attaches to its report as evidence (a recognition decision, a photo, a spreadsheet…): added
    and removed by the school's staff while the report is a draft or returned, read by whoever reads the report."""

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.PROTECT,
                               related_name="attachments")
    file = models.FileField("tệp", upload_to=school_report_attachment_path, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "minh chứng của báo cáo trường"
        verbose_name_plural = "minh chứng của báo cáo trường"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class SchoolReportEntry(models.Model):
    """One raw figure of a school report."""

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.PROTECT, related_name="entries")
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


class ReportValue(models.Model):
    """A progress value written by approving a school report: removed when the report is reopened."""

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="+")
    value = models.OneToOneField("targets.ProgressValue", verbose_name="số liệu", on_delete=models.CASCADE,
                                 related_name="+")

    class Meta:
        verbose_name = "số liệu từ báo cáo của trường"
        verbose_name_plural = "số liệu từ báo cáo của trường"

    def __str__(self):
        return f"{self.report} → {self.value_id}"


class ReportEvent(models.Model):
    """The history of a school report's workflow: who saved, submitted, returned, approved, when."""

    class Action(models.TextChoices):
        SAVED = "saved", "Lưu nháp"
        UPLOADED = "uploaded", "Tải lên tệp Excel"
        SUBMITTED = "submitted", "Nộp báo cáo"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Duyệt"
        REOPENED = "reopened", "Mở lại để chỉnh sửa"
        ATTACHED = "attached", "Đính kèm minh chứng"
        DETACHED = "detached", "Gỡ minh chứng"

    report = models.ForeignKey(SchoolReport, verbose_name="báo cáo", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("thao tác", max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)
    comment = models.TextField("ghi chú", blank=True)
    version = models.PositiveIntegerField("phiên bản sau thao tác", null=True, blank=True,
                                          help_text="Phiên bản của báo cáo sau thao tác này.")
    # an upload: which download of the Excel form the file came from (the mark in its hidden sheet), so that the
    # same file uploaded again after a correction is told from another file downloaded at the same time
    upload_stamp = models.CharField("tệp mẫu đã tải lên", max_length=64, blank=True)

    class Meta:
        verbose_name = "lịch sử báo cáo"
        verbose_name_plural = "lịch sử báo cáo"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class SchoolReportEntryChange(models.Model):
    """One figure changed by one save of a school report: the item, before and after; who and when are
    the save's (its event)."""

    event = models.ForeignKey(ReportEvent, verbose_name="lần lưu", on_delete=models.PROTECT, related_name="changes")
    item = models.ForeignKey(ReportItem, verbose_name="mục", on_delete=models.PROTECT, related_name="+")
    before = models.DecimalField("trước", max_digits=14, decimal_places=2, null=True, blank=True)
    after = models.DecimalField("sau", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "thay đổi số liệu báo cáo"
        verbose_name_plural = "lịch sử số liệu báo cáo"
        ordering = ["event", "item__order", "pk"]

    def __str__(self):
        return f"{self.item}: {self.before} → {self.after}"

    @property
    def before_text(self):
        return self.item.figure_text(self.before)

    @property
    def after_text(self):
        return self.item.figure_text(self.after)


def build_file_path(instance, filename):
    return f"bao-cao/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class BuildState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    SUCCEEDED = "succeeded", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class ReportBuildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "unit"))

    def stale(self, before):
        """Unfinished builds that no worker is known to hold: queued and never handed to the broker (it was
        down), queued and handed over before `before` without starting (the broker may have lost the message),
        running with no heartbeat since `before` (the worker died)."""
        return self.filter(
            Q(state=BuildState.QUEUED, enqueued_at__isnull=True)
            | Q(state=BuildState.QUEUED, enqueued_at__lt=before)
            | Q(state=BuildState.RUNNING, heartbeat_at__lt=before)
        )


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
    enqueued_at = models.DateTimeField(
        "gửi đến máy chủ tạo báo cáo lúc", null=True, blank=True,
        help_text="Trống khi đang chờ mà chưa gửi được (máy chủ tạo báo cáo tạm ngưng): lần quét sau sẽ gửi.")
    xlsx_file = models.FileField("tệp Excel", upload_to=build_file_path, blank=True, max_length=255)
    pdf_file = models.FileField("tệp PDF", upload_to=build_file_path, blank=True, max_length=255)
    docx_file = models.FileField("tệp Word", upload_to=build_file_path, blank=True, max_length=255)

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
    def is_to_send(self):
        """Queued, but not yet handed to the broker: the sweep sends it when the broker answers again."""
        return self.state == BuildState.QUEUED and self.enqueued_at is None

    # queued this many times the stale delay without any worker taking it: say so (no worker may be running)
    UNCLAIMED_AFTER_STALE = 3

    @property
    def unclaimed_minutes(self):
        """Minutes it has waited, sent to the broker, without any worker starting it, once that is long enough
        (UNCLAIMED_AFTER_STALE × REPORT_BUILD_STALE_SECONDS) to tell the user; else None. A build queued again
        after a try (its worker killed, or its retry waiting) counts from that try's last sign of life."""
        if self.state != BuildState.QUEUED or self.enqueued_at is None:
            return None
        since = self.heartbeat_at if self.attempts and self.heartbeat_at else self.created_at
        waited = (timezone.now() - since).total_seconds()
        if waited < self.UNCLAIMED_AFTER_STALE * settings.REPORT_BUILD_STALE_SECONDS:
            return None
        return max(1, round(waited / 60))

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class OutgoingStatus(models.TextChoices):
    """Where a report sent upward stands: prepared by an officer, approved by the unit's leader, sent, then
    acknowledged or returned by the unit above."""

    PREPARED = "prepared", "Chờ lãnh đạo phê duyệt"
    APPROVED = "approved", "Lãnh đạo đã phê duyệt, chưa gửi"
    SENT = "sent", "Đã gửi, chờ cấp trên xác nhận"
    ACKNOWLEDGED = "acknowledged", "Cấp trên đã xác nhận đã nhận"
    RETURNED = "returned", "Cấp trên đã trả lại"


class OutgoingReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of units in the user's scope, and those sent to a unit in it."""
        return self.filter(access.unit_condition(user, "unit") | access.unit_condition(user, "recipient"))

    def signable_by(self, user):
        """Reports the user finalises and sends: its unit's officers, or a leader of that unit."""
        return self.filter(access.sign_off_condition(user, "unit"))

    def approvable_by(self, user):
        """Reports the user approves before they are sent: a leader of the report's unit itself."""
        return self.filter(access.approve_condition(user, "unit"))

    def receivable_by(self, user):
        """Reports the user acknowledges or returns: officers and reviewers of the unit they were sent to."""
        return self.filter(access.receive_condition(user, "recipient"))


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
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người gửi", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField("phiên bản", default=1,
                                          help_text="Tăng mỗi lần báo cáo đổi trạng thái (chốt, gửi).")
    xlsx_file = models.FileField("tệp Excel", upload_to="bao-cao-da-chot/", blank=True, max_length=255)
    pdf_file = models.FileField("tệp PDF", upload_to="bao-cao-da-chot/", blank=True, max_length=255)
    docx_file = models.FileField("tệp Word", upload_to="bao-cao-da-chot/", blank=True, max_length=255)
    # sign-off and acknowledgement (the steps with who and when are OutgoingReportEvent rows)
    status = models.CharField("trạng thái", max_length=16, choices=OutgoingStatus.choices,
                              default=OutgoingStatus.PREPARED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lãnh đạo phê duyệt", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("phê duyệt lúc", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người xác nhận hoặc trả lại",
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("xác nhận hoặc trả lại lúc", null=True, blank=True)
    return_reason = models.TextField("lý do trả lại", blank=True)

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


# --- the steps of a report sent upward, and the portal's notifications (issue 12) ---------------------------


class OutgoingReportEvent(models.Model):
    """One step on a report sent upward: who took it, when, with what comment, and the version it made."""

    class Action(models.TextChoices):
        PREPARED = "prepared", "Chốt báo cáo"
        APPROVED = "approved", "Lãnh đạo phê duyệt"
        SENT = "sent", "Gửi lên cấp trên"
        ACKNOWLEDGED = "acknowledged", "Cấp trên xác nhận đã nhận"
        RETURNED = "returned", "Cấp trên trả lại"

    report = models.ForeignKey(OutgoingReport, verbose_name="báo cáo", on_delete=models.CASCADE,
                               related_name="events")
    action = models.CharField("thao tác", max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)
    comment = models.TextField("ghi chú", blank=True)
    version = models.PositiveIntegerField("phiên bản sau thao tác", default=0)

    class Meta:
        verbose_name = "bước xử lý báo cáo gửi cấp trên"
        verbose_name_plural = "các bước xử lý báo cáo gửi cấp trên"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class NotificationKind(models.TextChoices):
    SCHOOL_REPORT_RETURNED = "school_returned", "Báo cáo của trường bị trả lại"
    SCHOOL_REPORT_APPROVED = "school_approved", "Báo cáo của trường được duyệt"
    REPORT_TO_APPROVE = "to_approve", "Báo cáo chờ lãnh đạo phê duyệt"
    REPORT_RECEIVED = "received", "Nhận báo cáo từ cấp dưới"
    REPORT_ACKNOWLEDGED = "acknowledged", "Cấp trên xác nhận đã nhận báo cáo"
    REPORT_RETURNED = "returned", "Cấp trên trả lại báo cáo"
    DEADLINE_SOON = "deadline", "Sắp đến hạn nộp báo cáo"
    TASK_OVERDUE = "task_overdue", "Nhiệm vụ quá hạn"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user in the portal (and, if they chose so, by e-mail): what happened and a link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField("loại", max_length=16, choices=NotificationKind.choices)
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)
    link = models.CharField("đường dẫn", max_length=500, blank=True, help_text="Đường dẫn trong cổng, ví dụ /bao-cao/…")
    key = models.CharField("khóa chống trùng", max_length=120, blank=True,
                           help_text="Cùng người nhận và cùng khóa thì chỉ gửi một lần (thư nhắc hạn).")
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed = models.BooleanField("đã gửi thư", default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key",
                                    violation_error_message="Thông báo này đã được gửi cho người dùng."),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """A user's choice of whether a kind of notification is also sent by e-mail (default: yes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField("loại", max_length=16, choices=NotificationKind.choices)
    by_email = models.BooleanField("gửi thư điện tử", default=True)

    class Meta:
        verbose_name = "lựa chọn nhận thông báo"
        verbose_name_plural = "lựa chọn nhận thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique",
                                    violation_error_message="Đã có lựa chọn cho loại thông báo này."),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"


# --- the unit's own sections of its report (issue 11) --------------------------------------------------------


class ReportSections(models.Model):
    """What a ward writes itself in its report on a plan for a period, beside the figures and the schools' texts."""

    FIELDS = (("achievements", "Kết quả đạt được"), ("shortcomings", "Hạn chế và nguyên nhân"),
              ("next_steps", "Phương hướng nhiệm vụ kỳ tới"), ("proposals", "Đề xuất, kiến nghị"))

    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="report_sections")
    document = models.ForeignKey("plans.Document", verbose_name="kế hoạch", on_delete=models.PROTECT,
                                 related_name="report_sections")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="report_sections")
    achievements = models.TextField("kết quả đạt được", blank=True)
    shortcomings = models.TextField("hạn chế và nguyên nhân", blank=True)
    next_steps = models.TextField("phương hướng nhiệm vụ kỳ tới", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "phần báo cáo do đơn vị viết"
        verbose_name_plural = "phần báo cáo do đơn vị viết"
        constraints = [
            models.UniqueConstraint(fields=["unit", "document", "period"], name="report_sections_unique",
                                    violation_error_message="Đơn vị đã có nội dung báo cáo cho kế hoạch và kỳ này."),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period} — {self.document}"

    def texts(self):
        """{field: text} of the sections, for the report's content."""
        return {name: getattr(self, name).strip() for name, _label in self.FIELDS}

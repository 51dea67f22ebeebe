import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from units import access
from units.models import TracksChanges, Unit, UnitKind


class DocumentType(models.TextChoices):
    NQ = "NQ", "Nghị quyết"
    CTR = "CTr", "Chương trình"
    KH = "KH", "Kế hoạch"
    CV = "CV", "Công văn"
    QD = "QĐ", "Quyết định"
    BC = "BC", "Báo cáo"
    DA = "ĐA", "Đề án"
    TB = "TB", "Thông báo"
    CT = "CT", "Chỉ thị"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    IN_FORCE = "in_force", "Đang có hiệu lực"
    SUPERSEDED = "superseded", "Đã được thay thế"


class InUseManager(models.Manager):
    """The default manager of a model whose rows are archived, never deleted (documents, targets, progress
    values): an archived row keeps its figures and history but is left out of every list, dashboard and
    roll-up. `all_objects` reads archived rows too (the admin, which archives and restores them)."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


def readable_condition(user, prefix=""):
    """A Q true when the document (at `prefix`: "" for Document, "document__" for a task) is one the user reads:
    issued in the user's scope, or a directive issued above it that is signed. A draft is not a directive yet: it
    is read by its issuing unit's people and those above them (who read the issuer's subtree), never by the units
    below it (a ward's draft plan is not its schools' to read)."""
    if access.is_system_admin(user):
        return Q()
    issuer = f"{prefix}issuer"
    return access.unit_condition(user, issuer) | (access.above_condition(user, issuer)
                                                  & ~Q(**{f"{prefix}status": DocumentStatus.DRAFT}))


def no_draft_from_above(user, prefix="document__"):
    """A Q true unless the document at `prefix` is a draft issued above the user's scope (readable_condition), for
    the lists that reach a plan's tasks through their lead or coordinating units rather than through the plan."""
    if access.is_system_admin(user):
        return Q()
    return ~Q(**{f"{prefix}status": DocumentStatus.DRAFT}) | access.unit_condition(user, f"{prefix}issuer")


def no_draft_from_above_unit(unit, prefix="document__"):
    """The same for a unit's pages (dashboards, reports): a draft counts only at its issuer and the units above it."""
    return ~Q(**{f"{prefix}status": DocumentStatus.DRAFT}) | Q(**{f"{prefix}issuer__path__startswith": unit.path})


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents issued in the user's scope, and the signed directives issued above it (readable_condition)."""
        return self.filter(readable_condition(user))

    def writable_by(self, user):
        """Documents whose issuer the user may change."""
        return self.filter(access.write_condition(user, "issuer"))

    def enactable_by(self, user):
        """Documents the user signs into force, amends or replaces: a leader of the issuing unit itself."""
        return self.filter(access.enact_condition(user, "issuer"))

    def with_permissions(self, user):
        """Annotate `can_change` (the issuer's officers) and `can_enact` (its leaders), for the plan's page."""
        base = Document.all_objects.all()
        return self.annotate(
            can_change=Exists(base.writable_by(user).filter(pk=OuterRef("pk"))),
            can_enact=Exists(base.enactable_by(user).filter(pk=OuterRef("pk"))),
        )

    def in_force(self):
        return self.filter(status=DocumentStatus.IN_FORCE)

    def public(self):
        """The plans marked public, once signed: a draft is not published."""
        return self.filter(is_public=True).exclude(status=DocumentStatus.DRAFT)

    def basis_for(self, unit):
        """The signed documents a plan of `unit` may be issued on the basis of: those of the unit itself, of the
        units above it and of their departments (a ward plan implements the city's Sở GD&ĐT plan), the highest
        first, the latest first within a unit. Filter with visible_to(user) for a user's choice."""
        prefixes = unit.path_prefixes()
        return (self.exclude(status=DocumentStatus.DRAFT)
                .filter(Q(issuer__path__in=prefixes)
                        | Q(issuer__parent__path__in=prefixes, issuer__kind=UnitKind.DEPARTMENT))
                .select_related("issuer").order_by("issuer__depth", "issuer__path", "-issued_on", "-issued_year", "pk"))

    def plans(self):
        """Documents that carry targets or tasks of their own (plans, programmes, resolutions)."""
        return self.filter(Q(targets__isnull=False) | Q(tasks__isnull=False)).distinct()


class Document(TracksChanges):
    """A directive or plan: a resolution, programme, plan or letter, with its place in the chain."""

    doc_type = models.CharField("loại văn bản", max_length=8, choices=DocumentType.choices)
    number = models.CharField(
        "số, ký hiệu",
        max_length=64,
        blank=True,
        help_text="Như ghi trên văn bản: 71-NQ/TW, 115/KH-UBND. Để trống nếu văn bản không có số.",
    )
    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="issued_documents"
    )
    issuer_name = models.CharField(
        "cơ quan ban hành (như ghi trên văn bản)",
        max_length=255,
        blank=True,
        help_text="Ví dụ: Ban Thường vụ Thành ủy Hải Phòng.",
    )
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issued_year = models.PositiveSmallIntegerField(
        "năm ban hành",
        null=True,
        blank=True,
        help_text="Khi văn bản chỉ ghi năm (“ngày … tháng … năm 2026”).",
    )
    place = models.CharField("địa danh", max_length=120, blank=True)
    title = models.CharField("trích yếu", max_length=500)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    signer_title = models.CharField(
        "chức vụ người ký",
        max_length=160,
        blank=True,
        help_text="Ví dụ: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.",
    )
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận.")
    start_year = models.PositiveSmallIntegerField("từ năm", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("đến năm", null=True, blank=True)
    vision_year = models.PositiveSmallIntegerField("tầm nhìn đến năm", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    implements = models.ManyToManyField(
        "self",
        verbose_name="thực hiện / căn cứ văn bản",
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
    )
    is_public = models.BooleanField(
        "công khai", default=False,
        help_text="Cho phép mọi người (không cần đăng nhập) xem chỉ tiêu và tình trạng thực hiện, để nhân dân cùng giám sát.",
    )
    # The life of a plan: signed into force by a leader of its issuer; replaced by another plan (status superseded).
    # Amendments are DocumentRevision rows, each keeping the version before it.
    enacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ký ban hành", null=True, blank=True,
                                   editable=False, on_delete=models.SET_NULL, related_name="+")
    enacted_at = models.DateTimeField("ký ban hành lúc", null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey("self", verbose_name="được thay thế bởi", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="replaces")
    source_file = models.CharField("tệp nguồn", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)
    archived_at = models.DateTimeField("lưu trữ lúc", null=True, blank=True, editable=False,
                                       help_text="Văn bản lưu trữ không còn hiện ở đâu nhưng không bị xóa.")
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người lưu trữ", null=True, blank=True,
                                    editable=False, on_delete=models.SET_NULL, related_name="+")

    objects = InUseManager.from_queryset(DocumentQuerySet)()
    all_objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản, kế hoạch"
        ordering = ["-issued_on", "-issued_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer"],
                condition=~Q(number="") & Q(archived_at__isnull=True),
                name="document_number_unique_per_issuer",
                violation_error_message="Cơ quan này đã có văn bản mang số, ký hiệu này.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="document_years_ordered",
                violation_error_message="Năm kết thúc phải sau năm bắt đầu.",
            ),
        ]

    def __str__(self):
        if self.number:
            return f"{self.get_doc_type_display()} số {self.number}"
        return f"{self.short_label} ({self.issuer_name or self.issuer})"

    # How a plan is named: by its number and title, or, when unnumbered, by its title and period ("Kế hoạch
    # năm 2026" named nothing: several plans of a unit share a year). Every page and file uses these two.
    SHORT_TITLE_LENGTH = 100

    @property
    def period_label(self):
        """“giai đoạn 2026–2030”, “năm 2026” (one year, or only the year of issue known), or ""."""
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"giai đoạn {self.start_year}–{self.end_year}"
        year = self.start_year or self.end_year or self.year
        return f"năm {year}" if year else ""

    def _title_with_period(self, title):
        """The title, followed by the period unless the title already states it (“… giai đoạn 2026-2030”)."""
        years = [str(y) for y in (self.start_year, self.end_year) if y] or ([str(self.year)] if self.year else [])
        if not self.period_label or all(year in title for year in years):
            return title
        return f"{title} ({self.period_label})"

    @property
    def name(self):
        """The full name: “Kế hoạch 102/KH-UBND — <title>”, or for an unnumbered plan “<title> (giai đoạn …)”."""
        if self.number:
            return f"{self.short_label} — {self.title}"
        return self._title_with_period(self.title)

    @property
    def short_label(self):
        """“Kế hoạch 102/KH-UBND”, or for an unnumbered document its title (shortened) and period."""
        if self.number:
            return f"{self.get_doc_type_display()} {self.number}"
        title = self.title
        if len(title) > self.SHORT_TITLE_LENGTH:
            title = title[: self.SHORT_TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:-–") + "…"
        return self._title_with_period(title)

    def version_snapshot(self):
        """The plan as it stands (number, title, dates, period, its targets' values): kept by each step of its life
        so that the version before an amendment stays readable."""
        targets = self.targets.prefetch_related("horizons").order_by("order", "pk")
        return {
            "number": self.number, "title": self.title, "status": self.status,
            "issued_on": self.issued_on.strftime("%d/%m/%Y") if self.issued_on else None,
            "start_year": self.start_year, "end_year": self.end_year,
            "targets": [{"id": t.pk, "text": t.text, "values": t.values_snapshot()} for t in targets],
        }

    @property
    def number_display(self):
        return self.number or "(không số)"

    @property
    def year(self):
        return self.issued_on.year if self.issued_on else self.issued_year

    def clean(self):
        if self.issued_on and self.issued_year and self.issued_on.year != self.issued_year:
            raise ValidationError({"issued_year": "Năm ban hành không khớp với ngày ban hành."})


class DocumentRevision(models.Model):
    """A step in a plan's life (signed into force, amended, replaced), with the version before it kept readable."""

    class Kind(models.TextChoices):
        ENACTED = "enacted", "Ký ban hành"
        AMENDED = "amended", "Sửa đổi, bổ sung"
        REPLACED = "replaced", "Được thay thế"

    document = models.ForeignKey(Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField("bước", max_length=16, choices=Kind.choices)
    reason = models.TextField("lý do", blank=True)
    before = models.JSONField("phiên bản trước", null=True, blank=True,
                              help_text="Văn bản (số, trích yếu, ngày, thời kỳ, chỉ tiêu) trước bước này.")
    after = models.JSONField("phiên bản sau")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lịch sử văn bản"
        verbose_name_plural = "lịch sử văn bản"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.document.short_label} — {self.get_kind_display()} {self.created_at:%d/%m/%Y}"


class Phase(models.Model):
    """A stage of the plan's roadmap (lộ trình), e.g. 2025–2026."""

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField("tên giai đoạn", max_length=160)
    start_year = models.PositiveSmallIntegerField("từ năm")
    end_year = models.PositiveSmallIntegerField("đến năm")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "giai đoạn (lộ trình)"
        verbose_name_plural = "giai đoạn (lộ trình)"
        ordering = ["document", "order", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="phase_years_ordered",
                violation_error_message="Năm kết thúc phải sau năm bắt đầu.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_year}–{self.end_year})"


class TaskGroup(models.Model):
    """A numbered group of tasks as the plan groups them (III.1, 3.3.a, IV.3 Phòng Văn hóa - Xã hội)."""

    class Kind(models.TextChoices):
        TASK = "task", "Nhiệm vụ, giải pháp"
        ASSIGNMENT = "assignment", "Tổ chức thực hiện (phân công)"

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="task_groups"
    )
    number = models.CharField("số thứ tự", max_length=32, blank=True)
    title = models.CharField("tiêu đề", max_length=500)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.TASK)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "nhóm nhiệm vụ"
        verbose_name_plural = "nhóm nhiệm vụ"
        ordering = ["document", "order"]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    LATE = "late", "Chậm tiến độ"


def _responsible(condition_of):
    """Lead or coordinating unit (or, for a task without a lead unit, the issuer) matching a condition."""
    return (condition_of("lead_unit") | condition_of("coordinating_units")
            | (Q(lead_unit__isnull=True) & condition_of("document__issuer")))


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(document__in=Document.objects.visible_to(user))

    def writable_by(self, user):
        """Tasks whose state the user reports: writers of the lead or a coordinating unit (of the issuer when
        no lead unit is named)."""
        return self.filter(pk__in=Task.objects.filter(_responsible(lambda f: access.write_condition(user, f))))

    def led_by_writer(self, user):
        """Tasks whose state and due date the user sets: writers of the lead unit (of the issuer when none is named).
        A coordinating unit reports its part (a note, evidence), not the task's state for everyone."""
        return self.filter(access.write_condition(user, "lead_unit") | (
            Q(lead_unit__isnull=True) & access.write_condition(user, "document__issuer")))

    def assignable_by(self, user):
        """Tasks the user may hand to a lower unit: officers of the lead unit (of the issuer when none is named)."""
        lead = access.write_condition(user, "lead_unit") | (
            Q(lead_unit__isnull=True) & access.write_condition(user, "document__issuer"))
        return self.filter(lead).exclude(lead_unit__kind="school")

    def responsible_in_scope(self, user):
        """The tasks of the "Nhiệm vụ" page: led or coordinated by a unit the user reads (one row each), less those
        of a draft issued above the user's scope (not a directive yet)."""
        responsible = Task.objects.filter(_responsible(lambda f: access.unit_condition(user, f)))
        return self.filter(pk__in=responsible).filter(no_draft_from_above(user))

    def led_in_scope(self, user):
        return self.filter(access.unit_condition(user, "lead_unit")
                           | (Q(lead_unit__isnull=True) & access.unit_condition(user, "document__issuer"))
                           ).filter(no_draft_from_above(user))

    def coordinated_in_scope(self, user):
        return self.filter(pk__in=Task.objects.filter(access.unit_condition(user, "coordinating_units"))
                           ).filter(no_draft_from_above(user))

    def responsible_in_subtree(self, unit):
        """Tasks led or coordinated by the unit or a unit below it (one row each)."""
        return self.filter(pk__in=Task.objects.filter(_responsible(lambda f: Q(**{f"{f}__path__startswith": unit.path}))))

    def led_by_subtree(self, unit):
        return self.filter(lead_unit__path__startswith=unit.path)

    def overdue(self, today):
        """Tasks not done whose due date has passed, or marked late."""
        return self.filter(Q(status=TaskStatus.LATE) | (Q(due_date__lt=today) & ~Q(status=TaskStatus.DONE)))


class Task(models.Model):
    """A task (nhiệm vụ) of a plan with who leads it (chủ trì) and who coordinates (phối hợp)."""

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="tasks"
    )
    group = models.ForeignKey(
        TaskGroup, verbose_name="nhóm", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    number = models.CharField("số thứ tự", max_length=32, blank=True)
    text = models.TextField("nội dung nhiệm vụ")
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    lead_text = models.CharField("chủ trì (như ghi trên văn bản)", max_length=255, blank=True)
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name="đơn vị phối hợp", blank=True, related_name="coordinated_tasks"
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name="giai đoạn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    due_date = models.DateField("thời hạn", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    parent = models.ForeignKey("self", verbose_name="cụ thể hóa nhiệm vụ", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children",
                               help_text="Nhiệm vụ của văn bản cấp trên mà nhiệm vụ này cụ thể hóa.")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["document", "group__order", "order"]

    def __str__(self):
        text = self.text if len(self.text) <= 90 else self.text[:87] + "…"
        return f"{self.number}. {text}" if self.number else text

    def is_overdue(self, today):
        return self.status == TaskStatus.LATE or (
            self.due_date is not None and self.due_date < today and self.status != TaskStatus.DONE)

    def clean(self):
        if self.group_id and self.document_id and self.group.document_id != self.document_id:
            raise ValidationError({"group": "Nhóm nhiệm vụ phải thuộc cùng văn bản."})
        if self.phase_id and self.document_id and self.phase.document_id != self.document_id:
            raise ValidationError({"phase": "Giai đoạn phải thuộc cùng văn bản."})


class TaskUpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports on the tasks of the user's "Nhiệm vụ" page and of the plans issued in the user's scope."""
        tasks = Task.objects.filter(_responsible(lambda f: access.unit_condition(user, f))
                                    | access.unit_condition(user, "document__issuer")).filter(no_draft_from_above(user))
        return self.filter(task__in=tasks)


def task_evidence_path(instance, filename):
    """A task's evidence file under a generated name with the extension of its checked type."""
    suffix = Path(filename).suffix.lower()
    return f"minh-chung-nhiem-vu/{uuid.uuid4().hex}{suffix if suffix in ('.pdf', '.png', '.jpg') else ''}"


class TaskUpdate(models.Model):
    """A report on a task: its state set with a note and optional evidence, a new due date, or its handing to a
    lower unit; the history shown on the task's page."""

    task = models.ForeignKey(Task, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="updates")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    status_before = models.CharField("trạng thái trước", max_length=16, choices=TaskStatus.choices)
    status = models.CharField("trạng thái", max_length=16, choices=TaskStatus.choices)
    due_before = models.DateField("thời hạn trước", null=True, blank=True)
    due_date = models.DateField("thời hạn", null=True, blank=True)
    lead_before = models.ForeignKey(Unit, verbose_name="chủ trì trước", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, verbose_name="giao cho", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    note = models.TextField("ghi chú", blank=True)
    evidence = models.FileField("minh chứng", upload_to=task_evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField("tên tệp minh chứng", max_length=255, blank=True)
    evidence_type = models.CharField("loại tệp", max_length=100, blank=True)

    objects = TaskUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "cập nhật nhiệm vụ"
        verbose_name_plural = "cập nhật nhiệm vụ"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.task} — {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def reassigned(self):
        return self.lead_unit_id is not None and self.lead_unit_id != self.lead_before_id


class PlanImportStatus(models.TextChoices):
    READING = "reading", "Đang đọc tệp"
    FAILED = "failed", "Không đọc được tệp"
    REVIEWING = "reviewing", "Đang xem xét"
    CREATED = "created", "Đã tạo kế hoạch"
    DISCARDED = "discarded", "Đã hủy"


class PlanImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports for the units in the user's scope."""
        return self.filter(access.unit_condition(user, "unit"))

    def writable_by(self, user):
        return self.filter(access.write_condition(user, "unit"))


def plan_import_path(instance, filename):
    """An uploaded plan file under a generated name (the uploader's name is kept in source_name)."""
    suffix = Path(filename).suffix.lower()
    return f"nhap-ke-hoach/{uuid.uuid4().hex}{suffix if suffix in ('.txt', '.docx', '.pdf') else ''}"


class PlanImport(models.Model):
    """A plan file read by the portal: its text and proposals, under review until the plan is created."""

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị ban hành", on_delete=models.PROTECT, related_name="plan_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("lúc tải lên", auto_now_add=True)
    source_name = models.CharField("tên tệp", max_length=255)
    text = models.TextField("nội dung văn bản (đã làm sạch)")
    proposals = models.JSONField(
        "đề xuất", default=dict,
        help_text="Thông tin văn bản, các chỉ tiêu đề xuất và việc xem xét từng đề xuất.",
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=PlanImportStatus.choices, default=PlanImportStatus.READING
    )
    document = models.ForeignKey(
        Document, verbose_name="văn bản đã tạo", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="imports",
    )
    # The job that reads the file (importer.reading_job): the file is kept until it is read or the import
    # discarded; progress and heartbeat while it runs, the reason when it fails.
    source_file = models.FileField("tệp tải lên", upload_to=plan_import_path, blank=True, max_length=255)
    progress = models.CharField("tiến độ đọc tệp", max_length=200, blank=True)
    error = models.TextField("lỗi khi đọc tệp", blank=True)
    attempts = models.PositiveSmallIntegerField("số lần đọc", default=0)
    started_at = models.DateTimeField("bắt đầu đọc", null=True, blank=True)
    finished_at = models.DateTimeField("đọc xong", null=True, blank=True)
    heartbeat_at = models.DateTimeField("còn đọc lúc", null=True, blank=True)

    objects = PlanImportQuerySet.as_manager()

    class Meta:
        verbose_name = "lần nhập kế hoạch"
        verbose_name_plural = "nhập kế hoạch từ tệp"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.source_name} ({self.unit})"

    def items(self):
        """The target proposals then the projection proposals, as stored (edits change them in place)."""
        return self.proposals.get("targets", []) + self.proposals.get("projections", [])

    def counts(self):
        """How many proposals are accepted, rejected and still pending."""
        decisions = [item["decision"] for item in self.items()]
        return {decision: decisions.count(decision) for decision in ("accepted", "rejected", "pending")}

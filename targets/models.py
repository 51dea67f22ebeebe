import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import slugify

from periods.models import Period
from plans.models import Document, InUseManager
from units import access
from units.models import SchoolLevel, TracksChanges, Unit

from .fields import plain_decimal
from .kinds import IndicatorKind


class Category(models.TextChoices):
    """The four evaluation criteria of the plans, then the other groups the plans use."""

    DIGITAL = "digital", "Chuyển đổi số"
    STAFF = "staff", "Đội ngũ"
    FACILITIES = "facilities", "Cơ sở vật chất"
    QUALITY = "quality", "Chất lượng giáo dục"
    UNIVERSAL = "universal", "Phổ cập - học tập suốt đời"
    BUDGET = "budget", "Ngân sách - nguồn lực"
    OTHER = "other", "Khác"


EVALUATION_CRITERIA = (Category.DIGITAL, Category.STAFF, Category.FACILITIES, Category.QUALITY)


class Aggregation(models.TextChoices):
    """How a value rolls up the tree from the units that report it."""

    RATIO_OF_SUMS = "ratio_of_sums", "Tổng tử số / tổng mẫu số"
    SUM = "sum", "Cộng dồn"
    MIN = "min", "Giá trị thấp nhất (mọi đơn vị phải đạt)"
    EVERY_UNIT = "every_unit", "Đạt khi mọi đơn vị đều đạt"
    NONE = "none", "Không cộng dồn (nhập tại đơn vị phạm vi)"


class Indicator(models.Model):
    """What is measured: a rate from counts, a count, an index, a level or a yes/no milestone."""

    code = models.SlugField("mã chỉ số", max_length=80, unique=True)
    name = models.CharField("tên chỉ số", max_length=300)
    kind = models.CharField("loại", max_length=16, choices=IndicatorKind.choices)
    unit_label = models.CharField(
        "đơn vị tính", max_length=40, blank=True, help_text="%, trường, học sinh, phòng, mức độ, chỉ số…"
    )
    category = models.CharField(
        "nhóm tiêu chí", max_length=16, choices=Category.choices, default=Category.OTHER
    )
    aggregation = models.CharField("cách tổng hợp", max_length=16, choices=Aggregation.choices)
    numerator_label = models.CharField("tử số", max_length=200, blank=True)
    denominator_label = models.CharField("mẫu số", max_length=200, blank=True)
    school_levels = models.JSONField(
        "cấp học báo cáo",
        default=list,
        blank=True,
        help_text="Các cấp học có chỉ số này trong báo cáo của trường; để trống nếu không thu từ trường.",
    )
    description = models.TextField("mô tả", blank=True)
    collected_from_schools = models.BooleanField(
        "thu từ báo cáo của trường", default=False,
        help_text="Giá trị do báo cáo đã duyệt của các trường cộng lại; cán bộ không nhập trực tiếp.",
    )

    class Meta:
        verbose_name = "chỉ số"
        verbose_name_plural = "chỉ số"
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == IndicatorKind.RATE and self.aggregation not in (
            Aggregation.RATIO_OF_SUMS,
            Aggregation.NONE,
        ):
            raise ValidationError(
                {"aggregation": "Tỷ lệ phải tổng hợp bằng tổng tử số / tổng mẫu số (hoặc không cộng dồn)."}
            )
        if self.aggregation == Aggregation.RATIO_OF_SUMS and self.kind != IndicatorKind.RATE:
            raise ValidationError({"aggregation": "Chỉ tỷ lệ mới tổng hợp bằng tổng tử số / tổng mẫu số."})
        unknown = set(self.school_levels or []) - set(SchoolLevel.values)
        if unknown:
            raise ValidationError({"school_levels": f"Cấp học không hợp lệ: {', '.join(sorted(unknown))}."})

    @property
    def is_rate(self):
        return self.kind == IndicatorKind.RATE


class Comparator(models.TextChoices):
    EQ = "eq", "Đạt (=)"
    GTE = "gte", "Từ … trở lên (≥)"
    LTE = "lte", "Không quá / dưới (≤)"
    RANGE = "range", "Trong khoảng"
    MAINTAIN = "maintain", "Duy trì, giữ vững"
    ACHIEVE = "achieve", "Đạt được (mốc, mức độ)"


class ValueKind(models.TextChoices):
    ABSOLUTE = "absolute", "Giá trị tuyệt đối"
    GROWTH = "growth", "Mức tăng (%) so với năm gốc"


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(document__in=Document.objects.visible_to(user))

    def writable_by(self, user):
        """Targets whose progress the user may enter: those of documents issued by a unit they change."""
        return self.filter(access.write_condition(user, "document__issuer"))

    def for_document(self, document):
        return self.filter(document=document)

    def targets(self):
        """Performance targets, without the figures of projection tables."""
        return self.filter(is_projection=False)

    def projections(self):
        return self.filter(is_projection=True)

    def with_horizons(self):
        return self.select_related("indicator", "document").prefetch_related("horizons")

    def filter_list(self, data, period):
        """The target list's filters: plan, criterion, responsible unit, and the status entered for a period."""
        qs = self
        if data.get("plan"):
            qs = qs.filter(document_id=data["plan"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("responsible"):
            qs = qs.filter(responsibilities__unit_id=data["responsible"])
        status = data.get("status")
        entered = ProgressValue.objects.filter(target=OuterRef("pk"), period=period)
        if status == "none":
            qs = qs.exclude(Exists(entered))
        elif status:
            qs = qs.filter(Exists(entered.filter(status=status)))
        return qs


class Target(TracksChanges):
    """A target (chỉ tiêu) of a plan: what, for whom, compared how, to which value by which horizon."""

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ số", on_delete=models.PROTECT, related_name="targets"
    )
    ref = models.CharField("mã chỉ tiêu", max_length=32, blank=True, help_text="Mã ổn định trong văn bản.")
    order = models.PositiveIntegerField("thứ tự", default=0)
    text = models.TextField("nội dung như ghi trên văn bản")
    section = models.CharField("mục", max_length=500, blank=True)
    category = models.CharField(
        "nhóm tiêu chí", max_length=16, choices=Category.choices, default=Category.OTHER
    )
    comparator = models.CharField("so sánh", max_length=16, choices=Comparator.choices)
    value_kind = models.CharField(
        "kiểu giá trị", max_length=16, choices=ValueKind.choices, default=ValueKind.ABSOLUTE
    )
    level_label = models.CharField(
        "nhãn mức độ", max_length=40, blank=True, help_text="“mức độ 2”, “bậc 3”, “cấp độ 3”…"
    )
    scope_text = models.CharField("phạm vi (như ghi)", max_length=300, blank=True)
    scope_units = models.ManyToManyField(
        Unit,
        verbose_name="đơn vị thuộc phạm vi",
        blank=True,
        related_name="scoped_targets",
        help_text="Để trống: toàn bộ đơn vị ban hành kế hoạch.",
    )
    each_unit = models.BooleanField(
        "áp dụng cho từng đơn vị",
        default=False,
        help_text="Chỉ đạt khi mọi đơn vị trong phạm vi đều đạt (“mỗi trường có tối thiểu 01…”).",
    )
    baseline_value = models.DecimalField(
        "giá trị nền", max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("năm gốc", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="cụ thể hóa chỉ tiêu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Chỉ tiêu của văn bản cấp trên mà chỉ tiêu này cụ thể hóa.",
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name="thuộc chỉ tiêu (trong đó)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    is_projection = models.BooleanField("số liệu dự kiến (bảng quy mô)", default=False)
    note = models.TextField("ghi chú", blank=True)
    archived_at = models.DateTimeField("lưu trữ lúc", null=True, blank=True, editable=False,
                                       help_text="Chỉ tiêu lưu trữ không còn hiện ở đâu nhưng không bị xóa.")
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người lưu trữ", null=True, blank=True,
                                    editable=False, on_delete=models.SET_NULL, related_name="+")

    objects = InUseManager.from_queryset(TargetQuerySet)()
    all_objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["document", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "ref"],
                condition=~Q(ref="") & Q(archived_at__isnull=True),
                name="target_ref_unique",
                violation_error_message="Mã chỉ tiêu đã dùng trong văn bản này.",
            ),
            models.CheckConstraint(
                condition=~Q(value_kind="growth") | Q(baseline_year__isnull=False),
                name="target_growth_has_baseline_year",
                violation_error_message="Chỉ tiêu tăng so với năm gốc phải có năm gốc.",
            ),
        ]

    def __str__(self):
        return self.indicator.name if self.indicator_id else self.text[:80]

    def get_absolute_url(self):
        return reverse("targets:target_detail", args=[self.pk])

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "Chỉ tiêu không thể cụ thể hóa chính nó."})
        if self.part_of_id and self.part_of_id == self.pk:
            raise ValidationError({"part_of": "Chỉ tiêu không thể là một phần của chính nó."})
        if self.part_of_id and self.document_id and self.part_of.document_id != self.document_id:
            raise ValidationError({"part_of": "Chỉ tiêu “trong đó” phải thuộc cùng văn bản."})

    def rows_of(self, relation):
        """The rows of `relation` ("horizons", "scope_units"): those prefetched or attached (targets/details.py)
        without building a related manager, which costs more than reading them when a report reads 7,200
        targets; else `relation.all()`."""
        held = self.__dict__.get("_prefetched_objects_cache", {}).get(relation)
        return held if held is not None else getattr(self, relation).all()

    @property
    def display_name(self):
        """The indicator's name with the units the target names ("… — Trường Mầm non Hòa Nghĩa"): four
        schools' "Mức độ trường đạt chuẩn quốc gia" are four targets. Reads scope_units: prefetch them."""
        named = [unit.name for unit in self.rows_of("scope_units")]
        return f"{self.indicator.name} — {', '.join(named)}" if named else self.indicator.name

    @property
    def section_label(self):
        """The innermost heading of the section the plan states the target in ("d) Mục tiêu về chất lượng…")."""
        return self.section.rsplit(" > ", 1)[-1].strip()

    @property
    def unit_symbol(self):
        if self.value_kind == ValueKind.GROWTH:
            return "%"
        return self.indicator.unit_label

    def values_snapshot(self):
        """The values that, once the plan is in force, may only change with a recorded reason."""
        return {
            "comparator": self.comparator,
            "value_kind": self.value_kind,
            "level_label": self.level_label,
            "baseline_value": plain_decimal(self.baseline_value),
            "baseline_year": self.baseline_year,
            "each_unit": self.each_unit,
            "horizons": {
                h.label: {
                    "value": plain_decimal(h.value),
                    "value_max": plain_decimal(h.value_max),
                    "floor_value": plain_decimal(h.floor_value),
                }
                for h in self.horizons.all()
            },
        }



class TargetHorizon(models.Model):
    """One horizon of a target: its value by a year (2030, 2035) or by a school year (2026-2027)."""

    target = models.ForeignKey(
        Target, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="horizons"
    )
    label = models.CharField(
        "mốc",
        max_length=16,
        blank=True,
        help_text="Năm (2030) hoặc năm học (2026-2027); để trống khi văn bản không nêu thời hạn.",
    )
    deadline = models.DateField("thời hạn", null=True, blank=True)
    value = models.DecimalField("giá trị", max_digits=16, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(
        "giá trị tối đa (khoảng)", max_digits=16, decimal_places=4, null=True, blank=True
    )
    floor_value = models.DecimalField(
        "mức sàn mỗi đơn vị",
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Không đơn vị cấp dưới nào được thấp hơn (ví dụ: không tỉnh nào dưới 60%).",
    )

    class Meta:
        verbose_name = "mốc chỉ tiêu"
        verbose_name_plural = "các mốc của chỉ tiêu"
        ordering = ["target", "deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "label"],
                name="horizon_label_unique",
                violation_error_message="Chỉ tiêu đã có mốc này.",
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True)
                | Q(value__isnull=True)
                | Q(value_max__gte=models.F("value")),
                name="horizon_range_ordered",
                violation_error_message="Giá trị tối đa phải lớn hơn hoặc bằng giá trị tối thiểu.",
            ),
        ]

    def __str__(self):
        return f"{self.target} — {self.label or 'không nêu thời hạn'}"

    def goal_display(self):
        """The goal in a few words: "≥ 95%", "từ 80 đến 85%", "duy trì mức độ 3", "đạt mức độ 2"."""
        from .fields import format_number

        target = self.target
        unit = target.unit_symbol
        unit = unit if unit in ("%", "") else f" {unit}"
        figure = "" if self.value is None else f"{format_number(self.value)}{unit}"
        if target.level_label and target.indicator.kind == IndicatorKind.LEVEL:
            figure = target.level_label
        elif target.level_label and figure:
            figure = f"{figure} ({target.level_label})"
        words = {
            Comparator.EQ: figure,
            Comparator.GTE: f"≥ {figure}",
            Comparator.LTE: f"≤ {figure}",
            Comparator.RANGE: f"từ {format_number(self.value)} đến {format_number(self.value_max)}{unit}",
            Comparator.MAINTAIN: f"duy trì {figure}".strip(),
            Comparator.ACHIEVE: f"đạt {figure}" if figure else "hoàn thành",
        }[target.comparator]
        if not figure and target.comparator in (Comparator.EQ, Comparator.GTE, Comparator.LTE):
            # a comparison the plan states without a figure ("vượt mức bình quân của nhóm xã, phường …"): the
            # target's own words say it, never a bare "≥"
            return "theo nội dung chỉ tiêu"
        if target.value_kind == ValueKind.GROWTH:
            words = f"tăng {words} so với năm {target.baseline_year}"
        return words

    def deadline_display(self):
        if not self.label:
            return "không nêu thời hạn"
        return f"năm học {self.label}" if "-" in self.label else f"đến năm {self.label}"

    def clean(self):
        comparator = self.target.comparator if self.target_id else None
        if comparator == Comparator.RANGE and (self.value is None or self.value_max is None):
            raise ValidationError({"value_max": "Chỉ tiêu trong khoảng cần cả giá trị tối thiểu và tối đa."})
        if comparator != Comparator.RANGE and self.value_max is not None:
            raise ValidationError({"value_max": "Chỉ nhập giá trị tối đa cho chỉ tiêu trong khoảng."})
        if bool(self.label) != bool(self.deadline):
            raise ValidationError({"deadline": "Mốc và thời hạn phải cùng được nhập (hoặc cùng để trống)."})


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    COORDINATE = "coordinate", "Phối hợp"


class TargetResponsibility(models.Model):
    """A unit responsible for a target, leading it or coordinating."""

    target = models.ForeignKey(
        Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="target_responsibilities"
    )
    role = models.CharField(
        "vai trò", max_length=16, choices=ResponsibilityRole.choices, default=ResponsibilityRole.LEAD
    )

    class Meta:
        verbose_name = "đơn vị chịu trách nhiệm"
        verbose_name_plural = "đơn vị chịu trách nhiệm"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit"],
                name="target_responsibility_unique",
                violation_error_message="Đơn vị này đã được phân công cho chỉ tiêu.",
            ),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_role_display().lower()})"


class TargetRevision(models.Model):
    """A recorded change of a target's values (its creation too), with who made it and why."""

    target = models.ForeignKey(
        Target, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="revisions"
    )
    changed_at = models.DateTimeField("thời điểm", auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người điều chỉnh",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("lý do điều chỉnh", blank=True)
    before = models.JSONField("trước", null=True, blank=True, help_text="Trống khi chỉ tiêu vừa được tạo.")
    after = models.JSONField("sau")

    class Meta:
        verbose_name = "lịch sử điều chỉnh chỉ tiêu"
        verbose_name_plural = "lịch sử điều chỉnh chỉ tiêu"
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.target} — {self.changed_at:%d/%m/%Y %H:%M}"


class ValueSource(models.TextChoices):
    MANUAL = "manual", "Nhập trực tiếp"
    SCHOOL_REPORT = "school_report", "Báo cáo của trường"
    DEMO = "demo", "Dữ liệu minh họa"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    LATE = "late", "Chậm tiến độ"


class ProgressValueQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "unit"))

    def in_subtree(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def for_period(self, period):
        return self.filter(period=period)


class ProgressValue(models.Model):
    """A value reported for an indicator (or one target) by one unit for one period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ số", on_delete=models.PROTECT, related_name="values"
    )
    target = models.ForeignKey(
        Target,
        verbose_name="chỉ tiêu riêng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
        help_text="Chỉ khi số liệu dành riêng cho một chỉ tiêu; để trống khi là số liệu của chỉ số.",
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(
        Period, verbose_name="kỳ báo cáo", on_delete=models.PROTECT, related_name="values"
    )
    numerator = models.DecimalField("tử số", max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField("mẫu số", max_digits=16, decimal_places=4, null=True, blank=True)
    value = models.DecimalField("giá trị", max_digits=16, decimal_places=4, null=True, blank=True)
    achieved = models.BooleanField("đã đạt", null=True, blank=True)
    status = models.CharField("tình trạng", max_length=16, choices=ProgressStatus.choices, blank=True)
    note = models.TextField("ghi chú", blank=True)
    source = models.CharField("nguồn", max_length=16, choices=ValueSource.choices, default=ValueSource.MANUAL)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("thời điểm nhập", auto_now=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)
    archived_at = models.DateTimeField("lưu trữ lúc", null=True, blank=True, editable=False,
                                       help_text="Số liệu lưu trữ không còn được tính nhưng không bị xóa.")
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người lưu trữ", null=True, blank=True,
                                    editable=False, on_delete=models.SET_NULL, related_name="+")

    objects = InUseManager.from_queryset(ProgressValueQuerySet)()
    all_objects = ProgressValueQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu tiến độ"
        verbose_name_plural = "số liệu tiến độ"
        ordering = ["period", "unit", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"],
                condition=Q(target__isnull=True, archived_at__isnull=True),
                name="value_unique_per_indicator",
                violation_error_message="Đơn vị đã có số liệu của chỉ số này trong kỳ này.",
            ),
            models.UniqueConstraint(
                fields=["target", "unit", "period"],
                condition=Q(target__isnull=False, archived_at__isnull=True),
                name="value_unique_per_target",
                violation_error_message="Đơn vị đã có số liệu của chỉ tiêu này trong kỳ này.",
            ),
            models.CheckConstraint(
                condition=(Q(numerator__isnull=True) | Q(numerator__gte=0))
                & (Q(denominator__isnull=True) | Q(denominator__gt=0)),
                name="value_counts_positive",
                violation_error_message="Tử số không được âm và mẫu số phải lớn hơn 0.",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="value_numerator_not_above_denominator",
                violation_error_message="Tử số không được lớn hơn mẫu số.",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "indicator", "unit"]),
            # a unit's values for a period (a commune's or a school's own figures; issue 13: 7.9 ms -> 1.1 ms)
            models.Index(fields=["unit", "period"], name="value_unit_period"),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.unit} — {self.period}"

    def clean(self):
        if (self.numerator is None) != (self.denominator is None):
            raise ValidationError("Cần nhập cả tử số và mẫu số.")
        if self.target_id and self.indicator_id and self.target.indicator_id != self.indicator_id:
            raise ValidationError({"target": "Chỉ tiêu không đo bằng chỉ số này."})

    @property
    def effective_value(self):
        """The figure compared with targets: a rate from its counts, else the value, else 1/0 for yes/no."""
        return self.effective(self.numerator, self.denominator, self.value, self.achieved)

    @staticmethod
    def effective(numerator, denominator, value, achieved):
        """effective_value from the stored fields, for readers of plain rows (values_list)."""
        if numerator is not None and denominator:
            return numerator * 100 / denominator
        if value is not None:
            return value
        if achieved is not None:
            return Decimal(1 if achieved else 0)
        return None


class ProgressValueChange(models.Model):
    """Every change of a progress value: who, when, the value before and after."""

    value = models.ForeignKey(ProgressValue, verbose_name="số liệu", on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thay đổi", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField("lúc", auto_now_add=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau")

    class Meta:
        verbose_name = "lịch sử số liệu"
        verbose_name_plural = "lịch sử số liệu"
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.value} — {self.changed_at:%d/%m/%Y %H:%M}"


class DeletedValueQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "unit"))

    def in_subtree(self, unit):
        return self.filter(unit__path__startswith=unit.path)


class DeletedValue(models.Model):
    """A progress value that stopped being listed (deleted, or archived), so that a client syncing changes learns it."""

    class Reason(models.TextChoices):
        DELETED = "deleted", "Đã xóa"
        ARCHIVED = "archived", "Đã lưu trữ"

    value_id = models.BigIntegerField("mã số của số liệu", help_text="Mã số (id) mà số liệu có khi còn được liệt kê.")
    # the scope and identity of the value, kept for a client to find and drop its copy (units and indicators are
    # never deleted while they hold values: ProgressValue protects them)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+", db_index=False)
    indicator = models.ForeignKey(Indicator, verbose_name="chỉ số", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, verbose_name="chỉ tiêu riêng", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField("lý do", max_length=16, choices=Reason.choices)
    deleted_at = models.DateTimeField("lúc", db_index=True)

    objects = DeletedValueQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu đã xóa"
        verbose_name_plural = "số liệu đã xóa"
        ordering = ["pk"]
        indexes = [models.Index(fields=["unit", "deleted_at"], name="deletedvalue_unit_at")]

    def __str__(self):
        return f"{self.value_id} ({self.get_reason_display()}, {self.deleted_at:%d/%m/%Y %H:%M})"


class RollUp(models.Model):
    """The sums of the in-use, target-less values of one indicator and period over a unit's subtree.

    Maintained by database triggers in the transaction of every write of `ProgressValue` (insert, change,
    archive, delete, bulk load) and of every move of a unit (Unit.move_to; targets/rollups.py); read by the roll-ups
    (targets/queries.py); `manage.py rebuild_rollups` rebuilds it and reports any drift. A row whose
    `reporting_units` fell to 0 stands for no values.
    """

    # no index of its own: the unique constraint's index starts with the unit
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+", db_index=False)
    indicator = models.ForeignKey(Indicator, verbose_name="chỉ số", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, verbose_name="kỳ báo cáo", on_delete=models.CASCADE, related_name="+")
    reporting_units = models.IntegerField("số đơn vị có số liệu", default=0)
    achieved_units = models.IntegerField("số đơn vị đã đạt", default=0)
    # each sum with the number of values it adds (a sum of nothing is no figure, not 0)
    numerator_count = models.IntegerField("số tử số", default=0)
    numerator_sum = models.DecimalField("tổng tử số", max_digits=24, decimal_places=4, default=0)
    denominator_count = models.IntegerField("số mẫu số", default=0)
    denominator_sum = models.DecimalField("tổng mẫu số", max_digits=24, decimal_places=4, default=0)
    value_count = models.IntegerField("số giá trị", default=0)
    value_sum = models.DecimalField("tổng giá trị", max_digits=24, decimal_places=4, default=0)
    value_min = models.DecimalField("giá trị thấp nhất", max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = "số liệu tổng hợp"
        verbose_name_plural = "số liệu tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator", "period"], name="rollup_unique"),
        ]

    def __str__(self):
        return f"{self.indicator_id} — {self.unit_id} — {self.period_id}"


def evidence_path(instance, filename):
    """A generated name with the extension of what the file is (instance.content_type, set from its content):
    the name the uploader gave never reaches the disk."""
    from units.evidence import stored_extension

    folder = f"{slugify(instance.value.period.code) or 'ky'}/{slugify(instance.value.unit.code) or 'don-vi'}"
    return f"minh-chung/{folder}/{uuid.uuid4().hex}{stored_extension(instance.content_type)}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "value__unit"))


class Evidence(models.Model):
    """A file that supports a progress value (a decision, a photo, a spreadsheet…)."""

    value = models.ForeignKey(ProgressValue, verbose_name="số liệu", on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("lúc", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name

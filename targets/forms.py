import unicodedata
from decimal import Decimal

from django import forms
from django.conf import settings

from plans.forms import accept_attribute
from plans.models import Document
from units.evidence import EXTENSIONS, EvidenceRefused, check_evidence_file
from units.models import Unit
from units.search import unit_label

from .fields import VietnameseDecimalField, VietnameseTextField, format_number
from .models import Category, IndicatorKind, ProgressStatus, ProgressValue
from .selection import SelectionForm

ACHIEVED_CHOICES = [("", "— Chưa đánh giá —"), ("yes", "Đã đạt"), ("no", "Chưa đạt")]
VALUE_COLUMN = ProgressValue._meta.get_field("value")  # numerator and denominator are the same: 16 digits, 4 places
NOTE_MAX_LENGTH = 2000

# The highest level of the scales the plans name, as the regulations define them, matched in the indicator's
# name and the target's level label: "duy trì chuẩn xóa mù chữ mức độ 2" cannot be entered as 99. The first
# scale named wins; a scale not listed is capped at the longest one.
LEVEL_SCALES = [
    ("năng lực số", 8),  # khung năng lực số cho người học: 8 bậc (Thông tư 02/2025/TT-BGDĐT)
    ("ngoại ngữ", 6),  # khung năng lực ngoại ngữ 6 bậc (Thông tư 01/2014/TT-BGDĐT)
    ("xóa mù chữ", 2),  # mức độ 1–2 (Nghị định 20/2014/NĐ-CP)
    ("phổ cập", 3),  # phổ cập giáo dục tiểu học, THCS: mức độ 1–3 (Nghị định 20/2014/NĐ-CP)
    ("kiểm định", 4),  # kiểm định chất lượng giáo dục: cấp độ 1–4 (Thông tư 17, 18, 19/2018/TT-BGDĐT)
    ("bảo đảm chất lượng", 4),
    ("chuẩn quốc gia", 2),  # trường đạt chuẩn quốc gia: mức độ 1–2 (same circulars)
    ("chuyển đổi số", 3),  # mức độ chuyển đổi số của cơ sở giáo dục: 3 mức (Quyết định 4725/QĐ-BGDĐT)
]
LONGEST_SCALE = 8


def level_ceiling(target):
    """The highest level a level target's figure may take: its scale's, never below the target's own levels."""
    words = unicodedata.normalize("NFC", f"{target.indicator.name} {target.level_label}").casefold()
    ceiling = next((top for scale, top in LEVEL_SCALES if scale in words), LONGEST_SCALE)
    own = [v for h in target.horizons.all() for v in (h.value, h.value_max) if v is not None]
    return max([Decimal(ceiling), *own, *([target.baseline_value] if target.baseline_value is not None else [])])


class ProgressForm(forms.Form):
    """One target's progress for one period, as the officer enters it (rates as two counts).

    Each figure is checked against the indicator's kind and the column it is saved to: counts and levels are
    whole numbers, a level is at most its scale's highest, a percent sign only where the figure is a percentage.
    """

    numerator = VietnameseDecimalField(label="Tử số", required=False, min_value=0, max_digits=VALUE_COLUMN.max_digits,
                                       decimal_places=VALUE_COLUMN.decimal_places)
    denominator = VietnameseDecimalField(label="Mẫu số", required=False, min_value=0,
                                         max_digits=VALUE_COLUMN.max_digits, decimal_places=VALUE_COLUMN.decimal_places)
    value = VietnameseDecimalField(label="Giá trị", required=False, min_value=0, max_digits=VALUE_COLUMN.max_digits,
                                   decimal_places=VALUE_COLUMN.decimal_places)
    achieved = forms.ChoiceField(label="Kết quả", choices=ACHIEVED_CHOICES, required=False)
    status = forms.ChoiceField(label="Tình trạng", choices=ProgressStatus.choices)
    note = VietnameseTextField(label="Ghi chú", required=False, max_length=NOTE_MAX_LENGTH,
                               widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, target, period, user=None, **kwargs):
        # ids of the target's own (the list opens several rows' editors beside its filters): a label never
        # points at another row's field, nor at the list's "Tình trạng" filter
        kwargs.setdefault("auto_id", f"id_t{target.pk}_%s")
        super().__init__(*args, **kwargs)
        self.target, self.period = target, period
        # the period's lock for this user, as the page shows it; save_progress_value enforces it in any case
        # (without a user, the caller leaves the refusal to the action)
        self.locked = user is not None and period.is_locked_for_user(user, target.document.issuer)
        indicator = target.indicator
        kind = indicator.kind
        if kind == IndicatorKind.RATE:
            del self.fields["value"], self.fields["achieved"]
            self.fields["numerator"].label = indicator.numerator_label or "Tử số"
            self.fields["denominator"].label = indicator.denominator_label or "Mẫu số"
            if indicator.category != Category.BUDGET:  # a budget share divides sums of money, every other rate counts
                self.fields["numerator"].max_decimal_places = self.fields["denominator"].max_decimal_places = 0
        elif kind == IndicatorKind.MILESTONE:
            del self.fields["numerator"], self.fields["denominator"], self.fields["value"]
        else:
            del self.fields["numerator"], self.fields["denominator"], self.fields["achieved"]
            # the figure is the indicator's, also for a growth target (its status compares it with the baseline)
            value = self.fields["value"]
            value.label = f"Giá trị ({indicator.unit_label})" if indicator.unit_label else "Giá trị"
            value.allow_percent = kind == IndicatorKind.INDEX and indicator.unit_label == "%"
            if kind in (IndicatorKind.COUNT, IndicatorKind.LEVEL):
                value.max_decimal_places = 0

    def clean(self):
        cleaned = super().clean()
        if self.locked:
            raise forms.ValidationError(self.period.lock_message(self.target.document.issuer))
        if self.has_error("version"):
            raise forms.ValidationError("Biểu mẫu không còn hợp lệ (thiếu phiên bản số liệu): hãy tải lại trang "
                                        "rồi nhập lại.")
        document = self.target.document
        if not _period_within(document, self.period):
            raise forms.ValidationError(
                f"Kỳ “{self.period}” nằm ngoài thời gian thực hiện của kế hoạch "
                f"({document.start_year or '…'}–{document.end_year or '…'})."
            )
        if "numerator" in self.fields:
            numerator, denominator = cleaned.get("numerator"), cleaned.get("denominator")
            if (numerator is None) != (denominator is None) and not self.errors:
                raise forms.ValidationError("Cần nhập cả tử số và mẫu số (hoặc để trống cả hai).")
            if denominator is not None and denominator == 0:
                self.add_error("denominator", "Mẫu số phải lớn hơn 0.")
            elif numerator is not None and denominator is not None and numerator > denominator:
                self.add_error("numerator", "Tử số không được lớn hơn mẫu số.")
        if "value" in self.fields and cleaned.get("value") is not None:
            value = cleaned["value"]
            if self.target.indicator.unit_label == "%" and value > 100:
                self.add_error("value", "Tỷ lệ phần trăm không được vượt quá 100%.")
            if self.target.indicator.kind == IndicatorKind.LEVEL:
                ceiling = level_ceiling(self.target)
                if value > ceiling:
                    self.add_error("value", f"Mức cao nhất của chỉ tiêu này là mức {format_number(ceiling)}; "
                                            f"không nhập được mức {format_number(value)}.")
        return cleaned

    def values(self):
        """The fields a ProgressValue takes from this form."""
        achieved = {"yes": True, "no": False}.get(self.cleaned_data.get("achieved") or "")
        return {
            "numerator": self.cleaned_data.get("numerator"), "denominator": self.cleaned_data.get("denominator"),
            "value": self.cleaned_data.get("value"), "achieved": achieved,
            "status": self.cleaned_data["status"], "note": self.cleaned_data.get("note", "").strip(),
        }


def _period_within(document, period):
    start = document.start_year or (document.issued_on.year if document.issued_on else None)
    end = document.end_year or document.vision_year
    if start and period.end.year < start:
        return False
    return not (end and period.start.year > end)


def issued_plans(unit):
    """The plans with targets that the unit issued: those the target list shows."""
    return Document.objects.filter(issuer=unit, targets__isnull=False).distinct()


class TargetFilterForm(SelectionForm):
    """The target list's unit, plan (or all of them) and period, and its filters."""

    category = forms.ChoiceField(label="Nhóm tiêu chí", required=False,
                                 choices=[("", "Tất cả")] + list(Category.choices))
    status = forms.ChoiceField(label="Tình trạng", required=False,
                               choices=[("", "Tất cả"), ("none", "Chưa cập nhật")] + list(ProgressStatus.choices))
    responsible = forms.ChoiceField(label="Đơn vị chủ trì", required=False)

    field_order = ["unit", "plan", "category", "status", "responsible", "period"]

    def __init__(self, data=None, *, units, periods, unit=None):
        super().__init__(data, units=units, plans=issued_plans, periods=periods, unit=unit, any_plan=True)
        responsibles = Unit.objects.filter(target_responsibilities__target__document__in=self.plans).distinct()
        self.fields["responsible"].choices = [("", "Tất cả")] + [(str(u.pk), unit_label(u)) for u in responsibles]

    def filters(self):
        """What TargetQuerySet.filter_list takes; a filter that is not valid is not applied."""
        self.is_valid()
        data = self.cleaned_data
        return {"plan": self.document.pk if self.document else None, "category": data.get("category"),
                "responsible": data.get("responsible"), "status": data.get("status")}


class EvidenceForm(forms.Form):
    """An evidence file, accepted by its whole content (units.evidence), whatever its name."""

    file = forms.FileField(label="Tệp minh chứng", widget=forms.ClearableFileInput(
        attrs={"accept": accept_attribute(EXTENSIONS)}), error_messages={
        "required": "Hãy chọn tệp minh chứng để tải lên.", "empty": "Tệp rỗng.",
        "invalid": "Không nhận được tệp: hãy chọn lại tệp minh chứng.",
        "missing": "Không nhận được tệp: hãy chọn lại tệp minh chứng."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"PDF, ảnh (PNG, JPEG), Word hoặc Excel; tối đa {limit} MB."

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size == 0:
            raise forms.ValidationError("Tệp rỗng.")
        if uploaded.size > settings.EVIDENCE_MAX_BYTES:
            limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"Tệp quá lớn: tối đa {limit} MB.")
        try:
            uploaded.sniffed_type = check_evidence_file(uploaded)
        except EvidenceRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return uploaded

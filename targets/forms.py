from django import forms
from django.conf import settings

from plans.models import Document
from units.models import Unit

from .fields import VietnameseDecimalField
from .models import Category, IndicatorKind, ProgressStatus
from .selection import SelectionForm, unit_label

ACHIEVED_CHOICES = [("", "— Chưa đánh giá —"), ("yes", "Đã đạt"), ("no", "Chưa đạt")]


class ProgressForm(forms.Form):
    """One target's progress for one period, as the officer enters it (rates as two counts)."""

    numerator = VietnameseDecimalField(label="Tử số", required=False, min_value=0)
    denominator = VietnameseDecimalField(label="Mẫu số", required=False, min_value=0)
    value = VietnameseDecimalField(label="Giá trị", required=False, min_value=0)
    achieved = forms.ChoiceField(label="Kết quả", choices=ACHIEVED_CHOICES, required=False)
    status = forms.ChoiceField(label="Tình trạng", choices=ProgressStatus.choices)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, target, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.target, self.period = target, period
        kind = target.indicator.kind
        if kind == IndicatorKind.RATE:
            del self.fields["value"], self.fields["achieved"]
            self.fields["numerator"].label = target.indicator.numerator_label or "Tử số"
            self.fields["denominator"].label = target.indicator.denominator_label or "Mẫu số"
        elif kind == IndicatorKind.MILESTONE:
            del self.fields["numerator"], self.fields["denominator"], self.fields["value"]
        else:
            del self.fields["numerator"], self.fields["denominator"], self.fields["achieved"]
            self.fields["value"].label = f"Giá trị ({target.unit_symbol})" if target.unit_symbol else "Giá trị"

    def clean(self):
        cleaned = super().clean()
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
            if self.target.unit_symbol == "%" and value > 100 and self.target.value_kind != "growth":
                self.add_error("value", "Tỷ lệ phần trăm không được vượt quá 100%.")
            if self.target.indicator.kind == IndicatorKind.LEVEL and value != value.to_integral():
                self.add_error("value", "Mức độ phải là số nguyên.")
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


MAGIC = [
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "Word/Excel 97-2003"),
]
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")}


def sniff_evidence_type(uploaded):
    """The content type from the file's own bytes (PDF, images, Word, Excel), or None."""
    import zipfile

    head = uploaded.read(8)
    uploaded.seek(0)
    for magic, content_type, _ in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, (content_type, _) in OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    return None


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Tệp minh chứng", error_messages={"empty": "Tệp rỗng."})

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
        content_type = sniff_evidence_type(uploaded)
        if content_type is None:
            raise forms.ValidationError(
                "Loại tệp không được chấp nhận: nội dung tệp không phải PDF, ảnh PNG/JPEG, Word hoặc Excel."
            )
        uploaded.sniffed_type = content_type
        return uploaded

"""The forms of a plan's life (sign into force, amend, replace) and of its tasks (report, hand to a lower unit)."""

import io
import re

from django import forms
from django.conf import settings
from django.utils import timezone

from units.models import Unit

from .actions import AMENDABLE_FIELDS
from .models import Document, DocumentStatus, TaskStatus

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
              "error_messages": {"invalid": "Ngày không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 15/01/2026."}}
REASON = {"required": "Hãy ghi lý do."}


class PlanEnactForm(forms.Form):
    """Signing a draft into force: its number and date of issue are then required."""

    number = forms.CharField(label="Số, ký hiệu", max_length=64, help_text="Ví dụ: 115/KH-UBND.",
                             error_messages={"required": "Hãy ghi số, ký hiệu của kế hoạch khi ban hành."})
    issued_on = forms.DateField(label="Ngày ban hành", help_text="ngày/tháng/năm", **{
        **DATE_INPUT, "error_messages": {**DATE_INPUT["error_messages"],
                                         "required": "Hãy ghi ngày ban hành kế hoạch."}})

    def __init__(self, *args, document, **kwargs):
        self.document = document
        kwargs.setdefault("initial", {"number": document.number, "issued_on": document.issued_on})
        super().__init__(*args, **kwargs)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        taken = Document.objects.filter(issuer_id=self.document.issuer_id, number=number).exclude(pk=self.document.pk)
        if taken.exists():
            raise forms.ValidationError("Đơn vị đã có văn bản mang số, ký hiệu này.")
        return number

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError("Ngày ban hành không được sau hôm nay.")
        return issued_on


class PlanAmendForm(forms.Form):
    """An amendment of a plan in force: what changes, and why."""

    title = forms.CharField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "Hãy ghi trích yếu của kế hoạch."})
    start_year = forms.IntegerField(label="Từ năm", min_value=2000, max_value=2100, required=False)
    end_year = forms.IntegerField(label="Đến năm", min_value=2000, max_value=2100, required=False)
    reason = forms.CharField(label="Lý do sửa đổi, bổ sung", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, error_messages=REASON,
                             help_text="Ví dụ: theo Kế hoạch số 20/KH-UBND ngày 10/3/2026 của UBND phường.")

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("initial", {field: getattr(document, field) for field in AMENDABLE_FIELDS})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "Năm kết thúc phải sau năm bắt đầu.")
        return data


class PlanReplaceForm(forms.Form):
    replacement = forms.ModelChoiceField(label="Kế hoạch thay thế", queryset=Document.objects.none(),
                                         error_messages={"required": "Hãy chọn kế hoạch thay thế.",
                                                         "invalid_choice": "Kế hoạch đã chọn không thay thế được "
                                                                           "kế hoạch này."})
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages=REASON)

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["replacement"]
        field.queryset = (Document.objects.filter(issuer_id=document.issuer_id, status=DocumentStatus.IN_FORCE)
                          .exclude(pk=document.pk).select_related("issuer"))
        field.label_from_instance = lambda d: d.short_label


# ---- tasks ----

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
STORED_SUFFIX = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
# HTML or script inside a file: what a browser that guesses the type would run
WEB_CONTENT = re.compile(rb"<\s*(?:html|script|body|iframe|svg|object|embed|!doctype\s+html)[\s>/]|javascript:"
                         rb"|/(?:JavaScript|JS|Launch)\b", re.IGNORECASE)
EVIDENCE_REFUSED = "Tệp minh chứng của nhiệm vụ phải là PDF hoặc ảnh PNG/JPEG, không chứa mã lệnh."


def checked_task_evidence(uploaded):
    """The content type of a task's evidence file (PDF, PNG, JPEG) judged from its bytes, or ValidationError."""
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size == 0:
        raise forms.ValidationError("Tệp rỗng.")
    if uploaded.size > limit:
        raise forms.ValidationError(f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.")
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    if WEB_CONTENT.search(data):
        raise forms.ValidationError(EVIDENCE_REFUSED)
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind = {"PNG": PNG, "JPEG": JPEG}.get(image.format)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            kind = None
        if kind:
            return kind
    raise forms.ValidationError(EVIDENCE_REFUSED)


class TaskUpdateForm(forms.Form):
    """A report on a task: its state, a note (required), its due date, an optional evidence file."""

    status = forms.ChoiceField(label="Trạng thái", choices=TaskStatus.choices,
                               error_messages={"invalid_choice": "Trạng thái không hợp lệ."})
    due_date = forms.DateField(label="Thời hạn", required=False, help_text="ngày/tháng/năm", **DATE_INPUT)
    note = forms.CharField(label="Ghi chú, kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000, error_messages={"required": "Hãy ghi kết quả hoặc tình hình thực hiện."})
    evidence = forms.FileField(label="Minh chứng (không bắt buộc)", required=False,
                               help_text="PDF hoặc ảnh PNG/JPEG; tối đa 10 MB.",
                               error_messages={"invalid": "Không nhận được tệp: hãy chọn lại tệp minh chứng.",
                                               "empty": "Tệp rỗng."})

    def __init__(self, *args, task, **kwargs):
        kwargs.setdefault("initial", {"status": task.status, "due_date": task.due_date})
        super().__init__(*args, **kwargs)

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence")
        if uploaded:
            uploaded.checked_type = checked_task_evidence(uploaded)
            uploaded.shown_name = re.sub(r"[^\w.\- ]", "_", uploaded.name)[-200:]
            uploaded.name = f"minh-chung{STORED_SUFFIX[uploaded.checked_type]}"
        return uploaded


class TaskAssignForm(forms.Form):
    """Handing a task to a lower unit: one of the units below the present lead unit (or the issuer)."""

    lead_unit = forms.ModelChoiceField(label="Giao cho đơn vị", queryset=Unit.objects.none(),
                                       error_messages={"required": "Hãy chọn đơn vị được giao.",
                                                       "invalid_choice": "Chỉ giao được cho một đơn vị cấp dưới "
                                                                         "của đơn vị đang chủ trì."})
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                           required=False)

    def __init__(self, *args, task, user, **kwargs):
        super().__init__(*args, **kwargs)
        top = task.lead_unit or task.document.issuer
        self.fields["lead_unit"].queryset = (Unit.objects.current().writable_by(user).in_subtree(top, include_self=False)
                                             .order_by("path"))


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + TaskStatus.choices)
    overdue = forms.BooleanField(label="Chỉ nhiệm vụ quá hạn", required=False)
    role = forms.ChoiceField(label="Vai trò", required=False,
                             choices=[("", "Chủ trì và phối hợp"), ("lead", "Chủ trì"), ("coordinating", "Phối hợp")])

    def filtered(self, tasks, user, today):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("status"):
            tasks = tasks.filter(status=data["status"])
        if data.get("overdue"):
            tasks = tasks.overdue(today)
        if data.get("role") == "lead":
            tasks = tasks.led_in_scope(user)
        elif data.get("role") == "coordinating":
            tasks = tasks.coordinated_in_scope(user)
        return tasks

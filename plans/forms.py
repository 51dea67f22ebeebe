"""The forms of a plan's life (sign into force, amend, replace) and of its tasks (report, hand to a lower unit)."""

import re

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from units import evidence
from units.models import Unit
from units.search import accent_free_pattern, unit_scope
from units.textfields import NulRefusedInVietnamese
from units.widgets import SearchesUnits, UnitSearchField

from .actions import amendable_state, repeated_assignment, reported_state, state_fingerprint
from .models import Document, DocumentStatus, Task, TaskStatus

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
              "error_messages": {"invalid": "Ngày không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 15/01/2026."}}
REASON = {"required": "Hãy ghi lý do."}
STALE_ASSIGN = ("Nhiệm vụ đã được cập nhật sau khi bạn mở trang này (xem lịch sử cập nhật bên dưới), nên chưa giao: "
                "hãy xem lại rồi giao lại.")
STALE_FORM = "Biểu mẫu không còn hợp lệ (thiếu phiên bản dữ liệu đã mở): hãy tải lại trang rồi nhập lại."


class VietnameseTextField(NulRefusedInVietnamese, forms.CharField):
    """Every text input of these forms."""


class SeenField(VietnameseTextField):
    """The fingerprint (actions.state_fingerprint) of the state the page was built from, posted back hidden: the
    action compares it under the row's lock, so that a save from a page opened before someone else's change is
    refused instead of silently undoing it."""

    widget = forms.HiddenInput
    default_validators = [RegexValidator(r"\A[0-9a-f]{64}\Z")]

    def __init__(self, **kwargs):
        super().__init__(error_messages={"required": STALE_FORM, "invalid": STALE_FORM}, **kwargs)


class PlanEnactForm(forms.Form):
    """Signing a draft into force: its number and date of issue are then required."""

    number = VietnameseTextField(label="Số, ký hiệu", max_length=64, help_text="Ví dụ: 115/KH-UBND.",
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
    """An amendment of a plan in force: what changes, and why (and the version of the plan the page showed)."""

    title = VietnameseTextField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                                error_messages={"required": "Hãy ghi trích yếu của kế hoạch."})
    start_year = forms.IntegerField(label="Từ năm", min_value=2000, max_value=2100, required=False)
    end_year = forms.IntegerField(label="Đến năm", min_value=2000, max_value=2100, required=False)
    reason = VietnameseTextField(label="Lý do sửa đổi, bổ sung", widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=2000, error_messages=REASON,
                                 help_text="Ví dụ: theo Kế hoạch số 20/KH-UBND ngày 10/3/2026 của UBND phường.")
    seen = SeenField()

    def __init__(self, *args, document, **kwargs):
        state = amendable_state(document)
        kwargs.setdefault("initial", {**state, "seen": state_fingerprint(state)})
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
    reason = VietnameseTextField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                 error_messages=REASON)

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["replacement"]
        field.queryset = (Document.objects.filter(issuer_id=document.issuer_id, status=DocumentStatus.IN_FORCE)
                          .exclude(pk=document.pk).select_related("issuer"))
        field.label_from_instance = lambda d: d.short_label


# ---- tasks ----

EVIDENCE_REFUSED = "Tệp minh chứng của nhiệm vụ phải là PDF hoặc ảnh PNG/JPEG, không chứa mã lệnh."


def accept_attribute(types):
    """What a file field's `accept` offers for these types (units.evidence): their names' endings and their types,
    so that a phone's picker shows the files the portal takes rather than a video or an iPhone's HEIC photo that
    would be refused only after its upload over mobile data. The server still checks the content."""
    return ",".join([ending for kind in types for ending in evidence.EXTENSIONS[kind]] + list(types))


TASK_EVIDENCE_TYPES = (evidence.PDF, evidence.PNG, evidence.JPEG)
STORED_SUFFIX = {evidence.PDF: ".pdf", evidence.PNG: ".png", evidence.JPEG: ".jpg"}


def checked_task_evidence(uploaded):
    """The content type of a task's evidence file (PDF, PNG, JPEG), judged from its whole content as a target's
    evidence is (units.evidence: a damaged PDF, a polyglot, a script are refused), or ValidationError."""
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size == 0:
        raise forms.ValidationError("Tệp rỗng.")
    if uploaded.size > limit:
        raise forms.ValidationError(f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.")
    try:
        kind = evidence.check_evidence_file(uploaded)
    except evidence.EvidenceRefused as refused:  # damaged, scripted: said as for a target; another kind: a task's
        raise forms.ValidationError(EVIDENCE_REFUSED if str(refused) == evidence.ACCEPTED else str(refused)) from None
    if kind not in TASK_EVIDENCE_TYPES:
        raise forms.ValidationError(EVIDENCE_REFUSED)
    return kind


class TaskUpdateForm(forms.Form):
    """A report on a task: its state, a note (required), its due date, an optional evidence file (and the version
    of the task the page showed)."""

    status = forms.ChoiceField(label="Trạng thái", choices=TaskStatus.choices,
                               error_messages={"invalid_choice": "Trạng thái không hợp lệ."})
    due_date = forms.DateField(label="Thời hạn", required=False, help_text="ngày/tháng/năm", **DATE_INPUT)
    note = VietnameseTextField(label="Ghi chú, kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=4000, error_messages={"required": "Hãy ghi kết quả hoặc tình hình thực hiện."})
    evidence = forms.FileField(label="Minh chứng (không bắt buộc)", required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(TASK_EVIDENCE_TYPES)}),
                               help_text="PDF hoặc ảnh PNG/JPEG; tối đa 10 MB.",
                               error_messages={"invalid": "Không nhận được tệp: hãy chọn lại tệp minh chứng.",
                                               "empty": "Tệp rỗng."})
    seen = SeenField()

    def __init__(self, *args, task, leads=True, state=None, **kwargs):
        """`leads`: whether the user sets the task's state and due date (a writer of its lead unit); a coordinating
        unit's report keeps them as they are (the fields shown, disabled: what is posted for them is ignored).
        `state`: reported_state(task), when the page has it already."""
        state = state or reported_state(task)
        kwargs.setdefault("initial", {**state, "seen": state_fingerprint(state)})
        super().__init__(*args, **kwargs)
        if not leads:
            for name in ("status", "due_date"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Do đơn vị chủ trì cập nhật; đơn vị phối hợp báo cáo phần việc của mình."

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence")
        if uploaded:
            uploaded.checked_type = checked_task_evidence(uploaded)
            uploaded.shown_name = re.sub(r"[^\w.\- ]", "_", uploaded.name)[-200:]
            uploaded.name = f"minh-chung{STORED_SUFFIX[uploaded.checked_type]}"
        return uploaded


@unit_scope("nhiem-vu")
def task_lead_units(user, task_pk):
    """The units a task may be handed to: those below its present lead unit (or its issuer) whose data the user
    changes. None for a task that does not exist or that the user may not hand over."""
    task = Task.objects.assignable_by(user).select_related("lead_unit", "document__issuer").filter(pk=task_pk).first()
    if task is None:
        return Unit.objects.none()
    top = task.lead_unit or task.document.issuer
    return Unit.objects.current().writable_by(user).in_subtree(top, include_self=False).order_by("path")


class TaskAssignForm(SearchesUnits, forms.Form):
    """Handing a task to a lower unit: one of the units below the present lead unit (or the issuer)."""

    lead_unit = UnitSearchField(label="Giao cho đơn vị", scope="nhiem-vu",
                                       error_messages={"required": "Hãy chọn đơn vị được giao.",
                                                       "invalid_choice": "Chỉ giao được cho một đơn vị cấp dưới "
                                                                         "của đơn vị đang chủ trì."})
    note = VietnameseTextField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                               required=False)
    seen = SeenField()

    def __init__(self, *args, task, user, state=None, **kwargs):
        # its own ids: the task page shows it under the report form, whose note is "id_note" too (a label would
        # name, and a tap focus, the other form's field)
        kwargs.setdefault("auto_id", "id_assign_%s")
        kwargs.setdefault("initial", {"seen": state_fingerprint(state or reported_state(task))})
        self.task, self.user, self.stale, self.repeated = task, user, False, None
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].for_user(user, of=task.pk)

    def clean(self):
        """Refused whole when the task moved on since the page was opened (a report, another handing on): the units
        offered were those below the lead unit it showed, which may have changed. The same handing on sent twice (a
        double tap) is not refused: `repeated` is the report the first one made, and nothing more is done."""
        cleaned = super().clean()
        seen = cleaned.get("seen")
        if seen and seen != state_fingerprint(reported_state(self.task)):
            self.repeated = repeated_assignment(self.task, seen=seen, by=self.user,
                                                lead_unit_id=self.data.get(self.add_prefix("lead_unit")),
                                                note=(self.data.get(self.add_prefix("note")) or "").strip())
            if self.repeated is not None:
                self._errors.pop("lead_unit", None)
                return cleaned
            self.stale = True
            self._errors.pop("lead_unit", None)  # "not below the lead unit" would blame the choice, not the page
            raise forms.ValidationError(STALE_ASSIGN)
        return cleaned


class PlanFilterForm(forms.Form):
    """What the plan list is narrowed to: a text in the number, title or issuer (any accents), a status."""

    q = forms.CharField(label="Tìm kế hoạch", max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Số hiệu, tên hoặc đơn vị ban hành"}))
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + DocumentStatus.choices)

    def filtered(self, documents):
        data = self.cleaned_data if self.is_valid() else {}
        text = (data.get("q") or "").strip()
        if text:
            pattern = accent_free_pattern(text)
            documents = documents.filter(Q(number__icontains=text) | Q(title__iregex=pattern)
                                         | Q(issuer__name__iregex=pattern) | Q(issuer__short_name__iregex=pattern))
        if data.get("status"):
            documents = documents.filter(status=data["status"])
        return documents


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

from django import forms
from django.utils import timezone

from targets.fields import VietnameseDecimalField, VietnameseTextField

from .entries import NARRATIVE, check_entries
from .models import ItemKind, SchoolReportEntry
from .outgoing import INBOX_STATES, NOT_SENT
from .school_form_xlsx import parse_report_upload

YES_NO = [("", "— Chọn —"), ("1", "Có"), ("0", "Không")]
ENTRY_COLUMN = SchoolReportEntry._meta.get_field("value")  # 14 digits, 2 places


class SchoolReportForm(forms.Form):
    """A school's raw figures (those of its levels) and narrative; blanks allowed in a draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = field_name(item)
            if item.kind == ItemKind.YES_NO:
                self.fields[name] = forms.ChoiceField(label=item.label, choices=YES_NO, required=False)
            else:
                # counts and levels are whole numbers, within what SchoolReportEntry.value holds
                maximum = (item.max_value or 0) if item.kind == ItemKind.LEVEL else None
                self.fields[name] = VietnameseDecimalField(label=item.label, required=False, min_value=0,
                                                          max_value=maximum, max_digits=ENTRY_COLUMN.max_digits,
                                                          decimal_places=ENTRY_COLUMN.decimal_places,
                                                          max_decimal_places=0)
        for name, label in NARRATIVE:
            self.fields[name] = VietnameseTextField(label=label, required=False, max_length=5000,
                                                    widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            raise forms.ValidationError("Biểu mẫu không còn hợp lệ (thiếu phiên bản báo cáo): hãy tải lại trang "
                                        "rồi nhập lại.")
        for error in check_entries(self.items, self.entries()):
            self.add_error(field_name(error.item), error.message)
        return cleaned

    def entries(self):
        values = {}
        for item in self.items:
            raw = self.cleaned_data.get(field_name(item))
            if item.kind == ItemKind.YES_NO:
                raw = None if raw in (None, "") else int(raw)
            values[item.code] = None if raw is None else raw
        return {code: (None if v is None else _decimal(v)) for code, v in values.items()}

    def narrative(self):
        return {name: self.cleaned_data.get(name, "").strip() for name, _ in NARRATIVE}

    def sections(self):
        """(section, [(bound field, the value in words for a read-only page)]) in the catalogue's order."""
        groups = {}
        for item in self.items:
            field = self[field_name(item)]
            groups.setdefault(item.section, []).append((field, _in_words(item, field)))
        return list(groups.items())


def _in_words(item, field):
    """The figure of a bound field as the read-only report shows it. The field's value may be the text a form shows
    ("1.046": a thousands dot) or entered: it is read back by the field itself, never as a Python number."""
    from django.core.exceptions import ValidationError

    from targets.fields import format_number

    value = field.value()
    if value in (None, ""):
        return "—"
    if item.kind == ItemKind.YES_NO:
        return dict(YES_NO).get(str(value), str(value))
    try:
        number = field.field.to_python(value) if isinstance(value, str) else value
        return "—" if number is None else format_number(number)
    except (ArithmeticError, ValueError, TypeError, ValidationError):
        return str(value)


def field_name(item):
    return "item_" + item.code.replace("-", "_")


def _decimal(value):
    from decimal import Decimal

    return Decimal(value)


STALE_PAGE = "Trang bạn đang xem đã cũ (thiếu phiên bản của báo cáo): hãy tải lại trang rồi thao tác lại."


class VersionForm(forms.Form):
    """The version of the report the user's page showed: a step on a report that moved on since is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE})


class ReturnForm(VersionForm):
    comment = VietnameseTextField(label="Ý kiến trả lại", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "Hãy ghi ý kiến để trường biết cần chỉnh sửa gì.",
                                                  "max_length": "Ý kiến trả lại dài quá 2.000 ký tự."})


class AnswerForm(VersionForm):
    """The unit above acknowledges a report it received, or returns it with a reason."""

    decision = forms.ChoiceField(choices=[("acknowledge", "Xác nhận đã nhận"), ("return", "Trả lại")],
                                 error_messages={"required": "Hãy chọn xác nhận hoặc trả lại.",
                                                 "invalid_choice": "Hãy chọn xác nhận hoặc trả lại."})
    reason = VietnameseTextField(label="Lý do trả lại", required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"max_length": "Lý do trả lại dài quá 2.000 ký tự."})

    def clean(self):
        cleaned = super().clean()
        reason = cleaned.get("reason", "").strip()
        if cleaned.get("decision") == "return" and not reason:
            self.add_error("reason", "Hãy ghi lý do trả lại để đơn vị gửi biết cần chỉnh sửa gì.")
        elif cleaned.get("decision") == "acknowledge" and reason:
            # a reason typed under "Xác nhận đã nhận" is a return meant: never acknowledge it silently
            self.add_error("decision", "Bạn đã ghi lý do trả lại nhưng đang chọn “Xác nhận đã nhận”: hãy chọn "
                                       "“Trả lại để chỉnh sửa” để trả lại báo cáo, hoặc xóa lý do để xác nhận.")
        return cleaned


class NotificationPreferenceForm(forms.Form):
    """Which kinds of notification the user also receives by e-mail (a box per kind; all ticked by default)."""

    def __init__(self, *args, user, **kwargs):
        from .models import NotificationKind, NotificationPreference

        super().__init__(*args, **kwargs)
        off = set(NotificationPreference.objects.filter(user=user, by_email=False).values_list("kind", flat=True))
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False, initial=kind not in off)

    def turned_off(self):
        return [kind for kind in self.fields if not self.cleaned_data.get(kind)]


class ExceptionForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    open_until = forms.DateField(label="Mở nhập đến ngày", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = VietnameseTextField(label="Lý do", max_length=255,
                                 error_messages={"max_length": "Lý do dài quá 255 ký tự."})
    # the reopening the page showed (reports.actions.exception_version), so that a colleague's is not replaced unseen
    seen = VietnameseTextField(widget=forms.HiddenInput, required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["open_until"].widget.attrs["max"] = latest_reopening(timezone.localdate()).isoformat()

    def clean_open_until(self):
        day = self.cleaned_data["open_until"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("Ngày mở nhập đến đã qua: hãy chọn hôm nay hoặc một ngày sau.")
        latest = latest_reopening(today)
        if day > latest:
            # entry reopened for years would be a period that never locks
            raise forms.ValidationError(f"Chỉ mở nhập được tối đa một năm: hãy chọn một ngày đến hết "
                                        f"{latest:%d/%m/%Y}.")
        return day


def latest_reopening(today):
    """The last day entry may be reopened until: one year after today (28/02 for a 29/02)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


class ReportUploadForm(forms.Form):
    """The Excel form of a school report, filled in offline; reading it checks every cell (reports.school_form_xlsx)."""

    file = forms.FileField(
        label="Tệp Excel đã điền",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "Hãy chọn tệp Excel đã điền số liệu.",
                        "empty": "Tệp rỗng: hãy chọn tệp Excel đã điền số liệu.",
                        "invalid": "Không nhận được tệp: hãy chọn lại tệp Excel đã điền."},
    )

    def __init__(self, *args, school, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.period = school, period
        self.entries, self.narrative, self.upload = {}, {}, None

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        read = {}
        self.entries, self.narrative, errors = parse_report_upload(uploaded, self.school, self.period, into=read)
        self.upload = read.get("upload")
        if errors:
            raise forms.ValidationError([str(error) for error in errors])
        return uploaded


class ReportSectionsForm(forms.Form):
    """The sections a unit writes itself in its report on a plan for a period (ReportSections), on the
    finalise page; shown filled with what was saved."""

    def __init__(self, *args, unit, document, period, **kwargs):
        from .models import ReportSections

        super().__init__(*args, **kwargs)
        self.key = {"unit": unit, "document": document, "period": period}
        saved = ReportSections.objects.filter(**self.key).first()
        for name, label in ReportSections.FIELDS:
            self.fields[name] = VietnameseTextField(label=label, required=False, max_length=10000,
                                                    initial=getattr(saved, name, ""),
                                                    widget=forms.Textarea(attrs={"rows": 4}))

    def save(self, *, by):
        """Keep the texts posted (a post without them, from an older page, changes nothing): one row per unit,
        plan and period. Returns True, for the view to go on."""
        from .models import ReportSections

        texts = {name: self.cleaned_data[name].strip() for name in self.fields if name in self.data}
        if texts:
            ReportSections.objects.update_or_create(**self.key, defaults={**texts, "updated_by": by})
        return True


class InboxFilterForm(forms.Form):
    """What the inbox is narrowed to (reports.outgoing.inbox): a state, a text in the unit's name or code."""

    state = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + INBOX_STATES)
    q = VietnameseTextField(label="Tìm đơn vị gửi", max_length=100, required=False,
                            widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên hoặc mã đơn vị"}))

    def __init__(self, *args, lists_missing=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not lists_missing:  # a ward's inbox: its schools that sent nothing are not listed (outgoing.inbox)
            self.fields["state"].choices = [c for c in self.fields["state"].choices if c[0] != NOT_SENT]

    def choice(self):
        """(state, text): a malformed value is dropped ("") rather than refused, so the inbox still opens."""
        self.is_valid()
        return self.cleaned_data.get("state", ""), self.cleaned_data.get("q", "").strip()

"""The forms of the reporting periods: one period (portal and Django admin alike), and a school year's set."""

import hashlib
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .models import SCHOOL_YEAR_RE, Period, PeriodKind

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
SCHOOL_YEAR_KINDS = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2, PeriodKind.SCHOOL_YEAR)
SEMESTERS = (PeriodKind.SEMESTER_1, PeriodKind.SEMESTER_2)
CODE_SUFFIX = {PeriodKind.SEMESTER_1: "-hk1", PeriodKind.SEMESTER_2: "-hk2", PeriodKind.SCHOOL_YEAR: "-nh",
               PeriodKind.HALF_YEAR: "-6t", PeriodKind.YEAR: ""}
# what names a period: fixed once figures or reports refer to it (periods.actions.in_use)
NAMING_FIELDS = ("code", "kind", "school_year", "year")


def period_code(kind, school_year, year):
    """The code a period gets when none is typed: 2027-2028-hk1, 2027-2028-nh, 2028-6t, 2028."""
    return f"{school_year if kind in SCHOOL_YEAR_KINDS else year}{CODE_SUFFIX[kind]}"


def fingerprint(period):
    """What a period's page was built from, posted back hidden: a save from a page opened before someone else's
    change is refused instead of silently undoing it."""
    fields = [str(getattr(period, name)) for name in
              ("code", "kind", "school_year", "year", "start", "end", "deadline", "lock_after_days")]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


class DayInput(forms.DateInput):
    """A date picker (the browser shows and takes dd/mm/yyyy in Vietnamese, and sends yyyy-mm-dd); a day typed
    dd/mm/yyyy (without the picker) comes back in the box after a refusal instead of an empty box."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            for pattern in DATE_INPUTS:
                try:
                    return datetime.strptime(value.strip(), pattern).strftime("%Y-%m-%d")
                except ValueError:
                    continue
            return value
        return super().format_value(value)


def _date_field(label):
    return forms.DateField(label=label, input_formats=DATE_INPUTS, widget=DayInput(),
                           error_messages={"required": f"Hãy nhập {label.lower()}.",
                                           "invalid": "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm."})


class PeriodForm(forms.ModelForm):
    """A period once per kind and school year (or year): a second "Học kỳ I năm học 2027-2028" under another code
    would show twice in every period picker and split the schools' reports between the two. Its dates lie in its
    school year (or year), and two semesters never overlap (the semester in progress is the one users report on)."""

    start = _date_field("Từ ngày")
    end = _date_field("Đến ngày")
    deadline = _date_field("Hạn nộp báo cáo")
    lock_after_days = forms.IntegerField(
        label="Khóa nhập sau hạn (ngày)", min_value=0, max_value=365, initial=7,
        help_text="Số ngày sau hạn nộp mà việc nhập số liệu vẫn mở; sau đó bị khóa.",
        error_messages={key: "Số ngày phải là số nguyên, từ 0 đến 365."
                        for key in ("required", "invalid", "min_value", "max_value")})

    class Meta:
        model = Period
        fields = ["kind", "school_year", "year", "code", "start", "end", "deadline", "lock_after_days"]
        error_messages = {
            "code": {"unique": "Đã có kỳ mang mã này: hãy chọn mã khác.",
                     "invalid": "Mã kỳ chỉ gồm chữ không dấu, số, gạch ngang: ví dụ 2027-2028-hk1."},
        }

    def __init__(self, *args, fixed_naming=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = "Để trống: mã đặt theo loại kỳ và năm (ví dụ 2027-2028-hk1)."
        self.fields["school_year"].validators.append(
            RegexValidator(SCHOOL_YEAR_RE, "Năm học phải có dạng 2025-2026 (hai năm liên tiếp)."))
        self.fields["year"].error_messages["invalid"] = "Năm phải là số, ví dụ 2027."
        if fixed_naming:  # figures or reports refer to it: its dates may move, not what it is
            for name in NAMING_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Kỳ đã có số liệu hoặc báo cáo: không đổi được."

    def clean(self):
        data = super().clean()
        kind, school_year, year = data.get("kind"), data.get("school_year") or "", data.get("year")
        if not kind or self.has_error("school_year") or self.has_error("year"):
            return data
        naming_fixed = self.fields["kind"].disabled  # in use: named as it is, even as an older form left it
        if kind in SCHOOL_YEAR_KINDS:
            if not naming_fixed:
                data["year"] = None  # a school year's period is named by the school year alone
            if not school_year:
                self.add_error("school_year", "Kỳ theo năm học cần ghi năm học, ví dụ 2027-2028.")
                return data
            if not 2000 <= int(school_year[:4]) <= 2100:
                self.add_error("school_year", "Năm học phải trong khoảng 2000-2001 đến 2100-2101.")
                return data
        else:
            if not naming_fixed:
                data["school_year"] = ""
            if not year or not 2000 <= year <= 2100:
                self.add_error("year", "Kỳ theo năm cần ghi năm, từ 2000 đến 2100, ví dụ 2027.")
                return data
        if not data.get("code") and "code" not in self.errors:
            data["code"] = period_code(kind, school_year, year)
            if Period.objects.filter(code=data["code"]).exclude(pk=self.instance.pk).exists():
                self.add_error("code", f"Đã có kỳ mang mã {data['code']}: hãy ghi một mã khác.")
        same = Period.objects.filter(kind=kind)
        same = same.filter(school_year=school_year) if kind in SCHOOL_YEAR_KINDS else same.filter(year=year)
        existing = same.exclude(pk=self.instance.pk).first()
        if existing:
            raise ValidationError(f"Đã có kỳ “{existing.name}” (mã {existing.code}): mỗi loại kỳ chỉ có một kỳ cho "
                                  "một năm học hoặc một năm. Hãy sửa kỳ đã có thay vì tạo kỳ mới.")
        self._check_dates(kind, school_year, year, data.get("start"), data.get("end"), data.get("deadline"))
        return data

    def _check_dates(self, kind, school_year, year, start, end, deadline):
        if not (start and end and deadline):
            return
        if end < start:
            self.add_error("end", "Ngày kết thúc phải sau ngày bắt đầu.")
            return
        if deadline < start:
            self.add_error("deadline", "Hạn nộp phải sau ngày bắt đầu kỳ.")
        if kind in SCHOOL_YEAR_KINDS:
            first = int(school_year[:4])
            bounds, name = (date(first, 8, 1), date(first + 1, 8, 31)), f"năm học {school_year}"
        else:
            bounds, name = (date(year, 1, 1), date(year, 12, 31)), f"năm {year}"
        if start < bounds[0] or end > bounds[1]:
            self.add_error("start" if start < bounds[0] else "end",
                           f"Kỳ phải nằm trong {name} (từ {bounds[0]:%d/%m/%Y} đến {bounds[1]:%d/%m/%Y}).")
        if kind in SEMESTERS:
            overlap = (Period.objects.filter(kind__in=SEMESTERS, start__lte=end, end__gte=start)
                       .exclude(pk=self.instance.pk).first())
            if overlap:
                self.add_error("start", f"Trùng thời gian với {overlap.name} ({overlap.start:%d/%m/%Y} – "
                                        f"{overlap.end:%d/%m/%Y}): hai học kỳ không được chồng lên nhau.")


class SeenPeriodForm(PeriodForm):
    """The portal's edit of a period: with the fingerprint of the period as the page showed it."""

    seen = forms.CharField(widget=forms.HiddenInput, validators=[RegexValidator(r"\A[0-9a-f]{64}\Z")],
                           error_messages={"required": "Trang đã cũ: hãy tải lại trang rồi sửa lại."})

    class Meta(PeriodForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = fingerprint(self.instance) if self.instance.pk else ""
        if not self.instance.pk:
            self.fields["seen"].required = False


class SchoolYearForm(forms.Form):
    """A school year whose usual periods are created at once (periods.actions.create_school_year)."""

    school_year = forms.CharField(
        label="Năm học", max_length=9,
        validators=[RegexValidator(SCHOOL_YEAR_RE, "Năm học phải có dạng 2027-2028 (hai năm liên tiếp).")],
        error_messages={"required": "Hãy nhập năm học, ví dụ 2027-2028."})

    def clean_school_year(self):
        school_year = self.cleaned_data["school_year"].strip()
        first, second = int(school_year[:4]), int(school_year[-4:])
        if second != first + 1:
            raise ValidationError("Năm học phải có dạng 2027-2028 (hai năm liên tiếp).")
        if not 2000 <= first <= 2099:  # its calendar year's periods are of the second year, at most 2100
            raise ValidationError("Năm học phải trong khoảng 2000-2001 đến 2099-2100.")
        return school_year

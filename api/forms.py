from datetime import timedelta

from django import forms
from django.utils import timezone

from units.models import Unit, UnitKind
from units.search import unit_scope
from units.widgets import SearchesUnits, UnitSearchField

from .models import may_issue

ACCESS = [("read", "Chỉ đọc"), ("write", "Đọc và ghi")]
LIFETIMES = [("90", "90 ngày"), ("365", "1 năm"), ("30", "30 ngày"), ("", "Không hết hạn")]


class TokenForm(forms.Form):
    """A personal token: its name, whether it may write, how long it lasts."""

    name = forms.CharField(label="Tên khóa", max_length=120,
                           help_text="Để nhận ra khóa dùng ở đâu, ví dụ: Bảng tính thống kê của phòng.")
    access = forms.ChoiceField(label="Quyền", choices=ACCESS, initial="read",
                               help_text="“Đọc và ghi” chỉ ghi được những gì chính bạn được sửa trên cổng.")
    lifetime = forms.ChoiceField(label="Thời hạn", choices=LIFETIMES, required=False, initial="90")

    def expires_at(self):
        days = self.cleaned_data.get("lifetime")
        return timezone.now() + timedelta(days=int(days)) if days else None


@unit_scope("he-thong")
def service_units(user):
    """The units a user creates service accounts at: those whose data it may change."""
    return Unit.objects.writable_by(user).current().order_by("path")


class ServiceAccountForm(SearchesUnits, forms.Form):
    """A system's account at one of the units the user may change."""

    name = forms.CharField(label="Tên hệ thống", max_length=120,
                           help_text="Ví dụ: Phần mềm quản lý trường học của Trường Tiểu học A1.")
    unit = UnitSearchField(label="Đơn vị", tree_labels=False, scope="he-thong",
                                  help_text="Hệ thống chỉ đọc (và ghi) dữ liệu của đơn vị này và các đơn vị trực thuộc.",
                                  error_messages={"required": "Hãy chọn đơn vị.",
                                                  "invalid_choice": "Hãy chọn một đơn vị trong danh sách."})
    access = forms.ChoiceField(label="Quyền", choices=ACCESS, initial="read",
                               help_text="“Đọc và ghi”: như cán bộ phụ trách của đơn vị (với trường: như cán bộ "
                                         "trường, nhập và nộp báo cáo của trường).")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].for_user(user)

    def clean(self):
        data = super().clean()
        unit, can_write = data.get("unit"), data.get("access") == "write"
        if unit is not None and can_write and not may_issue(self.user, unit, can_write):
            self.add_error("access", WRITE_REFUSAL_SCHOOL if unit.kind == UnitKind.SCHOOL else WRITE_REFUSAL)
        return data


WRITE_REFUSAL_SCHOOL = ("Chỉ cán bộ của chính trường mới tạo được tài khoản dịch vụ “Đọc và ghi” cho trường (hệ thống "
                        "sẽ nhập và nộp báo cáo của trường, việc cán bộ phường, xã không làm). Bạn có thể tạo tài "
                        "khoản “Chỉ đọc”.")
WRITE_REFUSAL = ("Tài khoản dịch vụ “Đọc và ghi” chỉ tạo được ở đơn vị mà chính bạn là cán bộ phụ trách (hoặc "
                 "cán bộ phụ trách của cấp trên). Bạn có thể tạo tài khoản “Chỉ đọc”.")

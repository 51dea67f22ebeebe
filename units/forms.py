"""Forms of the administration pages (accounts, roles, units) and of the password reset: the validation boundary,
with Vietnamese messages. The units offered are always those of the administrator's scope (units/access.py)."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, UsernameField
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from . import access, account_import
from .accounts import account_fingerprint, reset_mail_allowed
from .links import absolute_url
from .maintenance import names_fingerprint, open_children
from .models import CODE_VALIDATOR, Membership, Role, SchoolLevel, Unit, UnitKind
from .search import unit_scope
from .textfields import NulRefusedInVietnamese
from .widgets import SearchesUnits, UnitSearchField, UnitSearchMultipleField

logger = logging.getLogger(__name__)

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
              "widget": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"),
              "error_messages": {"invalid": "Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy, ví dụ 01/07/2025."}}




class VietnameseTextField(NulRefusedInVietnamese, forms.CharField):
    """Every text input of these forms."""


class VietnameseEmailField(NulRefusedInVietnamese, forms.EmailField):
    """An e-mail address input."""


class VietnameseUsernameField(NulRefusedInVietnamese, UsernameField):
    """A login name (Unicode-normalised as Django's own)."""


def role_choices():
    labels = dict(Role.choices)
    return [(role.value, labels[role]) for role in access.GRANTABLE_ROLES]


def check_role_in_unit(role, unit):
    """The rule of Membership.clean, as a form error."""
    if role == Role.SCHOOL_STAFF and unit is not None and unit.kind != UnitKind.SCHOOL:
        raise ValidationError("Vai trò cán bộ trường chỉ gán cho một trường học.")


def check_role_granted_by(admin, role, unit):
    """A role the administrator may give there (units/access.py: never an administrator's role at its own level)."""
    if role and unit is not None and not access.can_grant_role(admin, unit, role):
        raise ValidationError(access.grant_refusal(role))


class AccountSearchForm(forms.Form):
    q = VietnameseTextField(label="Tìm tên đăng nhập, họ tên, thư điện tử", max_length=100, required=False)


def full_name_field():
    return VietnameseTextField(label="Họ và tên", max_length=150, error_messages={"required": "Hãy nhập họ và tên."})


def account_email_field(help_text):
    """An account's e-mail address: at most 254 characters, auth_user.email's length (a longer valid address would
    fail on PostgreSQL)."""
    return VietnameseEmailField(label="Thư điện tử", required=False, max_length=254, help_text=help_text,
                                error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ.",
                                                "max_length": "Địa chỉ thư điện tử dài quá 254 ký tự."})



def role_field():
    """The role of an account in a unit, with what it reaches: the unit chosen and everything below it."""
    return forms.ChoiceField(
        label="Vai trò", choices=role_choices,
        error_messages={"required": "Hãy chọn vai trò.", "invalid_choice": "Vai trò không hợp lệ."},
        help_text="Mỗi vai trò áp dụng cho đơn vị được chọn và các đơn vị cấp dưới của nó. Ở Sở, Phòng (không có xã, "
                  "phường cấp dưới), “Cán bộ phụ trách” chỉ làm việc với kế hoạch của chính Sở; để theo dõi các xã, "
                  "phường trong tỉnh, hãy giao “Cán bộ cấp trên (theo dõi)”.")


@unit_scope("tai-khoan")
def account_units(admin):
    """The units in which the administrator creates accounts and gives roles: also one opening later (its
    principal's account is made before the school year starts)."""
    return access.administered_units(admin).not_closed()


@unit_scope("don-vi-cap-tren")
def parent_units(admin):
    """The units a new unit may be added under: also one opening later (a new ward's schools are entered before
    the day it begins)."""
    return access.maintained_units(admin).not_closed().exclude(kind=UnitKind.SCHOOL)


@unit_scope("xa-phuong")
def maintained_communes(admin):
    """The wards and communes the administrator merges."""
    return access.maintained_units(admin).current().filter(kind=UnitKind.COMMUNE)


@unit_scope("truong-hoc")
def maintained_schools(admin):
    """The schools the administrator merges."""
    return access.maintained_units(admin).current().filter(kind=UnitKind.SCHOOL)


class AccountCreateForm(SearchesUnits, forms.Form):
    username = VietnameseUsernameField(
        label="Tên đăng nhập", max_length=150, validators=[UnicodeUsernameValidator()],
        help_text="Ví dụ: hieutruong.mnhoanghia. Chữ, số và các dấu . @ + - _",
        error_messages={"required": "Hãy nhập tên đăng nhập."})
    full_name = full_name_field()
    email = account_email_field("Thư đặt mật khẩu được gửi tới địa chỉ này.")
    unit = UnitSearchField(label="Đơn vị", scope="tai-khoan",
                           error_messages={"required": "Hãy chọn đơn vị.",
                                           "invalid_choice": "Đơn vị không thuộc phạm vi bạn quản trị."})
    role = role_field()
    title = VietnameseTextField(label="Chức vụ", max_length=120, required=False,
                                help_text="Ví dụ: Hiệu trưởng, Phó Chủ tịch UBND phường.")
    password = VietnameseTextField(label="Mật khẩu tạm (khi tài khoản không có thư điện tử)", required=False,
                                   strip=False, widget=forms.PasswordInput(render_value=False),
                                   help_text="Người dùng phải đổi mật khẩu này ở lần đăng nhập đầu tiên.")

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.fields["unit"].for_user(admin)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(f"Tên đăng nhập “{username}” đã có người dùng.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(f"Địa chỉ {email} đã thuộc một tài khoản khác.")
        return email

    def clean(self):
        data = super().clean()
        try:
            check_role_in_unit(data.get("role"), data.get("unit"))
            check_role_granted_by(self.admin, data.get("role"), data.get("unit"))
        except ValidationError as error:
            self.add_error("role", error)
        if not data.get("email") and not data.get("password") and "email" not in self.errors:
            self.add_error("email", "Hãy nhập thư điện tử (để gửi thư đặt mật khẩu) hoặc một mật khẩu tạm.")
        password = data.get("password")
        if password:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class RoleGrantForm(SearchesUnits, forms.Form):
    unit = UnitSearchField(label="Đơn vị", scope="tai-khoan",
                           error_messages={"required": "Hãy chọn đơn vị.",
                                           "invalid_choice": "Đơn vị không thuộc phạm vi bạn quản trị."})
    role = role_field()
    title = VietnameseTextField(label="Chức vụ", max_length=120, required=False)

    def __init__(self, *args, admin, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin, self.account = admin, account
        self.fields["unit"].for_user(admin)

    def clean(self):
        data = super().clean()
        if not access.can_give_roles(self.admin, self.account):
            raise ValidationError(access.SELF_GRANT_REFUSAL if self.account.pk == self.admin.pk
                                  else access.PEER_GRANT_REFUSAL)
        unit, role = data.get("unit"), data.get("role")
        try:
            check_role_in_unit(role, unit)
            check_role_granted_by(self.admin, role, unit)
        except ValidationError as error:
            self.add_error("role", error)
        if unit and role and Membership.objects.active().filter(user=self.account, unit=unit, role=role).exists():
            raise ValidationError("Tài khoản đã có vai trò này tại đơn vị này.")
        return data


class AccountEditForm(forms.Form):
    """The full name and e-mail address of an existing account: an account created without an address (with a
    temporary password) gets one later, so that it can receive the set-password e-mail."""

    full_name = full_name_field()
    email = account_email_field("Để trống nếu người dùng chưa có thư điện tử.")
    # the account as the page showed it (units.accounts.account_fingerprint)
    seen = VietnameseTextField(widget=forms.HiddenInput, max_length=64, error_messages={
        "required": "Biểu mẫu không còn hợp lệ (thiếu phiên bản tài khoản đã mở): hãy tải lại trang rồi nhập lại."})

    def __init__(self, *args, account, **kwargs):
        kwargs.setdefault("initial", {"full_name": account.get_full_name(), "email": account.email,
                                      "seen": account_fingerprint(account)})
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.casefold() == (self.account.email or "").casefold():
            # the same address, however its case is typed: kept as stored (a set-password link already sent
            # holds the address: rewriting it would void the link)
            return self.account.email
        email = email.lower()  # a new address is kept in lower case
        others = get_user_model().objects.exclude(pk=self.account.pk)
        if email and others.filter(email__iexact=email).exists():
            raise ValidationError(f"Địa chỉ {email} đã thuộc một tài khoản khác.")
        return email


class AccountImportForm(forms.Form):
    """The accounts' Excel list; reading it checks every cell (units.account_import). `problems` holds the
    cell-by-cell errors, `rows` the accounts to create when there are none."""

    file = forms.FileField(
        label="Tệp Excel danh sách tài khoản (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "Hãy chọn tệp Excel danh sách tài khoản.",
                        "empty": "Tệp rỗng: hãy chọn tệp Excel danh sách tài khoản.",
                        "invalid": "Không nhận được tệp: hãy chọn lại tệp Excel danh sách tài khoản."})

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin, self.rows, self.problems = admin, [], []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.rows, self.problems = account_import.read_accounts(upload, self.admin)
        if self.problems:
            raise ValidationError(f"Chưa tạo tài khoản nào: tệp có {len(self.problems)} lỗi.")
        return upload


# ---- units ----


class UnitFilterForm(forms.Form):
    """What the unit list is narrowed to (units.search.unit_list_page): a text in the name or code, a kind."""

    q = VietnameseTextField(label="Tìm theo tên hoặc mã", max_length=100, required=False,
                            widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: Mầm non, A-TH1"}))
    kind = forms.ChoiceField(label="Loại đơn vị", required=False, choices=[("", "Tất cả các loại")] + [
        choice for choice in UnitKind.choices if choice[0] != UnitKind.CENTRAL])

    def choice(self):
        """(text, kind): a malformed value is dropped ("") rather than refused, so the list still opens."""
        self.is_valid()
        return self.cleaned_data.get("q", "").strip(), self.cleaned_data.get("kind", "")


NEW_UNIT_KINDS = [UnitKind.COMMUNE, UnitKind.SCHOOL, UnitKind.COMMUNE_OFFICE, UnitKind.ORGANISATION,
                  UnitKind.RESIDENTIAL_GROUP, UnitKind.DEPARTMENT]
# which kinds of unit may sit under which: a ward under the province, a school under a ward...
PARENT_KINDS = {
    UnitKind.COMMUNE: {UnitKind.PROVINCE},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE},
    UnitKind.SCHOOL: {UnitKind.COMMUNE, UnitKind.PROVINCE, UnitKind.DEPARTMENT},
    UnitKind.COMMUNE_OFFICE: {UnitKind.COMMUNE},
    UnitKind.ORGANISATION: {UnitKind.COMMUNE, UnitKind.PROVINCE},
    UnitKind.RESIDENTIAL_GROUP: {UnitKind.COMMUNE},
}


class UnitCreateForm(SearchesUnits, forms.Form):
    parent = UnitSearchField(label="Thuộc đơn vị", scope="don-vi-cap-tren",
                             error_messages={"required": "Hãy chọn đơn vị cấp trên.",
                                             "invalid_choice": "Đơn vị cấp trên không thuộc phạm vi bạn quản trị."})
    kind = forms.ChoiceField(label="Loại đơn vị", choices=[(k.value, k.label) for k in NEW_UNIT_KINDS],
                             error_messages={"required": "Hãy chọn loại đơn vị.",
                                             "invalid_choice": "Loại đơn vị không hợp lệ."})
    code = VietnameseTextField(label="Mã đơn vị", max_length=64, validators=[CODE_VALIDATOR],
                               help_text="Chữ IN HOA không dấu, chữ số và gạch ngang; không đổi về sau. Ví dụ: DK-MN-HOANGHIA.",
                               error_messages={"required": "Hãy nhập mã đơn vị."})
    name = VietnameseTextField(label="Tên đầy đủ", max_length=255,
                               error_messages={"required": "Hãy nhập tên đơn vị."})
    short_name = VietnameseTextField(label="Tên ngắn", max_length=120, required=False)
    levels = forms.MultipleChoiceField(label="Cấp học (với trường học)", choices=SchoolLevel.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": "Cấp học không hợp lệ."})
    place_name = VietnameseTextField(label="Địa danh (ghi trên văn bản)", max_length=120, required=False)
    valid_from = forms.DateField(label="Hoạt động từ ngày", required=False, **DATE_INPUT)
    email = VietnameseEmailField(label="Thư điện tử của đơn vị", required=False,
                                 error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."})

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].for_user(admin)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.filter(code=code).exists():
            raise ValidationError(f"Mã đơn vị “{code}” đã được dùng.")
        return code

    def clean(self):
        data = super().clean()
        kind, parent, levels = data.get("kind"), data.get("parent"), data.get("levels") or []
        if kind and parent and parent.kind not in PARENT_KINDS.get(kind, set()):
            self.add_error("parent", f"Không thể đặt {UnitKind(kind).label.lower()} dưới "
                                     f"{parent.get_kind_display().lower()} “{parent.name}”.")
        if kind == UnitKind.SCHOOL and not levels:
            self.add_error("levels", "Trường học phải có ít nhất một cấp học.")
        if kind and kind != UnitKind.SCHOOL and levels:
            self.add_error("levels", "Chỉ trường học mới có cấp học.")
        return data


class UnitRenameForm(forms.Form):
    name = VietnameseTextField(label="Tên đầy đủ mới", max_length=255,
                               error_messages={"required": "Hãy nhập tên mới."})
    short_name = VietnameseTextField(label="Tên ngắn", max_length=120, required=False)
    place_name = VietnameseTextField(label="Địa danh (ghi trên văn bản)", max_length=120, required=False)
    # the names as the page showed them (units.maintenance.names_fingerprint)
    seen = VietnameseTextField(widget=forms.HiddenInput, max_length=64, error_messages={
        "required": "Biểu mẫu không còn hợp lệ (thiếu phiên bản tên đã mở): hãy tải lại trang rồi nhập lại."})

    def __init__(self, *args, unit, **kwargs):
        kwargs.setdefault("initial", {"name": unit.name, "short_name": unit.short_name, "place_name": unit.place_name,
                                      "seen": names_fingerprint(unit)})
        super().__init__(*args, **kwargs)


class UnitCloseForm(forms.Form):
    valid_to = forms.DateField(label="Hoạt động đến hết ngày", **DATE_INPUT)
    reason = VietnameseTextField(label="Căn cứ, lý do", max_length=255,
                                 error_messages={"required": "Hãy ghi căn cứ hoặc lý do ngừng hoạt động."})

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_valid_to(self):
        day = self.cleaned_data["valid_to"]
        if self.unit.valid_from and day < self.unit.valid_from:
            raise ValidationError(f"Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động "
                                  f"({self.unit.valid_from:%d/%m/%Y}).")
        if self.unit.valid_to:
            raise ValidationError(f"Đơn vị đã ngừng hoạt động (đến hết ngày {self.unit.valid_to:%d/%m/%Y}).")
        still_open = [child.name for child in open_children(self.unit, day)]
        if still_open:
            raise ValidationError(f"Đơn vị còn {len(still_open)} đơn vị trực thuộc hoạt động sau ngày đó "
                                  f"({', '.join(still_open[:5])}{'…' if len(still_open) > 5 else ''}): hãy ngừng "
                                  "hoặc chuyển chúng trước, hoặc dùng “Sáp nhập” với xã/phường.")
        return day


class UnitMergeForm(SearchesUnits, forms.Form):
    predecessors = UnitSearchMultipleField(
        label="Các xã/phường được sáp nhập", scope="xa-phuong",
        error_messages={"required": "Hãy chọn ít nhất một xã/phường được sáp nhập.",
                        "invalid_choice": "Xã/phường không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động.",
                        "invalid_pk_value": "Lựa chọn không hợp lệ."})
    successor = UnitSearchField(label="Sáp nhập vào", scope="xa-phuong", empty_label="— Chọn xã/phường —",
                                error_messages={"required": "Hãy chọn xã/phường tiếp nhận.",
                                                "invalid_choice": "Xã/phường tiếp nhận không thuộc phạm vi bạn "
                                                                  "quản trị hoặc đã ngừng hoạt động."})
    effective_on = forms.DateField(label="Ngày có hiệu lực", **DATE_INPUT)
    legal_basis = VietnameseTextField(label="Căn cứ", max_length=255,
                                      help_text="Ví dụ: Nghị quyết 1669/NQ-UBTVQH15.",
                                      error_messages={"required": "Hãy ghi căn cứ của việc sáp nhập."})

    receiving = "xã/phường tiếp nhận"

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].for_user(admin)
        self.fields["successor"].for_user(admin)

    def clean(self):
        data = super().clean()
        predecessors, successor, day = data.get("predecessors"), data.get("successor"), data.get("effective_on")
        if predecessors and successor and successor in predecessors:
            self.add_error("predecessors", f"“{successor.name}” là {self.receiving}, không thể đồng thời "
                                           "được sáp nhập.")
        if day and day > timezone.localdate():
            # the schools move, the wards close when the merge is saved: a date ahead would take effect today
            self.add_error("effective_on", f"Ngày có hiệu lực không được sau hôm nay ({timezone.localdate():%d/%m/%Y}): "
                                           "việc sáp nhập chuyển các trường ngay khi lưu, nên hãy thực hiện vào đúng "
                                           "ngày có hiệu lực.")
        if successor and day and successor.valid_from and day < successor.valid_from:
            # the schools would move under a ward not yet in force, the old wards having ended the day before
            self.add_error("effective_on", f"Ngày có hiệu lực không được trước ngày {successor.name} bắt đầu hoạt "
                                           f"động ({successor.valid_from:%d/%m/%Y}).")
        if predecessors and day:
            for unit in predecessors:
                if unit.valid_from and day <= unit.valid_from:
                    self.add_error("effective_on", f"Ngày có hiệu lực phải sau ngày {unit.name} bắt đầu hoạt động "
                                                   f"({unit.valid_from:%d/%m/%Y}).")
        return data


class SchoolMergeForm(UnitMergeForm):
    """Schools merged into one school of the same ward (two schools of a ward made one): the same checks as a
    merge of wards, and the schools under one ward, whose dashboards then count each figure once."""

    predecessors = UnitSearchMultipleField(
        label="Các trường được sáp nhập", scope="truong-hoc",
        error_messages={"required": "Hãy chọn ít nhất một trường được sáp nhập.",
                        "invalid_choice": "Trường không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động.",
                        "invalid_pk_value": "Lựa chọn không hợp lệ."})
    successor = UnitSearchField(label="Sáp nhập vào trường", scope="truong-hoc", empty_label="— Chọn trường —",
                                error_messages={"required": "Hãy chọn trường tiếp nhận.",
                                                "invalid_choice": "Trường tiếp nhận không thuộc phạm vi bạn quản "
                                                                  "trị hoặc đã ngừng hoạt động."})
    effective_on = forms.DateField(label="Ngày có hiệu lực", **DATE_INPUT)
    legal_basis = VietnameseTextField(label="Căn cứ", max_length=255,
                                      help_text="Ví dụ: Quyết định 1234/QĐ-UBND về việc sáp nhập trường.",
                                      error_messages={"required": "Hãy ghi căn cứ của việc sáp nhập."})
    receiving = "trường tiếp nhận"

    def clean(self):
        data = super().clean()
        predecessors, successor = data.get("predecessors"), data.get("successor")
        if predecessors and successor:
            elsewhere = [school.name for school in predecessors if school.parent_id != successor.parent_id]
            if elsewhere:
                self.add_error("predecessors", f"Chỉ sáp nhập được các trường cùng một xã/phường với trường tiếp nhận "
                                               f"({successor.parent.name}): {', '.join(elsewhere)} thuộc đơn vị khác.")
        return data


# ---- password reset ("Quên mật khẩu") ----


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, with an absolute link from settings.PORTAL_URL (not the request's host) and open
    also to an account whose owner has not yet chosen a password (its set-password e-mail expired)."""

    email = VietnameseEmailField(label=PasswordResetForm.base_fields["email"].label, max_length=254,
                                 widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        """The active accounts of the address, but those sent accounts.RESET_MAILS mails within the hour."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.lower() == email.lower() and reset_mail_allowed(user))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        context["link"] = absolute_url(reverse("password_reset_confirm",
                                               kwargs={"uidb64": context["uid"], "token": context["token"]}))
        context["days"] = settings.PASSWORD_RESET_TIMEOUT // 86400
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        try:
            EmailMultiAlternatives(subject, body, from_email, [to_email]).send()
        except Exception:  # as Django's own form: the page answers the same, the failure is logged
            logger.exception("Could not send the password reset e-mail to user %s", context["user"].pk)

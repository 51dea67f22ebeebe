"""Account administration by a unit's administrator (units/access.py: administered_accounts), and the password
pages that clear the forced change: list, create, edit, give and take roles, deactivate, set a temporary
password, bulk import from Excel."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from . import access
from . import account_import as account_list_xlsx
from .accounts import (
    StaleAccountError,
    account_fingerprint,
    clear_password_change,
    create_account,
    grant_role,
    recent_reset_mails,
    record_password_change,
    revoke_role,
    send_password_link,
    set_account_active,
    set_temporary_password,
    update_account,
)
from .forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountImportForm,
    AccountSearchForm,
    PortalPasswordResetForm,
    RoleGrantForm,
)
from .models import AdminEvent, Membership
from .passwords import MUST_CHANGE

ACCOUNTS_PER_PAGE = 50
User = get_user_model()
CHANGE_REFUSAL = ("Bạn không thể thay đổi tài khoản này: đó là tài khoản của bạn, tài khoản có vai trò ở đơn vị "
                  "ngoài phạm vi bạn quản trị, hoặc tài khoản quản trị viên cùng cấp (do quản trị viên cấp trên "
                  "thay đổi).")
PEER_REFUSAL = ("Vai trò quản trị viên của đơn vị bạn quản trị do quản trị viên cấp trên thu hồi, không phải quản "
                "trị viên cùng cấp.")
INACTIVE_REFUSAL = "Tài khoản đã ngừng: hãy mở lại tài khoản trước"


def _require_admin(user):
    if not access.is_account_admin(user):
        raise PermissionDenied(access.ADMIN_REFUSAL)


def _changeable_account(request, pk, refusal=CHANGE_REFUSAL):
    """The account `pk` if the user may change it as a whole (404 outside the scope, 403 for one's own account
    or one holding a role outside the scope): the rule of deactivation, for every change of the account itself."""
    account = access.get_account_for_admin(request.user, User.objects.select_related("account_profile"), pk)
    roles = list(account.memberships.active().select_related("unit__parent"))
    if not access.can_change_account(request.user, account, roles):
        raise PermissionDenied(refusal)
    return account


def _active_roles():
    return Prefetch("memberships", Membership.objects.active().select_related("unit").order_by("unit__path", "role"),
                    to_attr="active_roles")


@login_required
def account_list(request):
    _require_admin(request.user)
    form = AccountSearchForm(request.GET)
    accounts = access.administered_accounts(request.user, User.objects.all())
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        accounts = accounts.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                                   | Q(email__icontains=q))
    accounts = accounts.select_related("account_profile__home_unit").prefetch_related(_active_roles())
    page = Paginator(accounts.order_by("username"), ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "units/account_list.html", {"page": page, "form": form,
                                                       "can_maintain_units": access.can_maintain_units(request.user)})


@login_required
def account_create(request):
    _require_admin(request.user)
    form = AccountCreateForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = create_account(username=data["username"], full_name=data["full_name"], email=data["email"],
                                     unit=data["unit"], role=data["role"], title=data["title"],
                                     password=data["password"], by=request.user)
        except ValidationError as refusal:  # taken since the form was checked: nothing saved, what was typed kept
            form.add_error(None, refusal)
        else:
            _report_link(request, account)
            return redirect("units:account_detail", account.pk)
    return render(request, "units/account_create.html", {"form": form})


def _report_link(request, account):
    if not account.email:
        messages.success(request, f"Đã tạo tài khoản {account.username}. Hãy báo mật khẩu tạm cho người dùng: "
                                  "họ phải đổi mật khẩu ở lần đăng nhập đầu tiên.")
    elif send_password_link(account=account, by=request.user):
        messages.success(request, f"Đã tạo tài khoản {account.username} và gửi thư đặt mật khẩu tới {account.email}.")
    else:
        messages.warning(request, f"Đã tạo tài khoản {account.username} nhưng chưa gửi được thư tới {account.email}. "
                                  "Hãy kiểm tra địa chỉ rồi bấm “Gửi lại thư đặt mật khẩu”.")


@login_required
def account_detail(request, pk):
    account = access.get_account_for_admin(request.user, User.objects.select_related("account_profile__home_unit"),
                                           pk)
    return _account_page(request, account, RoleGrantForm(admin=request.user, account=account))


def _account_page(request, account, grant_form, status=200):
    """The account's page; `grant_form`: the role grant form, bound when it comes back with its errors or with the
    units its search found (no JavaScript), so that nothing chosen or typed is lost."""
    roles = list(account.memberships.select_related("unit__parent").order_by("-is_active", "unit__path", "role"))
    active = [m for m in roles if m.is_active]
    # the changes; the "Quên mật khẩu" mails anyone may ask for (three an hour) are counted apart, or they would
    # push the changes off the page within two days
    events = (account.admin_events.exclude(action=AdminEvent.Action.RESET_MAIL_SENT).select_related("unit", "by")
              .order_by("-at", "-pk")[:100])
    reset_mails = recent_reset_mails(account)
    return render(request, "units/account_detail.html", {
        "account": account, "roles": roles, "events": events, "grant_form": grant_form, "reset_mails": reset_mails,
        "own_account": account.pk == request.user.pk,
        "can_give_roles": access.can_give_roles(request.user, account, active),
        "can_change": access.can_change_account(request.user, account, active),
        # a role of a peer's (or a superior's) account is not revoked either, whatever the role (the review of
        # 28/11/2026: a peer administrator's officer role could be)
        "manageable_roles": {m.pk for m in roles if m.is_active and access.can_administer_role(request.user, m)}
        if access.can_give_roles(request.user, account, active) else set(),
    }, status=status)


@login_required
@require_POST
def role_grant(request, pk):
    account = access.get_account_for_admin(request.user, User.objects.select_related("account_profile__home_unit"),
                                           pk)
    if not access.can_give_roles(request.user, account):
        raise PermissionDenied(access.SELF_GRANT_REFUSAL if account.pk == request.user.pk else access.PEER_GRANT_REFUSAL)
    form = RoleGrantForm(request.POST, admin=request.user, account=account)
    if not form.is_valid():
        # the page again with the form as sent: its errors, or the units its search found (nothing saved)
        return _account_page(request, account, form, status=200 if form.searching else 400)
    try:
        grant_role(account=account, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"],
                   title=form.cleaned_data["title"], by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _account_page(request, account, form, status=400)
    messages.success(request, "Đã giao vai trò.")
    return redirect("units:account_detail", account.pk)


@login_required
@require_POST
def role_revoke(request, pk, membership_pk):
    # a role of another account: not found, before anything about the account is told
    membership = get_object_or_404(Membership.objects.active().select_related("unit__parent", "user"), pk=membership_pk,
                                   user_id=pk)
    account = access.get_account_for_admin(request.user, User.objects.all(), pk)
    if not access.can_administer_unit(request.user, membership.unit):
        raise PermissionDenied("Vai trò này ở một đơn vị ngoài phạm vi bạn quản trị.")
    if not access.can_administer_role(request.user, membership) or not access.can_give_roles(request.user, account):
        raise PermissionDenied(PEER_REFUSAL)  # nor any role of an account holding a role the user does not administer
    revoke_role(membership=membership, by=request.user)
    messages.success(request, f"Đã thu hồi vai trò {membership.get_role_display()} tại {membership.unit.name}.")
    return redirect("units:account_detail", account.pk)


@login_required
@require_POST
def account_set_active(request, pk, active):
    account = _changeable_account(request, pk, "Bạn không thể ngừng hoặc mở lại tài khoản này: đó là tài khoản "
                                               "của bạn, tài khoản có vai trò ở đơn vị ngoài phạm vi bạn quản trị, "
                                               "hoặc tài khoản quản trị viên cùng cấp (do quản trị viên cấp trên "
                                               "ngừng, mở lại).")
    if set_account_active(account=account, active=active, by=request.user):
        messages.success(request, f"Đã {'mở lại' if active else 'ngừng'} tài khoản {account.username}.")
    else:
        messages.info(request, f"Tài khoản {account.username} đã {'hoạt động' if active else 'ngừng'} từ trước; "
                               "không có gì thay đổi.")
    return redirect("units:account_detail", account.pk)


@login_required
@require_POST
def account_send_link(request, pk):
    # the rule of every change of the account: not one's own, nor a peer's or a superior's
    account = _changeable_account(request, pk)
    if not account.is_active:  # the link would open nothing: the reset page ignores deactivated accounts
        messages.error(request, f"{INACTIVE_REFUSAL} khi gửi thư đặt mật khẩu.")
    elif not account.email:
        messages.error(request, "Tài khoản chưa có địa chỉ thư điện tử.")
    elif send_password_link(account=account, by=request.user):
        messages.success(request, f"Đã gửi thư đặt mật khẩu tới {account.email}.")
    else:
        messages.error(request, f"Không gửi được thư tới {account.email}.")
    return redirect("units:account_detail", account.pk)


@login_required
@require_POST
def account_set_password(request, pk):
    """A new temporary password, for an account without an e-mail address (or whose owner lost both): shown
    once, in this answer only (never in a message, which may travel in a cookie), and never cached."""
    account = _changeable_account(request, pk)
    if not account.is_active:
        messages.error(request, f"{INACTIVE_REFUSAL}.")
        return redirect("units:account_detail", account.pk)
    password = set_temporary_password(account=account, by=request.user)
    response = render(request, "units/account_set_password.html", {"account": account, "password": password})
    add_never_cache_headers(response)
    return response


@login_required
def account_edit(request, pk):
    account = _changeable_account(request, pk)
    form = AccountEditForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = update_account(account=account, full_name=data["full_name"], email=data["email"],
                                     by=request.user, seen=data["seen"])
        except StaleAccountError as stale:
            # what was typed, carrying the account as it now stands: once looked at, it may be saved over it
            form = AccountEditForm({**request.POST.dict(), "seen": account_fingerprint(stale.account)},
                                   account=stale.account)
            form.is_valid()
            form.add_error(None, str(stale))
            return render(request, "units/account_edit.html", {"account": stale.account, "form": form}, status=409)
        if changed:
            messages.success(request, f"Đã cập nhật tài khoản {account.username}.")
        else:
            messages.info(request, "Không có thay đổi nào.")
        return redirect("units:account_detail", account.pk)
    return render(request, "units/account_edit.html", {"account": account, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
def account_import_template(request):
    _require_admin(request.user)
    response = HttpResponse(account_list_xlsx.build_template(request.user), content_type=account_list_xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-tai-khoan.xlsx"'
    return response


@login_required
def account_import(request):
    _require_admin(request.user)
    form = AccountImportForm(request.POST or None, request.FILES or None, admin=request.user)
    created = []
    if request.method == "POST" and form.is_valid():
        try:
            created = account_list_xlsx.import_accounts(form.rows, by=request.user)
        except ValidationError as refusal:  # an account of the list created meanwhile by someone else: none created
            messages.error(request, "Chưa tạo tài khoản nào: " + " ".join(refusal.messages))
            return render(request, "units/account_import.html", {"form": form, "created": created,
                                                                 "columns": account_list_xlsx.COLUMNS})
        not_sent = [a.username for a in created if not send_password_link(account=a, by=request.user)]
        messages.success(request, f"Đã tạo {len(created)} tài khoản và gửi thư đặt mật khẩu.")
        if not_sent:
            messages.warning(request, f"Chưa gửi được thư cho: {', '.join(not_sent)}. Hãy bấm “Gửi lại thư "
                                      "đặt mật khẩu” trên trang của từng tài khoản.")
    return render(request, "units/account_import.html", {"form": form, "created": created,
                                                         "columns": account_list_xlsx.COLUMNS})


# ---- password pages that end the forced change ----


KEYS_REVOKED = ("Các khóa API cá nhân bạn đã tạo trước đó (nếu có) đã bị thu hồi cùng mật khẩu cũ: chương trình "
                "dùng khóa cũ sẽ bị từ chối. Hãy tạo khóa mới ở trang “Khóa API”. Khóa của tài khoản dịch vụ không "
                "bị ảnh hưởng.")


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record_password_change(form.user)
        messages.info(self.request, KEYS_REVOKED)
        clear_password_change(form.user)
        self.request.session.pop(MUST_CHANGE, None)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_password_change(form.user)
        messages.info(self.request, KEYS_REVOKED)
        clear_password_change(form.user)
        AdminEvent.objects.create(action=AdminEvent.Action.PASSWORD_SET, account=form.user, by=form.user,
                                  detail="Người dùng tự đặt mật khẩu qua liên kết trong thư")
        return response

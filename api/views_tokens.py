"""The pages where a person manages their own API tokens, and an officer the service accounts of their units.

A new token is shown once, in the answer to the request that created it; only its digest is kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from units import access
from units.models import Unit

from . import actions
from .forms import ServiceAccountForm, TokenForm, service_units
from .models import ApiToken, ServiceAccount, issuer_still_allows, may_issue


def _shown_once(response):
    add_never_cache_headers(response)  # the page may hold a token: never kept by a cache or the back button
    return response


@login_required
def token_list(request):
    form, created = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        _, created = actions.issue_token(user=request.user, name=form.cleaned_data["name"],
                                         can_write=form.cleaned_data["access"] == "write", by=request.user,
                                         expires_at=form.expires_at())
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).with_password_revocation().select_related("revoked_by")
    manages_units = Unit.objects.writable_by(request.user).exists()
    return _shown_once(render(request, "api/token_list.html", {
        "form": form, "created": created, "tokens": tokens, "manages_units": manages_units}))


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.personal(), pk=pk, user=request.user)
    actions.revoke_token(token=token, by=request.user)
    messages.success(request, f"Đã thu hồi khóa “{token.name}”: mọi yêu cầu dùng khóa này từ nay bị từ chối.")
    return redirect("api:token_list")


@login_required
def service_account_list(request):
    units = service_units(request.user)
    form, created = ServiceAccountForm(request.POST or None, user=request.user), None
    if request.method == "POST" and form.is_valid():
        account, created = actions.create_service_account(
            unit=form.cleaned_data["unit"], name=form.cleaned_data["name"],
            can_write=form.cleaned_data["access"] == "write", by=request.user)
        created = {"account": account, "token": created}
        form = ServiceAccountForm(user=request.user)
    return _shown_once(render(request, "api/service_account_list.html", {
        "form": form, "created": created, "accounts": _managed_accounts(request.user), "can_create": units.exists()}))


def _managed_accounts(user):
    """The service accounts the user manages, each marked whether the user may issue it a token (`issuable`), each
    token whether it has lapsed with its issuer (`lapsed`: deactivated, or no longer holding the role)."""
    accounts = list(ServiceAccount.objects.writable_by(user).select_related("unit__parent", "created_by")
                    .prefetch_related(Prefetch("user__api_tokens",
                                               ApiToken.objects.select_related("created_by"))))
    issuers = {}
    for account in accounts:
        account.issuable = may_issue(user, account.unit, account.can_write)
        for token in account.user.api_tokens.all():
            if token.revoked_at is None:
                # one memberships query per issuer, however many tokens they issued
                token.created_by = issuers.setdefault(token.created_by_id, token.created_by)
                token.lapsed = not issuer_still_allows(token, account)
    return accounts


def _account(request, pk):
    return access.get_object_for_user(request.user, ServiceAccount.objects.select_related("unit", "user"), pk,
                                      action="change", refusal="Bạn không quản lý tài khoản dịch vụ của đơn vị này.")


@login_required
@require_POST
def service_token_issue(request, pk):
    account = _account(request, pk)
    if not account.is_active:
        messages.error(request, "Tài khoản dịch vụ đã ngừng hoạt động.")
        return redirect("api:service_account_list")
    try:
        _, token = actions.issue_token(user=account.user, name=account.name, can_write=account.can_write,
                                       by=request.user)
    except actions.IssueRefused as refused:
        raise PermissionDenied(str(refused)) from None
    units = service_units(request.user)
    return _shown_once(render(request, "api/service_account_list.html", {
        "form": ServiceAccountForm(user=request.user), "created": {"account": account, "token": token},
        "accounts": _managed_accounts(request.user), "can_create": units.exists()}))


@login_required
@require_POST
def service_token_revoke(request, pk):
    managed = ServiceAccount.objects.writable_by(request.user)
    token = get_object_or_404(ApiToken.objects.filter(user__service_account__in=managed), pk=pk)
    actions.revoke_token(token=token, by=request.user)
    messages.success(request, f"Đã thu hồi khóa {token.display_prefix} của “{token.name}”.")
    return redirect("api:service_account_list")


@login_required
@require_POST
def service_account_deactivate(request, pk):
    account = _account(request, pk)
    actions.deactivate_service_account(account=account, by=request.user)
    messages.success(request, f"Đã ngừng tài khoản dịch vụ “{account.name}” và thu hồi mọi khóa của nó.")
    return redirect("api:service_account_list")

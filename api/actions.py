"""Writes of the API's own data: tokens issued and revoked, service accounts created, writes recorded."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, ApiWrite, ServiceAccount, may_issue, new_token, token_digest

ISSUE_REFUSAL = ("Bạn không tạo được khóa cho tài khoản dịch vụ này: tài khoản ghi dữ liệu với vai trò mà chính bạn "
                 "không có ở đơn vị đó (với trường học: cán bộ của trường).")


@transaction.atomic
def issue_token(*, user, name, can_write, by, expires_at=None):
    """A new token for the user (a person, or a service account's identity): (row, the token shown once). For a
    service account, refused (IssueRefused) to a user who may not issue it (may_issue): the token acts with the
    account's role, and lapses when its issuer leaves or loses that role."""
    account = getattr(user, "service_account", None)
    if account is not None and not may_issue(by, account.unit, account.can_write):
        raise IssueRefused(ISSUE_REFUSAL)
    prefix, token = new_token()
    row = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=token_digest(token), can_write=can_write,
                                  created_by=by, expires_at=expires_at)
    return row, token


class IssueRefused(PermissionError):
    """The user may not create this service account, or issue a token for it (api.models.may_issue)."""


@transaction.atomic
def create_service_account(*, unit, name, can_write, by):
    """A service account for a system at the unit, with its first token: (account, the token shown once). Refused
    (IssueRefused) to a user whose own role there does not write as the account would."""
    if not may_issue(by, unit, can_write):
        raise IssueRefused(ISSUE_REFUSAL)
    user = get_user_model()(username=f"dich-vu-{unit.code.lower()}-{secrets.token_hex(3)}"[:150],
                            first_name=name[:150], is_active=True)
    user.set_unusable_password()
    user.save()
    account = ServiceAccount.objects.create(user=user, unit=unit, name=name, can_write=can_write, created_by=by)
    _, token = issue_token(user=user, name=name, can_write=can_write, by=by)
    return account, token


@transaction.atomic
def revoke_token(*, token, by):
    """Revoke a token at once: the next request that sends it is refused (401)."""
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


@transaction.atomic
def deactivate_service_account(*, account, by):
    """Stop a service account: its tokens are revoked, its history stays."""
    for token in account.user.api_tokens.filter(revoked_at__isnull=True):
        revoke_token(token=token, by=by)
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


def record_writes(request, *, value_changes=(), report_events=()):
    """Keep which token (or session) made each history row a request wrote."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    common = {"token": token, "user": request.user, "method": request.method, "path": request.path[:255]}
    ApiWrite.objects.bulk_create(
        [ApiWrite(value_change=change, **common) for change in value_changes]
        + [ApiWrite(report_event=event, **common) for event in report_events])

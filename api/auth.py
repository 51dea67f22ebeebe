"""Who a request to the API is, what its token allows, and how often it may ask.

A personal token acts as its user: units/access.py applies that user's memberships as on the pages. A service
account's token acts with one role at one unit (ServiceAccount.role) and holds no membership row, so it never
appears where the pages look for a unit's people (the leader who signs a report, the staff reminded by mail). It
works only while the person who issued it is active and still holds that role there (api.models.may_issue).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from units import access
from units.models import Membership

from .models import TOKEN_PREFIX, ApiToken, issuer_still_allows

INVALID = "Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
READ_ONLY = "Khóa truy cập này chỉ được đọc dữ liệu."
ISSUER_GONE = ("Khóa truy cập này không còn hiệu lực: người cấp khóa đã ngừng tài khoản hoặc không còn vai trò tại "
               "đơn vị của tài khoản dịch vụ. Hãy nhờ cán bộ phụ trách của đơn vị tạo khóa mới.")
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def find_token(text):
    """The active token row for the text a client sent, or None."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    row = (ApiToken.objects.active().filter(prefix=parts[1])
           .select_related("user", "created_by", "user__service_account", "user__service_account__unit",
                           "user__service_account__unit__parent").first())
    return row if row is not None and row.matches(text) else None


def act_as_service_account(user, account):
    """Let units/access.py treat the account's identity as holding its role at its unit, for this request only."""
    access.grant_for_request(user, [Membership(user=user, unit=account.unit, role=account.role, is_active=True)])


class BearerTokenAuthentication(BaseAuthentication):
    """Authorization: Bearer nq71_…"""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Tiêu đề Authorization phải có dạng “Bearer <khóa truy cập>”.")
        token = find_token(header[1].decode("latin-1"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID)
        account = getattr(token.user, "service_account", None)
        if account is not None:
            if not account.is_active:
                raise exceptions.AuthenticationFailed(INVALID)
            if not issuer_still_allows(token, account):
                raise exceptions.AuthenticationFailed(ISSUER_GONE)
            act_as_service_account(token.user, account)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenMayWrite(permissions.BasePermission):
    """A read-only token reads; only a token allowed to write (or the browser's session) may change data."""

    message = READ_ONLY

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken):
            return True
        return request.auth.can_write


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (per user for the browser's session, per address without sign-in),
    counted in the cache."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

"""Who calls the API and what they changed: personal tokens, service accounts, the record of every write made
through the API, and the first answer to a request sent with an Idempotency-Key."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from units import access
from units.models import Role, Unit, UnitKind

# A token reads "nq71_<prefix>_<secret>": the prefix finds the row, the SHA-256 digest of the whole token checks
# it. The secret has 256 bits of entropy, so a fast digest is enough (nothing to guess, unlike a password).
TOKEN_PREFIX = "nq71"


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """(prefix, the whole token): the token is shown once and never stored."""
    prefix = secrets.token_hex(5)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


class ServiceAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access.unit_condition(user, "unit"))

    def writable_by(self, user):
        """Accounts the user manages: those of units they may change (officers, a school's own staff, admins)."""
        return self.filter(access.write_condition(user, "unit"))


class ServiceAccount(models.Model):
    """A system (a school-management system, a Sở's statistics tool) that reads, or reads and writes, one unit's subtree."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.CASCADE, related_name="service_account",
        help_text="Danh tính ghi trong lịch sử thay đổi; không đăng nhập được bằng mật khẩu.",
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+",
                             help_text="Hệ thống chỉ đọc (và ghi) dữ liệu của đơn vị này và các đơn vị trực thuộc.")
    name = models.CharField("tên hệ thống", max_length=120,
                            help_text="Ví dụ: Phần mềm quản lý trường học của Trường Tiểu học A1.")
    can_write = models.BooleanField("được ghi dữ liệu", default=False,
                                    help_text="Không chọn: chỉ đọc. Chọn: đọc và ghi như cán bộ của đơn vị.")
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    objects = ServiceAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "tài khoản dịch vụ"
        verbose_name_plural = "tài khoản dịch vụ"
        ordering = ["unit__path", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @property
    def role(self):
        """The role its requests carry at its unit: a reader reads like a leader; a writer changes data like the
        unit's officer, or for a school like its own staff (who fill in the school's report)."""
        return role_at(self.unit, self.can_write)


def role_at(unit, can_write):
    """The role a service account at `unit` acts with (ServiceAccount.role)."""
    if not can_write:
        return Role.LEADER
    return Role.SCHOOL_STAFF if unit.kind == UnitKind.SCHOOL else Role.OFFICER


def may_issue(user, unit, can_write):
    """Whether `user` may create a service account at `unit`, or issue a token for one: a unit whose data the
    user changes; one that writes, only where the user's own role writes that unit's data the same way
    (units.access.holds_role): its officers (or those above) for a ward or an office, the school's own staff for
    a school, never an officer for a school (the account would fill in and submit the report the officer
    approves). A token acts with the account's role: never one its issuer lacks."""
    if not access.can_change_unit(user, unit):
        return False
    return not can_write or access.holds_role(user, unit, role_at(unit, can_write))


def issuer_still_allows(token, account):
    """Whether a service account's token still works: the person who issued it (and saw it) is active and may still
    issue it (may_issue). A service account belongs to its unit and outlives its creator; a token does not outlive
    its issuer's departure or loss of the role: the unit's officers issue a new one."""
    issuer = token.created_by
    return issuer is not None and issuer.is_active and may_issue(issuer, account.unit, account.can_write)


# a personal token issued before its user's password was last changed or reset (units.accounts.record_password_change)
PASSWORD_CHANGED = F("user__account_profile__password_changed_at")
SUPERSEDED = Q(user__service_account__isnull=True, user__account_profile__password_changed_at__gte=F("created_at"))


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that work: not revoked, not expired, and for a person's own token, issued after the password was
        last changed: a changed password closes every door the old one opened (its sessions, its keys). A service
        account's tokens hang on no password; they lapse with their issuer (issuer_still_allows)."""
        now = timezone.now()
        return (self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                .exclude(SUPERSEDED))

    def with_password_revocation(self):
        """Each token with `revoked_by_password_at`: the change of its user's password that ended it, else None."""
        return self.annotate(revoked_by_password_at=Case(When(SUPERSEDED, then=PASSWORD_CHANGED), default=None))

    def personal(self):
        return self.filter(user__service_account__isnull=True)


class ApiToken(models.Model):
    """A secret a program sends to the API (Authorization: Bearer …), kept only as a digest and found by its prefix."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE,
                             related_name="api_tokens",
                             help_text="Người (hoặc tài khoản dịch vụ) mà khóa đại diện.")
    name = models.CharField("tên khóa", max_length=120, help_text="Để nhận ra khóa dùng ở đâu, ví dụ: Bảng tính thống kê.")
    prefix = models.CharField("tiền tố", max_length=16, unique=True,
                              help_text="Phần đầu của khóa, để tìm khóa mà không lưu chính khóa.")
    digest = models.CharField("mã băm SHA-256", max_length=64)
    can_write = models.BooleanField("được ghi dữ liệu", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thu hồi", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "khóa truy cập API"
        verbose_name_plural = "khóa truy cập API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({TOKEN_PREFIX}_{self.prefix}…)"

    @property
    def display_prefix(self):
        return f"{TOKEN_PREFIX}_{self.prefix}_…"

    @property
    def is_active(self):
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def matches(self, token):
        return hmac.compare_digest(self.digest, token_digest(token))


class ApiWrite(models.Model):
    """A change made through the API, linked to the history row it wrote: which token (or signed-in session) made it."""

    token = models.ForeignKey(ApiToken, verbose_name="khóa truy cập", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="writes", help_text="Trống khi thay đổi qua phiên đăng nhập của trình duyệt.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)
    method = models.CharField("phương thức", max_length=8)
    path = models.CharField("địa chỉ", max_length=255)
    value_change = models.ForeignKey("targets.ProgressValueChange", verbose_name="thay đổi số liệu", null=True,
                                     blank=True, on_delete=models.CASCADE, related_name="api_writes")
    report_event = models.ForeignKey("reports.ReportEvent", verbose_name="thao tác trên báo cáo", null=True,
                                     blank=True, on_delete=models.CASCADE, related_name="api_writes")

    class Meta:
        verbose_name = "thay đổi qua API"
        verbose_name_plural = "thay đổi qua API"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.method} {self.path} — {self.at:%d/%m/%Y %H:%M}"


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an Idempotency-Key: a retry with the same key gets it again and changes
    nothing. Keys belong to the token that sent them (to the user, for the browser's session)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE,
                             related_name="+")
    token = models.ForeignKey(ApiToken, verbose_name="khóa truy cập", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    key = models.CharField("khóa Idempotency-Key", max_length=255)
    fingerprint = models.CharField("dấu vân tay yêu cầu", max_length=64,
                                   help_text="SHA-256 của phương thức, địa chỉ và nội dung yêu cầu.")
    status_code = models.PositiveSmallIntegerField("mã trả lời")
    body = models.JSONField("nội dung trả lời")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu có Idempotency-Key"
        verbose_name_plural = "yêu cầu có Idempotency-Key"
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], condition=Q(token__isnull=False),
                                    name="idempotent_key_unique_per_token",
                                    violation_error_message="Khóa Idempotency-Key này đã được dùng."),
            models.UniqueConstraint(fields=["user", "key"], condition=Q(token__isnull=True),
                                    name="idempotent_key_unique_per_session_user",
                                    violation_error_message="Khóa Idempotency-Key này đã được dùng."),
        ]

    def __str__(self):
        return f"{self.key} ({self.status_code})"

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

PATH_SEP = "/"
# Upper case only: subtrees are path prefix matches, and SQLite's LIKE ignores case.
CODE_VALIDATOR = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$", "Mã đơn vị chỉ gồm chữ IN HOA không dấu, chữ số và dấu gạch ngang."
)


class UnitKind(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh / thành phố"
    DEPARTMENT = "department", "Sở, ban, ngành cấp tỉnh"
    DISTRICT = "district", "Quận / huyện (trước 01/7/2025)"
    COMMUNE = "commune", "Xã / phường / đặc khu"
    COMMUNE_OFFICE = "commune_office", "Phòng, trung tâm cấp xã"
    ORGANISATION = "organisation", "Tổ chức, đoàn thể"
    RESIDENTIAL_GROUP = "residential_group", "Tổ dân phố / thôn"
    SCHOOL = "school", "Trường học"


class SchoolLevel(models.TextChoices):
    PRESCHOOL = "mn", "Mầm non"
    PRIMARY = "th", "Tiểu học"
    LOWER_SECONDARY = "thcs", "Trung học cơ sở"
    UPPER_SECONDARY = "thpt", "Trung học phổ thông"


class UnitQuerySet(models.QuerySet):
    def with_lineage_mark(self):
        """Each unit marked with whether it has predecessors (`has_predecessors`), read in the same query:
        code following a unit's history through merges (predecessors_of) then asks nothing more for a unit
        without any, the usual case."""
        return self.annotate(has_predecessors=models.Exists(
            UnitSuccession.objects.filter(successor=models.OuterRef("pk"))))

    def in_subtree(self, unit, include_self=True):
        """The unit's subtree in one query (materialised path prefix)."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def in_subtrees(self, units):
        """Union of several subtrees, still one query; an empty list gives nothing."""
        condition = Q(pk__in=[])
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)

    def ancestors_of(self, unit, include_self=True):
        """The chain from the root down to the unit, in one query."""
        prefixes = unit.path_prefixes()
        if not include_self:
            prefixes = prefixes[:-1]
        return self.filter(path__in=prefixes).order_by(Length("path"))

    def schools(self):
        return self.filter(kind=UnitKind.SCHOOL)

    def visible_to(self, user):
        from . import access

        return self.filter(access.unit_condition(user, ""))

    def writable_by(self, user):
        from . import access

        return self.filter(access.write_condition(user, ""))

    def valid_on(self, day):
        """Units in force on a given day (merged or dissolved units drop out)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self):
        return self.valid_on(timezone.localdate())

    def not_closed(self):
        """Units in force today or opening later (a school of the coming school year, a ward of a reform dated
        ahead): those an administrator prepares, with their accounts and the units below, before they open."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))

    def in_force_during(self, start, end):
        """Units in force on some day from `start` to `end` (a reporting period): a school opened after it or
        closed before it has nothing to report for it."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start)
        )


class TracksChanges(models.Model):
    """A row that says when it last changed (`updated_at`), for the API's changed_since: set by every save, also a
    save limited to some fields; a QuerySet.update() must set it itself."""

    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)


class Unit(TracksChanges):
    """A node of the administrative tree: a body, an office, a residential group or a school."""

    code = models.CharField(
        "mã đơn vị",
        max_length=64,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text="Mã ổn định, không đổi khi đổi tên: chữ IN HOA không dấu, chữ số và gạch ngang.",
    )
    name = models.CharField("tên đầy đủ", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    kind = models.CharField("loại đơn vị", max_length=32, choices=UnitKind.choices)
    levels = models.JSONField(
        "cấp học",
        default=list,
        blank=True,
        help_text="Chỉ với trường học; trường liên cấp TH&THCS có hai cấp.",
    )
    is_party_body = models.BooleanField(
        "cơ quan Đảng", default=False, help_text="Đảng ủy, chi bộ, ban của Đảng: báo cáo dùng tiêu đề Đảng."
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(
        "đường dẫn cây",
        max_length=1024,
        unique=True,
        editable=False,
        help_text="/MÃ-GỐC/MÃ-CON/…/ — để truy vấn cây con bằng một câu SQL.",
    )
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0, editable=False)
    place_name = models.CharField(
        "địa danh (ghi trên văn bản)",
        max_length=120,
        blank=True,
        help_text="Ví dụ: Dương Kinh, trong dòng “Dương Kinh, ngày … tháng … năm …”.",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    note = models.TextField("ghi chú", blank=True)
    is_demo = models.BooleanField("dữ liệu minh họa", default=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
                violation_error_message="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.levels and self.kind != UnitKind.SCHOOL:
            raise ValidationError({"levels": "Chỉ trường học mới có cấp học."})
        unknown = set(self.levels or []) - set(SchoolLevel.values)
        if unknown:
            raise ValidationError({"levels": f"Cấp học không hợp lệ: {', '.join(sorted(unknown))}."})
        if self.kind == UnitKind.SCHOOL and not self.levels:
            raise ValidationError({"levels": "Trường học phải có ít nhất một cấp học."})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError(
                {"parent": "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."}
            )

    # Tree maintenance is explicit (no save() override): call place() before the first save
    # and move_to() to re-parent a saved unit with its whole subtree.
    def place(self):
        """Compute path and depth from the parent; the code is the path segment."""
        try:
            CODE_VALIDATOR(self.code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from error
        prefix = self.parent.path if self.parent_id else PATH_SEP
        self.path = f"{prefix}{self.code}{PATH_SEP}"
        self.depth = self.path.count(PATH_SEP) - 2

    def move_to(self, parent):
        """Re-parent this unit; rewrites the paths of its subtree in one UPDATE per row set."""
        old_path = self.path
        if parent is not None and parent.path.startswith(old_path):
            raise ValidationError(
                {"parent": "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."}
            )
        self.parent = parent
        self.place()
        delta = self.depth - (old_path.count(PATH_SEP) - 2)
        with transaction.atomic():
            Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + delta, updated_at=timezone.now(),
            )
            self.save(update_fields=["parent", "path", "depth"])

    def path_prefixes(self):
        parts = [p for p in self.path.split(PATH_SEP) if p]
        return [PATH_SEP + PATH_SEP.join(parts[: i + 1]) + PATH_SEP for i in range(len(parts))]

    def is_in_force_during(self, start, end):
        """As UnitQuerySet.in_force_during, for a unit in memory."""
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or self.valid_to >= start)

    def is_in_subtree_of(self, other):
        return self.path.startswith(other.path)

    @property
    def display_name(self):
        return self.short_name or self.name

    def levels_display(self):
        labels = dict(SchoolLevel.choices)
        return " & ".join(labels.get(level, level) for level in self.levels or [])

    def lineage_ids(self):
        """Ids of this unit and all its predecessors (transitively), for following history forward."""
        return {self.pk} | {unit.pk for unit in predecessors_of([self.pk]).get(self.pk, [])}

    def current_successors(self):
        """Where this unit's history continues today: itself if in force, else its latest successors."""
        today = timezone.localdate()
        result, frontier, seen = [], [self], {self.pk}
        while frontier:
            unit = frontier.pop()
            if unit.valid_to is None or unit.valid_to >= today:
                result.append(unit)
                continue
            for nxt in Unit.objects.filter(predecessor_links__predecessor=unit):
                if nxt.pk not in seen:
                    seen.add(nxt.pk)
                    frontier.append(nxt)
        return result


class UnitSuccession(models.Model):
    """A merge, split or rename: the predecessor's history continues in the successor."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Sáp nhập"
        SPLIT = "split", "Chia tách"
        RENAME = "rename", "Đổi tên"

    predecessor = models.ForeignKey(
        Unit, verbose_name="đơn vị trước", on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Unit, verbose_name="đơn vị kế thừa", on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField("hình thức", max_length=16, choices=Kind.choices, default=Kind.MERGE)
    effective_on = models.DateField("ngày có hiệu lực")
    legal_basis = models.CharField(
        "căn cứ", max_length=255, blank=True, help_text="Ví dụ: Nghị quyết 1669/NQ-UBTVQH15."
    )
    # the units a merge moved from the predecessor to the successor (a ward's schools in force): their history
    # moved with them, so a period the predecessor reported itself leaves them out of the successor's figures
    moved = models.ManyToManyField(Unit, verbose_name="đơn vị chuyển về", blank=True, related_name="+")

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị (sáp nhập, chia tách)"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="unit_succession_unique",
                violation_error_message="Quan hệ kế thừa này đã có.",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="unit_succession_not_self",
                violation_error_message="Một đơn vị không thể kế thừa chính nó.",
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display().lower()})"


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    UNIT_ADMIN = "unit_admin", "Quản trị tài khoản đơn vị"
    LEADER = "leader", "Lãnh đạo"
    OFFICER = "officer", "Cán bộ phụ trách"
    SCHOOL_STAFF = "school_staff", "Cán bộ trường"
    REVIEWER = "reviewer", "Cán bộ cấp trên (theo dõi)"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in a unit: what they may see and change follows from it (units/access.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    title = models.CharField(
        "chức vụ", max_length=120, blank=True, help_text="Ví dụ: Phó Chủ tịch UBND phường, Hiệu trưởng."
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền theo đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="membership_unique",
                violation_error_message="Người dùng đã có vai trò này tại đơn vị này.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def clean(self):
        if self.role == Role.SCHOOL_STAFF and self.unit_id and self.unit.kind != UnitKind.SCHOOL:
            raise ValidationError({"unit": "Vai trò cán bộ trường chỉ gán cho một trường học."})


class AccountProfile(models.Model):
    """What the portal keeps about an account beyond Django's user: its home unit, a pending password change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="account_profile"
    )
    home_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị quản lý tài khoản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Đơn vị có quản trị viên quản lý tài khoản này (kể cả khi tài khoản không còn vai trò nào).",
    )
    must_change_password = models.BooleanField(
        "phải đổi mật khẩu khi đăng nhập", default=False,
        help_text="Mật khẩu do quản trị viên đặt: người dùng phải đổi ở lần đăng nhập đầu tiên.",
    )
    password_changed_at = models.DateTimeField(
        "đổi mật khẩu lúc", null=True, blank=True,
        help_text="Lần cuối mật khẩu được đổi hoặc đặt lại: các khóa API cá nhân tạo trước lúc này không còn dùng được.",
    )

    class Meta:
        verbose_name = "hồ sơ tài khoản"
        verbose_name_plural = "hồ sơ tài khoản"

    def __str__(self):
        return str(self.user)


class AdminEvent(models.Model):
    """One change made on the administration pages (accounts, roles, units): who, when, what."""

    class Action(models.TextChoices):
        ACCOUNT_CREATED = "account_created", "Tạo tài khoản"
        ACCOUNT_IMPORTED = "account_imported", "Tạo tài khoản (nhập từ Excel)"
        ROLE_GRANTED = "role_granted", "Giao vai trò"
        ROLE_REVOKED = "role_revoked", "Thu hồi vai trò"
        ACCOUNT_DEACTIVATED = "account_deactivated", "Ngừng tài khoản"
        ACCOUNT_REACTIVATED = "account_reactivated", "Mở lại tài khoản"
        PASSWORD_LINK_SENT = "password_link_sent", "Gửi thư đặt mật khẩu"
        PASSWORD_SET = "password_set", "Đặt mật khẩu"
        ACCOUNT_UPDATED = "account_updated", "Sửa thông tin tài khoản"
        UNIT_CREATED = "unit_created", "Thêm đơn vị"
        UNIT_RENAMED = "unit_renamed", "Đổi tên đơn vị"
        UNIT_CLOSED = "unit_closed", "Ngừng hoạt động đơn vị"
        UNIT_MERGED = "unit_merged", "Sáp nhập đơn vị"
        RESET_MAIL_SENT = "reset_mail_sent", "Gửi thư quên mật khẩu"

    action = models.CharField("thao tác", max_length=32, choices=Action.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", null=True, blank=True, on_delete=models.CASCADE,
        related_name="admin_events",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.CASCADE, related_name="admin_events"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices, blank=True)
    detail = models.CharField("chi tiết", max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("lúc", default=timezone.now)

    class Meta:
        verbose_name = "nhật ký quản trị"
        verbose_name_plural = "nhật ký quản trị"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"]), models.Index(fields=["unit", "-at"])]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


def predecessors_of(unit_ids):
    """{unit id: [its predecessors through every generation of merges, splits and renames]}, in one query
    (a recursive one) whatever the number of generations; units without predecessors are left out. The
    predecessors are read with their path and depth only (the rest is deferred). A cycle in the history
    (A succeeded B, later B succeeded A) ends where a unit comes round again."""
    unit_ids = [int(pk) for pk in unit_ids]
    if not unit_ids:
        return {}
    succession, unit = UnitSuccession._meta.db_table, Unit._meta.db_table
    marks = ", ".join(["%s"] * len(unit_ids))
    rows = Unit.objects.raw(
        f"WITH RECURSIVE lineage(owner, unit_id) AS ("
        f" SELECT successor_id, predecessor_id FROM {succession} WHERE successor_id IN ({marks})"
        f" UNION"
        f" SELECT lineage.owner, s.predecessor_id FROM lineage JOIN {succession} s ON s.successor_id = lineage.unit_id"
        f") SELECT u.id, u.path, u.depth, lineage.owner AS lineage_owner"
        f" FROM lineage JOIN {unit} u ON u.id = lineage.unit_id WHERE u.id <> lineage.owner ORDER BY u.path",
        unit_ids)
    found = {}
    for row in rows:
        found.setdefault(row.lineage_owner, []).append(row)
    return found

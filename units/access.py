"""The one place that decides who may see or change what.

Scope follows the unit tree. A membership gives its role over a *scope root*: the member's unit,
except for an upper-level reviewer placed in a provincial department (Sở GD&ĐT), whose scope is the
whole province. Reading: every role reads its scope roots' subtrees, plus the documents issued above
them (the directives they implement). Changing: officers change their unit and everything below it,
school staff only their own school, system admins everything; leaders and reviewers read.

This module knows only units and memberships. Each scoped model's QuerySet builds its
``visible_to(user)`` / ``writable_by(user)`` (and, where the workflow has them, ``reviewable_by``,
``signable_by``) from the conditions below, and views fetch single objects through
``get_object_for_user``: an object outside the user's scope is a 404 (its existence is not
revealed), one in scope that the role may not act on is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from .models import Membership, Role, Unit, UnitKind

WRITE_ROLES = {Role.OFFICER, Role.SCHOOL_STAFF}
# placed in a provincial department (Sở GD&ĐT), these roles reach the whole province
PROVINCE_WIDE_IN_DEPARTMENT = {Role.REVIEWER, Role.UNIT_ADMIN}

# action -> the QuerySet method that restricts to the objects the user may act on that way
ACTIONS = {
    "view": "visible_to",
    "change": "writable_by",
    "review": "reviewable_by",
    "sign_off": "signable_by",
    "approve": "approvable_by",
    "receive": "receivable_by",
    "enact": "enactable_by",
    "assign": "assignable_by",
}
REFUSALS = {
    "change": "Bạn không có quyền thay đổi dữ liệu của đơn vị này.",
    "review": "Chỉ cán bộ phụ trách của phường/xã mới duyệt được báo cáo của trường.",
    "sign_off": "Chỉ cán bộ phụ trách hoặc lãnh đạo của đơn vị mới chốt, gửi được báo cáo.",
    "approve": "Chỉ lãnh đạo của đơn vị mới phê duyệt được báo cáo gửi cấp trên.",
    "receive": "Chỉ cán bộ phụ trách hoặc chuyên viên của đơn vị nhận mới xác nhận hoặc trả lại được báo cáo.",
    "enact": "Chỉ lãnh đạo của đơn vị ban hành mới ký ban hành, sửa đổi hoặc thay thế kế hoạch.",
}


def _memberships(user):
    """The user's active memberships with their units, loaded once per request-user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_nq71_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).select_related("unit", "unit__parent"))
        user._nq71_memberships = cached
    return cached


def memberships(user):
    """The user's active memberships (cached on the user object), for navigation and home pages."""
    return _memberships(user)


def grant_for_request(user, grants):
    """For this request only, the user holds exactly these memberships (unsaved Membership objects): how a service
    account's identity acts with its one role at its unit (api/auth.py). Every condition of this module then
    applies as to a person holding those roles."""
    user._nq71_memberships = list(grants)


def is_system_admin(user):
    return bool(getattr(user, "is_superuser", False)) or any(m.role == Role.ADMIN for m in _memberships(user))


def scope_root(membership):
    """The top of a membership's scope: its unit, or the province for a reviewer or an administrator placed in
    a Sở."""
    unit = membership.unit
    if membership.role in PROVINCE_WIDE_IN_DEPARTMENT and unit.kind == UnitKind.DEPARTMENT and unit.parent_id:
        return unit.parent
    return unit


def scope_roots(user, roles=None):
    """The units at the top of the user's scopes (for the given roles, default all)."""
    return [scope_root(m) for m in _memberships(user) if roles is None or m.role in roles]


def roles_of(user):
    return {m.role for m in _memberships(user)}


def officer_units(user):
    """Units the user is an officer of (where they enter progress and review schools)."""
    return [m.unit for m in _memberships(user) if m.role == Role.OFFICER]


def changes_some_unit(user):
    """Whether `write_condition` lets the user change the data of any unit at all (an officer, a school's staff, an
    administrator) in force today: the pages offer what only such a writer does (importing a plan, for a unit in
    force) to them alone. The staff of a school merged or closed keep their role for its history, not the button."""
    today = timezone.localdate()
    return is_system_admin(user) or any(m.role in (Role.OFFICER, Role.SCHOOL_STAFF)
                                        and m.unit.is_in_force_during(today, today) for m in _memberships(user))


def visible_units(user):
    """Every unit the user may read: one query whatever the depth."""
    if is_system_admin(user):
        return Unit.objects.all()
    return Unit.objects.in_subtrees(scope_roots(user))


# ---- conditions: a Q over a path to a unit ("unit", "school", "document__issuer"; "" for Unit itself) ----


def _lookup(field, name):
    return f"{field}__{name}" if field else name


def _in_subtree(field, unit):
    return Q(**{_lookup(field, "path__startswith"): unit.path})


def _is(field, unit_id):
    return Q(**{_lookup(field, "pk"): unit_id})


NOTHING = Q(pk__in=[])


def unit_condition(user, field="unit", roles=None):
    """True when `field` lies in the user's scope (reading)."""
    if is_system_admin(user):
        return Q()
    condition = NOTHING
    for root in scope_roots(user, roles):
        condition |= _in_subtree(field, root)
    return condition


def _the_unit_and_below(field, membership):
    return _in_subtree(field, membership.unit)


def _the_unit_itself(field, membership):
    return _is(field, membership.unit_id)


def _strictly_below(field, membership):
    return _in_subtree(field, membership.unit) & ~_is(field, membership.unit_id)


def _by_role(user, field, rules):
    """OR, over the user's memberships, of the rule for each membership's role; everything for an admin."""
    if is_system_admin(user):
        return Q()
    condition = NOTHING
    for m in _memberships(user):
        rule = rules.get(m.role)
        if rule is not None:
            condition |= rule(field, m)
    return condition


def write_condition(user, field="unit"):
    """True when the user may change data of `field`: officers their unit and below, staff their school."""
    return _by_role(user, field, {Role.OFFICER: _the_unit_and_below, Role.SCHOOL_STAFF: _the_unit_itself})


def fill_condition(user, field="school"):
    """True when `field` is a school whose report the user fills in: its own staff."""
    return _by_role(user, field, {Role.SCHOOL_STAFF: _the_unit_itself})


def review_condition(user, field="school"):
    """True when the user reviews `field`'s reports: officers of a unit strictly above it."""
    return _by_role(user, field, {Role.OFFICER: _strictly_below})


def sign_off_condition(user, field="unit"):
    """True when the user finalises and sends `field`'s reports: its officers, or a leader of the unit itself."""
    return _by_role(user, field, {Role.OFFICER: _the_unit_and_below, Role.LEADER: _the_unit_itself})


def approve_condition(user, field="unit"):
    """True when the user approves `field`'s reports before they go up: a leader of the unit itself."""
    return _by_role(user, field, {Role.LEADER: _the_unit_itself})


def receive_condition(user, field="recipient"):
    """True when the user acknowledges or returns reports sent to `field`: its officers (and those above), or a
    reviewer whose scope contains it."""
    return _by_role(user, field, {Role.OFFICER: _the_unit_and_below,
                                  Role.REVIEWER: lambda f, m: _in_subtree(f, scope_root(m))})


def enact_condition(user, field="issuer"):
    """True when the user signs `field`'s documents into force, amends or replaces them: a leader of the unit
    itself."""
    return _by_role(user, field, {Role.LEADER: _the_unit_itself})


# Bodies that issue documents at the level of the unit they sit under (the Politburo under the centre,
# the city Party committee or the Sở under the city, the ward's Party committee under the ward).
BODY_KINDS = [UnitKind.CENTRAL, UnitKind.DEPARTMENT, UnitKind.ORGANISATION, UnitKind.COMMUNE_OFFICE]


def issued_above_condition(unit, field="issuer"):
    """A Q true when `field` is the unit, one of its ancestors, or a body beside one of them."""
    prefixes = unit.path_prefixes()
    return Q(**{f"{field}__path__in": prefixes}) | Q(
        **{f"{field}__parent__path__in": prefixes, f"{field}__kind__in": BODY_KINDS}
    )


def above_condition(user, field="unit"):
    """A Q true when `field` issued directives for one of the user's scope roots: an ancestor of it,
    or a body of an ancestor's level."""
    if is_system_admin(user):
        return Q()
    condition = NOTHING
    for root in scope_roots(user):
        condition |= issued_above_condition(root, field)
    return condition


# ---- the same rules for one unit already in memory (templates, buttons) ----


def can_read_unit(user, unit):
    return is_system_admin(user) or any(unit.is_in_subtree_of(root) for root in scope_roots(user))


def reads_working_data(user, unit):
    """Whether the user reads `unit`'s working data (its notes on figures, who entered them, their history
    and evidence): a member of the unit or of a unit above it, or a reader whose scope contains it (its
    leaders, a reviewer of the Sở). A school below the unit reads the unit's plan and the figures that
    concern it (its own, the roll-up), not the unit's working data."""
    return can_read_unit(user, unit)


def can_change_unit(user, unit):
    """Officers: their unit and below; school staff: their own school only; admins: everything."""
    if is_system_admin(user):
        return True
    for m in _memberships(user):
        if m.role == Role.OFFICER and unit.is_in_subtree_of(m.unit):
            return True
        if m.role == Role.SCHOOL_STAFF and unit.pk == m.unit_id:
            return True
    return False


def holds_role(user, unit, role):
    """Whether the user's own memberships give it, at `unit`, what `role` there gives: an officer's role at the unit
    or above it (an officer's rules reach everything below its unit), any other role at the unit itself. A
    service account acting with `role` at `unit` (api/) never holds a role its creator lacks: an officer of a
    ward does not fill in and submit, through a system, the report of a school it then approves."""
    if is_system_admin(user):
        return True
    for m in _memberships(user):
        if m.role == role and (m.unit_id == unit.pk or (role == Role.OFFICER and unit.is_in_subtree_of(m.unit))):
            return True
    return False


def can_review_school(user, school):
    """Commune officers review (approve, return, remind, reopen) the reports of schools below them."""
    if is_system_admin(user):
        return True
    return any(
        m.role == Role.OFFICER and school.is_in_subtree_of(m.unit) and school.pk != m.unit_id for m in _memberships(user)
    )


def can_reopen_entry(user, unit):
    """Reopening a unit's entry after the period locks (an exception): the level above, i.e. an officer of a
    unit strictly above it (the ward for its schools, the province for its wards), or a system admin."""
    if is_system_admin(user):
        return True
    return any(
        m.role == Role.OFFICER and unit.is_in_subtree_of(m.unit) and unit.pk != m.unit_id for m in _memberships(user)
    )


def can_fill_school_report(user, school):
    """Only the school's own staff fill in and submit its report."""
    return is_system_admin(user) or any(m.role == Role.SCHOOL_STAFF and m.unit_id == school.pk for m in _memberships(user))


def can_sign_off(user, unit):
    """Finalising and sending a unit's report upward: its officers, or a leader of the unit itself."""
    if is_system_admin(user):
        return True
    return any(
        (m.role == Role.OFFICER and unit.is_in_subtree_of(m.unit)) or (m.role == Role.LEADER and m.unit_id == unit.pk)
        for m in _memberships(user)
    )


def can_approve_report(user, unit):
    """Approving a unit's report before it is sent: a leader of the unit itself (or a system admin)."""
    return is_system_admin(user) or any(m.role == Role.LEADER and m.unit_id == unit.pk for m in _memberships(user))


def can_receive_report(user, unit):
    """Acknowledging or returning a report sent to `unit`: its officers and reviewers (as receive_condition)."""
    if is_system_admin(user):
        return True
    return any((m.role == Role.OFFICER and unit.is_in_subtree_of(m.unit))
               or (m.role == Role.REVIEWER and unit.is_in_subtree_of(scope_root(m))) for m in _memberships(user))


# ---- administration: accounts, roles and units (units/views_accounts.py, units/views_units.py) ----
#
# A unit administrator (Role.UNIT_ADMIN) manages the accounts of its scope: a ward's administrator the ward and
# its schools, an administrator placed in the province or its Sở the whole province. It gives roles only in
# units of that scope, never the system administrator's role. Only a province-level administrator maintains the
# units themselves (adds schools, renames, closes, merges wards). System administrators do everything.

GRANTABLE_ROLES = [Role.LEADER, Role.OFFICER, Role.SCHOOL_STAFF, Role.REVIEWER, Role.UNIT_ADMIN]
ADMIN_REFUSAL = "Chỉ quản trị viên tài khoản của đơn vị mới dùng được trang quản trị này."
SELF_GRANT_REFUSAL = "Bạn không thể tự giao vai trò cho tài khoản của mình: hãy nhờ quản trị viên cấp trên."
PEER_GRANT_REFUSAL = ("Tài khoản này là quản trị viên cùng cấp hoặc cấp trên của bạn: chỉ quản trị viên cấp trên "
                      "mới giao thêm vai trò cho tài khoản này.")
PEER_ADMIN_GRANT_REFUSAL = ("Vai trò quản trị viên chỉ giao được ở đơn vị cấp dưới phạm vi bạn quản trị; quản trị "
                            "viên cùng cấp với bạn do quản trị viên cấp trên giao.")
UNITS_REFUSAL = "Chỉ quản trị viên cấp tỉnh/thành phố (hoặc Sở GD&ĐT) mới sửa được danh mục đơn vị."


def admin_roots(user):
    """The units whose subtrees the user administers."""
    return scope_roots(user, roles={Role.UNIT_ADMIN})


def is_account_admin(user):
    return is_system_admin(user) or bool(admin_roots(user))


def administered_units(user):
    """The units in which the user creates accounts and gives roles: one query."""
    if is_system_admin(user):
        return Unit.objects.all()
    return Unit.objects.in_subtrees(admin_roots(user))


def can_administer_unit(user, unit):
    return is_system_admin(user) or any(unit.is_in_subtree_of(root) for root in admin_roots(user))


def administered_accounts(user, queryset):
    """The accounts of `queryset` (users) the user administers: those created in its scope or holding a role
    there; never a superuser or a system administrator (they are managed in the Django admin)."""
    queryset = queryset.exclude(is_superuser=True).exclude(
        Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.ADMIN)))
    if is_system_admin(user):
        return queryset
    roots = admin_roots(user)
    if not roots:
        return queryset.none()
    in_scope = Exists(Membership.objects.filter(user=OuterRef("pk")).filter(_in_subtrees("unit", roots)))
    return queryset.filter(in_scope | _in_subtrees("account_profile__home_unit", roots))


def _in_subtrees(field, units):
    condition = NOTHING
    for unit in units:
        condition |= _in_subtree(field, unit)
    return condition


def administers_above(user, reach):
    """Whether the user administers a scope strictly larger than `reach` (the top of a role's scope: scope_root),
    or the whole portal. A role reaching as far as one of the user's own scopes, or further, is not below it: an
    administrator placed in the Sở reaches the province, and so does a peer placed in the Sở or in the province."""
    return is_system_admin(user) or any(reach.is_in_subtree_of(root) and reach.pk != root.pk
                                        for root in admin_roots(user))


def can_administer_role(user, membership):
    """Whether the user may give or revoke `membership`, and change an account holding it: a role whose whole
    scope (scope_root: a reviewer's or an administrator's in a Sở reaches the province) lies in the user's
    scope; an administrator's role only when its scope lies strictly below the user's. A peer administrator (the
    same unit, or a Sở and its province, which reach the same units) would otherwise revoke the other's role, or set
    its password or e-mail address and sign in as it; nor does an administrator make a peer of itself."""
    reach = scope_root(membership)
    if membership.role == Role.UNIT_ADMIN:
        return administers_above(user, reach)
    return can_administer_unit(user, reach) and can_administer_unit(user, membership.unit)


def can_grant_role(user, unit, role):
    """Whether the user may give a role in `unit`: one it would then administer (can_administer_role)."""
    return role in GRANTABLE_ROLES and can_administer_role(user, Membership(unit=unit, role=role))


def grant_refusal(role):
    """Why a role the user may not give (can_grant_role) is refused, in Vietnamese."""
    if role == Role.UNIT_ADMIN:
        return PEER_ADMIN_GRANT_REFUSAL
    return "Vai trò này có phạm vi rộng hơn phạm vi bạn quản trị."


def can_change_account(user, account, account_memberships):
    """Whether the user may deactivate or reactivate `account`, set its password, name or address, or send it the
    set-password e-mail: every role it holds is one the user administers (an account also serving another ward
    is that ward's business too; a peer administrator is its superiors'), and it is not the user's own."""
    if account.pk == user.pk:
        return False
    return all(can_administer_role(user, m) for m in account_memberships)


def can_give_roles(user, account, account_memberships=None):
    """Whether the user may give `account` a role: never its own (an administrator would make itself a leader
    or an officer), nor an account holding an administrator's role the user does not administer (a peer's or a
    superior's); the administrator above does that. `account_memberships`: its active roles, if already read."""
    if account.pk == user.pk:
        return False
    if account_memberships is None:
        account_memberships = Membership.objects.active().filter(user=account, role=Role.UNIT_ADMIN).select_related(
            "unit__parent")
    return all(can_administer_role(user, m) for m in account_memberships if m.role == Role.UNIT_ADMIN)


def maintenance_roots(user):
    """The provinces whose units the user maintains (a province-level administrator's scope)."""
    return [root for root in admin_roots(user) if root.kind in (UnitKind.PROVINCE, UnitKind.CENTRAL)]


def can_maintain_units(user):
    return is_system_admin(user) or bool(maintenance_roots(user))


def maintained_units(user):
    """The units a province-level administrator adds to, renames, closes or merges: one query."""
    if is_system_admin(user):
        return Unit.objects.all()
    return Unit.objects.in_subtrees(maintenance_roots(user))


# ---- the one getter ----


MAX_ID = 2**63 - 1  # the largest key a 64-bit column holds: anything above names no row
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value):
    """The id a query string, a form or a URL names, as an int; None for anything that cannot be a row's key (not
    ASCII digits, or beyond 64 bits: the database would overflow, and int() refuses more than 4,300 digits).
    Every id read from a request goes through here: a bad one is ignored or a 404, never a server error."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    text = str(value)
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def get_object_for_user(user, queryset, pk, action="view", refusal=None):
    """The object `pk` of `queryset` if the user may see it (else 404) and act on it that way (else 403).

    `queryset` is a model's QuerySet (with select_related as the view needs) whose class offers
    `visible_to(user)` and the method named for the action in ACTIONS.
    """
    model = queryset.model
    pk = parse_id(pk)
    if pk is None:
        raise Http404(f"Không tìm thấy {model._meta.verbose_name}.")
    found = queryset.visible_to(user).filter(pk=pk)
    if action != "view":  # one query still: whether the action is allowed comes as an annotation
        allowed = getattr(model._default_manager.all(), ACTIONS[action])(user)
        found = found.annotate(_nq71_allowed=Exists(allowed.filter(pk=OuterRef("pk"))))
    obj = found.first()
    if obj is None:
        raise Http404(f"Không tìm thấy {model._meta.verbose_name}.")
    if action != "view" and not obj._nq71_allowed:
        raise PermissionDenied(refusal or REFUSALS[action])
    return obj


def _checked_pk(pk, label):
    pk = parse_id(pk)
    if pk is None:
        raise Http404(f"Không tìm thấy {label}.")
    return pk


def get_account_for_admin(user, queryset, pk):
    """The account `pk` if the user administers it (404 otherwise: its existence is not revealed); 403 for a
    user who administers nothing."""
    pk = _checked_pk(pk, "tài khoản")
    if not is_account_admin(user):
        # refused; but an account outside what the user reads is not revealed either
        if queryset.filter(pk=pk).filter(Exists(Membership.objects.filter(
                unit_condition(user), user=OuterRef("pk")))).exists():
            raise PermissionDenied(ADMIN_REFUSAL)
        raise Http404("Không tìm thấy tài khoản.")
    account = administered_accounts(user, queryset).filter(pk=pk).first()
    if account is None:
        raise Http404("Không tìm thấy tài khoản.")
    return account


def get_unit_for_maintenance(user, pk):
    """The unit `pk` if the user maintains it (404 outside the scope; 403 for a user who maintains nothing)."""
    pk = _checked_pk(pk, "đơn vị")
    if not can_maintain_units(user):
        # refused; but a unit outside what the user reads is not revealed either
        if visible_units(user).filter(pk=pk).exists():
            raise PermissionDenied(UNITS_REFUSAL)
        raise Http404("Không tìm thấy đơn vị.")
    unit = maintained_units(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def get_unit_for_user(request, pk, write=False):
    return get_object_for_user(request.user, Unit.objects.select_related("parent"), pk,
                               action="change" if write else "view")


def get_school_for_user(request, pk):
    return get_object_for_user(request.user, Unit.objects.schools().select_related("parent"), pk)

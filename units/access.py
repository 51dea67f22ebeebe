"""The one place that decides who may see or change what.

Scope follows the unit tree. A membership gives its role over a *scope root*: the member's unit,
except for an upper-level reviewer placed in a provincial department (Sở GD&ĐT), whose scope is the
whole province. Reading: every role reads its scope roots' subtrees, plus the documents issued above
them (the directives they implement). Changing: officers change their unit and everything below it,
school staff only their own school, system admins everything; leaders and reviewers read.

Views use the getters below: an object outside the user's scope is a 404 (its existence is not
revealed), one in scope that the role may not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Membership, Role, Unit, UnitKind

WRITE_ROLES = {Role.OFFICER, Role.SCHOOL_STAFF}


def _memberships(user):
    """The user's active memberships with their units, loaded once per request-user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_nq71_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).select_related("unit", "unit__parent"))
        user._nq71_memberships = cached
    return cached


def is_system_admin(user):
    return bool(getattr(user, "is_superuser", False)) or any(m.role == Role.ADMIN for m in _memberships(user))


def _scope_root(membership):
    unit = membership.unit
    if membership.role == Role.REVIEWER and unit.kind == UnitKind.DEPARTMENT and unit.parent_id:
        return unit.parent
    return unit


def scope_roots(user, roles=None):
    """The units at the top of the user's scopes (for the given roles, default all)."""
    return [_scope_root(m) for m in _memberships(user) if roles is None or m.role in roles]


def roles_of(user):
    return {m.role for m in _memberships(user)}


def visible_units(user):
    """Every unit the user may read: one query whatever the depth."""
    if is_system_admin(user):
        return Unit.objects.all()
    return Unit.objects.in_subtrees(scope_roots(user))


def unit_condition(user, field="unit", roles=None):
    """A Q over `field` (a FK to Unit) true when that unit lies in the user's scope."""
    if is_system_admin(user):
        return Q()
    condition = Q(pk__in=[])
    for root in scope_roots(user, roles):
        condition |= Q(**{f"{field}__path__startswith": root.path})
    return condition


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
    condition = Q(pk__in=[])
    for root in scope_roots(user):
        condition |= issued_above_condition(root, field)
    return condition


def can_read_unit(user, unit):
    return is_system_admin(user) or any(unit.is_in_subtree_of(root) for root in scope_roots(user))


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


def _check(user, unit, write):
    if unit is None or not can_read_unit(user, unit):
        raise Http404("Không tìm thấy.")
    if write and not can_change_unit(user, unit):
        raise PermissionDenied("Bạn không có quyền thay đổi dữ liệu của đơn vị này.")


def get_unit_for_user(request, pk, write=False):
    unit = Unit.objects.filter(pk=pk).select_related("parent").first()
    _check(request.user, unit, write)
    return unit


def get_document_for_user(request, pk, write=False):
    """A document is read by those who see its issuer or sit below it; changed by who may change its issuer."""
    from plans.models import Document

    document = Document.objects.visible_to(request.user).filter(pk=pk).select_related("issuer").first()
    if document is None:
        raise Http404("Không tìm thấy văn bản.")
    if write and not can_change_unit(request.user, document.issuer):
        raise PermissionDenied("Bạn không có quyền thay đổi văn bản này.")
    return document


def memberships(user):
    """The user's active memberships (cached on the user object), for navigation and home pages."""
    return _memberships(user)


def can_review_school(user, school):
    """Commune officers review (approve, return, remind, reopen) the reports of schools below them."""
    if is_system_admin(user):
        return True
    return any(
        m.role == Role.OFFICER and school.is_in_subtree_of(m.unit) and school.pk != m.unit_id for m in _memberships(user)
    )


def can_fill_school_report(user, school):
    """Only the school's own staff fill in and submit its report."""
    return is_system_admin(user) or any(m.role == Role.SCHOOL_STAFF and m.unit_id == school.pk for m in _memberships(user))


def officer_units(user):
    """Units the user is an officer of (where they enter progress and review schools)."""
    return [m.unit for m in _memberships(user) if m.role == Role.OFFICER]


def get_school_for_user(request, pk):
    school = Unit.objects.filter(pk=pk, kind=UnitKind.SCHOOL).select_related("parent").first()
    _check(request.user, school, write=False)
    return school


def get_target_for_user(request, pk, write=False):
    """A target is read with its document; changing its progress needs the right to change the issuer."""
    from targets.models import Target

    target = (
        Target.objects.visible_to(request.user)
        .filter(pk=pk)
        .select_related("document", "document__issuer", "indicator", "parent", "parent__document", "part_of")
        .first()
    )
    if target is None:
        raise Http404("Không tìm thấy chỉ tiêu.")
    if write and not can_change_unit(request.user, target.document.issuer):
        raise PermissionDenied("Bạn không có quyền cập nhật tiến độ chỉ tiêu này.")
    return target


def get_evidence_for_user(request, pk):
    from targets.models import Evidence

    evidence = Evidence.objects.filter(pk=pk).select_related("value__unit").first()
    if evidence is None or not can_read_unit(request.user, evidence.value.unit):
        raise Http404("Không tìm thấy minh chứng.")
    return evidence


def entry_locked(user, unit, period):
    """A school's entry closes after the period locks (unless reopened); the commune's officers may still enter."""
    if unit.kind != UnitKind.SCHOOL or can_review_school(user, unit):
        return False
    return period.is_locked_for(unit)


def can_sign_off(user, unit):
    """Finalising and sending a unit's report upward: its officers, or a leader of the unit itself."""
    if is_system_admin(user):
        return True
    return any(
        (m.role == Role.OFFICER and unit.is_in_subtree_of(m.unit)) or (m.role == Role.LEADER and m.unit_id == unit.pk)
        for m in _memberships(user)
    )


def get_outgoing_report_for_user(request, pk, write=False):
    from reports.models import OutgoingReport

    report = (OutgoingReport.objects.visible_to(request.user).filter(pk=pk)
              .select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by").first())
    if report is None:
        raise Http404("Không tìm thấy báo cáo.")
    if write and not can_sign_off(request.user, report.unit):
        raise PermissionDenied("Chỉ cán bộ phụ trách hoặc lãnh đạo của đơn vị mới chốt, gửi được báo cáo.")
    return report

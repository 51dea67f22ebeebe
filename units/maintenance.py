"""Writes of the units pages (a province administrator's): add, rename, close, merge; each recorded as an
AdminEvent. The tree stays explicit (Unit.place, Unit.move_to) and history is never rewritten: a closed or
merged unit keeps its rows and dates, and UnitSuccession lets the dashboards follow it into its successor."""

import hashlib
import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import AdminEvent, SchoolLevel, Unit, UnitKind, UnitSuccession


@transaction.atomic
def add_unit(*, parent, kind, code, name, by, short_name="", levels=(), place_name="", valid_from=None, email=""):
    taken = ValidationError({"code": f"Mã đơn vị “{code}” vừa được dùng cho một đơn vị khác (có thể do một quản trị "
                                     "viên khác)."})
    if Unit.objects.filter(code=code).exists():  # the form checked it before; another administrator may have since
        raise taken
    _check_parent_open(parent, valid_from)
    unit = Unit(parent=parent, kind=kind, code=code, name=name, short_name=short_name, levels=list(levels),
                place_name=place_name, valid_from=valid_from, email=email)
    unit.place()
    unit.full_clean()
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:  # saved by another administrator at this very moment
        raise taken from None
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_CREATED, unit=unit, by=by,
                              detail=f"Thuộc {parent.name}")
    return unit


def _check_parent_open(parent, valid_from):
    """The parent as it is now, locked until the unit is saved (another administrator closing it meanwhile waits,
    then sees the new unit below it): the new unit opens while its parent is in force. Without a date a unit is in
    force from always: under a ward that opens later it would report, be late and be reminded before its ward
    exists."""
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    start = valid_from or timezone.localdate()
    if parent.valid_to and parent.valid_to < start:
        closed = parent.valid_to + timedelta(days=1)
        raise ValidationError({"parent": f"{parent.name} đã ngừng hoạt động từ ngày {closed:%d/%m/%Y} (có thể do một "
                                         "quản trị viên khác): không thêm đơn vị vào đó."})
    # a school older than the ward it is placed under is history (the 2025 reform); a ward opening later is not yet
    opens = parent.valid_from
    if opens and opens > timezone.localdate() and (valid_from is None or valid_from < opens):
        raise ValidationError({"valid_from": f"{parent.name} hoạt động từ ngày {opens:%d/%m/%Y}: hãy nhập “Hoạt động "
                                             "từ ngày” từ ngày đó trở đi."})


def names_fingerprint(unit):
    """A digest of the names the rename page shows (full, short, place name), posted back hidden so that a rename
    from a page opened before another administrator's is refused (rename_unit) instead of putting theirs back."""
    text = json.dumps([unit.name, unit.short_name, unit.place_name], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class StaleRenameError(ValidationError):
    """The unit was renamed since the page was opened: nothing was saved. `unit`: as it now stands."""

    def __init__(self, unit, latest):
        who = ""
        if latest is not None and latest.by is not None:
            who = f" ({latest.by.get_full_name() or latest.by.username}, lúc {timezone.localtime(latest.at):%H:%M %d/%m/%Y})"
        super().__init__(
            f"Đơn vị đã được đổi tên sau khi bạn mở trang này{who}, nên chưa lưu gì. Hiện nay: tên “{unit.name}”, tên "
            f"ngắn “{unit.short_name or '(chưa có)'}”, địa danh “{unit.place_name or '(chưa có)'}”. Những gì bạn nhập "
            "vẫn còn trong các ô: hãy xem lại rồi bấm “Đổi tên” nếu vẫn muốn lưu.")
        self.unit = unit


@transaction.atomic
def rename_unit(*, unit, name, short_name, place_name, by, seen=None):
    """A new name; the code (and so every path and link) stays, the old name is kept in the log. False, nothing
    logged, when the names are already these.

    `seen`: names_fingerprint() of the unit as the page showed it; StaleRenameError if it was renamed since (None:
    not checked, for callers that show no page)."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if (locked.name, locked.short_name, locked.place_name) == (name, short_name, place_name):
        return False  # nothing to change: the same form posted twice, or saved unchanged
    if seen is not None and seen != names_fingerprint(locked):
        latest = (AdminEvent.objects.filter(unit=locked, action=AdminEvent.Action.UNIT_RENAMED).select_related("by")
                  .order_by("-at", "-pk").first())
        raise StaleRenameError(locked, latest)
    old = locked.name
    unit.name, unit.short_name, unit.place_name = name, short_name, place_name
    unit.save(update_fields=["name", "short_name", "place_name"])
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_RENAMED, unit=unit, by=by, detail=f"Tên cũ: {old}")
    return True


@transaction.atomic
def close_unit(*, unit, valid_to, reason, by):
    """The unit is in force until `valid_to` inclusive; its history stays where it was recorded. The form checked
    it was open with nothing open below it; another administrator may have closed or merged it since, or added a
    unit under it: the row is read again under its lock and the close refused rather than overwriting that."""
    now = Unit.objects.select_for_update().get(pk=unit.pk)
    if now.valid_to is not None:
        raise ValidationError(f"{unit.name} vừa được ghi ngừng hoạt động (đến hết ngày {now.valid_to:%d/%m/%Y}), có "
                              "thể do một quản trị viên khác: không ghi lại.")
    if open_children(now, valid_to).exists():
        raise ValidationError(f"{unit.name} vừa có đơn vị trực thuộc hoạt động sau ngày đó (có thể do một quản trị "
                              "viên khác thêm vào): hãy ngừng hoặc chuyển chúng trước.")
    unit.valid_to = valid_to
    unit.save(update_fields=["valid_to"])
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_CLOSED, unit=unit, by=by,
                              detail=f"Hoạt động đến hết ngày {valid_to:%d/%m/%Y}. {reason}")


def open_children(unit, day):
    """The units directly below `unit` still in force after `day`."""
    return Unit.objects.filter(parent=unit).valid_on(day + timedelta(days=1))


@transaction.atomic
def merge_communes(*, predecessors, successor, effective_on, legal_basis, by):
    """Merge wards into `successor` from `effective_on`: each predecessor is in force until the day before and
    is linked as its predecessor (so the successor's dashboards add up its history); its schools in force move
    under the successor with their whole history; its other units (offices, groups) close with it."""
    if effective_on > timezone.localdate():
        raise ValidationError("Ngày có hiệu lực của việc sáp nhập không được sau hôm nay.")
    last_day = effective_on - timedelta(days=1)
    _check_still_mergeable(predecessors, successor)
    moved = 0
    for ward in predecessors:
        schools = [child for child in open_children(ward, last_day) if child.kind == UnitKind.SCHOOL]
        for school in schools:
            school.move_to(successor)
        moved += len(schools)
        (Unit.objects.in_subtree(ward).exclude(kind=UnitKind.SCHOOL)
         .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
         .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day)).update(valid_to=last_day,
                                                                                 updated_at=timezone.now()))
        succession = UnitSuccession.objects.create(predecessor=ward, successor=successor, effective_on=effective_on,
                                                   kind=UnitSuccession.Kind.MERGE, legal_basis=legal_basis)
        succession.moved.set(schools)  # a period the ward reported itself leaves them out of the successor's
        AdminEvent.objects.create(action=AdminEvent.Action.UNIT_MERGED, unit=ward, by=by,
                                  detail=f"Sáp nhập vào {successor.name} từ {effective_on:%d/%m/%Y}. {legal_basis}")
    names = ", ".join(ward.name for ward in predecessors)
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_MERGED, unit=successor, by=by,
                              detail=f"Tiếp nhận {names} từ {effective_on:%d/%m/%Y}; {moved} trường chuyển về. "
                                     f"{legal_basis}")
    return moved


@transaction.atomic
def merge_schools(*, predecessors, successor, effective_on, legal_basis, by):
    """Merge schools of a ward into `successor` from `effective_on`: each is in force until the day before and is
    linked as its predecessor (the successor's pages add up its history, as a merged ward's); the successor teaches
    the levels of all of them from then on (its report asks their items)."""
    if effective_on > timezone.localdate():
        raise ValidationError("Ngày có hiệu lực của việc sáp nhập không được sau hôm nay.")
    last_day = effective_on - timedelta(days=1)
    _check_still_mergeable(predecessors, successor)
    for school in predecessors:
        Unit.objects.filter(pk=school.pk).update(valid_to=last_day, updated_at=timezone.now())
        UnitSuccession.objects.create(predecessor=school, successor=successor, kind=UnitSuccession.Kind.MERGE,
                                      effective_on=effective_on, legal_basis=legal_basis)
        AdminEvent.objects.create(action=AdminEvent.Action.UNIT_MERGED, unit=school, by=by,
                                  detail=f"Sáp nhập vào {successor.name} từ {effective_on:%d/%m/%Y}. {legal_basis}")
    taught = {level for unit in [successor, *predecessors] for level in unit.levels or []}
    levels = [level for level in SchoolLevel.values if level in taught]
    if levels != list(successor.levels or []):
        successor.levels = levels
        successor.save(update_fields=["levels", "updated_at"])
    names = ", ".join(school.name for school in predecessors)
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_MERGED, unit=successor, by=by,
                              detail=f"Tiếp nhận {names} từ {effective_on:%d/%m/%Y}. {legal_basis}")


def _check_still_mergeable(predecessors, successor):
    """The wards as they are now, locked until the merge is saved: the form read them earlier, and another
    administrator may have merged or closed one since (two offices entering the same decision). Merged twice, a
    ward would be the predecessor of two wards and its history counted by both; so the later merge is refused."""
    today = timezone.localdate()
    in_force = {unit.pk for unit in Unit.objects.select_for_update().filter(
        pk__in=[ward.pk for ward in predecessors] + [successor.pk]).valid_on(today)}
    merged = set(UnitSuccession.objects.filter(predecessor__in=[ward.pk for ward in predecessors],
                                               kind=UnitSuccession.Kind.MERGE).values_list("predecessor", flat=True))
    for ward in predecessors:
        if ward.pk not in in_force or ward.pk in merged:
            raise ValidationError(f"{ward.name} vừa được sáp nhập hoặc ngừng hoạt động (có thể do một quản trị viên "
                                  "khác): không sáp nhập lại. Hãy tải lại trang để xem tình trạng hiện tại.")
    if successor.pk not in in_force:
        raise ValidationError(f"{successor.name} vừa được sáp nhập hoặc ngừng hoạt động (có thể do một quản trị viên "
                              "khác): không thể tiếp nhận. Hãy tải lại trang để xem tình trạng hiện tại.")

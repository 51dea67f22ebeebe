"""Units maintenance by a province-level administrator (units/access.py: maintained_units): browse the tree,
add a unit, rename, close from a date. The merge pages are plans/views_merge.py (a merge hands tasks on)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from . import access
from .forms import UnitCloseForm, UnitCreateForm, UnitFilterForm, UnitRenameForm
from .maintenance import StaleRenameError, add_unit, close_unit, names_fingerprint, rename_unit
from .models import AdminEvent, Unit
from .search import SCOPES, UNIT_MATCHES, find_units, scope_units, unit_label, unit_list_page
from .widgets import MATCH

EVENTS_SHOWN = 30


def _require_maintainer(user):
    if not access.can_maintain_units(user):
        raise PermissionDenied(access.UNITS_REFUSAL)


@login_required
def unit_list(request):
    """The children of one unit (default: the top of the administrator's scope), or the units of its subtree
    found by name, code or kind; paged; with the recent changes."""
    _require_maintainer(request.user)
    roots = access.maintenance_roots(request.user) or list(Unit.objects.filter(parent__isnull=True))
    parent_pk = request.GET.get("unit")
    parent = access.get_unit_for_maintenance(request.user, parent_pk) if parent_pk else roots[0]
    form = UnitFilterForm(request.GET)
    text, kind = form.choice()
    today = timezone.localdate()
    maintained = access.maintained_units(request.user)
    page = unit_list_page(maintained, parent, text=text, kind=kind, page=request.GET.get("page"), today=today)
    chain = maintained.filter(path__in=parent.path_prefixes()).order_by(Length("path"))
    events = AdminEvent.objects.filter(unit__in=maintained.in_subtree(parent)).select_related("unit", "by")[:EVENTS_SHOWN]
    return render(request, "units/unit_list.html", {"parent": parent, "page": page, "form": form,
                                                    "searching": bool(text or kind), "chain": chain,
                                                    "events": events, "today": today})


@login_required
def unit_create(request):
    _require_maintainer(request.user)
    parent = access.parse_id(request.GET.get("parent"))
    initial = {"parent": parent} if parent is not None else {}
    form = UnitCreateForm(request.POST or None, admin=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = add_unit(parent=data["parent"], kind=data["kind"], code=data["code"], name=data["name"],
                            short_name=data["short_name"], levels=data["levels"], place_name=data["place_name"],
                            valid_from=data["valid_from"], email=data["email"], by=request.user)
        except ValidationError as refusal:  # the code taken since the form was checked: nothing saved
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Đã thêm {unit.name} ({unit.code}) vào {unit.parent.name}.")
            return redirect(f"{_list_url()}?unit={unit.parent_id}")
    return render(request, "units/unit_form.html", {"form": form, "title": "Thêm đơn vị",
                                                    "button": "Thêm đơn vị"})


@login_required
def unit_rename(request, pk):
    unit = access.get_unit_for_maintenance(request.user, pk)
    form = UnitRenameForm(request.POST or None, unit=unit)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        old, data = unit.name, form.cleaned_data
        try:
            renamed = rename_unit(unit=unit, by=request.user, name=data["name"], short_name=data["short_name"],
                                  place_name=data["place_name"], seen=data["seen"])
        except StaleRenameError as stale:
            # what was typed, carrying the names as they now stand: once looked at, it may be saved over them
            unit = stale.unit
            form = UnitRenameForm({**request.POST.dict(), "seen": names_fingerprint(unit)}, unit=unit)
            form.is_valid()
            form.add_error(None, stale)
            status = 409
        else:
            if renamed:
                messages.success(request, f"Đã đổi tên “{old}” thành “{unit.name}”.")
            else:
                messages.info(request, f"{unit.name}: tên không thay đổi.")
            return redirect(f"{_list_url()}?unit={unit.parent_id or unit.pk}")
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "title": f"Đổi tên {unit.name}",
                                                    "button": "Đổi tên"}, status=status)


@login_required
def unit_close(request, pk):
    unit = access.get_unit_for_maintenance(request.user, pk)
    form = UnitCloseForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            close_unit(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as refusal:  # changed by someone else since the form was checked: nothing saved
            form.add_error(None, refusal)
            return render(request, "units/unit_form.html", {"form": form, "unit": unit,
                                                            "title": f"Ngừng hoạt động {unit.name}",
                                                            "button": "Ghi nhận"})
        messages.success(request, f"{unit.name} hoạt động đến hết ngày {unit.valid_to:%d/%m/%Y}; số liệu đã ghi "
                                  "vẫn được giữ.")
        return redirect(f"{_list_url()}?unit={unit.parent_id or unit.pk}")
    return render(request, "units/unit_form.html", {"form": form, "unit": unit,
                                                    "title": f"Ngừng hoạt động {unit.name}", "button": "Ghi nhận"})


def _list_url():
    return reverse("units:unit_list")


FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,60}")


@login_required
def unit_field_search(request):
    """The matches of a unit field's search box (htmx, units/widgets.py): the units of the field's scope, as the
    user may choose them there, whose name or code holds the text, less those already chosen (sent with the
    text); check boxes or radio buttons named as the field's matches."""
    scope, name, of = request.GET.get("scope", ""), request.GET.get("name", ""), request.GET.get("of")
    of_pk = access.parse_id(of)
    if scope not in SCOPES or not FIELD_NAME.fullmatch(name) or (of is not None and not of_pk):
        raise Http404("Không có ô chọn đơn vị này.")
    text = (request.GET.get(f"{name}_q") or "").strip()[:100]
    try:
        units = scope_units(scope, request.user, of_pk)
    except TypeError:  # a scope asked without the object it depends on, or with one it takes none of
        raise Http404("Không có ô chọn đơn vị này.") from None
    found = find_units(units, text)
    chosen = set(request.GET.getlist(name))
    return render(request, "units/unit_field_matches.html", {
        "name": f"{name}{MATCH}", "q": text,
        "matches": [(unit, unit_label(unit), trail) for unit, trail in found if str(unit.pk) not in chosen],
        "limited": len(found) >= UNIT_MATCHES, "match_limit": UNIT_MATCHES,
        "input_type": "checkbox" if request.GET.get("multiple") else "radio"})

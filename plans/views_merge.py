"""The units' merge pages (a province-level administrator's, units/access.py: maintained_units), here rather than in
`units` because a merge hands the merged units' tasks on (plans/merges.py), which the units layer may not know of.
Served under /quan-tri/don-vi/ beside the other units pages (config/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from units import access
from units.forms import SchoolMergeForm, UnitMergeForm
from units.models import UnitSuccession

from .merges import merge_school_units, merge_wards

SUCCESSIONS_PER_PAGE = 50


def _require_maintainer(user):
    if not access.can_maintain_units(user):
        raise PermissionDenied(access.UNITS_REFUSAL)


@login_required
def unit_merge(request):
    """Wards merged into one, their schools moved under it with their history and their tasks handed on to it."""
    _require_maintainer(request.user)
    form = UnitMergeForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved, handed = merge_wards(predecessors=list(data["predecessors"]), successor=data["successor"],
                                        effective_on=data["effective_on"], legal_basis=data["legal_basis"],
                                        by=request.user)
        except ValidationError as refusal:  # changed by someone else since the form was checked: nothing saved
            form.add_error(None, refusal)
            return _merge_page(request, form)
        messages.success(request, f"Đã sáp nhập {', '.join(u.name for u in data['predecessors'])} vào "
                                  f"{data['successor'].name} từ ngày {data['effective_on']:%d/%m/%Y}: {moved} trường "
                                  f"chuyển về, {handed} nhiệm vụ chưa hoàn thành chuyển cho {data['successor'].name}; "
                                  "số liệu cũ được cộng vào đơn vị tiếp nhận.")
        return redirect(f"{reverse('units:unit_list')}?unit={data['successor'].parent_id}")
    return _merge_page(request, form)


@login_required
def unit_merge_schools(request):
    """Schools of a ward merged into one of them, their history followed into it (as wards are merged) and their
    tasks handed on to it."""
    _require_maintainer(request.user)
    form = SchoolMergeForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handed = merge_school_units(predecessors=list(data["predecessors"]), successor=data["successor"],
                                        effective_on=data["effective_on"], legal_basis=data["legal_basis"],
                                        by=request.user)
        except ValidationError as refusal:  # changed by someone else since the form was checked: nothing saved
            form.add_error(None, refusal)
            return _merge_page(request, form, schools=True)
        messages.success(request, f"Đã sáp nhập {', '.join(u.name for u in data['predecessors'])} vào "
                                  f"{data['successor'].name} từ ngày {data['effective_on']:%d/%m/%Y}: {handed} nhiệm "
                                  f"vụ chưa hoàn thành chuyển cho {data['successor'].name}; số liệu cũ được cộng vào "
                                  "trường tiếp nhận.")
        return redirect(f"{reverse('units:unit_list')}?unit={data['successor'].parent_id}")
    return _merge_page(request, form, schools=True)


def _merge_page(request, form, schools=False):
    """The merge form with the successions recorded in the administrator's units, paged (a province's reform
    of 2025 alone recorded hundreds of them: only the latest thirty were shown, the others unreachable)."""
    successions = (UnitSuccession.objects.filter(successor__in=access.maintained_units(request.user))
                   .select_related("predecessor", "successor").order_by("-effective_on", "-pk"))
    page = Paginator(successions, SUCCESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/unit_merge.html", {"form": form, "successions": page, "page": page,
                                                     "schools": schools})

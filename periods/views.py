"""The reporting periods on the portal, for the system administrator: the list, a school year's usual periods at
once, a period's dates and deadline, a period created by mistake deleted (issue 12: a province runs its own
reporting cycle without the Django admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from units import access

from . import actions
from .forms import PeriodForm, SchoolYearForm, SeenPeriodForm, fingerprint
from .models import Period

REFUSED = "Chỉ quản trị hệ thống mới quản lý được kỳ báo cáo."


def _admin_only(request):
    if not access.is_system_admin(request.user):
        raise PermissionDenied(REFUSED)


@login_required
def period_list(request):
    _admin_only(request)
    return _list_page(request, SchoolYearForm(initial={"school_year": _next_school_year()}))


def _list_page(request, school_year_form, status=200):
    today = timezone.localdate()
    periods = list(Period.objects.order_by("-start", "end"))
    for period in periods:
        period.state = period.state_label(today)
    return render(request, "periods/period_list.html", {"periods": periods, "school_year_form": school_year_form,
                                                        "today": today}, status=status)


def _next_school_year():
    """The school year after the latest one the portal has periods of (the current one on an empty portal)."""
    latest = Period.objects.exclude(school_year="").order_by("-school_year").values_list("school_year", flat=True).first()
    today = timezone.localdate()
    first = int(latest[:4]) + 1 if latest else (today.year if today.month >= 8 else today.year - 1)
    return f"{first}-{first + 1}"


@login_required
@require_POST
def period_school_year(request):
    _admin_only(request)
    form = SchoolYearForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        created, kept = actions.create_school_year(form.cleaned_data["school_year"])
    except ValidationError as refused:  # nothing created: why, on the list with the school year typed
        form.add_error("school_year", "Chưa tạo kỳ nào: " + "; ".join(refused.messages))
        return _list_page(request, form, status=400)
    if created:
        messages.success(request, "Đã tạo " + ", ".join(p.name for p in created) + "."
                         + (" Đã có sẵn: " + ", ".join(p.name for p in kept) + "." if kept else ""))
    else:
        messages.info(request, f"Các kỳ của năm học {form.cleaned_data['school_year']} đã có đủ; không tạo thêm kỳ nào.")
    return redirect("periods:period_list")


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    _admin_only(request)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = actions.save_period(form)
        messages.success(request, f"Đã tạo {period.name} (mã {period.code}).")
        return redirect("periods:period_list")
    return render(request, "periods/period_form.html", {"form": form, "title": "Thêm kỳ báo cáo"},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    _admin_only(request)
    period = get_object_or_404(Period, pk=pk)
    used = actions.in_use(period)
    form = SeenPeriodForm(request.POST or None, instance=period, fixed_naming=used)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_period(form, seen=form.cleaned_data["seen"])
        except actions.StalePeriodError as error:
            stale = error
        except actions.PeriodInUseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Đã lưu {saved.name}: từ {saved.start:%d/%m/%Y} đến {saved.end:%d/%m/%Y}, "
                                      f"hạn nộp {saved.deadline:%d/%m/%Y}, khóa nhập từ {saved.locks_on:%d/%m/%Y}.")
            return redirect("periods:period_list")
    if stale:  # the latest values beside what was typed, and the fingerprint of the latest to save over it
        period = stale.period
        data = request.POST.copy()
        data["seen"] = fingerprint(period)
        form = SeenPeriodForm(data, instance=period, fixed_naming=used)
        form.is_valid()
    current = Period.objects.get(pk=pk)  # as saved (the form's validation changed `period`'s fields)
    return render(request, "periods/period_form.html", {
        "form": form, "period": current, "used": used, "stale": stale,
        "title": f"Sửa {current.name}"}, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def period_delete(request, pk):
    _admin_only(request)
    period = get_object_or_404(Period, pk=pk)
    try:
        actions.delete_period(period)
    except actions.PeriodInUseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Đã xóa {period.name}.")
    return redirect("periods:period_list")

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from periods.models import Period, trend_periods
from plans.models import Document
from units import access
from units.evidence import evidence_response
from units.models import Unit

from .actions import (
    AlreadyAttachedError,
    PeriodLockedError,
    StaleValueError,
    attach_evidence,
    save_progress_value,
)
from .forms import EvidenceForm, ProgressForm, TargetFilterForm
from .models import Evidence, ProgressValue, ProgressValueChange, Target, TargetResponsibility
from .queries import plan_statuses, rollup_series, target_row
from .selection import SelectionForm


def _target(request, pk, write=False):
    """A target is read with its document; changing its progress needs the right to change the issuer."""
    return access.get_object_for_user(request.user, Target.objects.select_related("document", "document__issuer", "indicator", "parent", "parent__document", "part_of"), pk,
                                      action="change" if write else "view",
                                      refusal="Bạn không có quyền cập nhật tiến độ chỉ tiêu này.")


@login_required
def target_list(request):
    units = list(Unit.objects.filter(pk__in=Document.objects.visible_to(request.user).filter(
        access.unit_condition(request.user, "issuer"), targets__isnull=False).values("issuer")).with_lineage_mark().order_by("path"))
    own = {m.unit_id for m in access.memberships(request.user)}
    form = TargetFilterForm(request.GET, units=units, periods=Period.objects.order_by("-end", "-start"),
                            unit=next((u for u in units if u.pk in own), None))
    period = form.period
    unit = form.unit if period is not None else None  # a fresh installation: no reporting period yet
    targets = (Target.objects.filter(document__in=form.plans).targets().select_related("indicator", "document", "part_of__indicator")
               .prefetch_related(Prefetch("responsibilities", TargetResponsibility.objects.select_related("unit")))
               .filter_list(form.filters(), period) if unit else Target.objects.none())
    rows = plan_statuses(targets, unit, period, trend_periods(period, among=form.periods)) if unit else []
    context = {"form": form, "rows": rows, "unit": unit, "period": period,
               "can_edit": bool(unit) and access.can_change_unit(request.user, unit),
               "working": bool(unit) and access.reads_working_data(request.user, unit)}
    return render(request, "targets/target_list.html", context)


@login_required
def target_detail(request, pk):
    target = _target(request, pk)
    choice = SelectionForm(request.GET, periods=Period.objects.order_by("start", "kind"))
    period, periods = choice.period, choice.periods
    unit = target.document.issuer
    # a reader below the issuer (a school of the ward) sees the plan and its figures, not the issuer's working
    # data: the notes, who entered the figures, their history, the target's revisions and the evidence
    working = access.reads_working_data(request.user, unit)
    values = (ProgressValue.objects.filter(target=target, unit=unit).select_related("period", "entered_by")
              .prefetch_related("evidence").order_by("period__start"))
    row = target_row(target, period, among=periods) if period else None
    context = {
        "target": target, "period": period, "periods": periods, "row": row, "rows": [row] if row else [],
        "horizons": target.horizons.all(), "values": values,
        "children": target.children.visible_to(request.user).select_related("document", "document__issuer", "indicator"),
        "parts": target.parts.select_related("indicator").prefetch_related("horizons"),
        "series": _series(target, unit, periods),
        "changes": ProgressValueChange.objects.filter(value__target=target).select_related("value__period", "changed_by")[:50]
        if working else [],
        "can_edit": access.can_change_unit(request.user, unit), "evidence_form": EvidenceForm(),
        "working": working,
        "revisions": target.revisions.select_related("changed_by") if working else [],
        "responsibilities": target.responsibilities.select_related("unit"),
    }
    return render(request, "targets/target_detail.html", context)


def _series(target, unit, periods):
    if not target.indicator.collected_from_schools:
        return []
    sums = rollup_series(target.indicator, unit, periods)
    return [(p, sums[p.pk]) for p in periods if p.pk in sums]


@login_required
def value_edit(request, pk, period_pk):
    target = _target(request, pk, write=True)
    period = get_object_or_404(Period, pk=period_pk)
    conflict = None
    if request.method == "POST":
        # the period's lock is checked by the form (for the page) and again by the action (for the race)
        form = ProgressForm(request.POST, target=target, period=period, user=request.user)
        if form.is_valid():
            try:
                save_progress_value(target=target, period=period, values=form.values(), by=request.user,
                                    expected_version=form.cleaned_data["version"])
            except StaleValueError as stale:
                conflict = stale.current
                form = ProgressForm(request.POST, target=target, period=period, user=request.user)
                form.is_valid()
            except PeriodLockedError as locked:
                form.add_error(None, str(locked))
            else:
                return _after_save(request, target, period)
    else:
        # the figure entered, as the list's row shows it (the issuer's own, in use): one query, not the row's evaluation
        current = ProgressValue.objects.filter(target=target, unit_id=target.document.issuer_id, period=period).order_by().first()
        form = ProgressForm(target=target, period=period, user=request.user, initial=_initial(current))
    template = "targets/value_edit_row.html" if request.htmx else "targets/value_edit.html"
    return render(request, template, {"form": form, "target": target, "period": period,
                                      "conflict": conflict, "locked": form.locked})


def _after_save(request, target, period):
    if request.htmx:
        return render(request, "targets/target_list_row.html",
                      {"rows": [target_row(target, period)], "period": period, "can_edit": True, "working": True,
                       "saved": True})
    messages.success(request, "Đã lưu số liệu.")
    return redirect(f"{target.get_absolute_url()}?period={period.pk}")


def _initial(current):
    if current is None:
        return {"version": 0, "status": "in_progress"}
    achieved = {True: "yes", False: "no"}.get(current.achieved, "")
    return {"numerator": current.numerator, "denominator": current.denominator, "value": current.value,
            "achieved": achieved, "status": current.status or "in_progress", "note": current.note,
            "version": current.version}


@login_required
def value_row(request, pk, period_pk):
    """The read-only row again (cancel of an inline edit)."""
    target = _target(request, pk)
    period = get_object_or_404(Period, pk=period_pk)
    return render(request, "targets/target_list_row.html", {
        "rows": [target_row(target, period)], "period": period,
        "can_edit": access.can_change_unit(request.user, target.document.issuer),
        "working": access.reads_working_data(request.user, target.document.issuer)})


@login_required
@require_POST
def evidence_upload(request, pk, period_pk):
    target = _target(request, pk, write=True)
    period = get_object_or_404(Period, pk=period_pk)
    value = (ProgressValue.objects.filter(target=target, unit=target.document.issuer, period=period)
             .select_related("period", "unit").first())
    form = EvidenceForm(request.POST, request.FILES)
    if value is None:
        messages.error(request, "Hãy nhập số liệu của kỳ này trước khi đính kèm minh chứng.")
    elif form.is_valid():
        try:
            evidence = attach_evidence(value=value, uploaded=form.cleaned_data["file"], by=request.user)
        except (PeriodLockedError, AlreadyAttachedError) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Đã đính kèm “{evidence.original_name}”.")
    else:
        messages.error(request, " ".join(form.errors.get("file", ["Tệp không hợp lệ."])))
    return redirect(f"{target.get_absolute_url()}?period={period.pk}")


@login_required
def evidence_download(request, pk):
    evidence = access.get_object_for_user(request.user, Evidence.objects.select_related("value__unit"), pk)
    return evidence_response(evidence.file, evidence.original_name, evidence.content_type)  # older rows: cleaned too


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from periods.models import Period, current_period
from reports.dashboards import trend_periods
from targets.models import Target
from targets.queries import plan_coverage, plan_ownership, plan_statuses, status_counts
from targets.status import STATUS_ORDER, Status
from units import access

from . import importing
from .extraction import ExtractionError
from .models import Document, PlanImport, PlanImportStatus


@login_required
def plan_coverage_view(request, pk):
    document = access.get_object_for_user(request.user, Document.objects.select_related("issuer"), pk)
    # the lower plans shown are those within the user's scope: the unit asked for, else their own
    wanted = request.GET.get("unit", "")
    unit = access.visible_units(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    if unit is None and not access.is_system_admin(request.user):
        unit = next(iter(access.scope_roots(request.user)), None)
    period = _period(request)
    return render(request, "plans/plan_coverage.html", {
        "document": document, "unit": unit, "period": period,
        "coverage": plan_coverage(document, unit), "ownership": plan_ownership(document, period),
    })


def plan_public(request, pk):
    """A plan marked public: its targets and where they stand, readable without signing in.

    No names, notes or evidence: only what the plan promised and the aggregated figures.
    """
    document = get_object_or_404(Document.objects.public().select_related("issuer"), pk=pk)
    period = _period(request)
    targets = (Target.objects.filter(document=document).targets()
               .select_related("indicator", "document").prefetch_related("horizons", "scope_units"))
    statuses = plan_statuses(targets, document.issuer, period, trend_periods(period))
    return render(request, "plans/plan_public.html", {
        "document": document, "period": period, "statuses": statuses, "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "periods": Period.objects.filter(start__lte=period.end).order_by("-end")[:12],
    })


def plan_public_list(request):
    return render(request, "plans/plan_public_list.html", {
        "documents": Document.objects.public().select_related("issuer").order_by("issuer__path"),
    })


def _period(request):
    wanted = request.GET.get("period")
    return (Period.objects.filter(pk=wanted).first() if wanted and wanted.isdigit() else None) or current_period()


# ---- importing a plan from a file (plans/importing.py) -----------------------------------------------


def _plan_import_for_user(request, pk):
    """An import of a unit outside the user's scope is a 404; one the user may not change, a 403."""
    return access.get_object_for_user(
        request.user, PlanImport.objects.select_related("unit", "uploaded_by", "document__issuer"), pk,
        action="change", refusal="Bạn không có quyền nhập kế hoạch cho đơn vị này.")


@login_required
def plan_import_upload(request):
    form = importing.PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        raise PermissionDenied("Chỉ cán bộ được thay đổi dữ liệu của một đơn vị mới nhập được kế hoạch.")
    if request.method == "POST" and form.is_valid():
        try:
            plan_import = importing.start_import(unit=form.cleaned_data["unit"], uploaded_file=form.cleaned_data["file"],
                                                 by=request.user)
        except ExtractionError as error:
            form.add_error("file", str(error))
        else:
            return redirect("plans:plan_import_review", pk=plan_import.pk)
    reviewing = (PlanImport.objects.visible_to(request.user).filter(status=PlanImportStatus.REVIEWING)
                 .select_related("unit", "uploaded_by").defer("text", "proposals"))
    return render(request, "plans/plan_import_upload.html", {"form": form, "reviewing": reviewing})


@login_required
def plan_import_review(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    if plan_import.status == PlanImportStatus.CREATED:
        return redirect("plans:plan_import_done", pk=plan_import.pk)
    return render(request, "plans/plan_import_review.html", importing.review_context(plan_import))


@login_required
@require_POST
def plan_import_decide(request, pk, index):
    plan_import = _plan_import_for_user(request, pk)
    form = importing.ProposalForm(request.POST, item=importing.proposal_at(plan_import, index), index=index)
    if form.is_valid():
        try:
            importing.review_proposal(plan_import=plan_import, index=index, decision=form.cleaned_data["decision"],
                                      fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = None
    if not request.htmx:
        if form is None:
            return redirect(f"{reverse('plans:plan_import_review', args=[pk])}#p-{index}")
        return render(request, "plans/plan_import_review.html", importing.review_context(plan_import, forms={index: form}))
    return render(request, "plans/plan_import_decide.html", {
        "plan_import": plan_import, "row": importing.review_row(plan_import, index, form),
        "counts": plan_import.counts(), "total": len(plan_import.items()),
    })


@login_required
@require_POST
def plan_import_create(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    form = importing.PlanMetadataForm(request.POST, plan_import=plan_import)
    if form.is_valid():
        try:
            document = importing.create_plan_from_import(plan_import=plan_import, by=request.user,
                                                         metadata=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Đã tạo {document.short_label}: “{document.title}”.")
            return redirect("plans:plan_import_done", pk=plan_import.pk)
    return render(request, "plans/plan_import_review.html",
                  importing.review_context(plan_import, metadata_form=form, errors=form.non_field_errors()))


@login_required
@require_POST
def plan_import_discard(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    try:
        importing.discard_import(plan_import=plan_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:plan_import_review", pk=plan_import.pk)
    messages.success(request, f"Đã hủy lần nhập tệp “{plan_import.source_name}”; không có gì được tạo.")
    return redirect("plans:plan_import_upload")


@login_required
def plan_import_done(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    if plan_import.document is None:
        return redirect("plans:plan_import_review", pk=plan_import.pk)
    return render(request, "plans/plan_import_done.html", {
        "plan_import": plan_import, "document": plan_import.document,
        "result": plan_import.proposals.get("result", {}),
        "targets": importing.created_targets(plan_import.document),
    })

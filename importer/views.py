from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plans.models import PlanImport, PlanImportStatus
from units import access

from . import actions, forms, review


def _plan_import_for_user(request, pk):
    """An import of a unit outside the user's scope is a 404; one the user may not change, a 403."""
    return access.get_object_for_user(
        request.user, PlanImport.objects.select_related("unit", "uploaded_by", "document__issuer"), pk,
        action="change", refusal="Bạn không có quyền nhập kế hoạch cho đơn vị này.")


@login_required
def plan_import_upload(request):
    form = forms.PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        raise PermissionDenied("Chỉ cán bộ được thay đổi dữ liệu của một đơn vị mới nhập được kế hoạch.")
    if request.method == "POST" and form.is_valid():
        plan_import = actions.start_import(unit=form.cleaned_data["unit"], uploaded_file=form.cleaned_data["file"],
                                           by=request.user)
        return redirect("importer:plan_import_review", pk=plan_import.pk)
    open_statuses = [PlanImportStatus.READING, PlanImportStatus.FAILED, PlanImportStatus.REVIEWING]
    reviewing = (PlanImport.objects.visible_to(request.user).filter(status__in=open_statuses)
                 .select_related("unit", "uploaded_by").defer("text", "proposals"))
    return render(request, "importer/plan_import_upload.html", {"form": form, "reviewing": reviewing})


@login_required
def plan_import_review(request, pk):
    """The proposals beside the text; while the file is read, its progress, which htmx asks for every 2 s."""
    plan_import = _plan_import_for_user(request, pk)
    if plan_import.status == PlanImportStatus.CREATED:
        return redirect("importer:plan_import_done", pk=plan_import.pk)
    if plan_import.status in (PlanImportStatus.READING, PlanImportStatus.FAILED):
        template = "importer/plan_import_review_reading.html" if request.htmx else "importer/plan_import_review.html"
        return render(request, template, review.reading_context(plan_import))
    if request.htmx:  # the poll of a reading that has just finished: the whole review page
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("importer:plan_import_review", args=[plan_import.pk])
        return response
    return render(request, "importer/plan_import_review.html", review.review_context(plan_import))


@login_required
@require_POST
def plan_import_retry(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    try:
        actions.retry_import(plan_import=plan_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("importer:plan_import_review", pk=plan_import.pk)


@login_required
@require_POST
def plan_import_decide(request, pk, index):
    plan_import = _plan_import_for_user(request, pk)
    form = forms.ProposalForm(request.POST, item=actions.proposal_at(plan_import, index), index=index)
    if form.is_valid():
        try:
            actions.review_proposal(plan_import=plan_import, index=index, decision=form.cleaned_data["decision"],
                                    fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = None
    if not request.htmx:
        if form is None:
            return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#p-{index}")
        return render(request, "importer/plan_import_review.html", review.review_context(plan_import, forms={index: form}))
    return render(request, "importer/plan_import_decide.html", {
        "plan_import": plan_import, "row": review.review_row(plan_import, index, form),
        "counts": plan_import.counts(), "total": len(plan_import.items()),
    })


@login_required
@require_POST
def plan_import_create(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    form = forms.PlanMetadataForm(request.POST, plan_import=plan_import)
    if form.is_valid():
        try:
            document = actions.create_plan_from_import(plan_import=plan_import, by=request.user,
                                                       metadata=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Đã tạo {document.short_label}: “{document.title}”.")
            return redirect("importer:plan_import_done", pk=plan_import.pk)
    return render(request, "importer/plan_import_review.html",
                  review.review_context(plan_import, metadata_form=form, errors=form.non_field_errors()))


@login_required
@require_POST
def plan_import_discard(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    try:
        actions.discard_import(plan_import=plan_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("importer:plan_import_review", pk=plan_import.pk)
    messages.success(request, f"Đã hủy lần nhập tệp “{plan_import.source_name}”; không có gì được tạo.")
    return redirect("importer:plan_import_upload")


@login_required
def plan_import_done(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    if plan_import.document is None:
        return redirect("importer:plan_import_review", pk=plan_import.pk)
    return render(request, "importer/plan_import_done.html", {
        "plan_import": plan_import, "document": plan_import.document,
        "result": plan_import.proposals.get("result", {}),
        "targets": review.created_targets(plan_import.document),
    })

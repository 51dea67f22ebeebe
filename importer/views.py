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
    return render(request, "importer/plan_import_review.html", review.review_context(plan_import, user=request.user))


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
    stale = False
    if form.is_valid():
        try:
            actions.review_proposal(plan_import=plan_import, index=index, decision=form.cleaned_data["decision"],
                                    fields=form.cleaned_data, seen=form.cleaned_data["seen"])
        except actions.StaleProposalError as refusal:
            plan_import.refresh_from_db(fields=["proposals"])
            form, stale = _proposal_refused(request, refusal, index), True
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = None
    if not request.htmx:
        if form is None:
            return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#p-{index}")
        return render(request, "importer/plan_import_review.html",
                      review.review_context(plan_import, user=request.user, forms={index: form}),
                      status=409 if stale else 200)
    return render(request, "importer/plan_import_decide.html", {
        "plan_import": plan_import, "row": review.review_row(plan_import, index, form),
        "counts": plan_import.counts(), "total": len(plan_import.items()),
        "is_reviewing": plan_import.status == PlanImportStatus.REVIEWING,
    })


def _proposal_refused(request, refusal, index):
    """The form of a refused decision. The same proposal changed by a colleague: what the officer typed, with its
    version now, so that once looked at it may be sent again. Another proposal now at that place (moved, merged,
    split): that one as it stands, saying so, for the figures typed were meant for another."""
    item = refusal.item
    if request.POST.get("proposal") == item["id"]:
        form = forms.ProposalForm({**request.POST.dict(), "seen": forms.proposal_fingerprint(item)},
                                  item=item, index=index)
        form.is_valid()
        form.add_error(None, refusal)
        return form
    shown = request.POST.get("proposal") or "bạn đã sửa"
    # bound to its own values so that the refusal can be said; "rejected": its figures as read are not judged here
    form = forms.ProposalForm({**forms.proposal_initial(item), "decision": "rejected"}, item=item, index=index)
    form.is_valid()
    form.add_error(None, f"Đề xuất ở vị trí này đã thay đổi: các đề xuất đã được gộp, tách hoặc chuyển chỗ sau khi bạn "
                         f"mở trang này, nên chưa lưu gì. Ở đây nay là đề xuất {item['id']}, chỉ số "
                         f"“{item['indicator']}”, như hiện có. Đề xuất {shown} ở chỗ khác trong danh sách: hãy tải lại "
                         "trang, tìm nó rồi nhập lại.")
    return form


@login_required
@require_POST
def plan_import_arrange(request, pk, index):
    """Merge a proposal with the one below, split it in two, or move it; the page is shown again at its place."""
    plan_import = _plan_import_for_user(request, pk)
    form = forms.ArrangeForm(request.POST)
    shown = index
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    else:
        try:
            shown = actions.arrange_proposal(plan_import=plan_import, index=index, operation=form.cleaned_data["operation"],
                                             proposal_id=form.cleaned_data["proposal"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, ARRANGED[form.cleaned_data["operation"]].format(form.cleaned_data["proposal"]))
    return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#p-{shown}")


ARRANGED = {"merge": "Đã gộp đề xuất {} với đề xuất bên dưới; hãy xem lại rồi chấp nhận.",
            "split": "Đã tách đề xuất {} làm hai; hãy sửa từng phần rồi chấp nhận.",
            "up": "Đã chuyển đề xuất {} lên.", "down": "Đã chuyển đề xuất {} xuống."}


@login_required
@require_POST
def plan_import_section_horizon(request, pk):
    """One deadline for all the proposals under a heading."""
    plan_import = _plan_import_for_user(request, pk)
    form = forms.SectionHorizonForm(request.POST, proposals=plan_import.proposals)
    if form.is_valid():
        try:
            changed = actions.set_section_horizon(plan_import=plan_import, section=form.cleaned_data["section"],
                                                  deadline=form.cleaned_data["deadline"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Đã đặt thời hạn {form.cleaned_data['deadline']} cho {changed} đề xuất của "
                                      f"mục “{form.cleaned_data['section']}”.")
            return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#proposals")
    return render(request, "importer/plan_import_review.html", review.review_context(plan_import, user=request.user, section_form=form))


@login_required
@require_POST
def plan_import_tasks(request, pk):
    """Save the review of the task proposals (kept or dropped, lead unit, deadline) at once."""
    plan_import = _plan_import_for_user(request, pk)
    form = forms.TaskReviewForm(request.POST, proposals=plan_import.proposals)
    # the page sends the particulars with the tasks (one form): kept when valid, shown again as typed when not
    metadata_form = forms.PlanMetadataForm(request.POST, plan_import=plan_import) if "title" in request.POST else None
    if form.is_valid() and (metadata_form is None or metadata_form.is_valid()):
        try:
            actions.review_tasks(plan_import=plan_import, decisions=form.cleaned_data["decisions"],
                                 metadata=metadata_form and metadata_form.cleaned_data,
                                 page_seen=request.POST.get(forms.PAGE_SEEN, ""))
        except (actions.StalePageError, actions.MissingPageError) as stale:
            return _page_refused(request, plan_import, stale, task_form=form, metadata_form=metadata_form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Đã lưu việc xem xét nhiệm vụ.")
            return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#tasks")
    return render(request, "importer/plan_import_review.html",
                  review.review_context(plan_import, user=request.user, task_form=form, metadata_form=metadata_form))


def _page_refused(request, plan_import, stale, **forms_typed):
    """The review page refused as stale (409) or as carrying no version (400): what was typed kept in its forms, the
    page now carrying the import as it stands (page_seen), so that once looked at it may be sent again."""
    plan_import.refresh_from_db(fields=["proposals"])
    return render(request, "importer/plan_import_review.html",
                  review.review_context(plan_import, user=request.user, errors=stale.messages, **forms_typed),
                  status=400 if isinstance(stale, actions.MissingPageError) else 409)


@login_required
@require_POST
def plan_import_cited(request, pk):
    """Add a portal document the plan is based on, drop one the reader cited, or keep it again; the particulars
    and the task review typed on the page are saved with it (the buttons submit the create form)."""
    plan_import = _plan_import_for_user(request, pk)
    basis_form = forms.PlanBasisForm(request.POST, plan_import=plan_import, user=request.user)
    metadata_form = forms.PlanMetadataForm(request.POST, plan_import=plan_import) if "title" in request.POST else None
    task_form = (forms.TaskReviewForm(request.POST, proposals=plan_import.proposals)
                 if forms.TASKS_SHOWN in request.POST else None)
    valid = [form.is_valid() for form in (basis_form, metadata_form, task_form) if form is not None]
    if all(valid):
        data = basis_form.cleaned_data
        try:
            lost = actions.change_cited(
                plan_import=plan_import, add=data["add"], drop=data["drop"], keep=data["keep"],
                metadata=metadata_form and metadata_form.cleaned_data,
                task_decisions=task_form and task_form.cleaned_data["decisions"],
                page_seen=request.POST.get(forms.PAGE_SEEN, ""))
        except (actions.StalePageError, actions.MissingPageError) as stale:
            return _page_refused(request, plan_import, stale, task_form=task_form, metadata_form=metadata_form)
        except ValidationError as error:
            basis_form.add_error(None, error)
        else:
            done = " ".join(text for text, did in (
                ("Đã bỏ văn bản khỏi các văn bản căn cứ.", data["drop"] is not None),
                ("Đã giữ lại văn bản căn cứ.", data["keep"] is not None),
                (f"Đã thêm {data['add'].short_label} vào các văn bản căn cứ." if data["add"] else "", data["add"]),
            ) if did)
            if lost:
                done += (f" {lost} đề xuất không còn gắn với chỉ tiêu cấp trên đã chọn (chỉ tiêu đó thuộc văn bản "
                         f"vừa bỏ): hãy xem lại.")
            messages.success(request, done)
            return redirect(f"{reverse('importer:plan_import_review', args=[pk])}#plan-metadata")
    errors = ["Chưa thay đổi được văn bản căn cứ: " + " ".join(basis_form.non_field_errors())] \
        if basis_form.non_field_errors() else []
    if (metadata_form is not None and metadata_form.errors) or (task_form is not None and task_form.errors):
        errors.append("Phần thông tin văn bản hoặc nhiệm vụ có chỗ chưa hợp lệ (xem bên dưới): hãy sửa rồi thao tác lại.")
    return render(request, "importer/plan_import_review.html",
                  review.review_context(plan_import, user=request.user, metadata_form=metadata_form, errors=errors, task_form=task_form,
                                        basis_form=basis_form), status=400)


@login_required
@require_POST
def plan_import_create(request, pk):
    plan_import = _plan_import_for_user(request, pk)
    form = forms.PlanMetadataForm(request.POST, plan_import=plan_import)
    # the task review as shown on the page (saved or not) goes with the plan; a client that sends no task
    # fields leaves the saved review as it is
    task_form = (forms.TaskReviewForm(request.POST, proposals=plan_import.proposals)
                 if forms.TASKS_SHOWN in request.POST else None)
    # a document chosen to add to the cited ones, "Thêm" not pressed: added with the plan, not dropped
    basis_form = forms.PlanBasisForm(request.POST, plan_import=plan_import, user=request.user)
    if form.is_valid() and (task_form is None or task_form.is_valid()) and basis_form.is_valid():
        try:
            document = actions.create_plan_from_import(
                plan_import=plan_import, by=request.user, metadata=form.cleaned_data,
                task_decisions=task_form and task_form.cleaned_data["decisions"],
                add_cited=basis_form.cleaned_data["add"], page_seen=request.POST.get(forms.PAGE_SEEN, ""))
        except (actions.StalePageError, actions.MissingPageError) as stale:
            return _page_refused(request, plan_import, stale, task_form=task_form, metadata_form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Đã tạo {document.name}.")
            return redirect("importer:plan_import_done", pk=plan_import.pk)
    errors = list(form.non_field_errors())
    if task_form is not None and task_form.errors:
        errors.append("Phần nhiệm vụ có chỗ chưa hợp lệ (xem bên dưới): hãy sửa rồi tạo lại kế hoạch.")
    if basis_form.errors:
        errors.append("Văn bản căn cứ chọn thêm không hợp lệ (xem phần thông tin văn bản): hãy chọn lại.")
    return render(request, "importer/plan_import_review.html",
                  review.review_context(plan_import, user=request.user, metadata_form=form, errors=errors,
                                        task_form=task_form, basis_form=basis_form if basis_form.errors else None))


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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from units import access
from units.evidence import evidence_response
from units.models import Membership, Unit

from .actions import (
    PlanStateError,
    StaleEditError,
    amend_plan,
    enact_plan,
    replace_plan,
    reported_state,
    state_fingerprint,
    update_task,
)
from .forms import (
    STALE_ASSIGN,
    PlanAmendForm,
    PlanEnactForm,
    PlanFilterForm,
    PlanReplaceForm,
    TaskAssignForm,
    TaskFilterForm,
    TaskUpdateForm,
)
from .models import Document, DocumentRevision, DocumentStatus, Task, TaskUpdate


def plan_public_list(request):
    return render(request, "plans/plan_public_list.html", {
        "documents": Document.objects.public().select_related("issuer").order_by("issuer__path"),
    })


# ---- a plan's page and the steps of its life ----


PLANS_PER_PAGE = 50


@login_required
def plan_list(request):
    """The plans issued in the user's scope, drafts first (what a leader has to sign), then by unit; searched and
    paged, since a ministry's scope holds the plans of 45,000 schools."""
    plans = Document.objects.plans().values("pk")
    form = PlanFilterForm(request.GET or None)
    documents = form.filtered(Document.objects.filter(access.unit_condition(request.user, "issuer"))
                              .filter(Q(pk__in=plans) | Q(status=DocumentStatus.DRAFT))
                              .select_related("issuer").order_by("status", "issuer__path", "-issued_on", "title", "pk"))
    page = Paginator(documents, PLANS_PER_PAGE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "plans/plan_list.html", {"form": form, "page": page, "query": query.urlencode(),
                                                    "can_import": access.changes_some_unit(request.user)})


def _plan(request, pk, action="view"):
    queryset = Document.objects.select_related("issuer", "enacted_by", "replaced_by").with_permissions(request.user)
    return access.get_object_for_user(request.user, queryset, pk, action=action)


@login_required
def plan_detail(request, pk):
    document = _plan(request, pk)
    revisions = list(document.revisions.select_related("created_by"))
    context = {
        "document": document,
        # the plan's targets, each named with the units it names; its projection table apart, as the plan prints it
        "targets": document.targets.filter(is_projection=False).select_related("indicator")
        .prefetch_related("horizons", "scope_units").order_by("order", "pk"),
        "projections": document.targets.filter(is_projection=True).select_related("indicator")
        .prefetch_related("horizons").order_by("order", "pk"),
        "revisions": revisions,
        "amended": any(r.kind == DocumentRevision.Kind.AMENDED for r in revisions),
        "can_revise": document.can_change and document.status != DocumentStatus.SUPERSEDED,
        "replaces": document.replaces.all(),
        "task_count": document.tasks.count(),
        # the chain of directives: what the plan implements, and how many plans below implement it (the coverage
        # page lists them), as far as the user reads
        "basis": Document.objects.visible_to(request.user).filter(implemented_by=document).select_related("issuer")
        .order_by("issuer__depth", "-issued_on", "pk"),
        "lower_count": Document.objects.visible_to(request.user).filter(implements=document).count(),
    }
    return render(request, "plans/plan_detail.html", context)


def _plan_step(request, pk, form_class, step, template):
    """The three steps share one shape: a leader of the issuer, a form, one action, back to the plan's page. A step
    refused because someone changed the plan since the page was opened shows the plan as it now is (409), with
    what the user typed."""
    document = _plan(request, pk, action="enact")
    form = form_class(request.POST or None, document=document)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            step(document, form.cleaned_data, request.user)
        except PlanStateError as refusal:
            form.add_error(None, str(refusal))
        except StaleEditError as stale:
            conflict = stale
        else:
            return redirect("plans:plan_detail", pk=document.pk)
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, template, {"document": document, "form": form, "conflict": conflict}, status=status)


@login_required
def plan_enact(request, pk):
    def step(document, data, by):
        enact_plan(document=document, number=data["number"], issued_on=data["issued_on"], by=by)
        messages.success(request, "Kế hoạch đã được ký ban hành và có hiệu lực.")
    return _plan_step(request, pk, PlanEnactForm, step, "plans/plan_enact.html")


@login_required
def plan_amend(request, pk):
    def step(document, data, by):
        amend_plan(document=document, changes=data, reason=data["reason"], by=by, seen=data["seen"])
        messages.success(request, "Đã ghi nhận sửa đổi, bổ sung; phiên bản trước vẫn xem được trong lịch sử.")
    return _plan_step(request, pk, PlanAmendForm, step, "plans/plan_amend.html")


@login_required
def plan_replace(request, pk):
    def step(document, data, by):
        replace_plan(document=document, replacement=data["replacement"], reason=data["reason"], by=by)
        messages.success(request, f"Kế hoạch đã được thay thế bởi {data['replacement'].short_label}.")
    return _plan_step(request, pk, PlanReplaceForm, step, "plans/plan_replace.html")


# ---- tasks ----


TASKS_PER_PAGE = 50


@login_required
def task_list(request):
    today = timezone.localdate()
    form = TaskFilterForm(request.GET or None)
    tasks = (form.filtered(Task.objects.responsible_in_scope(request.user), request.user, today)
             .select_related("document", "document__issuer", "lead_unit", "group")
             .prefetch_related(Prefetch("coordinating_units", Unit.objects.order_by("path")))
             .order_by(F("due_date").asc(nulls_last=True), "document", "group__order", "order", "pk"))
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "plans/task_list.html", {"form": form, "page": page, "today": today,
                                                    "query": query.urlencode()})


def _task(request, pk, action="view"):
    queryset = Task.objects.select_related("document", "document__issuer", "lead_unit", "group")
    return access.get_object_for_user(request.user, queryset, pk, action=action,
                                      refusal="Chỉ đơn vị chủ trì hoặc phối hợp mới cập nhật được nhiệm vụ này.")


def _leads(user, task):
    """Whether the user sets the task's state and due date (Task.objects.led_by_writer), not only reports its part."""
    return Task.objects.led_by_writer(user).filter(pk=task.pk).exists()


def _reads_task_work(user, task):
    """Whether the user reads the working data (notes, names, evidence) of the unit that leads the task, as a
    target's page decides it for the plan's issuer (units.access.reads_working_data)."""
    return access.reads_working_data(user, task.lead_unit or task.document.issuer)


def _task_updates(user, task):
    """The reports on a task the user reads: all of them for a reader of the lead unit's working data (its own
    people, those above it); for a reader below it (a school coordinating a ward office's task), only the reports
    written by people of the units the user reads: its own, not the lead unit's working history."""
    updates = task.updates.select_related("created_by", "lead_before", "lead_unit")
    if _reads_task_work(user, task):
        return updates
    # any membership, active or not: a report stays its unit's when its author has left
    written_in_scope = Membership.objects.filter(access.unit_condition(user, "unit"), user=OuterRef("created_by"))
    return updates.filter(Exists(written_in_scope))


def _task_page(request, task, update_form=None, assign_form=None, conflict=None, status=200):
    writable = Task.objects.writable_by(request.user).filter(pk=task.pk).exists()
    assignable = Task.objects.assignable_by(request.user).filter(pk=task.pk).exists()
    state = reported_state(task) if writable or assignable else None  # what both forms carry as seen
    context = {
        "task": task, "today": timezone.localdate(),
        "coordinating": task.coordinating_units.order_by("path"),
        "updates": _task_updates(request.user, task), "working": _reads_task_work(request.user, task),
        "update_form": (update_form or TaskUpdateForm(task=task, leads=_leads(request.user, task), state=state))
        if writable else None,
        "assign_form": (assign_form or TaskAssignForm(task=task, user=request.user, state=state))
        if assignable else None,
        "conflict": conflict,
    }
    return render(request, "plans/task_detail.html", context, status=status)


@login_required
def task_detail(request, pk):
    return _task_page(request, _task(request, pk))


@login_required
@require_POST
def task_update(request, pk):
    task = _task(request, pk, action="change")
    form = TaskUpdateForm(request.POST, request.FILES, task=task, leads=_leads(request.user, task))
    if not form.is_valid():
        return _task_page(request, task, update_form=form, status=400)
    data = form.cleaned_data
    try:
        update_task(task=task, status=data["status"], due_date=data["due_date"], note=data["note"],
                    evidence=data["evidence"], by=request.user, seen=data["seen"])
    except StaleEditError as stale:
        # the page again, with the task as it now stands and what the user typed; who changed it is named only to
        # a reader of that report (a school is not told the ward office's names)
        if stale.latest is not None and not _task_updates(request.user, task).filter(pk=stale.latest.pk).exists():
            stale.latest = None
        return _task_page(request, _task(request, pk), update_form=form, conflict=stale, status=409)
    messages.success(request, "Đã cập nhật nhiệm vụ.")
    return redirect("plans:task_detail", pk=task.pk)


@login_required
@require_POST
def task_assign(request, pk):
    task = _task(request, pk, action="assign")
    form = TaskAssignForm(request.POST, task=task, user=request.user)
    if form.is_valid() and form.repeated is not None:  # the same handing on sent twice: done by the first
        messages.success(request, f"Đã giao nhiệm vụ cho {form.repeated.lead_unit.name}.")
        return redirect("plans:task_detail", pk=task.pk)
    if not form.is_valid():  # refused, or the units its search found (no JavaScript): the page again
        return _assign_refused(request, task, form)
    unit = form.cleaned_data["lead_unit"]
    try:
        # the state and due date stay as this request read them: a report saved meanwhile is not undone; `seen`:
        # the page's, so that a handing on from a page opened before another one's is refused, not applied over it
        update_task(task=task, status=task.status, due_date=task.due_date, lead_unit=unit, by=request.user,
                    note=form.cleaned_data["note"] or f"Giao cho {unit.name} chủ trì.", seen=form.cleaned_data["seen"])
    except StaleEditError:  # changed between the form's check and the lock
        form.stale = True
        return _assign_refused(request, _task(request, pk), form)
    messages.success(request, f"Đã giao nhiệm vụ cho {unit.name}.")
    return redirect("plans:task_detail", pk=task.pk)


def _assign_refused(request, task, form):
    """The task's page with the handing-on form as sent. Refused because the task moved on since the page was
    opened: the form as typed, carrying the task's state now, so that once looked at it may be sent again (409)."""
    if form.stale:
        form = TaskAssignForm({**request.POST.dict(), "seen": state_fingerprint(reported_state(task))}, task=task,
                              user=request.user)
        form.is_valid()
        form.add_error(None, STALE_ASSIGN)
        return _task_page(request, task, assign_form=form, status=409)
    return _task_page(request, task, assign_form=form, status=200 if form.searching else 400)


@login_required
def task_evidence_download(request, pk):
    update = access.get_object_for_user(
        request.user, TaskUpdate.objects.exclude(evidence="").select_related("task__lead_unit", "task__document__issuer"),
        pk)
    # a report the task's page does not show the user (the lead unit's working data, read from below) is not found
    update = get_object_or_404(_task_updates(request.user, update.task), pk=update.pk)
    return evidence_response(update.evidence, update.evidence_name, update.evidence_type)


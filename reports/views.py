from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from periods.models import SCHOOL_REPORT_KINDS, Period, PeriodException, current_period
from targets.forms import EvidenceForm
from targets.selection import SelectionForm, UnitSearchForm, plans_for
from units import access
from units.models import Role, UnitKind
from units.search import UNIT_MATCHES, find_units, unit_trail

from . import actions, dashboards, outgoing, queries, school_form_xlsx
from .forms import ExceptionForm, ReportUploadForm, ReturnForm, SchoolReportForm, VersionForm
from .models import (
    OutgoingReport,
    OutgoingStatus,
    ReportEvent,
    ReportStatus,
    SchoolReport,
    SchoolReportAttachment,
    SchoolReportEntryChange,
)


@login_required
def home(request):
    user = request.user
    period = current_period()
    if period is None:  # a fresh installation: no reporting period has been set up yet
        return render(request, "reports/home.html", {"period": None})
    officer_units = access.officer_units(user)
    schools = [m.unit for m in access.memberships(user) if m.role == Role.SCHOOL_STAFF]
    overview_units = [m.unit for m in access.memberships(user) if m.role in (Role.LEADER, Role.REVIEWER)]
    context = {
        "period": period,
        "officer_blocks": [_officer_block(unit, period) for unit in officer_units],
        "school_blocks": [_school_block(school, period) for school in schools],
        "overview_blocks": [_overview_block(access.scope_root(m), period, m) for m in access.memberships(user)
                            if m.unit in overview_units],
        # an administrator's work: the accounts (and, at a province, the units) they manage
        "administers": access.is_account_admin(user), "maintains_units": access.can_maintain_units(user),
    }
    return render(request, "reports/home.html", context)


HOME_LIST = 10  # what a block of the home page lists at most: the rest is counted, with a link to the page listing it


def _officer_block(unit, period):
    """An officer's work at `unit`, in a fixed number of queries whatever the schools below (a ministry officer
    follows 45,000): the counts in SQL, the first HOME_LIST reports to review and late schools named."""
    total = queries.state_totals(unit, period)
    awaiting_review = queries.reports_awaiting_review([unit])
    awaiting_update = queries.targets_awaiting_update(unit, period)
    to_review = list(awaiting_review.order_by("submitted_at", "pk")[:HOME_LIST])
    to_review_count = len(to_review) if len(to_review) < HOME_LIST else awaiting_review.count()
    return {"unit": unit, "awaiting_update": list(awaiting_update[:8]), "awaiting_update_count": awaiting_update.count(),
            "awaiting_review": to_review, "awaiting_review_count": to_review_count,
            "awaiting_review_more": to_review_count - len(to_review),
            # the unit's own reports the level above returned: to finalise again
            "returned": list(OutgoingReport.objects.filter(unit=unit, status=OutgoingStatus.RETURNED)
                             .select_related("document", "period").order_by("-answered_at")),
            "rate": total.rate.percent, "late": queries.late_schools(unit, period, HOME_LIST),
            "late_count": total.late(period), "counts": total.labelled(period)}


def _school_block(school, period):
    report = SchoolReport.objects.filter(school=school, period=period).first()
    returned = SchoolReport.objects.filter(school=school, status=ReportStatus.RETURNED).select_related("period")
    return {"school": school, "report": report, "returned": returned,
            "locked": period.is_locked_for(school), "overdue": period.is_overdue()}


def _overview_block(unit, period, membership):
    total = queries.state_totals(unit, period)  # counted in SQL: a national leader's scope has 45,000 schools
    # a reviewer sees the reports that arrived from below; a leader those of their unit waiting for approval
    received = outgoing.received_reports(unit) if membership.role == Role.REVIEWER else []
    to_approve = outgoing.reports_to_approve(membership.unit) if membership.role == Role.LEADER else []
    return {"unit": unit, "rate": total.rate.percent,
            "counts": total.labelled(period), "n": total.schools, "reported": total.reported, "received": received, "to_approve": to_approve,
            "is_reviewer": membership.role == Role.REVIEWER}


@login_required
def school_report_list(request):
    schools = [m.unit for m in access.memberships(request.user) if m.role == Role.SCHOOL_STAFF]
    if not schools:
        return redirect("reports:period_completeness")
    periods = list(Period.objects.filter(kind__in=SCHOOL_REPORT_KINDS).order_by("-start"))
    blocks = []
    merged = queries.merged_on(schools)
    for school in schools:
        reports = {r.period_id: r for r in queries.school_reports_of(school)}
        # the semesters the school was open in (and any it has a report for): not those before it opened, nor
        # those after it was merged into another school (which reports for it)
        shown = [p for p in periods if p.pk in reports or queries.reports_for(school, p, merged)]
        blocks.append({"school": school, "reports": reports, "periods": shown})
    return render(request, "reports/school_report_list.html", {"blocks": blocks, "periods": periods})


def _school_period(pk):
    """A period schools report on (their semesters): any other has no school report page (404)."""
    return get_object_or_404(Period, pk=pk, kind__in=SCHOOL_REPORT_KINDS)


@login_required
def school_report_detail(request, school_pk, period_pk):
    school = access.get_school_for_user(request, school_pk)
    period = _school_period(period_pk)
    report = SchoolReport.objects.filter(school=school, period=period).first()
    if report is None and not queries.reports_for(school, period):
        raise Http404(f"{school.name} không hoạt động trong {period.name}: trường không có báo cáo kỳ này.")
    can_fill = access.can_fill_school_report(request.user, school)
    items = actions.applicable_items(school)
    form, conflict, conflict_message = None, None, ""
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied("Chỉ cán bộ của trường mới nhập được báo cáo của trường.")
        form = SchoolReportForm(request.POST, items=items)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                _, refused = actions.file_school_report(
                    school=school, period=period, entries=form.entries(), narrative=form.narrative(),
                    by=request.user, expected_version=form.cleaned_data["version"], submit=submit)
            except actions.StaleReportError as stale:
                conflict, conflict_message = stale.report, str(stale)
            except actions.WorkflowError as error:
                messages.error(request, str(error))
            else:
                if refused:
                    messages.error(request, f"Đã lưu nháp. {refused}")
                else:
                    messages.success(request, "Đã nộp báo cáo. Báo cáo được khóa chờ cán bộ phụ trách duyệt."
                                     if submit else "Đã lưu nháp báo cáo.")
                return redirect("reports:school_report_detail", school.pk, period.pk)
        elif report is None or report.is_editable:
            messages.error(request, "Báo cáo chưa được lưu: hãy sửa các ô báo lỗi bên dưới.")
    if form is None:
        form = SchoolReportForm(initial=_initial(report, items), items=items)
    return _school_report_page(request, school, period, report, form, items=items, conflict=conflict,
                               conflict_message=conflict_message)


def _school_report_page(request, school, period, report, form=None, *, items=None, conflict=None,
                        conflict_message="", return_form=None, status=200):
    """A school's report page; `return_form`: the officer's return or reopening, bound when it comes back refused
    (its comment kept, the reason shown)."""
    items = items if items is not None else actions.applicable_items(school)
    if form is None:
        form = SchoolReportForm(initial=_initial(report, items), items=items)
    can_fill = access.can_fill_school_report(request.user, school)
    locked = period.is_locked_for_user(request.user, school)
    # a draft (or a returned report) of a school merged by the period's end: shown, never sent (its successor
    # reports for both)
    merged = queries.merged_into(school, period) if report is not None and report.is_editable else None
    context = {
        "school": school, "period": period, "report": report, "form": form, "conflict": conflict,
        "locked": locked, "conflict_message": conflict_message,
        "merged_refusal": actions.merged_draft_refusal(report, merged) if merged else "",
        "editable": can_fill and (report is None or report.is_editable) and not locked and not merged,
        "can_review": access.can_review_school(request.user, school), "return_form": return_form or ReturnForm(),
        "events": _history(report),
        "attachments": list(report.attachments.select_related("uploaded_by")) if report else [],
        "evidence_form": EvidenceForm(),
        "missing": actions.missing_items(report) if report else items,
    }
    return render(request, "reports/school_report_detail.html", context, status=status)


def _history(report):
    """The report's last 30 steps with who took them and the figures each save changed (before → after)."""
    if report is None:
        return []
    changes = Prefetch("changes", SchoolReportEntryChange.objects.select_related("item"))
    return report.events.select_related("by").prefetch_related(changes)[:30]


def _initial(report, items):
    from .forms import field_name
    from .models import ItemKind

    if report is None:
        return {"version": SchoolReport._meta.get_field("version").default}  # the version a new report starts at
    figures = report.entries_by_code()
    initial = {"version": report.version, "highlights": report.highlights, "difficulties": report.difficulties,
               "proposals": report.proposals}
    for item in items:
        value = figures.get(item.code)
        if value is not None and item.kind == ItemKind.YES_NO:
            value = str(int(value))
        initial[field_name(item)] = value
    return initial


def _review(request, pk):
    return access.get_object_for_user(request.user, SchoolReport.objects.select_related("school", "period"), pk,
                                      action="review")


@login_required
@require_POST
def school_report_approve(request, pk):
    report = _review(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["version"]))
    else:
        try:
            actions.approve_school_report(report=report, by=request.user, expected_version=form.cleaned_data["version"])
            messages.success(request, f"Đã duyệt báo cáo của {report.school}. Số liệu đã được tổng hợp vào chỉ tiêu.")
        except actions.WorkflowError as error:
            messages.error(request, str(error))
    return redirect("reports:school_report_detail", report.school_id, report.period_id)


@login_required
@require_POST
def school_report_return(request, pk):
    report = _review(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            actions.return_school_report(report=report, by=request.user, comment=form.cleaned_data["comment"],
                                         expected_version=form.cleaned_data["version"])
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Đã trả lại báo cáo của {report.school} để chỉnh sửa.")
            return redirect("reports:school_report_detail", report.school_id, report.period_id)
    # the page again, the report as it now stands, with the comment typed and why it was refused: nothing is lost
    report.refresh_from_db()
    return _school_report_page(request, report.school, report.period, report, return_form=form, status=400)


COMPLETENESS_KINDS = [UnitKind.CENTRAL, UnitKind.PROVINCE, UnitKind.COMMUNE]  # the units that follow schools


@login_required
def period_completeness(request):
    """The schools' reports for a semester under a unit: a commune's schools one by one, a province's
    communes (the country's provinces) summarised with a link down to each; paged either way."""
    homes = access.officer_units(request.user) or [
        access.scope_root(m) for m in access.memberships(request.user) if m.role != Role.SCHOOL_STAFF]
    if not homes:
        raise PermissionDenied("Trang này dành cho cán bộ phụ trách và lãnh đạo.")
    units = dashboards.dashboard_units(request.user, kinds=COMPLETENESS_KINDS)
    choice = SelectionForm(request.GET, units=units, unit=homes[0], periods=Period.objects.filter(
        kind__in=SCHOOL_REPORT_KINDS).order_by("-start"))
    unit, period, page = choice.unit, choice.period, request.GET.get("page")
    by_child = unit.kind in (UnitKind.CENTRAL, UnitKind.PROVINCE)
    if by_child:
        children, total = queries.completeness_by_child(unit, period)
        rows = Paginator(children, queries.COMPLETENESS_PAGE).get_page(page)
    else:
        total = queries.state_totals(unit, period)
        rows = queries.completeness_page(unit, period, total, page)
    text, _, _ = UnitSearchForm(request.GET).choice()
    return render(request, "reports/period_completeness.html", {
        "unit": unit, "unit_trail": unit_trail(unit), "period": period, "periods": choice.periods,
        "rows": rows, "by_child": by_child, "total": total, "rate": total.rate.percent,
        "counts": total.labelled(period),
        "can_review": not by_child and bool(rows) and access.can_review_school(request.user, rows[0]),
        "period_locked": timezone.localdate() > period.locks_on, "exception_form": ExceptionForm(),
        "q": text, "matches": find_units(units, text), "match_limit": UNIT_MATCHES,
        "without_schools": True, "up": _completeness_parent(request.user, unit),
    })


def _completeness_parent(user, unit):
    """The unit above, when its completeness page is one the user may open (for the link back up)."""
    parent = unit.parent
    return parent if parent and parent.kind in COMPLETENESS_KINDS and access.can_read_unit(user, parent) else None


@login_required
@require_POST
def period_remind(request, period_pk):
    period = get_object_or_404(Period, pk=period_pk)
    unit = access.get_unit_for_user(request, request.POST.get("unit"), write=True)
    sent, schools, unreachable = actions.remind_schools(unit=unit, period=period, by=request.user)
    if sent is None:
        messages.error(request, "Chưa gửi được thư nhắc: máy chủ thư điện tử không nhận thư. Hãy thử lại sau; "
                                "nếu vẫn không được, báo quản trị hệ thống.")
    else:
        messages.success(request, f"Đã gửi {sent} thư nhắc tới {schools} trường chưa nộp báo cáo.")
    if unreachable:
        messages.warning(request, f"Không gửi được thư nhắc tới {len(unreachable)} trường: " + "; ".join(
            f"{school.name} ({why})" for school, why in unreachable) + ".")
    return redirect(f"{_completeness_url()}?unit={unit.pk}&period={period.pk}")


def _completeness_url():
    from django.urls import reverse

    return reverse("reports:period_completeness")


@login_required
@require_http_methods(["GET", "POST"])
def period_exception(request, period_pk):
    """The level above reopens a unit's entry after the lock: a ward's officer for a school (from the
    completeness page), the province's officer for a ward (from the inbox). The pages carry the form folded in
    each row; a refusal comes back on a page of its own with what was typed and why (GET `?unit=`: that page,
    empty), never a redirect that drops the reason written."""
    period = get_object_or_404(Period, pk=period_pk)
    data = request.POST if request.method == "POST" else None
    wanted = access.parse_id((data or request.GET).get("unit"))
    unit = (access.visible_units(request.user).filter(pk=wanted).select_related("parent").first()
            if wanted is not None else None)
    if unit is None:  # another unit's, or none: nothing of it is told
        raise Http404("Không tìm thấy đơn vị cần mở nhập.")
    form = ExceptionForm(data, initial={"unit": unit.pk})
    if not access.can_reopen_entry(request.user, unit):
        raise PermissionDenied("Chỉ cán bộ phụ trách của cấp trên mới gia hạn được.")
    exception, status = None, 200 if data is None else 400
    if data is not None and form.is_valid():
        try:
            exception = actions.grant_period_exception(period=period, unit=unit, by=request.user,
                                                       open_until=form.cleaned_data["open_until"],
                                                       reason=form.cleaned_data["reason"], seen=form.cleaned_data["seen"])
        except actions.StaleExceptionError as stale:  # a colleague's reopening since the page: not replaced unseen
            form.add_error(None, str(stale))
            status = 409
    if exception is None:
        # the page, with what was typed and why it was refused; it carries the reopening as it now stands
        granted = PeriodException.objects.filter(period=period, unit=unit).select_related("granted_by").first()
        return render(request, "reports/period_exception.html", {
            "period": period, "unit": unit, "form": form, "granted": granted,
            "seen": actions.exception_version(granted), "back": _exception_return(unit, period)}, status=status)
    messages.success(request, f"Đã mở nhập số liệu cho {unit} đến ngày {exception.open_until:%d/%m/%Y}.")
    return redirect(_exception_return(unit, period))


def _exception_return(unit, period):
    """Where a reopening (granted or refused) returns: the inbox of the ward's province, or the completeness page
    of the school's ward, for the period."""
    page = reverse("reports:report_inbox") if unit.kind != UnitKind.SCHOOL else _completeness_url()
    return f"{page}?unit={unit.parent_id}&period={period.pk}"


@login_required
@require_POST
def school_report_attach(request, school_pk, period_pk):
    """The school's staff attach an evidence file to the report (a draft or returned, entry open): checked by its
    whole content as every evidence file is (targets.forms.EvidenceForm); refused, nothing is kept."""
    school = access.get_school_for_user(request, school_pk)
    period = _school_period(period_pk)
    if not access.can_fill_school_report(request.user, school):
        raise PermissionDenied("Chỉ cán bộ của trường mới đính kèm được minh chứng cho báo cáo của trường.")
    if (not SchoolReport.objects.filter(school=school, period=period).exists()
            and not queries.reports_for(school, period)):
        raise Http404(f"{school.name} không hoạt động trong {period.name}: trường không có báo cáo kỳ này.")
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa đính kèm: " + " ".join(form.errors.get("file", ["Tệp không hợp lệ."])))
    else:
        try:
            attachment = actions.attach_to_report(school=school, period=period, uploaded=form.cleaned_data["file"],
                                                  by=request.user)
        except actions.WorkflowError as error:
            messages.error(request, f"Chưa đính kèm: {error}")
        else:
            messages.success(request, f"Đã đính kèm “{attachment.original_name}”.")
    return redirect(f"{reverse('reports:school_report_detail', args=[school.pk, period.pk])}#attachments")


def _attachment(request, pk):
    """An evidence file of a report the user reads (another unit's: not found)."""
    attachment = get_object_or_404(SchoolReportAttachment.objects.select_related("report__school", "report__period"),
                                   pk=pk)
    access.get_school_for_user(request, attachment.report.school_id)
    return attachment


@login_required
def school_report_attachment(request, pk):
    from units.evidence import evidence_response

    attachment = _attachment(request, pk)
    return evidence_response(attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_POST
def school_report_attachment_remove(request, pk):
    attachment = _attachment(request, pk)
    report = attachment.report
    if not access.can_fill_school_report(request.user, report.school):
        raise PermissionDenied("Chỉ cán bộ của trường mới gỡ được minh chứng của báo cáo.")
    try:
        actions.remove_attachment(attachment=attachment, by=request.user)
    except actions.WorkflowError as error:
        messages.error(request, f"Chưa gỡ được tệp: {error}")
    else:
        messages.success(request, f"Đã gỡ tệp “{attachment.original_name}” khỏi báo cáo.")
    return redirect(f"{reverse('reports:school_report_detail', args=[report.school_id, report.period_id])}#attachments")


@login_required
def school_report_xlsx(request, school_pk, period_pk):
    """The report as an Excel form to fill in offline, pre-filled with the figures entered so far."""
    school = access.get_school_for_user(request, school_pk)
    period = _school_period(period_pk)
    report = SchoolReport.objects.filter(school=school, period=period).first()
    content = school_form_xlsx.build_report_template(school, period, report)
    filename = f"mau-nhap-bao-cao-{school.code}-{period.code}.xlsx"
    return HttpResponse(content, content_type=school_form_xlsx.XLSX_CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@login_required
@require_POST
def school_report_upload(request, school_pk, period_pk):
    """Read the filled-in Excel form: all its figures are saved as one draft, or none when a cell is wrong."""
    school = access.get_school_for_user(request, school_pk)
    period = _school_period(period_pk)
    if not access.can_fill_school_report(request.user, school):
        raise PermissionDenied("Chỉ cán bộ của trường mới nhập được báo cáo của trường.")
    if (not SchoolReport.objects.filter(school=school, period=period).exists()
            and not queries.reports_for(school, period)):  # as the report's page: no report to start here either
        raise Http404(f"{school.name} không hoạt động trong {period.name}: trường không có báo cáo kỳ này.")
    form = ReportUploadForm(request.POST, request.FILES, school=school, period=period)
    if not form.is_valid():
        return _upload_refused(request, school, period, form.errors["file"])
    try:
        # one transaction, so that a refused upload (locked period, submitted report) leaves no empty report
        with transaction.atomic():
            report = actions.get_or_start_report(school=school, period=period)
            actions.save_school_report(
                report=report, entries=form.entries, narrative=form.narrative, by=request.user,
                expected_version=report.version, action=ReportEvent.Action.UPLOADED, upload=form.upload)
    except actions.WorkflowError as error:
        messages.error(request, str(error))
    else:
        filled = sum(1 for value in form.entries.values() if value is not None)
        messages.success(request, f"Đã nhập số liệu từ tệp Excel ({filled} mục). Báo cáo vẫn là bản nháp: "
                                  "hãy kiểm tra lại bên dưới rồi bấm “Nộp báo cáo”.")
    return redirect("reports:school_report_detail", school.pk, period.pk)


def _upload_refused(request, school, period, errors):
    """The report page as school_report_detail shows it to the school's staff, with the file's errors."""
    report = SchoolReport.objects.filter(school=school, period=period).first()
    items = actions.applicable_items(school)
    locked = period.is_locked_for_user(request.user, school)
    return render(request, "reports/school_report_detail.html", {
        "school": school, "period": period, "report": report, "conflict": None, "locked": locked,
        "form": SchoolReportForm(initial=_initial(report, items), items=items),
        "editable": (report is None or report.is_editable) and not locked,
        "can_review": access.can_review_school(request.user, school), "return_form": ReturnForm(),
        "events": _history(report),
        "attachments": list(report.attachments.select_related("uploaded_by")) if report else [],
        "evidence_form": EvidenceForm(),
        "missing": actions.missing_items(report) if report else items,
        "upload_errors": errors,
    })


def _dashboard_choices(request):
    """The unit, plan and period a dashboard shows, from the query string within the user's scope, and
    what the unit picker found when its search was submitted without JavaScript (?q=…)."""
    units = dashboards.dashboard_units(request.user)
    choice = SelectionForm(request.GET, units=units, plans=plans_for, periods=Period.objects.order_by("-end"))
    if choice.unit is None:
        raise PermissionDenied("Tài khoản chưa được phân quyền tại đơn vị nào.")
    text, _, _ = UnitSearchForm(request.GET).choice()
    return {"unit": choice.unit, "unit_trail": unit_trail(choice.unit), "plans": choice.plans,
            "document": choice.document, "periods": choice.periods, "period": choice.period,
            "q": text, "matches": find_units(units, text), "match_limit": UNIT_MATCHES}


@login_required
def unit_search(request):
    """The unit picker's search (htmx): the units of the user's dashboards whose name or code holds the
    text, at most UNIT_MATCHES, each a link that opens the page the picker is on for that unit."""
    text, period, without_schools = UnitSearchForm(request.GET).choice()
    kinds = COMPLETENESS_KINDS if without_schools else dashboards.DASHBOARD_KINDS
    matches = find_units(dashboards.dashboard_units(request.user, kinds=kinds), text)
    return render(request, "reports/dashboard_picker_results.html", {
        "q": text, "matches": matches, "match_limit": UNIT_MATCHES, "period_pk": period})


@login_required
def dashboard_unit(request):
    context = _dashboard_choices(request)
    if context["document"] is not None:
        context.update(dashboards.unit_dashboard(context["unit"], context["document"], context["period"],
                                                 periods=context["periods"]))
    context["status_filter"] = request.GET.get("status", "")
    context["can_sign_off"] = context["unit"] is not None and access.can_sign_off(request.user, context["unit"])
    return render(request, "reports/dashboard_unit.html", context)


@login_required
def dashboard_drilldown(request):
    context = _dashboard_choices(request)
    if context["document"] is not None:
        context.update(dashboards.drilldown(context["unit"], context["document"], context["period"],
                                            sort=request.GET.get("sort"), category=request.GET.get("category"),
                                            periods=context["periods"], page=request.GET.get("page")))
    context["sort"] = request.GET.get("sort", "")
    return render(request, "reports/dashboard_drilldown.html", context)

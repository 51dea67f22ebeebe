"""Views of reports sent upward: finalise, send, the parent's inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from periods.models import Period
from targets.selection import SelectionForm, plans_for
from units import access

from . import outgoing
from .actions import WorkflowError
from .content import ReportContent, school_narratives
from .forms import ExceptionForm, VersionForm
from .models import OutgoingReport


@login_required
def report_finalise(request):
    asked = {**request.POST.dict(), **request.GET.dict()}  # the link's query string, else the posted form
    unit = access.get_unit_for_user(request, asked.get("unit") or 0)
    if not access.can_sign_off(request.user, unit):
        raise PermissionDenied("Chỉ cán bộ phụ trách hoặc lãnh đạo của đơn vị mới chốt được báo cáo.")
    choice = SelectionForm(asked, units=[unit], plans=plans_for, periods=Period.objects.all(), fallback=False)
    if choice.document is None:
        raise Http404("Không tìm thấy kế hoạch.")
    if choice.period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    document, period = choice.document, choice.period
    existing = OutgoingReport.objects.filter(unit=unit, document=document, period=period).first()
    if existing and request.method != "POST":
        return redirect("reports:outgoing_detail", existing.pk)
    originals = school_narratives(unit, period)
    if request.method == "POST":
        try:
            report = outgoing.finalise_report(
                unit=unit, document=document, period=period, number=request.POST.get("number", "").strip()[:60],
                narratives=outgoing.narratives_from_post(request.POST, originals), by=request.user,
                seen_narratives=request.POST.get("seen", ""))
        except outgoing.StaleOutgoingError as stale:
            messages.error(request, str(stale))
            return redirect("reports:outgoing_detail", stale.report.pk)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Đã chốt báo cáo: số liệu và tệp báo cáo được giữ nguyên, không thay đổi nữa.")
            return redirect("reports:outgoing_detail", report.pk)
    return render(request, "reports/report_finalise.html", {
        "unit": unit, "document": document, "period": period, "narratives": originals,
        "seen": outgoing.narratives_fingerprint(originals), "number": request.POST.get("number", ""),
    })


@login_required
def outgoing_detail(request, pk):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by", "sent_by"), pk)
    return render(request, "reports/outgoing_detail.html", {
        "report": report, "content": ReportContent.from_json(report.snapshot),
        "can_sign_off": access.can_sign_off(request.user, report.unit),
    })


@login_required
@require_POST
def outgoing_send(request, pk):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by"), pk,
                                         action="sign_off")
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["version"]))
        return redirect("reports:outgoing_detail", report.pk)
    try:
        report = outgoing.send_report(report=report, by=request.user, expected_version=form.cleaned_data["version"])
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Đã gửi báo cáo lên {report.recipient.name}.")
    return redirect("reports:outgoing_detail", report.pk)


@login_required
def outgoing_download(request, pk, fmt):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by"), pk)
    file = {"xlsx": report.xlsx_file, "pdf": report.pdf_file}.get(fmt)
    if not file:
        raise Http404("Không có tệp này.")
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


@login_required
def report_inbox(request):
    roots = [u for u in access.scope_roots(request.user) if u.kind != "school"]
    units = roots or list(access.visible_units(request.user).filter(depth=1))
    if not units:
        raise PermissionDenied("Trang này dành cho đơn vị nhận báo cáo của cấp dưới.")
    choice = SelectionForm(request.GET, units=units, plans=plans_for, periods=Period.objects.order_by("-end"))
    unit, period = choice.unit, choice.period
    rows = outgoing.inbox(unit, period)
    return render(request, "reports/report_inbox.html", {
        "unit": unit, "units": units, "period": period, "periods": choice.periods, "rows": rows,
        "received": sum(1 for r in rows if r.report), "plans": choice.plans,
        "reopenable": outgoing.entry_exceptions(request.user, rows, period), "exception_form": ExceptionForm(),
        "sent": OutgoingReport.objects.filter(unit=unit, period=period).select_related("document"),
    })



"""Views of reports sent upward: finalise, send, the parent's inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from periods.models import Period, current_period
from units import access

from . import outgoing
from .actions import WorkflowError
from .content import ReportContent, school_narratives
from .dashboards import plans_for
from .models import OutgoingReport


@login_required
def report_finalise(request):
    unit = access.get_unit_for_user(request, request.GET.get("unit") or request.POST.get("unit") or 0)
    if not access.can_sign_off(request.user, unit):
        raise PermissionDenied("Chỉ cán bộ phụ trách hoặc lãnh đạo của đơn vị mới chốt được báo cáo.")
    document = _plan(unit, request.GET.get("plan") or request.POST.get("plan"))
    period = get_object_or_404(Period, pk=request.GET.get("period") or request.POST.get("period") or 0)
    existing = OutgoingReport.objects.filter(unit=unit, document=document, period=period).first()
    if existing:
        return redirect("reports:outgoing_detail", existing.pk)
    originals = school_narratives(unit, period)
    if request.method == "POST":
        try:
            report = outgoing.finalise_report(
                unit=unit, document=document, period=period, number=request.POST.get("number", "").strip()[:60],
                narratives=outgoing.narratives_from_post(request.POST, originals), by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Đã chốt báo cáo: số liệu và tệp báo cáo được giữ nguyên, không thay đổi nữa.")
            return redirect("reports:outgoing_detail", report.pk)
    return render(request, "reports/report_finalise.html", {
        "unit": unit, "document": document, "period": period, "narratives": originals,
        "number": request.POST.get("number", ""),
    })


def _plan(unit, wanted):
    plan = next((d for d in plans_for(unit) if str(d.pk) == str(wanted)), None)
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    return plan


@login_required
def outgoing_detail(request, pk):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by"), pk)
    return render(request, "reports/outgoing_detail.html", {
        "report": report, "content": ReportContent.from_json(report.snapshot),
        "can_sign_off": access.can_sign_off(request.user, report.unit),
    })


@login_required
@require_POST
def outgoing_send(request, pk):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by"), pk,
                                         action="sign_off")
    try:
        report = outgoing.send_report(report=report, by=request.user)
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
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
    periods = list(Period.objects.order_by("-end"))
    period = next((p for p in periods if str(p.pk) == request.GET.get("period")), None) or current_period()
    rows = outgoing.inbox(unit, period)
    return render(request, "reports/report_inbox.html", {
        "unit": unit, "units": units, "period": period, "periods": periods, "rows": rows,
        "received": sum(1 for r in rows if r.report), "plans": plans_for(unit),
        "sent": OutgoingReport.objects.filter(unit=unit, period=period).select_related("document"),
    })



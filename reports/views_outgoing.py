"""Views of reports sent upward: finalise, the leader's approval, send, the parent's acknowledgement or return,
the parent's inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from periods.models import Period
from targets.selection import SelectionForm, plans_for
from units import access
from units.models import UnitKind
from units.textfields import NUL_REFUSAL, control_character_refusal

from . import outgoing
from .actions import WorkflowError
from .content import ReportContent, school_narratives, signer_title
from .forms import AnswerForm, ExceptionForm, InboxFilterForm, ReportSectionsForm, VersionForm
from .models import OutgoingReport, OutgoingStatus

# what a report's page and its steps load with the report (one query)
REPORT_RELATED = ("unit", "unit__parent", "document", "period", "recipient", "finalised_by", "approved_by",
                  "sent_by", "answered_by")


@login_required
def report_finalise(request):
    asked = {**request.POST.dict(), **request.GET.dict()}  # the link's query string, else the posted form
    unit = access.get_unit_for_user(request, asked.get("unit") or 0)
    if not access.can_sign_off(request.user, unit):
        raise PermissionDenied("Chỉ cán bộ phụ trách hoặc lãnh đạo của đơn vị mới chốt được báo cáo.")
    if unit.kind == UnitKind.CENTRAL:  # nothing above it to send to (outgoing.finalise_report refuses it too)
        messages.error(request, outgoing.NATIONAL_REFUSAL)
        return redirect(f"{reverse('reports:dashboard_unit')}?unit={unit.pk}")
    choice = SelectionForm(asked, units=[unit], plans=plans_for, periods=Period.objects.all(), fallback=False)
    if choice.document is None:
        raise Http404("Không tìm thấy kế hoạch.")
    if choice.period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    document, period = choice.document, choice.period
    existing = OutgoingReport.objects.filter(unit=unit, document=document, period=period).first()
    if existing and existing.status != OutgoingStatus.RETURNED and request.method != "POST":
        return redirect("reports:outgoing_detail", existing.pk)
    originals = school_narratives(unit, period)
    sections = ReportSectionsForm(request.POST if request.method == "POST" else None, unit=unit, document=document,
                                  period=period)
    number = request.POST.get("number", "").strip()
    number_error = _number_error(number) if request.method == "POST" else ""
    # the schools' texts as the officer is editing them (a refusal or a saved draft loses none)
    narratives = outgoing.narratives_from_post(request.POST, originals) if request.method == "POST" else originals
    narratives_error = _narratives_error(narratives) if request.method == "POST" else ""
    saved = (request.method == "POST" and not number_error and not narratives_error and sections.is_valid()
             and sections.save(by=request.user))
    if saved and "save_sections" in request.POST:
        # kept as a draft, not finalised yet: the page again as posted (the number, the schools' texts being edited)
        messages.success(request, "Đã lưu các phần báo cáo do đơn vị viết; báo cáo chưa được chốt.")
    elif saved:
        version = request.POST.get("version", "")
        try:
            report = outgoing.finalise_report(
                unit=unit, document=document, period=period, number=number,
                narratives=narratives, by=request.user,
                seen_narratives=request.POST.get("seen", ""),
                expected_version=access.parse_id(version))
        except outgoing.StaleOutgoingError as stale:
            messages.error(request, str(stale))
            return redirect("reports:outgoing_detail", stale.report.pk)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Đã chốt báo cáo: số liệu và tệp báo cáo được giữ nguyên, không thay đổi nữa. "
                                      "Báo cáo chờ lãnh đạo đơn vị phê duyệt trước khi gửi.")
            return redirect("reports:outgoing_detail", report.pk)
    stored_number = existing.number if existing else ""
    # back after a POST with what only "Chốt báo cáo" keeps (the number, the schools' texts as edited) or refused:
    # the page holds unsaved input, and leaving or signing out asks first
    unsaved = request.method == "POST" and (not saved or number != stored_number or narratives != originals)
    return render(request, "reports/report_finalise.html", {
        "unit": unit, "document": document, "period": period, "unsaved": unsaved,
        "narratives": narratives, "narratives_error": narratives_error,
        "seen": outgoing.narratives_fingerprint(originals), "sections": sections,
        "number": number if request.method == "POST" else stored_number,
        "number_error": number_error, "returned": existing if existing and existing.status == OutgoingStatus.RETURNED else None,
    })


NUMBER_LENGTH = 60  # OutgoingReport.number


def _number_error(number):
    """Why the report's number typed cannot be kept as it is ("" if it can)."""
    if len(number) > NUMBER_LENGTH:
        return f"Số báo cáo dài quá {NUMBER_LENGTH} ký tự ({len(number)}): hãy rút gọn."
    if any(ord(char) < 32 for char in number):  # NUL, tabs, line breaks pasted in
        return "Số báo cáo có ký tự không hợp lệ; hãy gõ lại."
    return ""


def _narratives_error(narratives):
    """Why the schools' texts as edited cannot be frozen in the report ("" if they can): a control character that
    no report file holds (units.textfields), as every text field of the portal refuses it."""
    for narrative in narratives:
        for text in (narrative.highlights, narrative.difficulties, narrative.proposals):
            refusal = "\x00" in text and NUL_REFUSAL or control_character_refusal(text)
            if refusal:
                return f"Phần của {narrative.school}: {refusal[0].lower()}{refusal[1:]}"
    return ""


@login_required
def outgoing_detail(request, pk):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related(*REPORT_RELATED), pk)
    return _detail_page(request, report)


def _detail_page(request, report, answer_form=None, status=200):
    """The report's page; `answer_form`: the answer refused, shown again as the user left it (choice and reason)."""
    can_approve = access.can_approve_report(request.user, report.unit)
    return render(request, "reports/outgoing_detail.html", status=status, context={
        "report": report, "content": ReportContent.from_json(report.snapshot),
        "events": report.events.select_related("by"),
        "can_sign_off": access.can_sign_off(request.user, report.unit),
        "can_approve": can_approve,
        # what the approval will print above the approver's name (a deputy signs "KT. CHỦ TỊCH")
        "approval_title": signer_title(report.unit, request.user) if can_approve else [],
        "can_receive": report.recipient is not None and access.can_receive_report(request.user, report.recipient),
        "answer_form": answer_form or AnswerForm(),
    })


def _step_view(request, pk, action, step, success):
    """The five steps of a step's view: fetch for the action, check the posted version, run, say, redirect."""
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related(*REPORT_RELATED), pk,
                                         action=action)
    form = (AnswerForm if action == "receive" else VersionForm)(request.POST)
    if not form.is_valid():
        if action == "receive" and "version" not in form.errors:  # the answer refused: shown again as it was left
            return _detail_page(request, report, answer_form=form, status=400)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reports:outgoing_detail", report.pk)
    try:
        report = step(report, form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(report))
    return redirect("reports:outgoing_detail", report.pk)


@login_required
@require_POST
def outgoing_approve(request, pk):
    """The unit's leader approves the report as its page and PDF show it: their name goes under the signature."""
    return _step_view(request, pk, "approve", lambda report, data: outgoing.approve_report(
        report=report, by=request.user, expected_version=data["version"]),
        lambda report: "Đã phê duyệt báo cáo: khối chữ ký ghi tên "
                       f"{outgoing.signature_name(request.user)}; cán bộ có thể gửi lên cấp trên.")


@login_required
@require_POST
def outgoing_send(request, pk):
    return _step_view(request, pk, "sign_off", lambda report, data: outgoing.send_report(
        report=report, by=request.user, expected_version=data["version"]),
        lambda report: f"Đã gửi báo cáo lên {report.recipient.name}.")


@login_required
@require_POST
def outgoing_answer(request, pk):
    """The unit above acknowledges receipt of the report, or returns it with a reason."""
    return _step_view(request, pk, "receive", lambda report, data: outgoing.answer_report(
        report=report, by=request.user, expected_version=data["version"],
        acknowledge=data["decision"] == "acknowledge", reason=data["reason"]),
        lambda report: "Đã xác nhận đã nhận báo cáo." if report.status == OutgoingStatus.ACKNOWLEDGED
        else "Đã trả lại báo cáo cho đơn vị gửi.")


@login_required
def outgoing_download(request, pk, fmt):
    report = access.get_object_for_user(request.user, OutgoingReport.objects.select_related("unit", "unit__parent", "document", "period", "recipient", "finalised_by"), pk)
    file = {"xlsx": report.xlsx_file, "pdf": report.pdf_file, "docx": report.docx_file}.get(fmt)
    if not file:
        raise Http404("Không có tệp này.")
    # ?xem=1 opens the PDF in the browser: the leader reads the report as it will be sent before approving it
    inline = fmt == "pdf" and request.GET.get("xem") == "1"
    # the name the report was written under, without the suffix storage adds to a name already taken (a report
    # finalised again, approved: its files are written anew)
    name = f"{outgoing.file_stem(report)}.{fmt}"
    return FileResponse(file.open("rb"), as_attachment=not inline, filename=name)


@login_required
def report_inbox(request):
    roots = [u for u in access.scope_roots(request.user) if u.kind != "school"]
    units = roots or list(access.visible_units(request.user).filter(depth=1))
    if not units:
        raise PermissionDenied("Trang này dành cho đơn vị nhận báo cáo của cấp dưới.")
    choice = SelectionForm(request.GET, units=units, plans=plans_for, periods=Period.objects.order_by("-end"))
    unit, period = choice.unit, choice.period
    if not request.GET.get("period"):  # open on the latest period something arrived for, not an empty current one
        period = outgoing.latest_received_period(unit, choice.periods) or period
    filters = InboxFilterForm(request.GET, lists_missing=unit.kind != UnitKind.COMMUNE)
    state, text = filters.choice()
    inbox = outgoing.inbox(unit, period, state=state, text=text, page=request.GET.get("page"))
    return render(request, "reports/report_inbox.html", {
        "unit": unit, "units": units, "period": period, "periods": choice.periods, "inbox": inbox,
        "rows": inbox.rows, "filters": filters, "state": state, "filtered": bool(state or text), "plans": choice.plans,
        "is_commune": unit.kind == UnitKind.COMMUNE, "exception_form": ExceptionForm(),
        "reopenable": outgoing.entry_exceptions(request.user, inbox.rows, period),
        "sent": OutgoingReport.objects.filter(unit=unit, period=period).select_related("document"),
    })



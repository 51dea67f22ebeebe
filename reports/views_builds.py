"""Views of report builds: ask for a report's files, follow the build, download them, list past builds.

Following a build or listing them runs the sweep first (reports.tasks.sweep_stale_builds: one query when
every build is held by a worker), so that a build whose worker died, or that the broker lost or was down
for, is sent again while someone waits for it, even with no worker sweeping.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from periods.models import Period
from targets.selection import plans_for
from units import access

from . import actions, builds, tasks
from .models import BuildState, ReportBuild

BUILDS_PER_PAGE = 50
BROKER_DOWN = ("Máy chủ tạo báo cáo đang tạm ngưng: yêu cầu đã được ghi lại và báo cáo sẽ được tạo "
               "khi máy chủ hoạt động trở lại.")


class BuildRequestForm(forms.Form):
    """What the dashboard's "Tạo báo cáo" form posts; the unit and the plan are checked against the user's scope."""

    unit = forms.IntegerField(error_messages={"required": "Chưa chọn đơn vị.", "invalid": "Đơn vị không hợp lệ."})
    plan = forms.IntegerField(error_messages={"required": "Chưa chọn kế hoạch.", "invalid": "Kế hoạch không hợp lệ."})
    period = forms.ModelChoiceField(Period.objects.all(), error_messages={
        "required": "Chưa chọn kỳ báo cáo.", "invalid_choice": "Kỳ báo cáo không hợp lệ."})
    formats = forms.MultipleChoiceField(choices=[("xlsx", "Excel"), ("pdf", "PDF"), ("docx", "Word")], widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Hãy chọn ít nhất một định dạng (Excel, PDF hoặc Word).",
                                                        "invalid_choice": "Định dạng không hợp lệ."})
    kind = forms.ChoiceField(choices=ReportBuild.Kind.choices, required=False)


def _get_build_for_user(request, pk):
    """A build of a unit in the user's scope; any other is a 404 (its existence is not revealed)."""
    return access.get_object_for_user(
        request.user, ReportBuild.objects.select_related("unit", "document", "period", "requested_by"), pk)


def _plan_for(unit, pk):
    plan = next((d for d in plans_for(unit) if d.pk == pk), None)
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    return plan


@login_required
@require_POST
def build_request(request):
    form = BuildRequestForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Chưa tạo được báo cáo: " + " ".join(e for errs in form.errors.values() for e in errs))
    data = form.cleaned_data
    unit = access.get_unit_for_user(request, data["unit"])
    document = _plan_for(unit, data["plan"])
    try:
        build = actions.request_build(unit=unit, document=document, period=data["period"], formats=data["formats"],
                                      by=request.user, kind=data["kind"] or ReportBuild.Kind.UNIT)
    except builds.BuildError as error:
        return _refused(request, str(error))
    if request.htmx:
        return render(request, "reports/build_status.html", {"build": build})
    if build.is_to_send:
        messages.warning(request, BROKER_DOWN)
    else:
        messages.success(request, "Đã nhận yêu cầu tạo báo cáo." if not build.is_finished
                         else "Số liệu không đổi từ lần tạo trước: dùng lại các tệp đã tạo.")
    return redirect(f"{reverse('reports:build_list')}#build-{build.pk}")


def _refused(request, message):
    if request.htmx:
        return render(request, "reports/build_status.html", {"refusal": message})
    messages.error(request, message)
    # back to the dashboard the form was on: its unit and period as chosen, not the user's defaults
    chosen = {key: request.POST.get(key, "") for key in ("unit", "period")}
    query = urlencode({key: value for key, value in chosen.items() if access.parse_id(value) is not None})
    return redirect(f"{reverse('reports:dashboard_unit')}{'?' + query if query else ''}")


@login_required
@require_GET
def build_status(request, pk):
    build = _get_build_for_user(request, pk)  # the access check comes before anything is written
    swept = tasks.sweep_stale_builds()
    if build.pk in swept["to_send"] or build.pk in swept["failed"]:
        build.refresh_from_db()
    if request.htmx:
        return render(request, "reports/build_status.html", {"build": build})
    return redirect(f"{reverse('reports:build_list')}#build-{build.pk}")


@login_required
@require_GET
def build_download(request, pk, fmt):
    build = _get_build_for_user(request, pk)
    file = {"xlsx": build.xlsx_file, "pdf": build.pdf_file, "docx": build.docx_file}.get(fmt)
    if build.state != BuildState.SUCCEEDED or not file:
        raise Http404("Không có tệp này.")
    return FileResponse(file.open("rb"), as_attachment=True, filename=f"{builds.file_stem(build)}.{fmt}")


@login_required
@require_GET
def build_list(request):
    tasks.sweep_stale_builds()
    shown = ReportBuild.objects.visible_to(request.user).select_related("unit", "document", "period", "requested_by")
    unit = access.parse_id(request.GET.get("unit"))
    if unit is not None:
        shown = shown.filter(unit_id=unit)
    page = Paginator(shown.order_by("-created_at", "-pk"), BUILDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/build_list.html", {"page": page, "unit_filter": "" if unit is None else str(unit)})

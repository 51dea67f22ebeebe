"""The API's writes: a target's progress value, many values at once, a school's semester report (save, submit).

Each goes through what the pages use: the access module fetches the object (404 out of scope, 403 when the role
may not change it), the same Django form validates (targets.forms.ProgressForm, reports.forms.SchoolReportForm),
the same action writes (targets.actions.save_progress_value, reports.actions). A write with a version the
client read that someone has since changed is refused with 409 and the current row, as in the browser. Each
history row written is recorded with the token that wrote it (api.models.ApiWrite).
"""

from django.db import transaction
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from periods.models import Period
from reports import actions as report_actions
from reports.forms import SchoolReportForm
from reports.models import SchoolReport
from targets.actions import PeriodLockedError, StaleValueError, save_progress_value
from targets.forms import ProgressForm
from targets.models import Target
from units import access
from units.models import Unit

from . import errors, serializers, writes
from .actions import record_writes
from .idempotency import HEADER, idempotent
from .views import ConditionalMixin, etag_of, school_report_with_events, value_with_history

BULK_MAX = 2000
IDEMPOTENCY = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER,
    description="Khóa do máy khách tự đặt cho mỗi yêu cầu ghi (ví dụ một UUID): gửi lại cùng khóa thì nhận lại câu "
                "trả lời lần đầu và không có gì bị ghi thêm. Mỗi khóa truy cập có bộ khóa riêng.")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER,
    description="Tùy chọn: ETag của số liệu đã đọc (GET cùng địa chỉ). Nếu số liệu đã thay đổi, yêu cầu bị từ chối "
                "với mã 412 và không có gì được lưu; version trong nội dung vẫn được kiểm tra.")
PRECONDITION = ("Số liệu đã thay đổi so với bản có ETag gửi trong If-Match: không có gì được lưu. Hãy đọc lại số liệu "
                "rồi gửi lại.")
ERRORS = {400: OpenApiResponse(description="Dữ liệu không hợp lệ: lỗi theo từng trường, bằng tiếng Việt."),
          403: OpenApiResponse(description="Không có quyền thay đổi (hoặc khóa truy cập chỉ được đọc)."),
          404: OpenApiResponse(description="Không tìm thấy, hoặc nằm ngoài phạm vi của bạn."),
          409: OpenApiResponse(description="Đã có người cập nhật sau khi bạn đọc (kèm bản hiện tại), hoặc kỳ đã khóa."),
          422: OpenApiResponse(description="Khóa Idempotency-Key đã dùng cho một yêu cầu khác.")}


def _period(pk):
    period = Period.objects.filter(pk=pk).first()
    if period is None:
        from django.http import Http404

        raise Http404("Không tìm thấy kỳ báo cáo.")
    return period


def _target_for_change(user, pk):
    return access.get_object_for_user(user, Target.objects.select_related("document", "document__issuer", "indicator")
                                      .prefetch_related("horizons"), pk, action="change", refusal="Bạn không có quyền cập nhật tiến độ chỉ tiêu này.")


def _value_data(value):
    return serializers.ValueSerializer(value).data


class TargetValueView(ConditionalMixin, APIView):
    """The progress value of a target for a period, at the unit that issued the target (as on the target list)."""

    @extend_schema(summary="Số liệu của một chỉ tiêu trong một kỳ", tags=["Số liệu"],
                   responses={200: serializers.ValueDetailSerializer,
                              404: OpenApiResponse(description="Không tìm thấy chỉ tiêu hoặc kỳ, hoặc chưa có số "
                                                               "liệu (khi đó gửi version = 0 để nhập lần đầu).")})
    def get(self, request, pk, period_pk):
        target = access.get_object_for_user(request.user, Target.objects.select_related("document"), pk)
        period = _period(period_pk)
        value = value_with_history(request.user).filter(target=target, unit=target.document.issuer_id,
                                                        period=period).first()
        if value is None:
            return Response({"detail": "Chưa có số liệu của chỉ tiêu trong kỳ này: gửi version = 0 để nhập lần đầu.",
                             "code": "no_value"}, status=404)
        return Response(serializers.ValueDetailSerializer(value).data)

    @extend_schema(summary="Nhập hoặc sửa số liệu của một chỉ tiêu trong một kỳ", tags=["Số liệu"],
                   request=writes.ProgressInputSerializer, parameters=[IDEMPOTENCY, IF_MATCH],
                   responses={200: serializers.ValueSerializer, 201: serializers.ValueSerializer, **ERRORS,
                              412: OpenApiResponse(description="Số liệu đã thay đổi so với bản có ETag gửi trong "
                                                               "If-Match (kèm bản hiện tại); không có gì được lưu.")})
    def put(self, request, pk, period_pk):
        target = _target_for_change(request.user, pk)
        period = _period(period_pk)
        return idempotent(request, lambda: self._save(request, target, period))

    def _precondition_failed(self, request, target, period):
        """412 with the current value when If-Match names an ETag other than that of the value's GET now (HTTP
        requires the condition be checked before the write; the version in the body is checked as well)."""
        wanted = request.headers.get("If-Match")
        if wanted is None:
            return None
        value = value_with_history(request.user).filter(target=target, unit=target.document.issuer_id,
                                                        period=period).first()
        current = value and serializers.ValueDetailSerializer(value).data
        tags = parse_etags(wanted)
        if current is not None and ("*" in tags or etag_of(JSONRenderer().render(current)) in tags):
            return None
        return Response({"detail": PRECONDITION, "code": "precondition_failed",
                         "current": current and _value_data(value)}, status=412)

    def _save(self, request, target, period):
        if refused := self._precondition_failed(request, target, period):
            return refused
        body = writes.body_object(request.data)
        if unknown := writes.unknown_fields(body, writes.value_fields()):
            return errors.refused("unknown_field", unknown)
        form = ProgressForm(writes.progress_form_data(body), target=target, period=period)
        if not form.is_valid():
            return errors.refused("invalid", writes.form_errors(form))
        version = form.cleaned_data["version"]
        try:
            with transaction.atomic():
                value = save_progress_value(target=target, period=period, values=form.values(), by=request.user,
                                            expected_version=version)
                record_writes(request, value_changes=[value.changes.order_by("-pk").first()])
        except StaleValueError as stale:
            return writes.stale(stale.current and _value_data(stale.current))
        except PeriodLockedError as error:
            return writes.locked(str(error))
        return Response(_value_data(value), status=status.HTTP_201_CREATED if version == 0 else status.HTTP_200_OK)


class BulkValuesView(APIView):
    @extend_schema(
        summary="Nhập nhiều số liệu một lần (tất cả hoặc không)", tags=["Số liệu"],
        description=f"Mỗi dòng như khi nhập một số liệu, thêm target và period. Mọi dòng được kiểm tra như trên "
                    f"trình duyệt; chỉ cần một dòng có lỗi (hoặc đã bị người khác cập nhật) thì không dòng nào được "
                    f"lưu, và câu trả lời liệt kê lỗi theo từng dòng (row: số thứ tự, từ 0). Tối đa {BULK_MAX} dòng.",
        request=writes.BulkInputSerializer, parameters=[IDEMPOTENCY],
        responses={200: writes.BulkResultSerializer, **ERRORS})
    def post(self, request):
        return idempotent(request, lambda: writes.save_bulk(request, limit=BULK_MAX))


# --- school reports -------------------------------------------------------------------------------------------


def _school_and_period(request, school_pk, period_pk):
    school = access.get_object_for_user(request.user, Unit.objects.schools().select_related("parent"), school_pk)
    period = _period(period_pk)
    if not period.takes_school_reports:  # schools report on their semesters only
        from django.http import Http404

        raise Http404("Trường chỉ lập báo cáo theo học kỳ.")
    if not access.can_fill_school_report(request.user, school):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ cán bộ của trường mới nhập được báo cáo của trường.")
    return school, period


def _report_data(request, report):
    return serializers.SchoolReportDetailSerializer(school_report_with_events(request.user).get(pk=report.pk)).data


class SchoolReportSaveView(APIView):
    @extend_schema(
        summary="Lưu nháp báo cáo học kỳ của trường", tags=["Báo cáo của trường"],
        description="Thay toàn bộ số liệu và phần thuyết minh của báo cáo (mục không gửi là để trống), như khi bấm "
                    "“Lưu nháp” trên trình duyệt. Gửi version đã đọc (1 với báo cáo chưa có).",
        request=writes.SchoolReportInputSerializer, parameters=[IDEMPOTENCY],
        responses={200: serializers.SchoolReportDetailSerializer, **ERRORS})
    def put(self, request, school_pk, period_pk):
        school, period = _school_and_period(request, school_pk, period_pk)
        return idempotent(request, lambda: self._save(request, school, period))

    def _save(self, request, school, period):
        body = writes.body_object(request.data)
        if unknown := writes.unknown_fields(body, writes.report_fields(*writes.REPORT_FIELDS)):
            return errors.refused("unknown_field", unknown)
        items = report_actions.applicable_items(school)
        data, unknown = writes.school_report_form_data(body, items)
        if unknown:
            return errors.refused("unknown_field", {"entries": {code: ["Mục này không có trong báo cáo của trường."]
                                                                for code in unknown}})
        form = SchoolReportForm(data, items=items)
        if not form.is_valid():
            return errors.refused("invalid", writes.school_report_errors(form, items))
        try:
            with transaction.atomic():
                report, _ = report_actions.file_school_report(
                    school=school, period=period, entries=form.entries(), narrative=form.narrative(), by=request.user,
                    expected_version=form.cleaned_data["version"], submit=False)
                record_writes(request, report_events=[report.events.order_by("-pk").first()])
        except report_actions.StaleReportError as stale:
            return writes.stale(_report_data(request, stale.report), str(stale))
        except report_actions.WorkflowError as error:
            return Response({"detail": str(error), "code": "workflow"}, status=409)
        return Response(_report_data(request, report))


class SchoolReportSubmitView(APIView):
    @extend_schema(
        summary="Nộp báo cáo học kỳ của trường", tags=["Báo cáo của trường"],
        description="Như nút “Nộp báo cáo”: báo cáo bị khóa chờ cán bộ phụ trách duyệt. Từ chối nếu còn mục chưa "
                    "nhập, kỳ đã khóa, hoặc báo cáo đã được người khác cập nhật sau phiên bản gửi lên.",
        request=writes.VersionInputSerializer, parameters=[IDEMPOTENCY],
        responses={200: serializers.SchoolReportDetailSerializer, **ERRORS})
    def post(self, request, school_pk, period_pk):
        school, period = _school_and_period(request, school_pk, period_pk)
        return idempotent(request, lambda: self._submit(request, school, period))

    def _submit(self, request, school, period):
        body = writes.body_object(request.data)
        if unknown := writes.unknown_fields(body, writes.report_fields("version")):
            return errors.refused("unknown_field", unknown)
        form = writes.VersionForm(writes.plain_data(body, ["version"]))
        if not form.is_valid():
            return errors.refused("invalid", writes.form_errors(form))
        report = SchoolReport.objects.filter(school=school, period=period).first()
        if report is None:
            return Response({"detail": "Trường chưa có báo cáo của kỳ này: hãy lưu báo cáo trước khi nộp.",
                             "code": "no_report"}, status=404)
        try:
            with transaction.atomic():
                report = report_actions.submit_school_report(report=report, by=request.user,
                                                             expected_version=form.cleaned_data["version"])
                record_writes(request, report_events=[report.events.order_by("-pk").first()])
        except report_actions.StaleReportError as stale:
            return writes.stale(_report_data(request, stale.report), str(stale))
        except report_actions.WorkflowError as error:
            return Response({"detail": str(error), "code": "workflow"}, status=409)
        return Response(_report_data(request, report))


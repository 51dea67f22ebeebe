"""The API's reads: the same QuerySets (visible_to), queries and evaluation as the pages, as JSON.

Every list starts from the model's `visible_to(user)` (units/access.py), so a row out of the caller's scope is
neither listed nor found (404). Every answer carries an ETag; a GET with a matching If-None-Match gets 304.
"""

import hashlib

from django import forms
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from periods.models import Period, PeriodKind, trend_periods
from plans.models import Document, DocumentStatus, Task
from reports import queries as report_queries
from reports.models import (
    OutgoingReport,
    OutgoingReportEvent,
    OutgoingStatus,
    ReportEvent,
    ReportStatus,
    SchoolReport,
    SchoolReportEntry,
)
from targets.models import (
    Category,
    DeletedValue,
    Indicator,
    ProgressValue,
    ProgressValueChange,
    Target,
    TargetResponsibility,
)
from targets.queries import plan_statuses, rollups, status_counts
from targets.selection import plans_for
from targets.status import Status
from units import access
from units.models import Unit, UnitKind, UnitSuccession

from . import exchange, serializers
from .errors import InvalidParameter, SinceTooOld
from .filters import ID, Filters, UtcDateTimeField, choice_field, choice_parameter, id_field, parameters
from .models import ApiWrite
from .pagination import KeysetPagination
from .renderers import CSVRenderer
from .tasks import deleted_values_kept_since


def etag_of(content):
    """The ETag of an answer: a digest of its body."""
    return f'"{hashlib.sha256(content).hexdigest()[:40]}"'


class ConditionalMixin:
    """An ETag on every successful read (a digest of the answer), 304 when the client already holds it; answers
    differ by caller, so they are private to them."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = etag_of(response.content)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return get_conditional_response(request, etag=etag, response=response)


class ListView(ConditionalMixin, generics.ListAPIView):
    pass


class DetailView(ConditionalMixin, generics.RetrieveAPIView):
    pass


# --- units and periods ----------------------------------------------------------------------------------------


def _units(user):
    successions = UnitSuccession.objects.order_by("effective_on", "pk")
    return (Unit.objects.visible_to(user).prefetch_related(Prefetch("predecessor_links", successions),
                                                           Prefetch("successor_links", successions))
            .order_by("path"))


@extend_schema_view(get=extend_schema(
    summary="Các đơn vị (cây đơn vị, hiệu lực, kế thừa)", tags=["Đơn vị, kỳ báo cáo"],
    parameters=[*parameters("unit", "unit_code", "changed_since"),
                choice_parameter("kind", UnitKind.choices, "Chỉ lấy đơn vị loại này (ví dụ: school)."),
                OpenApiParameter("valid_on", OpenApiTypes.DATE,
                                 description="Chỉ lấy đơn vị còn hiệu lực vào ngày này (YYYY-MM-DD).")]))
class UnitList(ListView):
    serializer_class = serializers.UnitSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, kind=choice_field(UnitKind.choices),
                          valid_on=forms.DateField(required=False, input_formats=["%Y-%m-%d"]))
        units = _units(self.request.user)
        if filters.unit is not None:
            units = units.in_subtree(filters.unit)
        if filters.data["kind"]:
            units = units.filter(kind=filters.data["kind"])
        if filters.changed_since is not None:
            units = units.filter(updated_at__gte=filters.changed_since)
        return units.valid_on(filters.data["valid_on"]) if filters.data["valid_on"] else units


@extend_schema_view(get=extend_schema(summary="Một đơn vị", tags=["Đơn vị, kỳ báo cáo"]))
class UnitDetail(DetailView):
    serializer_class = serializers.UnitSerializer

    def get_object(self):
        return access.get_object_for_user(self.request.user, _units(self.request.user), self.kwargs["pk"])


@extend_schema_view(get=extend_schema(
    summary="Các kỳ báo cáo và hạn nộp", tags=["Đơn vị, kỳ báo cáo"],
    parameters=[choice_parameter("kind", PeriodKind.choices, "Loại kỳ."),
                OpenApiParameter("school_year", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{4}$"},
                                 description="Năm học, ví dụ 2025-2026.")]))
class PeriodList(ListView):
    serializer_class = serializers.PeriodSerializer

    def get_queryset(self):
        filters = Filters(self.request, kind=choice_field(PeriodKind.choices),
                          school_year=forms.RegexField(r"^[0-9]{4}-[0-9]{4}$", required=False, error_messages={
                              "invalid": "Năm học viết dạng 2025-2026."}))
        periods = Period.objects.order_by("start", "kind", "pk")
        for name in ("kind", "school_year"):
            if filters.data[name]:
                periods = periods.filter(**{name: filters.data[name]})
        return periods


@extend_schema_view(get=extend_schema(summary="Một kỳ báo cáo", tags=["Đơn vị, kỳ báo cáo"]))
class PeriodDetail(DetailView):
    serializer_class = serializers.PeriodSerializer
    queryset = Period.objects.all()


# --- documents, tasks, indicators, targets --------------------------------------------------------------------


def _documents(user):
    visible = Document.objects.visible_to(user).only("pk")
    return (Document.objects.visible_to(user).select_related("issuer")
            .prefetch_related("phases", Prefetch("implements", visible, to_attr="visible_implements"),
                              Prefetch("implemented_by", visible, to_attr="visible_implemented_by"))
            .order_by("issuer__path", "-issued_on", "pk"))


@extend_schema_view(get=extend_schema(
    summary="Văn bản, kế hoạch và quan hệ thực hiện giữa chúng", tags=["Kế hoạch, chỉ tiêu"],
    parameters=[*parameters("unit", "unit_code", "changed_since"),
                OpenApiParameter("applies_to", ID,
                                 description="Mã số (id) của đơn vị: các kế hoạch có chỉ tiêu áp dụng cho đơn vị đó "
                                             "(của chính đơn vị và của cấp trên), như bảng điều khiển đưa ra."),
                choice_parameter("status", DocumentStatus.choices, "Trạng thái của văn bản.")]))
class DocumentList(ListView):
    serializer_class = serializers.DocumentSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, applies_to=id_field(),
                          status=choice_field(DocumentStatus.choices))
        documents = _documents(self.request.user)
        if filters.unit is not None:
            documents = documents.filter(issuer__path__startswith=filters.unit.path)
        if filters.data["applies_to"]:
            unit = access.get_object_for_user(self.request.user, Unit.objects.all(), filters.data["applies_to"])
            documents = documents.filter(pk__in=[plan.pk for plan in plans_for(unit)])
        if filters.data["status"]:
            documents = documents.filter(status=filters.data["status"])
        if filters.changed_since is not None:
            documents = documents.filter(updated_at__gte=filters.changed_since)
        return documents


@extend_schema_view(get=extend_schema(summary="Một văn bản, kế hoạch", tags=["Kế hoạch, chỉ tiêu"]))
class DocumentDetail(DetailView):
    serializer_class = serializers.DocumentSerializer

    def get_object(self):
        return access.get_object_for_user(self.request.user, _documents(self.request.user), self.kwargs["pk"])


@extend_schema_view(get=extend_schema(
    summary="Nhiệm vụ của các kế hoạch, đơn vị chủ trì và phối hợp", tags=["Kế hoạch, chỉ tiêu"],
    parameters=parameters("plan", "unit", "unit_code")))
class TaskList(ListView):
    serializer_class = serializers.TaskSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request)
        tasks = Task.objects.visible_to(self.request.user).prefetch_related("coordinating_units").order_by(
            "document", "order", "pk")
        if filters.plan is not None:
            tasks = tasks.filter(document=filters.plan)
        if filters.unit is not None:
            tasks = tasks.led_by_subtree(filters.unit)
        return tasks


@extend_schema_view(get=extend_schema(summary="Các chỉ số", tags=["Kế hoạch, chỉ tiêu"]))
class IndicatorList(ListView):
    serializer_class = serializers.IndicatorSerializer
    queryset = Indicator.objects.order_by("code")


def _targets(user):
    return (Target.objects.visible_to(user).select_related("indicator")
            .prefetch_related("horizons", "scope_units",
                              Prefetch("responsibilities", TargetResponsibility.objects.select_related("unit")))
            .order_by("document", "order", "pk"))


@extend_schema_view(get=extend_schema(
    summary="Chỉ tiêu với các mốc và đơn vị chịu trách nhiệm", tags=["Kế hoạch, chỉ tiêu"],
    parameters=[*parameters("plan", "unit", "unit_code", "changed_since"),
                choice_parameter("category", Category.choices, "Nhóm tiêu chí."),
                OpenApiParameter("projections", OpenApiTypes.BOOL,
                                 description="true: chỉ số liệu dự kiến (bảng quy mô); false: chỉ chỉ tiêu; "
                                             "không gửi: cả hai.")]))
class TargetList(ListView):
    serializer_class = serializers.TargetSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, category=choice_field(Category.choices),
                          projections=forms.NullBooleanField(required=False))
        targets = _targets(self.request.user)
        if filters.plan is not None:
            targets = targets.for_document(filters.plan)
        if filters.unit is not None:
            targets = targets.filter(document__issuer__path__startswith=filters.unit.path)
        if filters.data["category"]:
            targets = targets.filter(category=filters.data["category"])
        if filters.changed_since is not None:
            targets = targets.filter(updated_at__gte=filters.changed_since)
        if filters.data["projections"] is not None:
            targets = targets.projections() if filters.data["projections"] else targets.targets()
        return targets


@extend_schema_view(get=extend_schema(summary="Một chỉ tiêu", tags=["Kế hoạch, chỉ tiêu"]))
class TargetDetail(DetailView):
    serializer_class = serializers.TargetSerializer

    def get_object(self):
        return access.get_object_for_user(self.request.user, _targets(self.request.user), self.kwargs["pk"])


# --- progress values ------------------------------------------------------------------------------------------


def _values(user):
    return ProgressValue.objects.visible_to(user).select_related("unit", "indicator", "period", "entered_by")


@extend_schema_view(get=extend_schema(
    summary="Số liệu tiến độ", tags=["Số liệu"],
    description="Số liệu do đơn vị nhập cho chỉ tiêu và số liệu từ báo cáo đã duyệt của các trường.",
    parameters=[*parameters("unit", "unit_code", "plan", "period", "period_code", "changed_since"),
                OpenApiParameter("indicator", OpenApiTypes.STR, description="Mã chỉ số."),
                OpenApiParameter("target", ID, description="Mã số (id) của chỉ tiêu.")]))
class ValueList(ListView):
    serializer_class = serializers.ValueSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, indicator=forms.CharField(required=False, max_length=64),
                          target=id_field())
        values = _values(self.request.user).order_by("pk")
        if filters.unit is not None:
            values = values.in_subtree(filters.unit)
        if filters.period is not None:
            values = values.for_period(filters.period)
        if filters.plan is not None:
            # the plan's own entries, and the figures of its indicators that roll up from below
            indicators = Target.objects.for_document(filters.plan).values("indicator")
            values = values.filter(Q(target__document=filters.plan)
                                   | Q(target__isnull=True, indicator__in=indicators))
        if filters.changed_since is not None:
            values = values.filter(entered_at__gte=filters.changed_since)
        if filters.data["indicator"]:
            values = values.filter(indicator__code=filters.data["indicator"])
        if filters.data["target"]:
            values = values.filter(target_id=filters.data["target"])
        return values


SINCE_TOO_OLD = ("Chỉ còn lưu các số liệu đã xóa từ {kept:%d/%m/%Y %H:%M} (UTC) trở đi: hãy đồng bộ lại toàn bộ "
                 "(values/ không có changed_since) rồi dùng since từ lúc đó.")


@extend_schema_view(get=extend_schema(
    summary="Số liệu đã xóa hoặc lưu trữ (cho đồng bộ từng phần)", tags=["Số liệu"],
    description="Các số liệu thôi được liệt kê ở values/ từ thời điểm since: báo cáo của trường được mở lại hoặc "
                "duyệt lại (số liệu cũ bị xóa, số liệu mới có mã số mới), số liệu bị quản trị viên lưu trữ. Đồng bộ "
                "từng phần: đọc values/?changed_since=T và values/deleted/?since=T với cùng T (lấy T trước lần đọc "
                "trước), thêm hoặc thay các dòng đọc được, bỏ các số liệu có mã số (value) trong danh sách này. Chỉ "
                "lưu trong API_DELETED_VALUES_KEEP_DAYS ngày (mặc định 90): since cũ hơn bị từ chối (since_too_old).",
    parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True,
                                 description="Chỉ lấy các số liệu thôi được liệt kê từ thời điểm này (ISO 8601, ví dụ "
                                             "2026-01-15T08:00:00+07:00)."),
                *parameters("unit", "unit_code", "period", "period_code")]))
class DeletedValueList(ListView):
    serializer_class = serializers.DeletedValueSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, since=UtcDateTimeField())
        kept = deleted_values_kept_since()
        if filters.data["since"] < kept:
            raise SinceTooOld({"since": [SINCE_TOO_OLD.format(kept=kept)]})
        gone = (DeletedValue.objects.visible_to(self.request.user).select_related("unit", "indicator", "period")
                .filter(deleted_at__gte=filters.data["since"]).order_by("pk"))
        if filters.unit is not None:
            gone = gone.in_subtree(filters.unit)
        if filters.period is not None:
            gone = gone.filter(period=filters.period)
        return gone


def value_with_history(user):
    writes = ApiWrite.objects.select_related("token")
    changes = ProgressValueChange.objects.select_related("changed_by").prefetch_related(Prefetch("api_writes", writes))
    return _values(user).prefetch_related(Prefetch("changes", changes))


@extend_schema_view(get=extend_schema(summary="Một số liệu và lịch sử thay đổi", tags=["Số liệu"]))
class ValueDetail(DetailView):
    serializer_class = serializers.ValueDetailSerializer

    def get_object(self):
        return access.get_object_for_user(self.request.user, value_with_history(self.request.user), self.kwargs["pk"])


# --- school reports -------------------------------------------------------------------------------------------


def _school_reports(user):
    return (SchoolReport.objects.visible_to(user).select_related("school", "period")
            .prefetch_related(Prefetch("entries", SchoolReportEntry.objects.select_related("item"))))


@extend_schema_view(get=extend_schema(
    summary="Báo cáo học kỳ của các trường và trạng thái", tags=["Báo cáo của trường"],
    parameters=[*parameters("unit", "unit_code", "period", "period_code", "changed_since"),
                choice_parameter("status", ReportStatus.choices, "Trạng thái của báo cáo.")]))
class SchoolReportList(ListView):
    serializer_class = serializers.SchoolReportSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, status=choice_field(ReportStatus.choices))
        reports = _school_reports(self.request.user).order_by("pk")
        if filters.unit is not None:
            reports = reports.in_subtree(filters.unit)
        if filters.period is not None:
            reports = reports.for_period(filters.period)
        if filters.changed_since is not None:
            reports = reports.filter(updated_at__gte=filters.changed_since)
        if filters.data["status"]:
            reports = reports.filter(status=filters.data["status"])
        return reports


def school_report_with_events(user):
    return _school_reports(user).prefetch_related(Prefetch("events", ReportEvent.objects.select_related("by")))


@extend_schema_view(get=extend_schema(summary="Một báo cáo của trường, với lịch sử", tags=["Báo cáo của trường"]))
class SchoolReportDetail(DetailView):
    serializer_class = serializers.SchoolReportDetailSerializer

    def get_object(self):
        return access.get_object_for_user(self.request.user, school_report_with_events(self.request.user),
                                          self.kwargs["pk"])


# --- reports sent upward, and roll-ups ------------------------------------------------------------------------


def _outgoing_reports(user):
    return (OutgoingReport.objects.visible_to(user)
            .select_related("unit", "recipient", "document", "period", "finalised_by", "approved_by", "sent_by",
                            "answered_by"))


@extend_schema_view(get=extend_schema(
    summary="Báo cáo đã chốt gửi cấp trên (của đơn vị và cấp dưới, và báo cáo cấp dưới gửi đến)",
    tags=["Báo cáo gửi cấp trên"],
    parameters=[*parameters("unit", "unit_code", "plan", "period", "period_code", "changed_since"),
                OpenApiParameter("sent", OpenApiTypes.BOOL,
                                 description="true: chỉ báo cáo đã gửi; false: chỉ báo cáo đã chốt chưa gửi."),
                choice_parameter("status", OutgoingStatus.choices, "Trạng thái của báo cáo.")]))
class OutgoingReportList(ListView):
    serializer_class = serializers.OutgoingReportSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        filters = Filters(self.request, sent=forms.NullBooleanField(required=False),
                          status=choice_field(OutgoingStatus.choices))
        reports = _outgoing_reports(self.request.user).order_by("pk")
        if filters.unit is not None:
            reports = reports.filter(Q(unit__path__startswith=filters.unit.path) | Q(recipient=filters.unit))
        if filters.plan is not None:
            reports = reports.filter(document=filters.plan)
        if filters.period is not None:
            reports = reports.filter(period=filters.period)
        if filters.changed_since is not None:
            since = filters.changed_since
            reports = reports.filter(Q(finalised_at__gte=since) | Q(approved_at__gte=since) | Q(sent_at__gte=since)
                                     | Q(answered_at__gte=since))
        if filters.data["sent"] is not None:
            reports = reports.filter(sent_at__isnull=not filters.data["sent"])
        if filters.data["status"]:
            reports = reports.filter(status=filters.data["status"])
        return reports


@extend_schema_view(get=extend_schema(summary="Một báo cáo gửi cấp trên, với số liệu đã chốt",
                                      tags=["Báo cáo gửi cấp trên"]))
class OutgoingReportDetail(DetailView):
    serializer_class = serializers.OutgoingReportDetailSerializer

    def get_object(self):
        reports = _outgoing_reports(self.request.user).prefetch_related(
            Prefetch("events", OutgoingReportEvent.objects.select_related("by")))
        return access.get_object_for_user(self.request.user, reports, self.kwargs["pk"])


@extend_schema(summary="Tải tệp của một báo cáo gửi cấp trên", tags=["Báo cáo gửi cấp trên"],
               parameters=[OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["xlsx", "pdf", "docx"],
                                            description="Định dạng tệp.")],
               responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                          404: OpenApiResponse(description="Không có báo cáo này trong phạm vi, hoặc chưa có tệp này.")})
class OutgoingReportFile(APIView):
    def get(self, request, pk, fmt):
        from django.http import FileResponse

        report = access.get_object_for_user(request.user, _outgoing_reports(request.user), pk)
        file = serializers.report_files(report).get(fmt)
        if not file:
            raise Http404("Không có tệp này.")
        return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


@extend_schema(
    summary="Số liệu tổng hợp của một đơn vị và các đơn vị trực thuộc trong một kỳ, theo chỉ số",
    tags=["Đánh giá, trích xuất"],
    description="Cùng cách tổng hợp như Bảng điều khiển: tỷ lệ là tổng tử số trên tổng mẫu số của các đơn vị đã báo "
                "cáo; đơn vị sáp nhập mang theo số liệu của các đơn vị trước đó.",
    parameters=[*parameters("unit", "unit_code", "period", "period_code", required=("unit", "period")),
                OpenApiParameter("indicator", OpenApiTypes.STR, description="Chỉ lấy chỉ số có mã này.")],
    responses=serializers.RollupSerializer(many=True))
class RollupView(ConditionalMixin, APIView):
    def get(self, request):
        filters = Filters(request, indicator=forms.CharField(required=False, max_length=64))
        filters.require("unit", "period")
        indicators = Indicator.objects.order_by("code")
        if filters.data["indicator"]:
            indicators = indicators.filter(code=filters.data["indicator"])
        indicators = list(indicators)
        found = rollups(indicators, filters.unit, filters.period)
        rows = [{"indicator": indicator.pk, "indicator_code": indicator.code, "aggregation": indicator.aggregation,
                 "value": found[indicator.pk].value, "numerator": found[indicator.pk].numerator,
                 "denominator": found[indicator.pk].denominator,
                 "reporting_units": found[indicator.pk].reporting_units,
                 "achieved_units": found[indicator.pk].achieved_units}
                for indicator in indicators if indicator.pk in found]
        return Response(serializers.RollupSerializer(rows, many=True).data)


# --- the evaluation of a plan at a unit, and the export --------------------------------------------------------


@extend_schema(
    summary="Đánh giá các chỉ tiêu của một kế hoạch tại một đơn vị trong một kỳ", tags=["Đánh giá, trích xuất"],
    description="Cùng giá trị và tình trạng như Bảng điều khiển và danh sách chỉ tiêu: tỷ lệ là tổng tử số trên "
                "tổng mẫu số của các đơn vị đã báo cáo; tình trạng so với đường thẳng từ giá trị nền đến mốc.",
    parameters=parameters("unit", "unit_code", "plan", "period", "period_code", required=("unit", "plan", "period")),
    responses=serializers.EvaluationSerializer)
class EvaluationView(ConditionalMixin, APIView):
    def get(self, request):
        filters = Filters(request)
        filters.require("unit", "plan", "period")
        unit, plan, period = filters.unit, filters.plan, filters.period
        if plan not in plans_for(unit):
            raise InvalidParameter({"plan": [f"{plan.short_label} không áp dụng cho {unit.name}: kế hoạch phải do đơn "
                                            "vị hoặc cấp trên của đơn vị ban hành và có chỉ tiêu."]})
        targets = (Target.objects.filter(document=plan).targets().select_related("indicator", "document", "part_of")
                   .prefetch_related("horizons", "scope_units"))
        statuses = plan_statuses(targets, unit, period, trend_periods(period))
        rate = report_queries.reporting_rate(unit, period)
        data = {"unit": unit.pk, "plan": plan.pk, "period": period.pk,
                "counts": {str(status): n for status, n in status_counts(statuses).items()},
                "reporting_rate": {"submitted": rate.submitted, "schools": rate.schools, "percent": rate.percent},
                "targets": [_evaluation_row(item) for item in statuses]}
        return Response(serializers.EvaluationSerializer(data).data)


def _evaluation_row(item):
    figure, evaluation = item.figure, item.evaluation
    return {
        "target": item.target.pk, "ref": item.target.ref, "indicator_code": item.target.indicator.code,
        "category": item.target.category, "horizon": item.horizon.label if item.horizon else None,
        "goal": evaluation.goal, "expected": evaluation.expected, "value": evaluation.value,
        "numerator": figure.numerator if figure else None, "denominator": figure.denominator if figure else None,
        "reporting_units": figure.reporting_units if figure else 0, "entered": bool(figure and figure.entered),
        "completion": evaluation.completion, "status": evaluation.status, "status_label": Status(evaluation.status).label,
        "series": [{"period": p.pk, "period_code": p.code, "value": value} for p, value in item.series],
    }


@extend_schema(
    summary="Trích xuất số liệu của một kỳ cho một đơn vị và các đơn vị trực thuộc (CSV hoặc JSON)",
    tags=["Đánh giá, trích xuất"],
    description="Mỗi dòng một số liệu: mã đơn vị, mã chỉ số, kỳ, tử số, mẫu số, giá trị, tình trạng. "
                "Thêm ?format=csv (hoặc tiêu đề Accept: text/csv) để nhận tệp CSV (UTF-8, dấu phẩy, số thập phân "
                "dùng dấu chấm). Lệnh tương ứng: manage.py export_values.",
    parameters=[*parameters("unit", "unit_code", "period", "period_code", required=("unit", "period")),
                OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="json (mặc định) hoặc csv.")],
    responses={200: OpenApiResponse(serializers.ExportRowSerializer(many=True),
                                    description="Các dòng số liệu, theo đơn vị rồi chỉ số.")})
class ExportView(ConditionalMixin, APIView):
    renderer_classes = [*APIView.renderer_classes, CSVRenderer]

    def handle_exception(self, exc):
        """A refusal is JSON ({detail, code}) even when CSV was asked for."""
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return response

    def perform_content_negotiation(self, request, force=False):
        """?format= naming neither json nor csv is a refusal that says what is offered, not a 404."""
        try:
            return super().perform_content_negotiation(request, force)
        except (exceptions.NotFound, Http404):  # DRF's negotiation raises Django's Http404 for ?format=
            if force:
                raise
            raise InvalidParameter({"format": ["Chỉ xuất được định dạng json hoặc csv."]}) from None

    def options(self, request, *args, **kwargs):
        """The description of the view, in JSON even when ?format=csv is asked (it is no list of rows)."""
        response = super().options(request, *args, **kwargs)
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return response

    def get(self, request, format=None):
        filters = Filters(request)
        filters.require("unit", "period")
        rows = exchange.export_rows(filters.unit, filters.period,
                                    values=ProgressValue.objects.visible_to(request.user))
        response = Response(rows)
        if getattr(request.accepted_renderer, "format", "") == "csv":
            name = f"so-lieu-{filters.unit.code}-{filters.period.code}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

"""What the API returns: each row as JSON, with a Vietnamese description of every field in the schema (the
models' help texts, else their verbose names)."""


from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from periods.models import Period
from plans.models import Document, Phase, Task
from reports.models import OutgoingReport, OutgoingReportEvent, ReportEvent, SchoolReport
from targets.models import (
    DeletedValue,
    Indicator,
    ProgressValue,
    ProgressValueChange,
    Target,
    TargetHorizon,
    TargetResponsibility,
)
from units.models import Unit, UnitSuccession

ID = "Mã số (id) của dòng trong cổng."


class DescribedSerializer(serializers.ModelSerializer):
    """A model serializer whose every field carries a description: the model field's help text, else its name."""

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        if field_name in ("id", "pk"):
            kwargs.setdefault("help_text", ID)
        elif not kwargs.get("help_text"):
            label = kwargs.get("label") or field_name
            kwargs["help_text"] = str(label)
        return field_class, kwargs


def describe(field, text):
    field.help_text = text
    return field


class SuccessionSerializer(DescribedSerializer):
    class Meta:
        model = UnitSuccession
        fields = ["predecessor", "successor", "kind", "effective_on", "legal_basis"]


class UnitSerializer(DescribedSerializer):
    predecessors = SuccessionSerializer(source="predecessor_links", many=True, read_only=True,
                                        help_text="Các đơn vị trước (sáp nhập, chia tách, đổi tên) mà đơn vị này kế thừa.")
    successors = SuccessionSerializer(source="successor_links", many=True, read_only=True,
                                      help_text="Các đơn vị kế thừa đơn vị này.")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "levels", "is_party_body", "parent", "path", "depth",
                  "place_name", "valid_from", "valid_to", "predecessors", "successors", "updated_at"]


class PeriodSerializer(DescribedSerializer):
    name = serializers.CharField(read_only=True, help_text="Tên kỳ như cổng ghi, ví dụ: Học kỳ I năm học 2025-2026.")
    locks_on = serializers.DateField(read_only=True, help_text="Sau ngày này việc nhập số liệu của trường bị khóa "
                                                               "(trừ khi được gia hạn).")

    class Meta:
        model = Period
        fields = ["id", "code", "name", "kind", "school_year", "year", "start", "end", "deadline", "lock_after_days",
                  "locks_on"]


class PhaseSerializer(DescribedSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "start_year", "end_year", "order"]


class DocumentSerializer(DescribedSerializer):
    issuer_code = serializers.CharField(source="issuer.code", read_only=True, help_text="Mã của cơ quan ban hành.")
    implements = serializers.SerializerMethodField(help_text="Các văn bản cấp trên mà văn bản này thực hiện (căn cứ).")
    implemented_by = serializers.SerializerMethodField(
        help_text="Các văn bản cấp dưới thực hiện văn bản này (chỉ những văn bản bạn được xem).")
    phases = PhaseSerializer(many=True, read_only=True, help_text="Các giai đoạn của lộ trình.")

    class Meta:
        model = Document
        fields = ["id", "doc_type", "number", "issuer", "issuer_code", "issuer_name", "issued_on", "issued_year", "place",
                  "title", "signer_name", "signer_title", "recipients", "start_year", "end_year", "vision_year", "status",
                  "is_public", "implements", "implemented_by", "phases", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_implements(self, document):
        return sorted(d.pk for d in document.visible_implements)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_implemented_by(self, document):
        return sorted(d.pk for d in document.visible_implemented_by)


class TaskSerializer(DescribedSerializer):
    class Meta:
        model = Task
        fields = ["id", "document", "group", "number", "text", "lead_unit", "lead_text", "coordinating_units", "phase",
                  "due_date", "status", "order", "parent"]


class IndicatorSerializer(DescribedSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "kind", "unit_label", "category", "aggregation", "numerator_label",
                  "denominator_label", "school_levels", "collected_from_schools"]


class HorizonSerializer(DescribedSerializer):
    class Meta:
        model = TargetHorizon
        fields = ["label", "deadline", "value", "value_max", "floor_value"]


class ResponsibilitySerializer(DescribedSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True, help_text="Mã của đơn vị chịu trách nhiệm.")

    class Meta:
        model = TargetResponsibility
        fields = ["unit", "unit_code", "role"]


class TargetSerializer(DescribedSerializer):
    indicator = IndicatorSerializer(read_only=True, help_text="Chỉ số đo chỉ tiêu.")
    horizons = HorizonSerializer(many=True, read_only=True, help_text="Các mốc của chỉ tiêu (năm hoặc năm học).")
    responsibilities = ResponsibilitySerializer(many=True, read_only=True,
                                                help_text="Các đơn vị chủ trì, phối hợp thực hiện chỉ tiêu.")

    class Meta:
        model = Target
        fields = ["id", "document", "ref", "order", "text", "section", "category", "indicator", "comparator",
                  "value_kind", "level_label", "scope_text", "scope_units", "each_unit", "baseline_value",
                  "baseline_year", "parent", "part_of", "is_projection", "note", "horizons", "responsibilities",
                  "updated_at"]


def person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


class ValueChangeSerializer(DescribedSerializer):
    changed_by = serializers.SerializerMethodField(help_text="Người (hoặc tài khoản dịch vụ) đã thay đổi.")
    token = serializers.SerializerMethodField(
        help_text="Tiền tố của khóa truy cập đã ghi thay đổi này qua API (trống nếu thay đổi trên trình duyệt).")

    class Meta:
        model = ProgressValueChange
        fields = ["changed_at", "changed_by", "token", "before", "after"]

    def get_changed_by(self, change) -> str:
        return person(change.changed_by)

    def get_token(self, change) -> str:
        writes = [w for w in change.api_writes.all() if w.token is not None]
        return writes[0].token.display_prefix if writes else ""


class ValueSerializer(DescribedSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True, help_text="Mã đơn vị.")
    indicator_code = serializers.CharField(source="indicator.code", read_only=True, help_text="Mã chỉ số.")
    period_code = serializers.CharField(source="period.code", read_only=True, help_text="Mã kỳ báo cáo.")
    effective_value = serializers.DecimalField(
        max_digits=24, decimal_places=8, read_only=True, allow_null=True,
        help_text="Giá trị dùng để so với chỉ tiêu: tỷ lệ (%) tính từ tử số và mẫu số, hoặc giá trị, hoặc 1/0 cho "
                  "mốc đã đạt/chưa đạt.")
    entered_by = serializers.SerializerMethodField(help_text="Người (hoặc tài khoản dịch vụ) nhập lần cuối.")

    class Meta:
        model = ProgressValue
        fields = ["id", "indicator", "indicator_code", "target", "unit", "unit_code", "period", "period_code",
                  "numerator", "denominator", "value", "effective_value", "achieved", "status", "note", "source",
                  "entered_by", "entered_at", "version", "is_demo"]

    def get_entered_by(self, value) -> str:
        return person(value.entered_by)


class DeletedValueSerializer(DescribedSerializer):
    id = serializers.IntegerField(read_only=True, help_text="Mã số (id) của dòng xóa này: tham số after của trang "
                                                            "sau dùng số này.")
    value = serializers.IntegerField(source="value_id", read_only=True,
                                     help_text="Mã số (id) của số liệu đã xóa hoặc lưu trữ, như values/ đã trả về.")
    unit_code = serializers.CharField(source="unit.code", read_only=True, help_text="Mã đơn vị.")
    indicator_code = serializers.CharField(source="indicator.code", read_only=True, help_text="Mã chỉ số.")
    period_code = serializers.CharField(source="period.code", read_only=True, help_text="Mã kỳ báo cáo.")

    class Meta:
        model = DeletedValue
        fields = ["id", "value", "unit", "unit_code", "indicator", "indicator_code", "period", "period_code", "target",
                  "reason", "deleted_at"]
        extra_kwargs = {"reason": {"help_text": "deleted: đã xóa (báo cáo của trường được mở lại hoặc duyệt lại); "
                                                "archived: quản trị viên đã lưu trữ số liệu."},
                        "deleted_at": {"help_text": "Thời điểm số liệu thôi được liệt kê."}}


class ValueDetailSerializer(ValueSerializer):
    changes = ValueChangeSerializer(many=True, read_only=True, help_text="Lịch sử thay đổi, mới nhất trước.")

    class Meta(ValueSerializer.Meta):
        fields = [*ValueSerializer.Meta.fields, "changes"]


class ReportEventSerializer(DescribedSerializer):
    by = serializers.SerializerMethodField(help_text="Người (hoặc tài khoản dịch vụ) thực hiện.")

    class Meta:
        model = ReportEvent
        fields = ["action", "by", "at", "comment"]

    def get_by(self, event) -> str:
        return person(event.by)


class SchoolReportSerializer(DescribedSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True, help_text="Mã trường.")
    period_code = serializers.CharField(source="period.code", read_only=True, help_text="Mã kỳ báo cáo.")
    entries = serializers.SerializerMethodField(
        help_text="Số liệu của báo cáo theo mã mục (reports.ReportItem): {mã mục: giá trị}; mục có/không: 1 hoặc 0.")

    class Meta:
        model = SchoolReport
        fields = ["id", "school", "school_code", "period", "period_code", "status", "version", "highlights",
                  "difficulties", "proposals", "updated_at", "submitted_at", "reviewed_at", "review_comment", "entries"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "decimal",
                                                                      "nullable": True}})
    def get_entries(self, report):
        return {entry.item.code: None if entry.value is None else format(entry.value.normalize(), "f")
                for entry in report.entries.all()}


class SchoolReportDetailSerializer(SchoolReportSerializer):
    events = ReportEventSerializer(many=True, read_only=True, help_text="Lịch sử của báo cáo, mới nhất trước.")

    class Meta(SchoolReportSerializer.Meta):
        fields = [*SchoolReportSerializer.Meta.fields, "events"]


# --- reports sent upward ---------------------------------------------------------------------------------------


class OutgoingReportSerializer(DescribedSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True, help_text="Mã đơn vị gửi.")
    recipient_code = serializers.CharField(source="recipient.code", read_only=True, default=None,
                                           help_text="Mã đơn vị nhận (cấp trên).")
    plan_label = serializers.CharField(source="document.short_label", read_only=True,
                                       help_text="Tên ngắn của kế hoạch được báo cáo.")
    period_code = serializers.CharField(source="period.code", read_only=True, help_text="Mã kỳ báo cáo.")
    finalised_by = serializers.SerializerMethodField(help_text="Người chốt báo cáo.")
    approved_by = serializers.SerializerMethodField(help_text="Lãnh đạo phê duyệt báo cáo trước khi gửi.")
    sent_by = serializers.SerializerMethodField(help_text="Người gửi báo cáo.")
    answered_by = serializers.SerializerMethodField(help_text="Người của cấp trên xác nhận đã nhận hoặc trả lại.")
    files = serializers.SerializerMethodField(
        help_text="Đường dẫn tải các tệp đã chốt theo định dạng ({định dạng: đường dẫn}); chỉ có các tệp đã tạo.")

    class Meta:
        model = OutgoingReport
        fields = ["id", "unit", "unit_code", "document", "plan_label", "period", "period_code", "number",
                  "recipient", "recipient_code", "status", "finalised_at", "finalised_by", "approved_at",
                  "approved_by", "sent_at", "sent_by", "answered_at", "answered_by", "return_reason", "version",
                  "files"]

    def get_finalised_by(self, report) -> str | None:
        return person(report.finalised_by) if report.finalised_by_id else None

    def get_approved_by(self, report) -> str | None:
        return person(report.approved_by) if report.approved_by_id else None

    def get_sent_by(self, report) -> str | None:
        return person(report.sent_by) if report.sent_by_id else None

    def get_answered_by(self, report) -> str | None:
        return person(report.answered_by) if report.answered_by_id else None

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "uri"}})
    def get_files(self, report):
        from django.urls import reverse

        request = self.context.get("request")
        links = {}
        for fmt, file in report_files(report).items():
            if file:
                path = reverse("api:outgoing_report_file", kwargs={"pk": report.pk, "fmt": fmt})
                links[fmt] = request.build_absolute_uri(path) if request else path
        return links


def report_files(report):
    """{format: file field} of a report sent upward."""
    return {"xlsx": report.xlsx_file, "pdf": report.pdf_file, "docx": report.docx_file}


class OutgoingReportEventSerializer(DescribedSerializer):
    by = serializers.SerializerMethodField(help_text="Người thực hiện bước này.")

    class Meta:
        model = OutgoingReportEvent
        fields = ["action", "by", "at", "comment", "version"]

    def get_by(self, event) -> str | None:
        return person(event.by) if event.by_id else None


class OutgoingReportDetailSerializer(OutgoingReportSerializer):
    snapshot = serializers.JSONField(read_only=True, help_text="Số liệu đã chốt của báo cáo, như trong các tệp.")
    events = OutgoingReportEventSerializer(many=True, read_only=True,
                                           help_text="Các bước: chốt, phê duyệt, gửi, xác nhận hoặc trả lại.")

    class Meta(OutgoingReportSerializer.Meta):
        fields = [*OutgoingReportSerializer.Meta.fields, "snapshot", "events"]


class RollupSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="Mã số (id) của chỉ số.")
    indicator_code = serializers.CharField(help_text="Mã chỉ số.")
    aggregation = serializers.CharField(help_text="Cách tổng hợp của chỉ số (ratio_of_sums, sum, min, every_unit…).")
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True,
                                     help_text="Giá trị tổng hợp của đơn vị và các đơn vị trực thuộc trong kỳ.")
    numerator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True,
                                         help_text="Tổng tử số (chỉ số tỷ lệ).")
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True,
                                           help_text="Tổng mẫu số (chỉ số tỷ lệ).")
    reporting_units = serializers.IntegerField(help_text="Số đơn vị có số liệu.")
    achieved_units = serializers.IntegerField(help_text="Số đơn vị đạt (chỉ số có/không).")


# --- the evaluation of a plan's targets at a unit ---------------------------------------------------------------


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.IntegerField(help_text="Mã số (id) của kỳ.")
    period_code = serializers.CharField(help_text="Mã kỳ.")
    value = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                     help_text="Giá trị của kỳ (trống nếu chưa có số liệu).")


class TargetEvaluationSerializer(serializers.Serializer):
    target = serializers.IntegerField(help_text="Mã số (id) của chỉ tiêu.")
    ref = serializers.CharField(help_text="Mã chỉ tiêu trong văn bản.")
    indicator_code = serializers.CharField(help_text="Mã chỉ số.")
    category = serializers.CharField(help_text="Nhóm tiêu chí đánh giá.")
    horizon = serializers.CharField(allow_null=True, help_text="Mốc đang hướng tới (năm hoặc năm học).")
    goal = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                    help_text="Giá trị phải đạt ở mốc.")
    expected = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                        help_text="Giá trị lẽ ra phải có vào cuối kỳ, trên đường thẳng từ giá trị nền "
                                                  "đến mốc.")
    value = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                     help_text="Giá trị được đánh giá: số liệu mới nhất tính đến hết kỳ.")
    numerator = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                         help_text="Tổng tử số (với tỷ lệ tính từ số đếm).")
    denominator = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                           help_text="Tổng mẫu số (với tỷ lệ tính từ số đếm).")
    reporting_units = serializers.IntegerField(help_text="Số đơn vị có số liệu được cộng lại.")
    entered = serializers.BooleanField(help_text="Đúng khi giá trị do đơn vị nhập trực tiếp cho chỉ tiêu, "
                                                 "sai khi cộng dồn từ cấp dưới.")
    completion = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                          help_text="Phần đã đi được trên đường đến mốc, 0–100.")
    status = serializers.CharField(help_text="Tình trạng: met (đạt), on_track (đúng tiến độ), at_risk (có nguy cơ), "
                                             "behind (chậm), no_data (chưa có số liệu).")
    status_label = serializers.CharField(help_text="Tình trạng bằng chữ, như trên bảng điều khiển.")
    series = SeriesPointSerializer(many=True, help_text="Giá trị các kỳ gần nhất, cũ nhất trước (xu hướng).")


class ReportingRateSerializer(serializers.Serializer):
    submitted = serializers.IntegerField(help_text="Số trường đã nộp (hoặc đã được duyệt) báo cáo của kỳ.")
    schools = serializers.IntegerField(help_text="Số trường thuộc đơn vị.")
    percent = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True,
                                       help_text="Tỷ lệ nộp báo cáo (%).")


class EvaluationSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text="Mã số (id) của đơn vị được đánh giá.")
    plan = serializers.IntegerField(help_text="Mã số (id) của kế hoạch.")
    period = serializers.IntegerField(help_text="Mã số (id) của kỳ báo cáo.")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Số chỉ tiêu theo tình trạng: {met, on_track, at_risk, behind, no_data}.")
    reporting_rate = ReportingRateSerializer(help_text="Tình hình nộp báo cáo của các trường thuộc đơn vị.")
    targets = TargetEvaluationSerializer(many=True, help_text="Từng chỉ tiêu của kế hoạch, theo thứ tự trong văn bản.")


class ExportRowSerializer(serializers.Serializer):
    unit_code = serializers.CharField(help_text="Mã đơn vị.")
    indicator_code = serializers.CharField(help_text="Mã chỉ số.")
    period = serializers.CharField(help_text="Mã kỳ báo cáo.")
    numerator = serializers.CharField(allow_null=True, help_text="Tử số (số thập phân, dấu chấm).")
    denominator = serializers.CharField(allow_null=True, help_text="Mẫu số (số thập phân, dấu chấm).")
    value = serializers.CharField(allow_null=True, help_text="Giá trị: tỷ lệ (%) tính từ tử số và mẫu số, hoặc giá "
                                                             "trị nhập, hoặc 1/0 cho mốc đạt/chưa đạt.")
    status = serializers.CharField(help_text="Tình trạng thực hiện do đơn vị ghi (not_started, in_progress, done, "
                                             "late); trống với số liệu từ báo cáo của trường.")




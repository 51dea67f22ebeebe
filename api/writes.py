"""What the API's writes share: the JSON body turned into the data of the pages' forms, the forms' errors as JSON,
the refusals (stale, locked), the bulk write of many values, and the request bodies as the schema shows them."""

from decimal import Decimal

from django import forms
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from periods.models import Period
from reports.forms import field_name
from reports.models import ItemKind
from targets.actions import (
    BatchRefusedError,
    StaleValueError,
    save_progress_values,
)
from targets.forms import ProgressForm
from targets.models import ProgressStatus, Target

from .actions import record_writes
from .errors import InvalidBody

PROGRESS_FIELDS = ("numerator", "denominator", "value", "achieved", "status", "note", "version")
STALE = "Số liệu vừa được người khác cập nhật: không có gì được lưu. Hãy xem bản hiện tại rồi gửi lại với version mới."


UNKNOWN = "Yêu cầu này không có trường này (có thể viết sai tên): không có gì được lưu."
REPORT_FIELDS = ("version", "entries", "highlights", "difficulties", "proposals")


def unknown_fields(body, known):
    """{name: [message]} for each field of a JSON body the write does not take: a misspelt "notes" would be dropped
    without a word, and a misspelt "highlight" would save the report's highlights empty. The fields of the answer
    the client read (and may send back as it was) are taken, and ignored as on the page."""
    return {name: [UNKNOWN] for name in sorted(set(body) - set(known))}


def value_fields():
    """The fields a value's write takes: its own, and those of the value as the API shows it."""
    from .serializers import ValueDetailSerializer

    return {*PROGRESS_FIELDS, *ValueDetailSerializer.Meta.fields}


def report_fields(*names):
    """The fields a school report's write takes: `names`, and those of the report as the API shows it."""
    from .serializers import SchoolReportDetailSerializer

    return {*names, *SchoolReportDetailSerializer.Meta.fields}


def body_object(data):
    if not isinstance(data, dict):
        raise InvalidBody({"non_field_errors": ["Nội dung gửi lên phải là một đối tượng JSON."]})
    return data


def _text(value, name="value"):
    """A JSON value as the text a form field reads ("0.82", "12"): the forms decide what it means. A list or an
    object is no value of a field: refused, never kept as its Python text ("['a']")."""
    if isinstance(value, (list, dict)):
        raise ValidationError({name: ["Phải là một giá trị (số hoặc chuỗi), không phải danh sách hay đối tượng."]})
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (float, Decimal)):
        # a JSON number's point is a decimal point: 1.318 is one and a bit, never the page's "1.318" (1,318). A
        # trailing zero keeps the forms from reading three decimals as a group of thousands ("1.3180").
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        return f"{text}0" if "." in text else text
    return str(value)


def plain_data(body, names):
    return {name: _text(body.get(name), name) for name in names if name in body}


def progress_form_data(body):
    """The POST data the target list's inline form would send for this JSON body."""
    data = plain_data(body, ["numerator", "denominator", "value", "status", "note", "version"])
    achieved = body.get("achieved")
    data["achieved"] = {True: "yes", False: "no", None: ""}.get(achieved, _text(achieved)) if not isinstance(
        achieved, (list, dict)) else "?"
    return data


def form_errors(form):
    """A form's errors as {field: [messages]}; errors of the whole form under non_field_errors."""
    return {("non_field_errors" if name == "__all__" else name): list(errors) for name, errors in form.errors.items()}


def stale(current, detail=STALE):
    return Response({"detail": detail, "code": "stale", "current": current}, status=409)


def locked(message):
    return Response({"detail": message, "code": "locked"}, status=409)


# --- school reports -------------------------------------------------------------------------------------------


def school_report_form_data(body, items):
    """(the POST data of the school's report form for this JSON body, the entry codes the school does not report)."""
    entries = body.get("entries") or {}
    if not isinstance(entries, dict):
        raise ValidationError({"entries": ["Số liệu phải là một đối tượng {mã mục: giá trị}."]})
    by_code = {item.code: item for item in items}
    data = plain_data(body, ["version", "highlights", "difficulties", "proposals"])
    for code, item in by_code.items():
        value = entries.get(code)
        if item.kind == ItemKind.YES_NO and isinstance(value, bool):
            value = int(value)
        data[field_name(item)] = _text(value, f"entries.{code}")
    return data, sorted(set(entries) - set(by_code))


def school_report_errors(form, items):
    """The form's errors with each figure's under entries.<item code>."""
    codes = {field_name(item): item.code for item in items}
    errors, entries = {}, {}
    for name, messages in form_errors(form).items():
        if name in codes:
            entries[codes[name]] = messages
        else:
            errors[name] = messages
    if entries:
        errors["entries"] = entries
    return errors


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=0, error_messages={
        "required": "Thiếu phiên bản (version) của báo cáo đã đọc.",
        "invalid": "Phiên bản (version) phải là một số nguyên không âm.",
        "min_value": "Phiên bản (version) phải là một số nguyên không âm."})


# --- many values at once --------------------------------------------------------------------------------------


def save_bulk(request, *, limit):
    """Validate every row as the page would, then save them all in one transaction, or none."""
    from .serializers import ValueSerializer

    rows = body_object(request.data).get("rows")
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"rows": ["Cần một danh sách dòng (rows) không rỗng."]})
    if len(rows) > limit:
        raise ValidationError({"rows": [f"Tối đa {limit} dòng mỗi lần (đã gửi {len(rows)})."]})
    user = request.user
    known = {*value_fields(), "target", "period"}
    target_ids = {_id(row.get("target")) for row in rows if isinstance(row, dict)} - {None}
    period_ids = {_id(row.get("period")) for row in rows if isinstance(row, dict)} - {None}
    # one query each, whatever the number of rows: the targets the user sees, those they may change, the periods
    targets = {t.pk: t for t in Target.objects.visible_to(user).filter(pk__in=target_ids)
               .select_related("document", "document__issuer", "indicator").prefetch_related("horizons")}
    writable = set(Target.objects.writable_by(user).filter(pk__in=targets).values_list("pk", flat=True))
    periods = {p.pk: p for p in Period.objects.filter(pk__in=period_ids)}
    errors, checked, seen = [], [], {}
    for index, row in enumerate(rows):
        problem, code, form = _check_row(row, index, targets, writable, periods, seen, user, known)
        if problem:
            errors.append({"row": index, "code": code, "errors": problem})
        else:
            checked.append((index, form))
    if errors:
        return Response({"detail": f"Không lưu dòng nào: {len(errors)} dòng có lỗi.", "code": "invalid_rows",
                         "rows": errors}, status=400)
    conflicts = []
    try:
        with transaction.atomic():
            saved = save_progress_values(by=user, entries=[
                (form.target, form.period, form.values(), form.cleaned_data["version"]) for _index, form in checked])
            record_writes(request, value_changes=_latest_changes(saved))
    except BatchRefusedError as refused:
        for position, error in refused.refusals:
            index = checked[position][0]
            if isinstance(error, StaleValueError):
                conflicts.append({"row": index, "code": "stale", "detail": str(error),
                                  "current": ValueSerializer(error.current).data if error.current else None})
            else:
                conflicts.append({"row": index, "code": "locked", "detail": str(error)})
        return Response({"detail": f"Không lưu dòng nào: {len(conflicts)} dòng bị từ chối (đã được người khác cập "
                                   "nhật sau phiên bản gửi lên, hoặc kỳ đã khóa).", "code": "conflict",
                         "rows": conflicts}, status=409)
    saved = list(zip((index for index, _form in checked), saved, strict=True))
    return Response({"saved": len(saved),
                     "values": [{"row": index, "id": value.pk, "version": value.version} for index, value in saved]})


def _check_row(row, index, targets, writable, periods, seen, user, known):
    """(errors, their code, None) or (None, None, the valid form) for one row of a bulk write; the codes are those
    of a single write's refusal (api.errors.CODES), plus duplicate for a target and period sent twice."""
    if not isinstance(row, dict):
        return {"non_field_errors": ["Mỗi dòng phải là một đối tượng JSON."]}, "invalid_body", None
    if unknown := unknown_fields(row, known):
        return unknown, "unknown_field", None
    if malformed := _malformed_ids(row):
        return malformed, "invalid", None
    target, period = targets.get(_id(row.get("target"))), periods.get(_id(row.get("period")))
    if target is None:
        return {"target": ["Không tìm thấy chỉ tiêu."]}, "not_found", None
    if target.pk not in writable:
        return {"target": ["Bạn không có quyền cập nhật tiến độ chỉ tiêu này."]}, "permission_denied", None
    if period is None:
        return {"period": ["Không tìm thấy kỳ báo cáo."]}, "not_found", None
    earlier = seen.setdefault((target.pk, period.pk), index)
    if earlier != index:
        return {"non_field_errors": [f"Chỉ tiêu và kỳ này đã có ở dòng {earlier}."]}, "duplicate", None
    try:
        data = progress_form_data(row)
    except ValidationError as error:  # a list or an object where a value goes: this row's error
        return ({name: [str(message) for message in messages] for name, messages in error.detail.items()}, "invalid",
                None)
    form = ProgressForm(data, target=target, period=period)
    if not form.is_valid():
        return form_errors(form), "invalid", None
    return None, None, form


def _malformed_ids(row):
    """The row's target and period missing, or not written as ids: said so, rather than "not found"."""
    errors = {}
    for name, label in (("target", "chỉ tiêu"), ("period", "kỳ báo cáo")):
        if row.get(name) is None:
            errors[name] = [f"Thiếu mã số (id) của {label} ({name})."]
        elif _id(row[name]) is None:
            errors[name] = [f"Mã số (id) của {label} phải là một số nguyên dương (số JSON, không đặt trong ngoặc kép)."]
    return errors


def _id(value):
    """A row's reference to a primary key, or None when it cannot be one (the database's integers are 64-bit)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63 else None


def _latest_changes(values):
    """The history row each save just wrote (the latest of each value): one query."""
    from django.db.models import Max

    from targets.models import ProgressValueChange

    latest = (ProgressValueChange.objects.filter(value__in=values).values("value").annotate(last=Max("pk"))
              .values_list("last", flat=True))
    return list(ProgressValueChange.objects.filter(pk__in=list(latest)))


# --- request bodies, as the schema shows them -----------------------------------------------------------------


NUMBER = {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True}


@extend_schema_field(NUMBER)
class _Number(serializers.Field):
    """A number as JSON or as text ("0,82" is read as on the pages)."""


class ProgressInputSerializer(serializers.Serializer):
    numerator = _Number(required=False, help_text="Tử số (với tỷ lệ): số, hoặc chuỗi như trên trang (“1.318”, "
                                                  "“0,82”). Cần cả tử số và mẫu số.")
    denominator = _Number(required=False, help_text="Mẫu số (với tỷ lệ), lớn hơn 0 và không nhỏ hơn tử số.")
    value = _Number(required=False, help_text="Giá trị (với số lượng, chỉ số, mức độ): không âm; phần trăm không quá "
                                              "100; mức độ là số nguyên.")
    achieved = serializers.BooleanField(required=False, allow_null=True,
                                        help_text="Với mốc hoàn thành: true đã đạt, false chưa đạt, null chưa đánh giá.")
    status = serializers.ChoiceField(choices=ProgressStatus.choices,
                                     help_text="Tình trạng thực hiện.")
    note = serializers.CharField(required=False, allow_blank=True, help_text="Ghi chú.")
    version = serializers.IntegerField(min_value=0, help_text="Phiên bản đã đọc (trường version của số liệu); 0 khi "
                                                              "chưa có số liệu.")


class BulkRowSerializer(ProgressInputSerializer):
    target = serializers.IntegerField(help_text="Mã số (id) của chỉ tiêu.")
    period = serializers.IntegerField(help_text="Mã số (id) của kỳ báo cáo.")


class BulkInputSerializer(serializers.Serializer):
    rows = BulkRowSerializer(many=True, help_text="Các dòng số liệu.")


class BulkSavedSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Số thứ tự của dòng trong yêu cầu, từ 0.")
    id = serializers.IntegerField(help_text="Mã số (id) của số liệu đã lưu.")
    version = serializers.IntegerField(help_text="Phiên bản mới của số liệu.")


class BulkResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField(help_text="Số dòng đã lưu.")
    values = BulkSavedSerializer(many=True, help_text="Số liệu đã lưu, theo thứ tự các dòng.")


class SchoolReportInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="Phiên bản đã đọc; 1 với báo cáo chưa có.")
    entries = serializers.DictField(child=_Number(), required=False,
                                    help_text="Số liệu theo mã mục: {mã mục: giá trị}; mục có/không: 1, 0 hoặc "
                                              "true, false; mục không gửi là để trống.")
    highlights = serializers.CharField(required=False, allow_blank=True, help_text="Kết quả nổi bật.")
    difficulties = serializers.CharField(required=False, allow_blank=True, help_text="Khó khăn, vướng mắc.")
    proposals = serializers.CharField(required=False, allow_blank=True, help_text="Đề xuất, kiến nghị.")


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="Phiên bản của báo cáo đã đọc.")

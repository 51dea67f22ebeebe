"""The query string of the API's lists, read through a Django form (the validation boundary, Vietnamese messages),
and the objects it names fetched through units/access.py: a unit, plan or period out of the caller's scope is 404."""

import datetime
import re

from django import forms
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from periods.models import Period
from plans.models import Document
from units import access
from units.models import Unit

from .errors import InvalidParameter


def id_field():
    """An optional id: a positive whole number a 64-bit key can hold."""
    return forms.IntegerField(required=False, min_value=1, max_value=access.MAX_ID)


PLUS_AS_SPACE = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?) (\d{2}(?::?\d{2})?)", re.ASCII)


class UtcDateTimeField(forms.DateTimeField):
    """A moment with any UTC offset the ISO form allows, turned into UTC: PostgreSQL refuses offsets beyond ±15:59
    ("+22:46" is valid ISO 8601), and a moment out of the calendar's range after the turn is refused here."""

    def to_python(self, value):
        if isinstance(value, str) and (pasted := PLUS_AS_SPACE.fullmatch(value.strip())):
            # the documented "…T08:00:00+07:00" put into an address unencoded arrives with its "+" read as a space
            value = f"{pasted[1]}+{pasted[2]}"
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as error:
            raise forms.ValidationError("Thời điểm nằm ngoài khoảng cho phép.", code="invalid") from error


class ListFilterForm(forms.Form):
    unit = id_field()
    unit_code = forms.CharField(required=False, max_length=64)
    plan = id_field()
    period = id_field()
    period_code = forms.CharField(required=False, max_length=32)
    changed_since = UtcDateTimeField(required=False)


ID = {"type": "integer", "minimum": 1, "maximum": access.MAX_ID}
PARAMETERS = {
    "unit": OpenApiParameter("unit", ID, description="Mã số (id) của đơn vị: chỉ lấy dữ liệu của đơn vị "
                                                                   "này và các đơn vị trực thuộc."),
    "unit_code": OpenApiParameter("unit_code", {"type": "string", "maxLength": 64, "pattern": "^[A-Z0-9][A-Z0-9-]*$"},
                                  description="Như unit (khi không gửi unit), theo mã đơn vị (ví dụ: A)."),
    "plan": OpenApiParameter("plan", ID, description="Mã số (id) của kế hoạch (văn bản)."),
    "period": OpenApiParameter("period", ID, description="Mã số (id) của kỳ báo cáo."),
    "period_code": OpenApiParameter("period_code", {"type": "string", "maxLength": 32, "pattern": "^[-a-zA-Z0-9_]+$"},
                                    description="Như period (khi không gửi period), theo mã kỳ (ví dụ: "
                                                "2025-2026-hk1)."),
    "changed_since": OpenApiParameter("changed_since", OpenApiTypes.DATETIME,
                                      description="Chỉ lấy các dòng thay đổi từ thời điểm này (ISO 8601, ví dụ "
                                                  "2026-01-15T08:00:00+07:00)."),
}


def choice_field(choices):
    """An optional filter restricted to a model's choices (anything else is a 400 with the allowed values)."""
    return forms.ChoiceField(required=False, choices=[("", "—"), *choices])


def choice_parameter(name, choices, description):
    return OpenApiParameter(name, {"type": "string", "enum": [value for value, _label in choices]},
                            description=description)


def parameters(*names, required=()):
    return [OpenApiParameter(PARAMETERS[name].name, PARAMETERS[name].type, description=PARAMETERS[name].description,
                             required=name in required) for name in names]


class Filters:
    """The unit, plan and period a request names (each None when not named), changed_since, and in `data` every
    other parameter of the list, cleaned by the form fields the view passes (no parameter is read raw)."""

    def __init__(self, request, **fields):
        form_class = type("RequestFilterForm", (ListFilterForm,), dict(fields)) if fields else ListFilterForm
        form = form_class(request.query_params)
        if not form.is_valid():
            raise InvalidParameter({name: list(errors) for name, errors in form.errors.items()})
        data, user = form.cleaned_data, request.user
        self.data = data
        self.changed_since = data.get("changed_since")
        self.unit = None
        if data.get("unit"):
            self.unit = access.get_object_for_user(user, Unit.objects.all(), data["unit"])
        elif data.get("unit_code"):
            found = Unit.objects.visible_to(user).filter(code=data["unit_code"]).first()
            if found is None:
                raise Http404("Không tìm thấy đơn vị.")
            self.unit = found
        self.plan = (access.get_object_for_user(user, Document.objects.select_related("issuer"), data["plan"])
                     if data.get("plan") else None)
        self.period = None
        if data.get("period") or data.get("period_code"):
            lookup = {"pk": data["period"]} if data.get("period") else {"code": data["period_code"]}
            self.period = Period.objects.filter(**lookup).first()
            if self.period is None:
                raise Http404("Không tìm thấy kỳ báo cáo.")

    def require(self, *names):
        missing = [name for name in names if getattr(self, name) is None]
        if missing:
            raise InvalidParameter({name: ["Trường này là bắt buộc."] for name in missing})

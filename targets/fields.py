"""Numbers as Vietnamese users type and read them: "0,82" and "0.82" are both 0.82; "1.318" is 1318.

Reading (VietnameseDecimalField) and writing (format_number, format_percent, and format_result, the
one way a target's figure is written on every page, in the workbook and in the PDF).
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms

# A thousands group never starts with 0: "0.820" is the decimal 0.82, "1.318" is 1318.
THOUSANDS_DOTS = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")
THOUSANDS_COMMAS = re.compile(r"^-?[1-9]\d{0,2}(,\d{3}){2,}$")


def parse_vietnamese_number(text):
    """Decimal from user input, or raise ValueError with a Vietnamese message."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if raw == "":
        return None
    if "," in raw and "." in raw:
        # both present: the last one is the decimal separator (1.318,5 or, from a spreadsheet, 1,318.5)
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", "") if THOUSANDS_COMMAS.match(raw) else raw.replace(",", ".")
    elif THOUSANDS_DOTS.match(raw):
        raw = raw.replace(".", "")
    if raw.count(".") > 1 or not re.match(r"^-?\d*\.?\d+$|^-?\d+\.$", raw):
        raise ValueError(f"“{text}” không phải là một số (ví dụ hợp lệ: 0,82 hoặc 1.318).")
    try:
        return Decimal(raw)
    except InvalidOperation as error:
        raise ValueError(f"“{text}” không phải là một số.") from error


class VietnameseDecimalField(forms.CharField):
    """A decimal input that accepts the decimal comma and the thousands dot."""

    def __init__(self, *, min_value=None, max_value=None, max_decimal_places=4, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.max_decimal_places = min_value, max_value, max_decimal_places

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_vietnamese_number(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        if number is None:
            return None
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError("Giá trị không được âm." if self.min_value == 0 else
                                        f"Giá trị phải từ {self.min_value} trở lên.", code="min_value")
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(f"Giá trị không được vượt quá {format_number(self.max_value)}.",
                                        code="max_value")
        if -number.as_tuple().exponent > self.max_decimal_places:
            raise forms.ValidationError(f"Chỉ nhập tối đa {self.max_decimal_places} chữ số thập phân.", code="places")
        return number

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, Decimal) else value


def format_number(value, places=None):
    """1318 -> "1.318"; Decimal("0.8200") -> "0,82"; 57.4923 with places=1 -> "57,5"."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = format(number.normalize() if number == number.to_integral() or places is None else number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") if places is None else text
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    return f"{result},{fraction}" if fraction else result


def plain_decimal(value):
    """A Decimal as a plain string for JSON snapshots ("35", "0.82"), None stays None."""
    if value is None:
        return None
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def format_percent(value, places=1):
    """57.4923 -> "57,5%": the one rounding of a percentage, applied when it is written."""
    if value is None or value == "":
        return "—"
    return f"{format_number(_decimal(value), places)}%"


def format_result(value, kind, unit_label=""):
    """A target's figure as every page and report writes it, from the value and the indicator's kind:
    a rate "75%", a level "mức 2", a milestone "Đã đạt" / "Chưa đạt", a count or an index "3 phòng", "0,82"."""
    from .models import IndicatorKind

    if value is None or value == "":
        return "—"
    if kind == IndicatorKind.RATE:
        return format_percent(value)
    if kind == IndicatorKind.MILESTONE:
        return "Đã đạt" if value else "Chưa đạt"
    if kind == IndicatorKind.LEVEL:
        return f"mức {format_number(_decimal(value))}"
    return f"{format_number(_decimal(value), 2)} {unit_label or ''}".strip()


def _decimal(value):
    # a float read back from a JSON snapshot: its shortest repr, not its binary expansion (0.82, not 0.8199…)
    return Decimal(str(value)) if isinstance(value, float) else value

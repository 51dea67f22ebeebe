"""Numbers as Vietnamese users type and read them: "0,82" and "0.82" are both 0.82; "1.318" is 1318.

Reading (VietnameseDecimalField) and writing (format_number, format_percent, and format_result, the
one way a target's figure is written on every page, in the workbook and in the PDF).
"""

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import forms

from units.textfields import NulRefusedInVietnamese

from .kinds import IndicatorKind

# A thousands group never starts with 0: "0.820" is the decimal 0.82, "1.318" is 1318.
THOUSANDS_DOTS = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")
THOUSANDS_COMMAS = re.compile(r"^-?[1-9]\d{0,2}(,\d{3}){2,}$")


def parse_vietnamese_number(text):
    """Decimal from user input, or raise ValueError with a Vietnamese message."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if raw == "":
        return None
    if "," in raw and "." in raw:
        # both present: the last one is the decimal separator (1.318,5 or, from a spreadsheet, 1,318.5), and
        # the other one separates groups of three ("1.2.3,4" is no number)
        decimal, thousands = (",", ".") if raw.rfind(",") > raw.rfind(".") else (".", ",")
        whole, _, fraction = raw.rpartition(decimal)
        if not re.match(rf"^-?[1-9]\d{{0,2}}(\{thousands}\d{{3}})+$", whole, re.ASCII):
            raise ValueError(f"“{_as_typed(text)}” không phải là một số (ví dụ hợp lệ: 0,82 hoặc 1.318).")
        raw = f"{whole.replace(thousands, '')}.{fraction}"
    elif "," in raw:
        raw = raw.replace(",", "") if THOUSANDS_COMMAS.match(raw) else raw.replace(",", ".")
    elif THOUSANDS_DOTS.match(raw):
        raw = raw.replace(".", "")
    # ASCII digits only: no exponent ("1e400"), no "NaN" or "Infinity", no digits of other scripts
    if raw.count(".") > 1 or not re.match(r"^-?\d*\.?\d+$|^-?\d+\.$", raw, re.ASCII):
        raise ValueError(f"“{_as_typed(text)}” không phải là một số (ví dụ hợp lệ: 0,82 hoặc 1.318).")
    try:
        return Decimal(raw)
    except InvalidOperation as error:
        raise ValueError(f"“{_as_typed(text)}” không phải là một số.") from error


def _as_typed(text, limit=40):
    """What the user typed, to quote in a message: without control characters, and short (not a pasted page)."""
    shown = "".join(c for c in str(text) if c.isprintable())
    return shown if len(shown) <= limit else f"{shown[:limit]}…"


class VietnameseDecimalField(forms.CharField):
    """A decimal input that accepts the decimal comma and the thousands dot, within what its column holds.

    max_digits and decimal_places are those of the DecimalField it is saved to (16 and 4 by default, as
    ProgressValue's): a number with more whole digits than the column holds is refused before the database
    sees it. One with more decimals than max_decimal_places (the column's unless told; 0: a whole number)
    is refused, never rounded. A percent sign is refused unless the figure is a percentage (allow_percent).
    """

    def __init__(self, *, min_value=None, max_value=None, max_digits=16, decimal_places=4, max_decimal_places=None,
                 allow_percent=False, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.allow_percent = min_value, max_value, allow_percent
        self.whole_digits = max_digits - decimal_places
        self.max_decimal_places = decimal_places if max_decimal_places is None else min(max_decimal_places,
                                                                                        decimal_places)

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str) and "%" in value and not self.allow_percent:
            raise forms.ValidationError("Số liệu này không phải là tỷ lệ phần trăm: hãy nhập số, không kèm dấu %.",
                                        code="percent")
        try:
            number = parse_vietnamese_number(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        if number is None:
            return None
        return self.check_number(number)

    def check_number(self, number):
        """The number within the field's bounds and places, or ValidationError in Vietnamese."""
        if number.adjusted() >= self.whole_digits:
            raise forms.ValidationError(
                f"Số quá lớn: chỉ nhập được số nhỏ hơn {format_number(Decimal(10) ** self.whole_digits)}.",
                code="max_digits")
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError("Giá trị không được âm." if self.min_value == 0 else
                                        f"Giá trị phải từ {format_number(self.min_value)} trở lên.", code="min_value")
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(f"Giá trị không được vượt quá {format_number(self.max_value)}.",
                                        code="max_value")
        kept = number.quantize(Decimal(1).scaleb(-self.max_decimal_places), rounding=ROUND_DOWN)
        if kept != number:
            raise forms.ValidationError(
                "Phải là số nguyên, không có phần thập phân." if self.max_decimal_places == 0 else
                f"Chỉ nhập tối đa {self.max_decimal_places} chữ số thập phân.", code="places")
        if number.as_tuple().exponent < -self.max_decimal_places:
            number = kept  # "12,50000": trailing zeros beyond the column's places are dropped, not rounded
        return number.copy_abs() if number.is_zero() else number  # "-0" is 0

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, Decimal) else value


class VietnameseTextField(NulRefusedInVietnamese, forms.CharField):
    """A text input whose refusal of the NUL character is said in Vietnamese (Django has no translation)."""


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


def format_floor(value, unit_symbol=""):
    """The floor a horizon sets across the units below ("ít nhất 85%, không có tỉnh nào dưới 60%"), as every page and
    report writes it beside the goal: "không đơn vị nào dưới 60%"; "" without one. The status is judged on it
    (targets.status.evaluate), so no page or report shows the goal without it."""
    if value is None:
        return ""
    unit = unit_symbol if unit_symbol in ("%", "") else f" {unit_symbol}"
    return f"không đơn vị nào dưới {format_number(value)}{unit}"


def format_unreported(missing, expected):
    """How many of the schools that should have reported a figure have not, as every page and report writes it
    under a target over every school: "3/12 trường chưa báo cáo"; "" when none is missing."""
    if not missing:
        return ""
    return f"{format_number(missing)}/{format_number(expected)} trường chưa báo cáo"


def format_result(value, kind, unit_label=""):
    """A target's figure as every page and report writes it, from the value and the indicator's kind:
    a rate "75%", a level "mức 2", a milestone "Đã đạt" / "Chưa đạt", a count or an index "3 phòng", "0,82"."""
    if value is None or value == "":
        return "—"
    if kind == IndicatorKind.RATE:
        return format_percent(value)
    if kind == IndicatorKind.MILESTONE:
        return "Đã đạt" if value else "Chưa đạt"
    if kind == IndicatorKind.LEVEL:
        return f"mức {format_number(_decimal(value))}"
    figure = format_number(_decimal(value), 2)
    if (unit_label or "").strip() == "%":
        # an index stated in percent is written as the rates are: "12,5%", "0%" (not "12,50 %"); its
        # two places are kept, only the trailing zeros go
        return f"{figure.rstrip('0').rstrip(',') if ',' in figure else figure}%"
    return f"{figure} {unit_label or ''}".strip()


def _decimal(value):
    # a float read back from a JSON snapshot: its shortest repr, not its binary expansion (0.82, not 0.8199…)
    return Decimal(str(value)) if isinstance(value, float) else value

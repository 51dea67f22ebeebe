"""Numbers as Vietnamese users type and read them: decimal comma, thousands dot."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from targets.fields import (
    VietnameseDecimalField,
    format_number,
    format_percent,
    format_result,
    parse_vietnamese_number,
)

NOT_A_NUMBER = "không phải là một số"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0,82", Decimal("0.82")),
        ("0.82", Decimal("0.82")),
        ("1.318", Decimal("1318")),
        ("1.318,5", Decimal("1318.5")),
        ("1,318.5", Decimal("1318.5")),
        ("1.234.567", Decimal("1234567")),
        ("1,234,567", Decimal("1234567")),
        ("100%", Decimal("100")),
        ("57,5 %", Decimal("57.5")),
        (" 42 ", Decimal("42")),
        ("1\u00a0318", Decimal("1318")),
        ("-3,5", Decimal("-3.5")),
    ],
)
def test_it_reads_the_numbers_vietnamese_users_type(text, expected):
    assert parse_vietnamese_number(text) == expected


def test_a_comma_with_one_group_of_three_is_a_decimal_comma_not_thousands():
    # "1,318" is how a Vietnamese user writes one point three one eight
    assert parse_vietnamese_number("1,318") == Decimal("1.318")


@pytest.mark.parametrize("text", ["", "   ", None, "%"])
def test_blank_input_is_no_number(text):
    assert parse_vietnamese_number(text) is None


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12a", ".", "-", "1,2,3", "5 học sinh"])
def test_text_that_is_not_a_number_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError, match=NOT_A_NUMBER):
        parse_vietnamese_number(text)


def test_a_leading_zero_is_never_a_thousands_group():
    assert parse_vietnamese_number("0.820") == Decimal("0.82")


def field(**kwargs):
    return VietnameseDecimalField(required=False, **kwargs)


def test_the_field_accepts_the_decimal_comma_and_the_decimal_point_alike():
    assert field().clean("0,82") == field().clean("0.82") == Decimal("0.82")


def test_the_field_reads_a_thousands_dot():
    assert field().clean("1.318") == Decimal("1318")


def test_the_field_gives_none_for_a_blank_optional_value():
    assert field().clean("") is None


def test_the_field_requires_a_value_when_required():
    with pytest.raises(forms.ValidationError):
        VietnameseDecimalField(required=True).clean("")


def test_the_field_refuses_text_with_the_vietnamese_message():
    with pytest.raises(forms.ValidationError) as error:
        field().clean("mười hai")
    assert error.value.code == "invalid"
    assert "“mười hai” không phải là một số (ví dụ hợp lệ: 0,82 hoặc 1.318)." in error.value.messages


def test_the_field_refuses_a_negative_number_when_the_minimum_is_zero():
    with pytest.raises(forms.ValidationError) as error:
        field(min_value=0).clean("-5")
    assert error.value.messages == ["Giá trị không được âm."]


def test_the_field_accepts_zero_when_the_minimum_is_zero():
    assert field(min_value=0).clean("0") == Decimal(0)


def test_the_field_refuses_a_value_above_its_maximum_with_the_maximum_formatted():
    with pytest.raises(forms.ValidationError) as error:
        field(max_value=Decimal(1000)).clean("1.318")
    assert error.value.messages == ["Giá trị không được vượt quá 1.000."]


def test_the_field_refuses_too_many_decimal_places():
    with pytest.raises(forms.ValidationError) as error:
        field(max_decimal_places=2).clean("0,825")
    assert error.value.messages == ["Chỉ nhập tối đa 2 chữ số thập phân."]


def test_the_field_shows_a_stored_value_the_way_the_user_would_type_it_back():
    decimal_field = field()
    for stored in (Decimal("1318.0000"), Decimal("0.8200"), Decimal("1318.5000"), Decimal("1.3180")):
        shown = decimal_field.prepare_value(stored)
        assert decimal_field.clean(shown) == stored


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1318"), None, "1.318"),
        (Decimal("0.8200"), None, "0,82"),
        (Decimal("1318.5000"), None, "1.318,5"),
        (Decimal("1234567"), None, "1.234.567"),
        (Decimal("100.0000"), None, "100"),
        (Decimal("0"), None, "0"),
        (Decimal("-1318"), None, "-1.318"),
        (Decimal("57.4923"), 1, "57,5"),
        (Decimal("57.1428571"), 1, "57,1"),
        (Decimal("100"), 1, "100"),
        (1318, None, "1.318"),
    ],
)
def test_format_number_writes_the_thousands_dot_and_the_decimal_comma(value, places, expected):
    assert format_number(value, places) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_format_number_writes_nothing_for_no_value(value):
    assert format_number(value) == ""


@pytest.mark.parametrize(
    ("value", "kind", "unit_label", "expected"),
    [
        (Decimal("75"), "rate", "%", "75%"),
        (Decimal("66.6666"), "rate", "%", "66,7%"),
        (57.5, "rate", "%", "57,5%"),  # a float read back from a frozen report
        (Decimal("2"), "level", "mức độ", "mức 2"),
        (Decimal("1"), "milestone", "", "Đã đạt"),
        (Decimal("0"), "milestone", "", "Chưa đạt"),
        (Decimal("3"), "count", "phòng", "3 phòng"),
        (Decimal("1318"), "count", "người", "1.318 người"),
        (Decimal("0.82"), "index", "", "0,82"),
        (0.82, "index", "", "0,82"),
        (Decimal("258"), "count", "học sinh", "258 học sinh"),  # a growth target's figure is a count, not a %
        (None, "rate", "%", "—"),
        # an index in percent is written as the rates are: no trailing zero, no space before "%"
        (Decimal("12.5"), "index", "%", "12,5%"),
        (Decimal("12.50"), "index", " % ", "12,5%"),
        (Decimal("0"), "index", "%", "0%"),
        (Decimal("7.25"), "index", "%", "7,25%"),
        (Decimal("40.00"), "index", "%", "40%"),
        (Decimal("1250.5"), "count", "%", "1.250,5%"),
        (12.5, "index", "%", "12,5%"),  # a float read back from a frozen report
    ],
)
def test_a_result_is_written_from_its_value_and_its_kind(value, kind, unit_label, expected):
    assert format_result(value, kind, unit_label) == expected


def test_a_percentage_is_rounded_only_when_written():
    assert format_percent(Decimal(2) * 100 / 3) == "66,7%"
    assert format_percent(None) == "—"


def test_the_template_filter_writes_a_result_as_the_builders_do():
    indicator = type("Indicator", (), {"kind": "count", "unit_label": "phòng"})()
    target = type("Target", (), {"indicator": indicator})()
    html = Template("{% load numbers %}{{ value|result:target }} {{ rate|pct }}").render(
        Context({"value": Decimal("3"), "target": target, "rate": Decimal("87.54")}))
    assert html == "3 phòng 87,5%"


# --- the limits of the column and of the figure's kind --------------------------------------------


@pytest.mark.parametrize("text", ["1000000000000", "1.000.000.000.000", "9" * 10_000, "1" + "0" * 400])
def test_the_field_refuses_a_number_its_column_cannot_hold(text):
    with pytest.raises(forms.ValidationError) as error:
        field().clean(text)
    assert error.value.messages == ["Số quá lớn: chỉ nhập được số nhỏ hơn 1.000.000.000.000."]


def test_the_field_takes_the_largest_number_its_column_holds():
    assert field().clean("999.999.999.999,9999") == Decimal("999999999999.9999")


def test_a_column_of_two_places_holds_the_same_whole_digits():
    # SchoolReportEntry.value: 14 digits, 2 places
    assert field(max_digits=14, decimal_places=2, max_decimal_places=0).clean("999.999.999.999") == 999999999999
    with pytest.raises(forms.ValidationError):
        field(max_digits=14, decimal_places=2).clean("1.000.000.000.000")


@pytest.mark.parametrize("text", ["1e400", "1E5", "NaN", "Infinity", "-inf", "0x10", "١٢", "１２", "1.2.3,4"])
def test_the_field_refuses_exponents_and_what_only_python_would_read_as_a_number(text):
    with pytest.raises(forms.ValidationError) as error:
        field().clean(text)
    assert NOT_A_NUMBER in error.value.messages[0]


def test_a_whole_number_field_says_so():
    with pytest.raises(forms.ValidationError) as error:
        field(max_decimal_places=0).clean("2,5")
    assert error.value.messages == ["Phải là số nguyên, không có phần thập phân."]


def test_trailing_zeros_are_not_decimals_and_minus_zero_is_zero():
    assert field(max_decimal_places=0).clean("12,000") == 12
    assert str(field().clean("-0")) == "0"


@pytest.mark.parametrize("text", ["50%", "50 %", "%"])
def test_a_percent_sign_is_refused_unless_the_figure_is_a_percentage(text):
    with pytest.raises(forms.ValidationError) as error:
        field().clean(text)
    assert error.value.messages == ["Số liệu này không phải là tỷ lệ phần trăm: hãy nhập số, không kèm dấu %."]


def test_a_percentage_takes_its_sign():
    assert field(allow_percent=True).clean("57,5 %") == Decimal("57.5")


def test_what_was_typed_is_quoted_short_and_without_control_characters():
    with pytest.raises(forms.ValidationError) as error:
        field().clean("abc\x00\u202e" + "x" * 100)
    message = error.value.messages[0]
    assert "\x00" not in message and "\u202e" not in message and len(message) < 120

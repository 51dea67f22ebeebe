"""Numbers, Roman numerals and dates as Vietnamese documents write them."""

import re
from datetime import date

# A figure: "1.318" (thousands dot), "0,87" (decimal comma), "0.87", "01", "100".
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"

_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_WORD_NUMBERS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
                 "chín": 9, "mười": 10}


def parse_number(text):
    """"1.318" -> 1318, "0,87" -> 0.87, "01" -> 1, "1.5" -> 1.5; an int when the value is whole."""
    text = text.strip()
    if text.lower() in _WORD_NUMBERS:
        return _WORD_NUMBERS[text.lower()]
    text = text.replace(".", "").replace(",", ".") if _GROUPED.fullmatch(text) else text.replace(",", ".")
    value = float(text)
    return int(value) if value.is_integer() else value


def parse_roman(text):
    total, previous = 0, 0
    for char in reversed(text.upper()):
        value = _ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def parse_level(text):
    """A level written "2", "02" or "II"."""
    return int(text) if text.isdigit() else parse_roman(text)


_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")


def parse_date(text):
    """The first date in ``text`` as ISO ("2025-12-10"), from "ngày 10 tháng 12 năm 2025" or "10/12/2025"."""
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        match = pattern.search(text)
        if match:
            day, month, year = (int(group) for group in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


def date_spans(text):
    """Where dates stand in ``text``, so that their years are not read as horizons."""
    return [match.span() for pattern in (_DATE_WORDS, _DATE_NUMERIC) for match in pattern.finditer(text)]

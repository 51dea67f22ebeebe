"""Vietnamese alphabetical order (units/collation.py) whatever the form the name was typed in; the order itself is
tested with the drill-down (tests/reports/test_phone_audit_fixes.py)."""

import unicodedata

from units.collation import vietnamese_sort_key


def test_a_name_typed_with_its_marks_apart_sorts_as_the_composed_one():
    for name in ("Trường Mầm non Hòa Nghĩa", "Đặc khu Cát Hải", "Phường Hải An", "TRƯỜNG THCS ĐỒNG THÁI"):
        assert vietnamese_sort_key(unicodedata.normalize("NFD", name))[:2] == vietnamese_sort_key(name)[:2]


def test_a_mark_that_joins_no_letter_is_the_tone_of_the_letter_before():
    # no "Đ" carries a hỏi: the mark stays apart, and still sorts as that letter's tone (after none, before "Đa")
    assert sorted(["Đa", "Đ\u0309", "Đ"], key=vietnamese_sort_key) == ["Đ", "Đ\u0309", "Đa"]
    assert vietnamese_sort_key(None) == vietnamese_sort_key("") == ((), (), "")

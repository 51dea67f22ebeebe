"""How a plan is named everywhere: its number and title, or its title and period when unnumbered."""

from datetime import date

from plans.models import Document

DUONG_KINH_TITLE = ("Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh "
                    "giai đoạn 2026-2030")
KINH_MON_TITLE = ("Kế hoạch thực hiện Nghị quyết số 71-NQ/TW, ngày 22/8/2025 của Bộ Chính trị về đột phá phát "
                  "triển giáo dục và đào tạo")


def plan(**fields):
    return Document(doc_type="KH", **fields)


def test_a_numbered_plan_is_named_by_its_number_and_title():
    document = plan(number="102/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 71", start_year=2025, end_year=2030)
    assert document.short_label == "Kế hoạch 102/KH-UBND"
    assert document.name == "Kế hoạch 102/KH-UBND — Kế hoạch thực hiện Nghị quyết 71"


def test_an_unnumbered_plan_whose_title_states_its_period_is_named_by_its_title():
    document = plan(number="", title=DUONG_KINH_TITLE, issued_year=2026, start_year=2026, end_year=2030)
    assert document.short_label == DUONG_KINH_TITLE
    assert document.name == DUONG_KINH_TITLE
    assert "Kế hoạch năm 2026" not in document.short_label


def test_an_unnumbered_plan_is_named_by_its_title_and_period():
    document = plan(number="", title=KINH_MON_TITLE, start_year=2025, end_year=2035)
    assert document.name == f"{KINH_MON_TITLE} (giai đoạn 2025–2035)"
    # a long title is shortened at a word, the period kept
    assert document.short_label == ("Kế hoạch thực hiện Nghị quyết số 71-NQ/TW, ngày 22/8/2025 của Bộ Chính trị về "
                                    "đột phá phát triển… (giai đoạn 2025–2035)")


def test_an_unnumbered_plan_without_period_is_named_by_its_title_and_year_of_issue():
    document = plan(number="", title="Kế hoạch tuyển sinh", issued_on=date(2025, 12, 17))
    assert document.short_label == "Kế hoạch tuyển sinh (năm 2025)"
    assert plan(number="", title="Kế hoạch tuyển sinh").short_label == "Kế hoạch tuyển sinh"


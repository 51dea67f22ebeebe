"""Shapes the fifth set's rules over-read (found by review): a level after a share that already has its verb, a
section heading that names hardship, every unit of a kind with a state, a date before a count, a count "each
year", a second verb inside one property. The sentences are written for these tests, worded differently from the
reviewer's plans.
"""

from importer.extraction import extract_plan

HEAD = ["ỦY BAN NHÂN DÂN", "XÃ TÂN TIẾN", "Số: 33/KH-UBND", "Tân Tiến, ngày 20 tháng 02 năm 2026", "KẾ HOẠCH"]


def plan(*body, sections=(), title="Kế hoạch phát triển giáo dục xã Tân Tiến giai đoạn 2026 - 2030"):
    lines = [*HEAD, title, "I. MỤC TIÊU", *body, *sections,
             "V. TỔ CHỨC THỰC HIỆN", "1. Văn phòng HĐND và UBND xã theo dõi, tổng hợp."]
    return extract_plan("\n".join(lines), "tan-tien.txt")


def shapes(result):
    return [(t["comparator"], t["value"], t["unit"]) for t in result["targets"]]


# ---- a level after a share whose predicate is already said ------------------------------------------------------


def test_a_level_after_a_rate_with_its_verb_is_a_target_of_its_own():
    result = plan("- Tỷ lệ trẻ mẫu giáo được học bán trú đạt 97%, Trường Mầm non Tân Tiến đạt kiểm định chất lượng "
                  "từ cấp độ 2 trở lên.")
    assert shapes(result) == [("=", 97, "%"), (">=", 2, "level")]
    assert "Trường Mầm non Tân Tiến" in result["targets"][1]["indicator"]


def test_a_level_after_a_share_and_its_predicate_is_a_target_of_its_own():
    result = plan("- Trên 90% trẻ em, học sinh được tiêm chủng đầy đủ, các trường đạt chuẩn xanh - sạch - đẹp từ "
                  "mức độ 3 trở lên.")
    assert shapes(result) == [(">=", 90, "%"), (">=", 3, "level")]


def test_a_level_continuing_a_share_without_a_verb_still_qualifies_it():
    result = plan("- Trên 80% nhân viên kế toán, giáo viên đạt chuẩn kỹ năng số từ mức độ 2 trở lên.")
    assert shapes(result) == [(">=", 80, "%")]


# ---- a heading that names hardship ---------------------------------------------------------------------------------


def test_a_section_on_helping_pupils_in_hardship_keeps_its_targets():
    result = plan("- Tỷ lệ học sinh đi học đúng độ tuổi đạt 99%.",
                  sections=["II. CHĂM LO TRẺ EM VÙNG ĐẶC BIỆT KHÓ KHĂN",
                            "- Bảo đảm 100% trẻ em mồ côi được hỗ trợ chi phí học tập."])
    assert shapes(result) == [("=", 99, "%"), ("=", 100, "%")]


def test_a_first_section_weighing_advantages_and_difficulties_still_states_no_targets():
    lines = [*HEAD, "Kế hoạch phát triển giáo dục xã Tân Tiến giai đoạn 2026 - 2030",
             "I. THUẬN LỢI, KHÓ KHĂN", "Năm học vừa qua có 6 trường đạt chuẩn quốc gia.",
             "II. MỤC TIÊU", "- Có 8 trường đạt chuẩn quốc gia.",
             "III. TỔ CHỨC THỰC HIỆN", "1. Văn phòng HĐND và UBND xã theo dõi, tổng hợp."]
    result = extract_plan("\n".join(lines), "tan-tien.txt")
    assert shapes(result) == [("=", 8, "count")]

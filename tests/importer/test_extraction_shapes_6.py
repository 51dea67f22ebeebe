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


# ---- every unit of a kind with a state ------------------------------------------------------------------------------


def test_every_unit_with_a_state_keeps_the_units_in_the_indicator():
    result = plan("- Toàn bộ các trường mầm non có bếp ăn một chiều đạt chuẩn.",
                  "- Tất cả các lớp mẫu giáo được trang bị đồ chơi ngoài trời.")
    assert shapes(result) == [("=", 100, "%"), ("=", 100, "%")]
    assert [t["indicator"].split(" có ")[0].split(" được ")[0] for t in result["targets"]] == [
        "Tỷ lệ trường mầm non", "Tỷ lệ lớp mẫu giáo"]


def test_every_unit_that_acts_or_has_a_duty_is_no_rate():
    result = plan("- Tất cả các trường triển khai dạy học có hiệu quả môn Tin học.",
                  "- Toàn bộ học sinh có nhiệm vụ giữ gìn vệ sinh chung.",
                  "- Tất cả trường tiểu học tổ chức cho học sinh khuyết tật được học hòa nhập.")
    assert all(t["comparator"] != "=" for t in result["targets"])


def test_facilities_are_no_units_counted():
    result = plan("- Toàn bộ cơ sở vật chất trường học được sửa chữa, nâng cấp.",
                  "- Tất cả các cơ sở giáo dục có tủ thuốc y tế.")
    assert shapes(result) == [("=", 100, "%")]
    assert "cơ sở giáo dục" in result["targets"][0]["indicator"]


# ---- a day and month, a count each year, a relation of the thing had ---------------------------------------------


def test_a_day_and_month_before_a_share_is_no_count():
    result = plan("- Tổ chức Ngày hội đến trường vào 4/9 hằng năm, bảo đảm 100% trẻ 3 tuổi được ra lớp.")
    assert shapes(result) == [("=", 100, "%")]


def test_a_count_each_school_year_after_a_share_stays_a_qualifier():
    result = plan("- 100% cán bộ quản lý được bồi dưỡng với ít nhất 03 chuyên đề mỗi học kỳ.",
                  "- 90% trường có tủ sách với ít nhất 300 đầu sách mỗi lớp.")
    assert shapes(result) == [("=", 100, "%"), ("=", 90, "%"), (">=", 300, "count")]


def test_a_thing_related_with_another_is_one_property():
    result = plan("- 100% trường học được trang bị hệ thống báo cháy và kết nối với Đội Cảnh sát PCCC.")
    assert shapes(result) == [("=", 100, "%")]


# ---- a target before a school year ---------------------------------------------------------------------------------


def test_a_target_before_a_school_year_is_due_before_it_starts():
    result = plan("- 100% trường tiểu học có phòng học Tin học trước năm học 2028 - 2029.",
                  "- Tỷ lệ trẻ mẫu giáo học bán trú đạt 95% trong năm học 2028-2029.")
    assert [t["deadline"] for t in result["targets"]] == ["2027-2028", "2028-2029"]

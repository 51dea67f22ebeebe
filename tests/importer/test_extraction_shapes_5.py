"""Shapes of target sentences found on the fourth set (tests/importer/fresh4): a zero after "và" in a clause with a
figure, a fraction of units, a second property of one share, a count per unit after a
share, "toàn bộ / tất cả các …" with a state as a rate of 100%, "nâng … lên mức độ" inside a maintain list, a level
that qualifies a share, and the counts of a review of results. The sentences are written for these tests, worded
differently from the fourth set's plans.
"""

from importer.extraction import extract_plan

HEAD = ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN PHÚ", "Số: 61/KH-UBND", "An Phú, ngày 05 tháng 02 năm 2026", "KẾ HOẠCH"]


def plan(*body, title="Kế hoạch phát triển giáo dục phường An Phú giai đoạn 2026 - 2030", before=()):
    lines = [*HEAD, title, *before, "II. MỤC TIÊU", *body,
             "III. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp."]
    return extract_plan("\n".join(lines), "an-phu.txt")


def shapes(result):
    return [(t["comparator"], t["value"], t["unit"]) for t in result["targets"]]


# ---- a zero after "và" in a clause with a figure ------------------------------------------------------------


def test_a_zero_after_and_is_a_target_of_its_own():
    result = plan("- Tỷ lệ trẻ mẫu giáo được học bán trú đạt trên 95% và không để trẻ bị tai nạn thương tích "
                  "tại trường.",
                  "- Học sinh hoàn thành chương trình lớp học đạt 99,5% và không có học sinh vi phạm pháp luật.")
    assert shapes(result) == [(">=", 95, "%"), ("=", 0, "count"), ("=", 99.5, "%"), ("=", 0, "count")]
    assert "không có học sinh vi phạm pháp luật" in result["targets"][3]["quote"]


def test_a_figure_after_and_is_still_read_once():
    result = plan("- Tỷ lệ giáo viên đạt chuẩn đạt 100% và không dưới 40% đạt trên chuẩn.")
    assert shapes(result) == [("=", 100, "%"), (">=", 40, "%")]


# ---- a fraction of units ------------------------------------------------------------------------------------------


def test_a_fraction_of_units_is_the_count_reached():
    result = plan("- Phấn đấu 5/7 trường mầm non được công nhận kiểm định chất lượng cấp độ 2.",
                  "- 100% thôn có điểm sinh hoạt học tập cộng đồng; có 9/9 thôn đạt danh hiệu thôn học tập.")
    assert shapes(result) == [("=", 5, "count"), ("=", 100, "%"), ("=", 9, "count")]


# ---- a second property of one share -----------------------------------------------------------------------------


def test_a_share_with_a_second_property_after_and_gives_two_targets():
    result = plan("- 100% học sinh tiểu học được học tiếng Anh từ lớp 1 và tham gia câu lạc bộ lập trình.",
                  "- 80% giáo viên có tài khoản trên hệ thống học trực tuyến và sử dụng bài giảng điện tử.")
    assert shapes(result) == [("=", 100, "%"), ("=", 100, "%"), ("=", 80, "%"), ("=", 80, "%")]
    assert "lập trình" in result["targets"][1]["indicator"]


def test_a_share_of_one_property_with_and_in_its_name_stays_one():
    result = plan("- 100% trẻ được theo dõi cân nặng và chiều cao bằng biểu đồ tăng trưởng.",
                  "- 100% trẻ được tiêm chủng đầy đủ và được uống vitamin A theo đợt.")  # the verb repeated: one
    assert shapes(result) == [("=", 100, "%"), ("=", 100, "%")]


# ---- a count per unit after a share -----------------------------------------------------------------------------


def test_a_count_per_unit_after_a_share_is_a_target():
    result = plan("- 90% trường tiểu học có thư viện xanh với ít nhất 300 đầu sách cho mỗi thư viện.")
    assert shapes(result) == [("=", 90, "%"), (">=", 300, "count")]


def test_a_count_that_only_says_what_the_share_has_stays_a_qualifier():
    result = plan("- 100% trường có ít nhất 01 phòng học ngoại ngữ.")
    assert shapes(result) == [("=", 100, "%")]


# ---- every unit of a kind in a state ------------------------------------------------------------------------------


def test_every_unit_that_has_or_is_given_something_is_a_rate_of_100():
    result = plan("- Tất cả các lớp mẫu giáo có góc thiên nhiên cho trẻ khám phá.",
                  "- Toàn bộ trẻ 5 tuổi được đánh giá theo Bộ chuẩn phát triển trẻ em.")
    assert shapes(result) == [("=", 100, "%"), ("=", 100, "%")]


def test_every_unit_that_does_something_stays_a_milestone():
    result = plan("- Tất cả các trường mầm non tổ chức ngày hội đọc sách.")
    assert shapes(result) == [("achieve", None, None)]


# ---- "nâng … lên mức độ" inside a maintain list ----------------------------------------------------------------


def test_raising_a_level_inside_a_maintain_list_is_reached():
    result = plan("- Duy trì chuẩn xóa mù chữ mức độ 2, nâng mức phổ cập giáo dục mầm non cho trẻ 5 tuổi lên mức độ 2.")
    assert [(t["comparator"], t["value"]) for t in result["targets"]] == [("maintain", 2), ("achieve", 2)]


# ---- a level that qualifies a share --------------------------------------------------------------------------------


def test_a_level_qualifying_a_share_is_no_target_of_its_own():
    result = plan("- Ít nhất 70% nhân viên, giáo viên đạt chuẩn kỹ năng số từ mức độ 2 trở lên.",
                  "- Duy trì phổ cập giáo dục tiểu học mức độ 3.")
    assert [(t["comparator"], t["value"], t["unit"]) for t in result["targets"]] == [
        (">=", 70, "%"), ("maintain", 3, "level")]


# ---- the counts of a review of results ------------------------------------------------------------------------------


def test_the_counts_of_a_review_of_results_are_no_targets():
    result = plan("- Có 8 trường đạt chuẩn quốc gia.",
                  before=["I. ƯU ĐIỂM, HẠN CHẾ", "Phường có 9 trường công lập (03 trường mầm non, 04 trường tiểu "
                          "học, 02 trường THCS); 5/9 trường đạt chuẩn quốc gia."])
    assert shapes(result) == [("=", 8, "count")]

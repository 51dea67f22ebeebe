"""Shapes of target sentences found on the second held-out set: a bound across units whose indicator name holds a
figure, a ceiling across units, a year that names a document, a zero or at-most count in a second clause, a
score without a % sign, a set-up-and-keep count, and the aims of a purpose section under a heading that also
names the objectives. The sentences are written for these tests, worded differently from the held-out plans.
"""

from importer.extraction import extract_plan

HEAD = ["ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH", "Số: 44/KH-UBND", "Hòa Bình, ngày 12 tháng 01 năm 2026", "KẾ HOẠCH"]


def plan(*body, title="Kế hoạch phát triển giáo dục giai đoạn 2026 - 2030"):
    lines = [*HEAD, title, "I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm thống nhất.", "II. MỤC TIÊU", *body,
             "III. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp."]
    return extract_plan("\n".join(lines), "thu.txt")


def shapes(result):
    return [(t["comparator"], t["value"], t["unit"], t["deadline"]) for t in result["targets"]]


# ---- 1. a floor across units whose indicator's name holds a figure ------------------------------------------


def test_a_figure_inside_the_name_is_not_the_floor():
    result = plan("- Không có bản nào có tỷ lệ trẻ em 6 tuổi vào lớp 1 thấp hơn 98,5%.",
                  "- Không để trường nào có tỷ lệ học sinh lớp 9 tốt nghiệp dưới 95%.",
                  "- Không có cụm dân cư nào có tỷ lệ người từ 15 tuổi trở lên biết chữ ít hơn 97%.")
    assert shapes(result) == [(">=", 98.5, "%", "2030"), (">=", 95, "%", "2030"), (">=", 97, "%", "2030")]
    assert result["targets"][0]["quote"].startswith("Không có bản nào")


# ---- 2. a ceiling across units --------------------------------------------------------------------------------


def test_a_ceiling_across_units_is_an_at_most():
    result = plan("- Không để lớp mẫu giáo nào có quá 30 trẻ.",
                  "- Không có trường tiểu học nào có tỷ lệ học sinh ở lại lớp vượt 1,5%.",
                  "- Không để trường, điểm trường nào có sĩ số vượt quá 40 học sinh/lớp.",
                  "- Không có trường nào có điểm thi trung bình dưới 5,0 điểm.")
    assert shapes(result) == [("<=", 30, "count", "2030"), ("<=", 1.5, "%", "2030"),
                              ("<=", 40, "count", "2030"), (">=", 5, "index", "2030")]


def test_what_is_not_a_bound_across_units_keeps_its_reading():
    result = plan("- Không để học sinh nào nghỉ học quá 5 ngày không lý do.",
                  "- Không để cơ sở nào xảy ra mất an toàn thực phẩm.")
    assert shapes(result) == [("=", 0, "count", "2030"), ("=", 0, "count", "2030")]


# ---- 3. a year that names a document is not a baseline --------------------------------------------------------


def test_a_year_that_names_a_document_keeps_the_target():
    result = plan("- 100% cán bộ quản lý đạt chuẩn hiệu trưởng theo Thông tư năm 2018, trong đó ít nhất 40% đạt mức "
                  "khá trở lên.",
                  "- 100% lớp 10 học theo Chương trình giáo dục phổ thông năm 2018.",
                  "- Tỷ lệ trẻ đến trường đạt 97% theo Luật Trẻ em năm 2016.")
    assert shapes(result) == [("=", 100, "%", "2030"), (">=", 40, "%", "2030"), ("=", 100, "%", "2030"),
                              ("=", 97, "%", "2030")]


def test_a_past_year_of_a_result_is_still_a_baseline():
    result = plan("- Năm 2024 tỷ lệ trẻ đến trường đạt 95%.",
                  "- Theo số liệu năm 2023, 80% phòng học đã kiên cố.",
                  "- Tỷ lệ học sinh đi học đúng độ tuổi đạt 99%.")
    assert shapes(result) == [("=", 99, "%", "2030")]


# ---- 4. a zero or an at-most count in a second clause ------------------------------------------------------------


def test_a_second_clause_states_a_zero_or_an_at_most_count():
    result = plan("- 100% trường có nhà vệ sinh đạt chuẩn; không có điểm trường nào phải học ca ba.",
                  "- Không có học sinh lưu ban; không có phòng học xuống cấp, phòng học nhờ.",
                  "- Tỷ lệ chuyên cần đạt 98%; số học sinh bỏ học giữa năm không quá 02 em.")
    assert shapes(result) == [("=", 100, "%", "2030"), ("=", 0, "count", "2030"), ("=", 0, "count", "2030"),
                              ("=", 0, "count", "2030"), ("=", 98, "%", "2030"), ("<=", 2, "count", "2030")]
    assert result["targets"][3]["quote"].startswith("không có phòng học xuống cấp")


# ---- 5. a score without a % sign ---------------------------------------------------------------------------------


def test_a_score_is_an_index():
    result = plan("- Điểm bình quân kỳ thi vào lớp 10 của học sinh đạt từ 6,0 trở lên.",
                  "- Học sinh lớp 12 đạt điểm trung bình các môn thi trên 6,25.",
                  "- Mỗi học sinh đạt ít nhất 7,5 điểm môn Tin học.")
    assert shapes(result) == [(">=", 6, "index", "2030"), (">=", 6.25, "index", "2030"),
                              (">=", 7.5, "index", "2030")]


# ---- 6. a count set up and then kept is reached ------------------------------------------------------------------


def test_a_count_set_up_and_kept_is_reached():
    result = plan("- Thành lập và duy trì sinh hoạt 06 câu lạc bộ năng khiếu.",
                  "- Duy trì 4 câu lạc bộ tiếng Anh.")
    assert shapes(result) == [("=", 6, "count", "2030"), ("maintain", 4, "count", "2030")]


# ---- 7. the aims of a purpose section are no milestones ----------------------------------------------------------


def test_aims_under_a_purpose_heading_are_not_milestones():
    lines = [*HEAD, "Chương trình hành động giai đoạn 2026 - 2030", "A. MỤC ĐÍCH, YÊU CẦU VÀ MỤC TIÊU",
             "I. Mục đích, yêu cầu",
             "Nâng cao nhận thức; khẳng định giáo dục là trung tâm chất lượng cao, là lá cờ đầu của vùng.",
             "II. Mục tiêu", "- Trường Tiểu học Hòa Bình trở thành trường dẫn đầu của huyện.",
             "- 100% trường đạt chuẩn quốc gia.", "B. TỔ CHỨC THỰC HIỆN", "1. Ủy ban nhân dân xã theo dõi."]
    result = extract_plan("\n".join(lines), "thu.txt")
    assert shapes(result) == [("achieve", None, None, "2030"), ("=", 100, "%", "2030")]
    assert result["targets"][0]["quote"].startswith("Trường Tiểu học Hòa Bình")

"""Shapes of target sentences found by the audit of unseen plans (floors that name their indicator, short
numbered target lines, deadlines after the figure or written as a date, lettered parts in small letters, the
plan's period stated in its purpose section, an appendix after the signature, a maintain list over ';').
The sentences are written for these tests, worded differently from the audited plans.
"""

from importer.extraction import extract_plan
from importer.extraction.targets import horizons
from importer.extraction.text import clean_text, heading_rank, outline

HEAD = ["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ", "Số: 31/KH-UBND", "An Phú, ngày 05 tháng 01 năm 2026", "KẾ HOẠCH"]


def plan(title, *body, purpose=("Bảo đảm thống nhất.",), tail=()):
    lines = [*HEAD, title, "I. MỤC ĐÍCH, YÊU CẦU", *purpose, *body, "IV. TỔ CHỨC THỰC HIỆN",
             "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp.", *tail]
    return extract_plan("\n".join(lines), "thu.txt")


def shapes(result):
    return [(t["comparator"], t["value"], t["unit"], t["level_label"], t["deadline"]) for t in result["targets"]]


# ---- 1. a floor across units whose indicator is named between "nào" and the bound ---------------------------


def test_a_floor_that_names_its_indicator_is_an_at_least():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Không để trường học nào có tỷ lệ học sinh được học bơi an toàn thấp hơn 65%.",
                  "- Không có thôn, bản, khu dân cư nào có tỷ lệ người lớn biết chữ dưới 98%.",
                  "- Không có điểm trường nào có số phòng học kiên cố chưa đạt 70%.")
    assert shapes(result) == [(">=", 65, "%", None, "2030"), (">=", 98, "%", None, "2030"),
                              (">=", 70, "%", None, "2030")]
    # the list of units is not cut at its commas into a zero target
    assert result["targets"][1]["quote"].startswith("Không có thôn, bản, khu dân cư nào")


def test_what_is_not_a_floor_keeps_its_reading():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Không có học sinh nào bị xâm hại; tỷ lệ học sinh bỏ học thấp hơn 0,5%.",
                  "- Không để trường nào bị cảnh báo, tỷ lệ lưu ban dưới 2%.",
                  "- Tỷ lệ trẻ béo phì thấp hơn 4%.")
    assert shapes(result) == [("=", 0, "count", None, "2030"), ("<=", 0.5, "%", None, "2030"),
                              ("=", 0, "count", None, "2030"), ("<=", 2, "%", None, "2030"),
                              ("<=", 4, "%", None, "2030")]


# ---- 2. a short numbered line that states a target is not a heading ----------------------------------------


def test_a_short_numbered_target_sentence_is_not_a_heading():
    for line in ("3. Mở ít nhất 03 câu lạc bộ STEM mỗi năm.", "2. Không để học sinh bỏ học giữa chừng.",
                 "5. Xây dựng mới 12 phòng học.", "1. Tối thiểu 2 giờ tự học mỗi ngày."):
        assert heading_rank(line, True) is None, line
    for line in ("1. Mục tiêu chung.", "2. Giai đoạn 2026 - 2030", "3. Củng cố mạng lưới trường, lớp học.",
                 "2. Đối với lớp 5 tuổi.", "4. Thực hiện Nghị quyết 71.", "2. Nhóm 3 trường vùng khó."):
        assert heading_rank(line, True) == 2, line


def test_short_numbered_targets_are_read_under_their_heading():
    result = plan("Kế hoạch năm học 2025 - 2026", "II. CHỈ TIÊU", "1. Chỉ tiêu chuyên môn",
                  "1. Mở ít nhất 03 câu lạc bộ STEM.", "2. Không để học sinh bỏ học giữa chừng.",
                  "2. Chỉ tiêu cơ sở vật chất", "1. Tỷ lệ phòng học có máy chiếu đạt 90%.")
    assert shapes(result) == [(">=", 3, "count", None, "2025-2026"), ("=", 0, "count", None, "2025-2026"),
                              ("=", 90, "%", None, "2025-2026")]
    assert result["targets"][0]["section"] == "II. CHỈ TIÊU > 1. Chỉ tiêu chuyên môn"


# ---- 3. deadlines ------------------------------------------------------------------------------------------


def test_a_year_right_after_a_figure_is_its_deadline():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Tỷ lệ học sinh biết bơi đạt 50% vào năm 2027 và 70% đến năm 2029.",
                  "- Năm 2027 đạt 30% và năm 2029 đạt 45% số trường có sân chơi.",
                  "- Đến năm 2028, tỷ lệ trường có y tế học đường đạt 80%, đến năm 2030 đạt 95%.")
    assert [(t["value"], t["deadline"]) for t in result["targets"]] == [
        (50, "2027"), (70, "2029"), (30, "2027"), (45, "2029"), (80, "2028"), (95, "2030")]


def test_a_deadline_date_or_month_gives_its_year():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Trường Tiểu học An Phú đạt chuẩn quốc gia mức độ 2 trước 30/9/2028.",
                  "- 100% hồ sơ học sinh được số hóa chậm nhất ngày 31/5/2027.",
                  "- Tỷ lệ giáo viên dạy giỏi cấp huyện đạt 40% trong tháng 6/2029.")
    assert [t["deadline"] for t in result["targets"]] == ["2028", "2027", "2029"]
    # a cited document's date, or a date before the plan, is no horizon
    assert horizons("theo Kế hoạch số 12/KH-UBND ngày 05/9/2026 của UBND tỉnh", 2026) == []
    assert horizons("hoàn thành trước 31/12/2024", 2026) == []
    assert horizons("hoàn thành trước quý III/2027", 2026) == [(11, "2027")]


def test_lettered_parts_in_small_letters_are_headings_with_their_horizon():
    result = plan("Kế hoạch năm học 2025 - 2026 và những năm tiếp theo", "II. CÁC CHỈ TIÊU",
                  "A. Chỉ tiêu năm học 2025-2026", "1. Tỷ lệ học sinh được học tiếng Anh đạt 90%.",
                  "B. Chỉ tiêu đến năm học 2028-2029", "1. Tỷ lệ học sinh được học tiếng Anh đạt 100%.")
    assert [(t["value"], t["deadline"]) for t in result["targets"]] == [(90, "2025-2026"), (100, "2028-2029")]
    assert result["targets"][1]["section"] == "II. CÁC CHỈ TIÊU > B. Chỉ tiêu đến năm học 2028-2029"
    assert heading_rank("D. Nguyễn Văn Bình", True) is None  # an initial and a name
    assert heading_rank("B. Tổ chức ít nhất 02 hội thảo.", True) is None


def test_the_purpose_section_gives_the_period_when_the_title_does_not():
    purpose = ("Thực hiện Kế hoạch số 90/KH-UBND ngày 02/10/2025 của UBND tỉnh, UBND xã ban hành Kế hoạch nhằm "
               "cụ thể hóa các mục tiêu phát triển giáo dục của xã đến năm 2029, định hướng đến năm 2035.",)
    result = plan("Kế hoạch thực hiện Nghị quyết số 71-NQ/TW", "II. MỤC TIÊU", "- Tỷ lệ trẻ ra lớp đạt 98%.",
                  purpose=purpose)
    assert shapes(result) == [("=", 98, "%", None, "2029")]
    # a period in the title comes first; a purpose section that only cites another plan's period gives none
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU", "- Tỷ lệ trẻ ra lớp đạt 98%.", purpose=purpose)
    assert shapes(result) == [("=", 98, "%", None, "2030")]
    result = plan("Kế hoạch thực hiện Nghị quyết số 71-NQ/TW", "II. MỤC TIÊU", "- Tỷ lệ trẻ ra lớp đạt 98%.",
                  purpose=("Căn cứ Chương trình số 5-CTr/TU giai đoạn 2026 - 2031 của Tỉnh ủy;",))
    assert shapes(result) == [("=", 98, "%", None, None)]


# ---- 4. an appendix after the signature ---------------------------------------------------------------------

SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, 03 bản.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Hải"]


def test_an_appendix_of_targets_after_the_signature_is_read():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU", "- Tỷ lệ trẻ ra lớp đạt 98%.",
                  tail=[*SIGNATURE, "PHỤ LỤC 1", "MỘT SỐ CHỈ TIÊU CỤ THỂ ĐẾN NĂM 2028",
                        "(Kèm theo Kế hoạch số 31/KH-UBND ngày 05/01/2026 của UBND xã An Phú)",
                        "1. Tỷ lệ trường có nhà đa năng đạt 60%.", "2. Có ít nhất 04 trường đạt chuẩn xanh - sạch - đẹp.",
                        "PHỤ LỤC 2", "SỐ LIỆU HỌC SINH NĂM HỌC 2025-2026",
                        "1. Tỷ lệ học sinh đi học đúng độ tuổi đạt 97%."])
    assert shapes(result) == [("=", 98, "%", None, "2030"), ("=", 60, "%", None, "2028"),
                              (">=", 4, "count", None, "2028")]
    assert result["targets"][1]["section"] == "PHỤ LỤC 1 > MỘT SỐ CHỈ TIÊU CỤ THỂ ĐẾN NĂM 2028"
    assert result["signer_name"] == "Trần Văn Hải"


def test_without_an_appendix_nothing_after_the_recipients_is_read():
    cleaned = clean_text("\n".join([*HEAD, "Kế hoạch giai đoạn 2026 - 2030", "I. MỤC TIÊU", "- Đạt 98%.",
                                    *SIGNATURE, "Phụ lục số liệu kèm theo 10 trang."]))
    _preamble, body = outline(cleaned)
    assert [line.text for line in body] == ["- Đạt 98%."]


# ---- 5. a maintain list that goes on after ';' ----------------------------------------------------------------


def test_a_maintain_list_goes_on_over_a_semicolon():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Tiếp tục giữ vững chuẩn xóa mù chữ mức độ 2; phổ cập giáo dục trung học cơ sở mức độ 3.",
                  "- Duy trì phổ cập giáo dục tiểu học mức độ 2; phổ cập giáo dục THCS đạt mức độ 3.",
                  "- Duy trì nề nếp dạy học; phổ cập giáo dục tiểu học mức độ 3.")
    assert [(t["comparator"], t["level_label"]) for t in result["targets"]] == [
        ("maintain", "mức độ 2"), ("maintain", "mức độ 3"), ("maintain", "mức độ 2"), ("achieve", "mức độ 3"),
        ("achieve", "mức độ 3")]


# ---- a yearly change is marked for the reviewer ---------------------------------------------------------------


def test_a_yearly_change_keeps_its_figure_and_is_marked():
    result = plan("Kế hoạch giai đoạn 2026 - 2030", "II. MỤC TIÊU",
                  "- Số sáng kiến được công nhận tăng bình quân 8%/năm.",
                  "- Tỷ lệ học sinh được tư vấn hướng nghiệp tăng 4% mỗi năm.",
                  "- Tỷ lệ trẻ được tiêm chủng đạt 99% mỗi năm.", "- Tăng 20% số phòng học so với năm 2025.")
    assert [(t["value"], any("mỗi năm" in doubt for doubt in t["doubts"])) for t in result["targets"]] == [
        (8, True), (4, True), (99, False), (20, False)]

"""Leads the fifth set's labels and paragraph split over-read (found by review): "Giao:" before words that name no
unit, "Giao:" opening an item of "Tổ chức thực hiện", a bare "chủ trì:" after a comma naming who chairs a meeting,
a dot inside an abbreviated name, and sentences of a paragraph that give no duty. The sentences are written for
these tests, worded differently from the reviewer's plans."""

import pytest

from importer.extraction.assignments import cell_due, due_date, extract_tasks, labelled_lead
from importer.extraction.text import clean_text

PREAMBLE = ["ỦY BAN NHÂN DÂN", "XÃ ĐÔNG HÒA", "Số: 27/KH-UBND", "Đông Hòa, ngày 09 tháng 3 năm 2026",
            "KẾ HOẠCH", "Phát triển giáo dục xã Đông Hòa giai đoạn 2026 - 2030"]


def tasks_of(*assignment):
    lines = [*PREAMBLE, "I. MỤC TIÊU", "Nâng cao chất lượng.", "II. TỔ CHỨC THỰC HIỆN", *assignment,
             "Nơi nhận:", "- Lưu: VT."]
    groups = extract_tasks(clean_text("\n".join(lines)))
    return [(task["text"], task["lead_text"] or group["lead_text"]) for group in groups for task in group["tasks"]]


@pytest.mark.parametrize("text, lead", [
    # "Giao:" before when or what, not who
    ("Rà soát hồ sơ học sinh. Giao: định kỳ mỗi quý, cán bộ phụ trách cập nhật.", ""),
    ("Phân công hợp lý. Giao: chỉ tiêu cụ thể đến từng lớp.", ""),
    ("Lập danh sách trẻ. Giao: Trạm Y tế xã rà soát, lập danh sách.", "Trạm Y tế xã"),
    ("Lập danh sách trẻ. Giao: các thôn thực hiện.", "các thôn"),
    # a bare "chủ trì:" after a comma says who chairs a meeting
    ("Tổ chức tọa đàm về an toàn trường học, chủ trì: đồng chí Phó Chủ tịch UBND xã; thành phần: các trường.", ""),
    ("Tổ chức hội thảo chuyên đề, chủ trì: lãnh đạo Phòng Văn hóa - Xã hội; thời gian: quý II/2026.", ""),
    ("Chủ trì: Công an xã; phối hợp: các trường.", "Công an xã"),
    # a dot inside an abbreviated name does not end it
    ("Triển khai theo hướng dẫn. Cơ quan chủ trì: UBND TX. Đông Triều; thời hạn: tháng 6/2026.", "UBND TX. Đông Triều"),
])
def test_labelled_lead_names_a_unit(text, lead):
    assert labelled_lead(text) == lead


def test_a_give_label_opening_an_item_is_no_unit():
    tasks = tasks_of("1. Giao: Trạm Y tế xã chủ trì, phối hợp với các trường khám sức khỏe cho học sinh.",
                     "2. Hội Phụ nữ xã tuyên truyền. Giao: Đoàn Thanh niên xã hỗ trợ, báo cáo kết quả.")
    assert [lead for _, lead in tasks] == ["Trạm Y tế xã", "Hội Phụ nữ xã", "Đoàn Thanh niên xã"]
    assert tasks[0][0].startswith("Trạm Y tế xã chủ trì")


def test_sentences_that_give_no_duty_stay_in_the_duty_before():
    tasks = tasks_of("1. Văn phòng HĐND và UBND xã kiểm tra tiến độ. Trường nào chậm tiến độ phải giải trình.",
                     "2. Trung tâm Văn hóa - Thể thao xã tuyên truyền rộng rãi. Cổng thông tin điện tử xã đưa tin kết quả.")
    assert [lead for _, lead in tasks] == ["Văn phòng HĐND và UBND xã", "Trung tâm Văn hóa - Thể thao xã"]


def test_the_first_duty_of_a_paragraph_keeps_its_own_unit():
    tasks = tasks_of("3. Hội Cựu giáo chức xã vận động khuyến học. Ban công tác Mặt trận các thôn giám sát.")
    assert tasks[0][1] == "Hội Cựu giáo chức xã"


# ---- "đến tháng" dating a state, "before a term" ---------------------------------------------------------------------


@pytest.mark.parametrize("text, due", [
    # a state at a month, not a deadline
    ("Theo số liệu thống kê đến tháng 5/2025, bố trí đủ phòng học cho trẻ 5 tuổi.", None),
    ("Tính đến tháng 10/2025, xã còn 3 điểm trường lẻ; tiếp tục sắp xếp lại mạng lưới.", None),
    # a span's end, or what is to be done by then
    ("Bồi dưỡng cán bộ quản lý từ tháng 3 đến tháng 6/2026.", "2026-06-30"),
    ("Sắp xếp lại điểm trường lẻ, hoàn thành đến tháng 12/2026.", "2026-12-31"),
    ("Kiểm tra hồ sơ chuyên môn đến hết tháng 4/2027.", "2027-04-30"),
    # before a term is before it starts
    ("Bố trí đủ giáo viên tiếng Anh trước học kỳ II năm học 2027-2028.", "2028-01-31"),
    ("Mua sắm bàn ghế trước học kỳ 1 năm học 2026 - 2027.", "2026-08-31"),
    ("Tổng kết chuyên đề trước cuối học kỳ II năm học 2026-2027.", "2027-05-31"),
])
def test_deadlines_at_a_month_and_before_a_term(text, due):
    assert due_date(text) == due


def test_a_table_cell_until_a_month_is_a_deadline():
    assert cell_due("Đến tháng 6/2026") == "2026-06-30"

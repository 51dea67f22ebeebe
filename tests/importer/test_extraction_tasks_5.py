"""Tasks whose lead and deadline are written as labels at their end ("Đơn vị chủ trì: …; thời hạn: …", "Người
thực hiện: …", "Giao: … chủ trì"), a paragraph of "Tổ chức thực hiện" that gives several units their duty in turn,
and deadlines written as a span, a semester or "before a school year"."""

import pytest

from importer.extraction.assignments import due_date, extract_tasks, labelled_lead
from importer.extraction.text import clean_text


def tasks_of(lines):
    groups = extract_tasks(clean_text("\n".join(lines)))
    return [(group, task) for group in groups for task in group["tasks"]]


PREAMBLE = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ BẮC LINH", "Số: 45/KH-UBND", "Bắc Linh, ngày 03 tháng 3 năm 2026",
            "KẾ HOẠCH", "Phát triển giáo dục thành phố Bắc Linh giai đoạn 2026 - 2030"]


# ---- a lead and a deadline written as labels --------------------------------------------------------------

LABELLED_PLAN = [
    *PREAMBLE,
    "I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm các nhiệm vụ được giao rõ người, rõ việc.",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "1. Về mạng lưới trường lớp",
    "- Sáp nhập các điểm trường lẻ có dưới 10 học sinh. Đơn vị chủ trì: Sở Nội vụ; đơn vị phối hợp: Sở Tài chính, "
    "Ủy ban nhân dân các phường; thời hạn: tháng 10/2027.",
    "- Lập quy hoạch đất cho trường học. Cơ quan thực hiện: Sở Xây dựng; thời gian thực hiện: Quý III/2026.",
    "2. Về đội ngũ",
    "Bồi dưỡng tổ trưởng chuyên môn về kiểm tra đánh giá. Người thực hiện: Trưởng ban Khảo thí; tiến độ: năm 2028.",
    "3. Về học liệu",
    "Mua sắm thiết bị dạy học tối thiểu lớp 5. Bộ phận phụ trách: Kế toán nhà trường.",
    "4. Về thư viện",
    "Bổ sung sách tham khảo cho thư viện. Giao: Trung tâm Thông tin - Thư viện chủ trì; phối hợp: các trường tiểu "
    "học; hoàn thành trong tháng 8/2027.",
    "5. Về an ninh trường học",
    "Lắp đặt camera tại cổng các trường. Chủ trì: Công an thành phố; thời gian hoàn thành: hằng năm.",
    "III. TỔ CHỨC THỰC HIỆN", "Các cơ quan triển khai theo chức năng.",
    "Nơi nhận:", "- Lưu: VT.",
]


def test_a_lead_written_as_a_label_leads_the_task():
    leads = [task["lead_text"] for _, task in tasks_of(LABELLED_PLAN)][:6]
    assert leads == ["Sở Nội vụ", "Sở Xây dựng", "Trưởng ban Khảo thí", "Kế toán nhà trường",
                     "Trung tâm Thông tin - Thư viện", "Công an thành phố"]


def test_a_deadline_written_as_a_label_is_read():
    dues = [task["due"] for _, task in tasks_of(LABELLED_PLAN)][:6]
    assert dues == ["2027-10-31", "2026-09-30", "2028-12-31", None, "2027-08-31", None]  # "hằng năm" recurs


def test_the_units_after_a_coordinating_label_are_the_coordinating_units():
    first = tasks_of(LABELLED_PLAN)[0][1]
    assert first["coordinating_texts"] == ["Sở Tài chính", "Ủy ban nhân dân các phường"]
    library = tasks_of(LABELLED_PLAN)[4][1]
    assert library["coordinating_texts"] == ["các trường tiểu học"]


@pytest.mark.parametrize("text, lead", [
    ("Tu sửa nhà đa năng. Đơn vị chủ trì: Ban quản lý dự án khu vực; đơn vị phối hợp: Phòng Kinh tế.",
     "Ban quản lý dự án khu vực"),
    ("Chấm thi thử lớp 12. Người chịu trách nhiệm: Phó Giám đốc Sở phụ trách khảo thí.",
     "Phó Giám đốc Sở phụ trách khảo thí"),
    ("Giao: Đoàn Thanh niên xã chủ trì, phối hợp với Hội Cựu giáo chức.", "Đoàn Thanh niên xã"),
    # no label: a task that only names who coordinates, or talks about a lead, names none
    ("Phối hợp với Hội Khuyến học tổ chức trao học bổng.", ""),
    ("Nâng cao năng lực của cơ quan chủ trì các dự án giáo dục.", ""),
])
def test_labelled_lead(text, lead):
    assert labelled_lead(text) == lead


# ---- a paragraph of "Tổ chức thực hiện" that gives several units their duty ---------------------------------

def test_each_unit_of_a_paragraph_leads_its_own_duty():
    lines = [*PREAMBLE, "I. MỤC TIÊU", "Nâng cao chất lượng.", "II. TỔ CHỨC THỰC HIỆN",
             "Giám đốc Trung tâm chịu trách nhiệm trước Ủy ban; Phó Giám đốc theo dõi, đôn đốc hằng quý; các tổ "
             "nghiệp vụ lập kế hoạch chi tiết trước ngày 15/01/2027. Thủ trưởng các đơn vị trực thuộc báo cáo kết "
             "quả về Trung tâm trước ngày 30/6/2027.",
             "Nơi nhận:", "- Lưu: VT."]
    tasks = [(task["text"], task["lead_text"] or group["lead_text"], task["due"]) for group, task in tasks_of(lines)]
    assert [(lead, due) for _, lead, due in tasks] == [
        ("Giám đốc Trung tâm", None), ("Phó Giám đốc", None), ("Các tổ nghiệp vụ", "2027-01-15"),
        ("Thủ trưởng các đơn vị trực thuộc", "2027-06-30")]
    assert tasks[2][0] == "Các tổ nghiệp vụ lập kế hoạch chi tiết trước ngày 15/01/2027."


def test_a_paragraph_of_one_unit_stays_one_task():
    lines = [*PREAMBLE, "I. MỤC TIÊU", "Nâng cao chất lượng.", "II. TỔ CHỨC THỰC HIỆN",
             "Phòng Văn hóa - Xã hội chủ trì, phối hợp với các trường triển khai Kế hoạch; tổng hợp kết quả, báo "
             "cáo Ủy ban nhân dân thành phố trước ngày 15/12 hằng năm.",
             "Nơi nhận:", "- Lưu: VT."]
    tasks = tasks_of(lines)
    assert len(tasks) == 1 and tasks[0][1]["lead_text"] == "Phòng Văn hóa - Xã hội"


# ---- deadlines written as a span, a semester, before a school year ---------------------------------------------

@pytest.mark.parametrize("text, due", [
    ("Tổ chức ôn thi cho học sinh lớp 12 từ tháng 02/2027 đến tháng 5/2027.", "2027-05-31"),
    ("Kiểm kê tài sản từ tháng 10 đến tháng 12/2026.", "2026-12-31"),
    ("Dạy thử nghiệm sách mới, hoàn thành trong học kỳ II năm học 2026-2027.", "2027-05-31"),
    ("Rà soát hồ sơ phổ cập trong học kỳ 1 năm học 2027 – 2028.", "2028-01-31"),
    ("Tuyển đủ nhân viên y tế trường học trước năm học 2027 - 2028.", "2027-08-31"),
    ("Nghiệm thu phòng học mới trước cuối năm học 2026-2027.", "2027-05-31"),
    ("Bàn giao phòng học mới trong năm học 2026-2027.", "2027-05-31"),
])
def test_deadlines_worded_as_spans_semesters_and_school_years(text, due):
    assert due_date(text) == due


def test_the_unit_given_a_duty_leads_it_not_the_one_that_gives_it():
    lines = [*PREAMBLE, "I. MỤC TIÊU", "Nâng cao chất lượng.", "II. TỔ CHỨC THỰC HIỆN",
             "1. Ban Thường vụ Thành ủy giao Ủy ban nhân dân thành phố ban hành kế hoạch thực hiện trước ngày "
             "31/3/2026.",
             "2. Đảng ủy phường đề nghị Trung tâm Y tế khu vực phối hợp với các trường khám sức khỏe cho học sinh.",
             "Nơi nhận:", "- Lưu: VT."]
    leads = [task["lead_text"] or group["lead_text"] for group, task in tasks_of(lines)]
    assert leads == ["Ủy ban nhân dân thành phố", "Trung tâm Y tế khu vực"]

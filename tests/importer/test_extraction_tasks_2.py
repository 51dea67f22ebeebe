"""Tasks read from task tables, from sections numbered "1.", "2.", with deadlines by quarter, half-year and school
year, coordinating units that stop at what the unit does, and headings that lead only when they name a unit."""

import pytest

from importer.extraction.assignments import (
    cell_due,
    cell_units,
    coordinating_units,
    due_date,
    extract_tasks,
    names_unit,
    table_columns,
)
from importer.extraction.text import clean_text


def tasks_of(lines, clean=True):
    text = "\n".join(lines)
    groups = extract_tasks(clean_text(text) if clean else text)
    return groups, [(group, task) for group in groups for task in group["tasks"]]


PREAMBLE = ["ỦY BAN NHÂN DÂN", "XÃ B", "Số: 7/KH-UBND", "Xã B, ngày 02 tháng 3 năm 2026", "KẾ HOẠCH",
            "Nâng cao chất lượng giáo dục xã B đến năm 2030"]


# ---- task tables ---------------------------------------------------------------------------------------------

TABLE_PLAN = [
    *PREAMBLE,
    "I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm sự phối hợp giữa các cơ quan.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Nhiệm vụ của các cơ quan",
    "Ủy ban nhân dân xã giao nhiệm vụ theo bảng dưới đây:",
    "STT\tCông việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn",
    "A\tNhóm nhiệm vụ về cơ sở vật chất\t\t\t",
    "1\tSửa chữa nhà vệ sinh các điểm trường\tBan quản lý dự án xã\tTrường Tiểu học B; Trường THCS B\tQuý III/2026",
    "2\tMua sắm bàn ghế đúng quy cách\tTrường THCS B\tBộ phận Tài chính - Kế toán, Các trường mầm non\t"
    "Tháng 8/2026",
    "B\tNhóm nhiệm vụ về đội ngũ\t\t\t",
    "3\tTổ chức thi giáo viên dạy giỏi cấp xã\tTrường Tiểu học B\tCác đơn vị liên quan\tNăm học 2026-2027",
    "4\tTheo dõi, tổng hợp kết quả\tVăn phòng HĐND và UBND xã\t\tThường xuyên",
    "- Các trường gửi báo cáo về Văn phòng trước ngày 20/12/2026.",
    "Nơi nhận:", "- Lưu: VT.",
]


def test_a_task_table_gives_one_task_a_row_led_by_its_chu_tri_column():
    groups, tasks = tasks_of(TABLE_PLAN)
    tasks = [(group, task) for group, task in tasks if group["title"].startswith("Nhóm")]
    texts = [task["text"] for _, task in tasks]
    assert texts == ["Sửa chữa nhà vệ sinh các điểm trường", "Mua sắm bàn ghế đúng quy cách",
                         "Tổ chức thi giáo viên dạy giỏi cấp xã", "Theo dõi, tổng hợp kết quả"]
    first, second, third, fourth = (task for _, task in tasks[:4])
    assert first["lead_text"] == "Ban quản lý dự án xã"
    assert first["coordinating_texts"] == ["Trường Tiểu học B", "Trường THCS B"]
    assert first["due"] == "2026-09-30"
    assert second["coordinating_texts"] == ["Bộ phận Tài chính - Kế toán", "Các trường mầm non"]
    assert second["due"] == "2026-08-31"
    assert third["lead_text"] == "Trường Tiểu học B" and third["coordinating_texts"] == []  # "các đơn vị liên quan"
    assert third["due"] == "2027-05-31"
    assert fourth["lead_text"] == "Văn phòng HĐND và UBND xã" and fourth["due"] is None


def test_the_header_the_line_announcing_the_table_and_group_rows_are_no_tasks():
    groups, tasks = tasks_of(TABLE_PLAN)
    texts = " | ".join(task["text"] for _, task in tasks)
    assert "Công việc" not in texts and "theo bảng dưới đây" not in texts and "Nhóm nhiệm vụ" not in texts
    titles = [group["title"] for group in groups]
    assert "Nhóm nhiệm vụ về cơ sở vật chất" in titles and "Nhóm nhiệm vụ về đội ngũ" in titles
    by_title = {group["title"]: [task["text"] for task in group["tasks"]] for group in groups}
    assert by_title["Nhóm nhiệm vụ về đội ngũ"][:2] == ["Tổ chức thi giáo viên dạy giỏi cấp xã",
                                                        "Theo dõi, tổng hợp kết quả"]


def test_the_line_after_a_table_is_read_as_before():
    _, tasks = tasks_of(TABLE_PLAN)
    group, last = next((group, task) for group, task in tasks if task["text"].startswith("Các trường gửi"))
    assert last["text"] == "Các trường gửi báo cáo về Văn phòng trước ngày 20/12/2026."
    assert last["due"] == "2026-12-20"
    assert group["title"] == "Nhiệm vụ của các cơ quan"  # back under the heading the table stands under


def test_the_table_inside_a_tasks_section_is_read_the_same_way():
    lines = [*PREAMBLE, "I. NHIỆM VỤ VÀ PHÂN CÔNG",
             "TT\tNội dung hoạt động\tBộ phận phụ trách\tThời gian hoàn thành",
             "1\tKhai giảng lớp bồi dưỡng kỹ năng số\tTổ Tin học\tTháng 10/2026",
             "2\tTổng kết năm học\tBan Giám hiệu\tNăm học 2026-2027",
             "Nơi nhận:"]
    _, tasks = tasks_of(lines)
    assert [(task["text"], task["lead_text"], task["due"]) for _, task in tasks] == [
        ("Khai giảng lớp bồi dưỡng kỹ năng số", "Tổ Tin học", "2026-10-31"),
        ("Tổng kết năm học", "Ban Giám hiệu", "2027-05-31"),
    ]


@pytest.mark.parametrize("cells", [
    ["TT", "Tên chỉ tiêu", "Đơn vị tính", "Năm 2026", "Năm 2030"],  # a table of targets
    ["Năm học", "Số lớp", "Số học sinh", "Số giáo viên"],  # a table of figures
    ["TT", "Nội dung", "Kinh phí (triệu đồng)", "Nguồn vốn"],  # a budget table: nobody leads
])
def test_a_table_of_figures_is_no_task_table(cells):
    assert table_columns(cells) is None


def test_task_table_headers_worded_otherwise():
    assert table_columns(["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Đơn vị phối hợp thực hiện", "Thời gian thực hiện"]) == {
        "text": 1, "lead": 2, "coordinating": 3, "due": 4}
    assert table_columns(["Giải pháp", "Người phụ trách", "Tiến độ"]) == {"text": 0, "lead": 1, "due": 2}


def test_a_figure_table_in_a_tasks_section_keeps_its_old_reading():
    lines = [*PREAMBLE, "I. NHIỆM VỤ, GIẢI PHÁP", "1. Đầu tư trường lớp",
             "- Xây mới phòng học theo bảng:", "Trường\tSố phòng\tNăm", "Trường THCS B\t6\t2027",
             "Nơi nhận:"]
    _, tasks = tasks_of(lines)
    assert len(tasks) == 1 and tasks[0][1]["text"].startswith("Xây mới phòng học theo bảng:")


def test_units_of_a_cell():
    assert cell_units("Phòng Văn hóa - Xã hội; Công an xã") == ["Phòng Văn hóa - Xã hội", "Công an xã"]
    assert cell_units("Phòng Nội vụ Trung tâm Văn hóa, Thể thao và Truyền thông") == [
        "Phòng Nội vụ", "Trung tâm Văn hóa, Thể thao và Truyền thông"]  # two lines of a cell joined by a space
    assert cell_units("Hội đồng trường") == ["Hội đồng trường"]
    assert cell_units("Ủy ban nhân dân xã") == ["Ủy ban nhân dân xã"]
    assert cell_units("Trường THCS B", lead="Trường THCS B") == []


# ---- sections numbered 1., 2., 3. ---------------------------------------------------------------------------

ARABIC_PLAN = [
    *PREAMBLE,
    "1. MỤC ĐÍCH", "Thống nhất nhận thức về đổi mới giáo dục.",
    "2. CHỈ TIÊU", "2.1. Đến năm 2030", "- 100% trường đạt chuẩn quốc gia.",
    "3. CÁC NHIỆM VỤ TRỌNG TÂM",
    "3.1. Phát triển đội ngũ",
    "- Bố trí đủ giáo viên tiếng Anh cho các trường tiểu học.",
    "- Trường THCS B chủ trì tổ chức chuyên đề đổi mới kiểm tra đánh giá, hoàn thành trước ngày 30/11/2026.",
    "3.2. Cơ sở vật chất",
    "- Lắp đặt hệ thống camera tại các điểm trường.",
    "4. TỔ CHỨC THỰC HIỆN",
    "4.1. Trường Tiểu học B: tổ chức quán triệt kế hoạch đến giáo viên.",
    "4.2. Công an xã: bảo đảm an ninh trật tự khu vực trường học.",
    "Nơi nhận:", "- Lưu: VT.",
]


def test_sections_numbered_in_arabic_give_their_tasks():
    groups, tasks = tasks_of(ARABIC_PLAN)
    by_number = {group["number"]: group for group in groups}
    assert [task["text"] for task in by_number["3.1"]["tasks"]][0].startswith("Bố trí đủ giáo viên tiếng Anh")
    assert by_number["3.1"]["kind"] == "task" and by_number["3.2"]["kind"] == "task"
    assert by_number["3.1"]["tasks"][1]["lead_text"] == "Trường THCS B"
    assert by_number["3.1"]["tasks"][1]["due"] == "2026-11-30"
    assignments = [(group["lead_text"], task["text"]) for group, task in tasks if group["kind"] == "assignment"]
    assert assignments == [("Trường Tiểu học B", "Tổ chức quán triệt kế hoạch đến giáo viên."),
                           ("Công an xã", "Bảo đảm an ninh trật tự khu vực trường học.")]
    assert not any("chuẩn quốc gia" in task["text"] for _, task in tasks)  # the targets are no tasks


def test_a_numbered_heading_inside_a_roman_section_opens_no_section():
    lines = [*PREAMBLE, "I. MỤC TIÊU", "1. Nhiệm vụ trọng tâm của giai đoạn", "- Phấn đấu 100% trường đạt chuẩn.",
             "II. NHIỆM VỤ, GIẢI PHÁP", "1. Đổi mới quản lý", "- Ứng dụng phần mềm quản lý trường học.",
             "Nơi nhận:"]
    groups, tasks = tasks_of(lines)
    assert [task["text"] for _, task in tasks] == ["Ứng dụng phần mềm quản lý trường học."]
    assert groups[0]["number"] == "II.1"


# ---- deadlines ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "due"), [
    ("Hoàn thiện hồ sơ, xong trong quý IV/2026.", "2026-12-31"),
    ("Bàn giao công trình trước quý 2/2027.", "2027-06-30"),
    ("Tổ chức tập huấn trong 6 tháng đầu năm 2027.", "2027-06-30"),
    ("Đưa vào sử dụng vào 6 tháng cuối năm 2026.", "2026-12-31"),
    ("Áp dụng từ năm học 2026-2027.", None),  # a start, not a deadline
    ("Thực hiện trong năm 2026 - 2030.", None),  # a period, not the end of 2026
    ("Định kỳ 6 tháng báo cáo kết quả.", None),
    ("Báo cáo trước ngày 10/6 hằng năm.", None),
])
def test_deadlines_by_quarter_and_half_year(text, due):
    assert due_date(text) == due


@pytest.mark.parametrize(("cell", "due"), [
    ("Quý III/2027", "2027-09-30"),
    ("Tháng 9/2026", "2026-09-30"),
    ("Năm học 2027-2028", "2028-05-31"),
    ("Năm 2028", "2028-12-31"),
    ("Trước 15/10/2026", "2026-10-15"),
    ("6 tháng đầu năm 2027", "2027-06-30"),
    ("Thường xuyên", None),
    ("Hằng năm", None),
    ("", None),
])
def test_the_time_column_of_a_task_table(cell, due):
    assert cell_due(cell) == due


def test_a_deadline_split_over_two_lines_is_read():
    lines = [*PREAMBLE, "I. NHIỆM VỤ, GIẢI PHÁP", "1. Trường lớp", "- Sửa chữa phòng học, hoàn thành vào quý II năm",
             "2027.", "Nơi nhận:"]
    _, tasks = tasks_of(lines, clean=False)
    assert tasks[0][1]["due"] == "2027-06-30"


# ---- coordinating units -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "units"), [
    ("Phối hợp với Trung tâm Y tế khu vực tiêm chủng cho học sinh.", ["Trung tâm Y tế khu vực"]),
    ("Chủ trì, phối hợp với Hội Chữ thập đỏ xã hỗ trợ học sinh khó khăn.", ["Hội Chữ thập đỏ xã"]),
    ("Phối hợp với Phòng Tổ chức cán bộ rà soát biên chế.", ["Phòng Tổ chức cán bộ"]),
    ("Phối hợp với Ban quản lý dự án đầu tư lập hồ sơ.", ["Ban quản lý dự án đầu tư"]),
    ("Phối hợp với Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục.", ["Bộ phận tiếp nhận và trả kết quả"]),
    ("Phối hợp với các chi hội phụ nữ thôn vận động trẻ ra lớp.", ["các chi hội phụ nữ thôn"]),
    ("Phối hợp với nhân viên y tế trường học cập nhật hồ sơ sức khỏe.", ["nhân viên y tế trường học"]),
    ("Phối hợp với Trung tâm Văn hóa, Thể thao và Truyền thông xã tuyên truyền.",
     ["Trung tâm Văn hóa, Thể thao và Truyền thông xã"]),
])
def test_a_coordinating_unit_stops_where_what_it_does_begins(text, units):
    assert coordinating_units(text) == units


# ---- headings that lead -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "leads"), [
    ("Trung tâm Học tập cộng đồng", True),
    ("Thủ quỹ", True),
    ("Đề nghị Mặt trận Tổ quốc xã", True),
    ("Kinh phí thực hiện", False),
    ("Chế độ thông tin, báo cáo", False),
    ("Phân công trách nhiệm", False),
    ("Kiểm tra, giám sát", False),
])
def test_a_heading_leads_only_when_it_names_a_unit(heading, leads):
    assert names_unit(heading) is leads


def test_tasks_under_a_topic_heading_have_no_heading_lead():
    lines = [*PREAMBLE, "I. TỔ CHỨC THỰC HIỆN", "1. Trung tâm Học tập cộng đồng", "- Mở lớp xóa mù chữ.",
             "2. Kinh phí thực hiện", "- Nguồn ngân sách xã bố trí hằng năm.",
             "- Văn phòng UBND xã chịu trách nhiệm tổng hợp dự toán.", "Nơi nhận:"]
    _, tasks = tasks_of(lines)
    leads = [(task["text"][:20], task["lead_text"]) for _, task in tasks]
    assert leads == [("Mở lớp xóa mù chữ.", "Trung tâm Học tập cộng đồng"), ("Nguồn ngân sách xã b", ""),
                     ("Văn phòng UBND xã ch", "Văn phòng UBND xã")]

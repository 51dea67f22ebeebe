"""Tables whose years run down the rows under a header of indicator names; task leads named after a heading
sentence, by a named unit that opens a task, or by a numbered item of "Tổ chức thực hiện"; deadlines "đến năm
YYYY" that close a task. The sentences are written for these tests.
"""

from importer.extraction import extract_plan
from importer.extraction.assignments import due_date, extract_tasks, opening_unit, task_lead
from importer.extraction.text import clean_text

OPENING = ["ỦY BAN NHÂN DÂN", "HUYỆN ĐÔNG KHÊ", "Đông Khê, ngày 10 tháng 02 năm 2026", "KẾ HOẠCH",
           "Phát triển giáo dục huyện Đông Khê giai đoạn 2026 - 2030", "I. MỤC ĐÍCH, YÊU CẦU",
           "Bảo đảm thống nhất trong toàn huyện.", "II. MỤC TIÊU"]


def plan(*lines):
    return extract_plan("\n".join([*OPENING, *lines, "III. TỔ CHỨC THỰC HIỆN",
                                   "1. Phòng Giáo dục và Đào tạo theo dõi, đôn đốc."]), "x.txt")


# ---- years down the rows, indicators across the top -------------------------------------------------------------

def test_a_table_with_years_down_the_rows_names_each_figure_by_its_column():
    targets = plan(
        "1. Lộ trình một số chỉ tiêu",
        "Năm\tTỷ lệ học sinh tiểu học học 2 buổi/ngày\tSố phòng học bộ môn được xây mới",
        "2027\t90%\t6 phòng",
        "2029\t95%\t10 phòng",
    )["targets"]
    assert [(t["indicator"], t["value"], t["unit"], t["deadline"]) for t in targets] == [
        ("Tỷ lệ học sinh tiểu học học 2 buổi/ngày", 90, "%", "2027"),
        ("Số phòng học bộ môn được xây mới", 6, "count", "2027"),
        ("Tỷ lệ học sinh tiểu học học 2 buổi/ngày", 95, "%", "2029"),
        ("Số phòng học bộ môn được xây mới", 10, "count", "2029"),
    ]
    # the quote holds the column's name as written and the row, as a merge of the two would
    assert targets[0]["quote"] == "Tỷ lệ học sinh tiểu học học 2 buổi/ngày 2027 90% 6 phòng"
    assert targets[3]["quote"] == "Số phòng học bộ môn được xây mới 2029 95% 10 phòng"


def test_a_grouped_header_goes_before_the_row_in_the_quote():
    projections = plan(
        "1. Dự kiến quy mô trường lớp",
        "Năm học\tTiểu học\t\tTHCS\t",
        "\tSố lớp\tSố HS\tSố lớp\tSố HS",
        "Năm học 2026-2027\t30\t960\t18\t700",
    )["projections"]
    assert [(p["indicator"], p["value"]) for p in projections[:2]] == [("Số lớp tiểu học", 30),
                                                                        ("Số học sinh tiểu học", 960)]
    # the group and the name over each column, as written, then the row (tables_4 reads captions and units)
    assert [p["quote"] for p in projections] == [f"{header} Năm học 2026-2027 30 960 18 700" for header in (
        "Tiểu học Số lớp", "Tiểu học Số HS", "THCS Số lớp", "THCS Số HS")]


# ---- task leads ----------------------------------------------------------------------------------------------

def tasks_of(*lines):
    groups = extract_tasks(clean_text("\n".join(lines)))
    return [(group, task) for group in groups for task in group["tasks"]]


def test_the_unit_after_a_heading_sentence_leads_the_item():
    tasks = tasks_of(
        "III. NHIỆM VỤ, GIẢI PHÁP",
        "1. Đổi mới công tác kiểm tra. Các tổ dân phố phối hợp rà soát trẻ trong độ tuổi đến trường.",
        "2. Nâng cao chất lượng bữa ăn bán trú. Trạm Y tế thị trấn kiểm tra an toàn thực phẩm hằng quý.",
        "3. Xây dựng trường học xanh. Hội Cựu giáo chức chủ trì, phối hợp với Đoàn Thanh niên tổ chức trồng cây.",
        "4. Ứng dụng công nghệ số. Giáo viên các trường tích cực khai thác học liệu số.",
    )
    assert [task["lead_text"] for _, task in tasks] == [
        "Các tổ dân phố", "Trạm Y tế thị trấn", "Hội Cựu giáo chức", "Giáo viên các trường"]
    assert tasks[2][1]["coordinating_texts"] == ["Đoàn Thanh niên"]


def test_a_named_unit_that_opens_a_task_leads_it():
    assert opening_unit("Tổ Tài vụ lập dự toán kinh phí mua sắm thiết bị.") == "Tổ Tài vụ"
    assert opening_unit("Công an thị trấn bảo đảm an ninh trật tự trước cổng trường.") == "Công an thị trấn"
    # a verb followed by a place and another verb belongs to the name
    assert opening_unit("Trung tâm Học tập cộng đồng xã tổ chức lớp xóa mù chữ.") == "Trung tâm Học tập cộng đồng xã"
    assert opening_unit("Ban Quản lý dự án tổng hợp phường cập nhật tiến độ công trình.") \
        == "Ban Quản lý dự án tổng hợp phường"
    # "các tổ chức" is named, not done
    assert opening_unit("Hội Nông dân và các tổ chức đoàn thể tuyên truyền về khuyến học.") \
        == "Hội Nông dân và các tổ chức đoàn thể"


def test_a_line_that_names_every_unit_of_a_kind_or_a_compound_names_no_lead():
    assert task_lead("Các trường mầm non tổ chức ngày hội đến trường cho trẻ.") == ""
    assert task_lead("Giáo viên chủ nhiệm phối hợp với cha mẹ học sinh.") == ""
    assert task_lead("Ban hành quy chế phối hợp giữa các trường.") == ""
    assert task_lead("Phòng, chống đuối nước cho học sinh trong dịp hè.") == ""
    assert task_lead("Hội nghị sơ kết được tổ chức vào tháng 7.") == ""
    assert task_lead("Trường hợp cần thiết, tổ chức dạy bù vào thứ Bảy.") == ""
    # a heading sentence longer than a heading, or one with a figure, is not one
    assert task_lead("Phấn đấu 95% học sinh hoàn thành chương trình. Các tổ chuyên môn rà soát.") == ""


def test_a_heading_that_names_units_leads_the_lines_under_it():
    tasks = tasks_of(
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Các trường trung học cơ sở",
        "Ban hành quy chế dạy thêm, học thêm của trường, hoàn thành trước ngày 30/9/2026.",
        "2. Kinh phí thực hiện",
        "Tổ Tài vụ lập dự toán kinh phí hằng năm.",
    )
    assert [(group["lead_text"], task["lead_text"]) for group, task in tasks] == [
        ("Các trường trung học cơ sở", "Các trường trung học cơ sở"), ("", "Tổ Tài vụ")]


def test_each_numbered_item_of_the_assignments_is_led_by_its_own_unit():
    tasks = tasks_of(
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Ủy ban nhân dân thị trấn chỉ đạo các trường thực hiện kế hoạch.",
        "2. Ủy ban Mặt trận Tổ quốc Việt Nam thị trấn và các hội, đoàn thể vận động nhân dân ủng hộ quỹ khuyến học.",
        "3. Các tổ dân phố, khu dân cư tuyên truyền đến từng hộ gia đình.",
    )
    assert [(group["number"], task["lead_text"]) for group, task in tasks] == [
        ("IV.1", "Ủy ban nhân dân thị trấn"),
        ("IV.2", "Ủy ban Mặt trận Tổ quốc Việt Nam thị trấn và các hội, đoàn thể"),
        ("IV.3", "Các tổ dân phố, khu dân cư"),
    ]


# ---- deadlines -----------------------------------------------------------------------------------------------

def test_a_year_that_closes_a_task_is_its_deadline():
    assert due_date("bảo đảm mỗi trường có một phòng học STEM đến năm 2028.") == "2028-12-31"
    assert due_date("hoàn thiện hồ sơ công nhận đến hết năm 2027; báo cáo kết quả.") == "2027-12-31"
    assert due_date("sửa chữa nhà đa năng trong năm 2029") == "2029-12-31"
    # the period of a programme, a school year, a period of years: no deadline
    assert due_date("triển khai Đề án phát triển giáo dục mầm non đến năm 2030, tầm nhìn đến năm 2045") is None
    assert due_date("thực hiện các chỉ tiêu giai đoạn 2026-2030.") is None
    assert due_date("dạy học 2 buổi/ngày từ năm học 2026-2027.") is None
    assert due_date("duy trì kết quả đến năm 2026 - 2030.") is None

"""A plan's particulars. The documents it implements, wherever its opening says so: a list of citations joined by "và" or commas,
an item's number before the verb, and the first section's sentences that implement a document ("1. Thực hiện
Kế hoạch số …", "Triển khai có hiệu quả Nghị quyết số …"); a document merely mentioned is not one."""

from importer.extraction import extract_plan
from importer.extraction.metadata import (
    find_issuer,
    find_parents,
    find_place_and_date,
    find_signer,
    find_title,
)

PLAN = """ỦY BAN NHÂN DÂN
XÃ BÌNH MINH
Số: 31/KH-UBND
Bình Minh, ngày 04 tháng 12 năm 2025
KẾ HOẠCH
Phát triển giáo dục xã Bình Minh đến năm 2030
I. MỤC ĐÍCH, YÊU CẦU
1. Triển khai có hiệu quả Nghị quyết số 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị trên địa bàn xã.
2. Thực hiện Kế hoạch số 150/KH-UBND ngày 01/11/2025 của UBND tỉnh Hòa Bình, Kế hoạch số 09-KH/ĐU ngày 20/11/2025 của Đảng ủy xã Bình Minh và Công văn số 77/SGDĐT-KHTC ngày 25/11/2025 của Sở Giáo dục và Đào tạo, UBND xã xây dựng Kế hoạch như sau.
3. Báo cáo kết quả theo Công văn số 88/UBND-VX ngày 02/12/2025 của UBND xã.
II. MỤC TIÊU
1. Đến năm 2030, 100% trường học có kết nối Internet.
III. TỔ CHỨC THỰC HIỆN
Thực hiện Quyết định số 12/QĐ-UBND về quy chế phối hợp.
"""


def numbers(parents):
    return [parent["number"] for parent in parents]


def test_the_first_section_gives_the_documents_it_implements_and_not_those_it_mentions():
    plan = extract_plan(PLAN, "binh-minh.txt")
    assert numbers(plan["parents"]) == ["71-NQ/TW", "150/KH-UBND", "09-KH/ĐU", "77/SGDĐT-KHTC"]
    by_number = {parent["number"]: parent for parent in plan["parents"]}
    assert by_number["150/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Hòa Bình"  # not "… và Kế hoạch số …"
    assert by_number["150/KH-UBND"]["date"] == "2025-11-01"
    assert by_number["09-KH/ĐU"]["issuer"] == "Đảng ủy xã Bình Minh"
    assert by_number["77/SGDĐT-KHTC"]["date"] == "2025-11-25"
    # "Báo cáo … theo Công văn số 88/…" and a decision cited in the last section are not the plan's basis
    assert "88/UBND-VX" not in by_number and "12/QĐ-UBND" not in by_number


def test_a_basis_line_citing_two_documents_gives_both():
    parents = find_parents(["Căn cứ Nghị quyết số 05-NQ/ĐH ngày 12/8/2025 của Đại hội Đảng bộ xã và Kế hoạch "
                            "số 40/KH-UBND ngày 15/10/2025 của UBND huyện, UBND xã ban hành Kế hoạch."], "")
    assert numbers(parents) == ["05-NQ/ĐH", "40/KH-UBND"]
    assert parents[1]["date"] == "2025-10-15"


def test_a_document_named_in_a_citation_s_subject_is_not_a_second_basis():
    parents = find_parents(["Căn cứ Chương trình hành động số 04-CTr/TU ngày 13/10/2025 của Ban Thường vụ Tỉnh "
                            "ủy về thực hiện Nghị quyết số 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị;"], "")
    assert numbers(parents) == ["04-CTr/TU"]


def test_a_citation_far_from_the_list_is_not_joined_to_it():
    filler = "trên địa bàn, bảo đảm đồng bộ, thống nhất giữa các cơ quan, đơn vị " * 4
    parents = find_parents([f"Thực hiện Kế hoạch số 3/KH-UBND ngày 02/01/2026 của UBND xã {filler}, và Kế hoạch "
                            "số 4/KH-UBND"], "")
    assert numbers(parents) == ["3/KH-UBND"]


# ---- the other particulars, as PDFs and tab-aligned Word headers give them ----


def test_the_motto_wrapped_in_a_pdf_header_is_not_the_issuer():
    header = ["UBND XÃ AN BÌNH", "TRƯỜNG MẦM NON SƠN CA", "Số: 7/KH-MNSC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc"]
    assert find_issuer(header, header, "") == "Trường Mầm non Sơn Ca"
    header = ["UBND PHƯỜNG AN HẢI", "TRƯỜNG TIỂU HỌC AN HẢI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT", "NAM"]
    assert find_issuer(header, header, "") == "Trường Tiểu học An Hải"


def test_a_department_under_its_province_s_committee_is_named_with_the_province():
    header = ["UBND TỈNH BẮC SƠN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 900/KH-SGDĐT"]
    assert find_issuer(header, header, "") == "Sở Giáo dục và Đào tạo tỉnh Bắc Sơn"
    # a school keeps its own name; a department already placed is left as it is
    assert find_issuer(["UBND PHƯỜNG AN HẢI", "TRƯỜNG TIỂU HỌC AN HẢI"], [], "") == "Trường Tiểu học An Hải"
    header = ["UBND TỈNH BẮC SƠN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH BẮC SƠN"]
    assert find_issuer(header, header, "") == "Sở Giáo dục và Đào tạo tỉnh Bắc Sơn"


def test_a_title_broken_before_a_document_s_name_goes_on_but_a_basis_line_does_not_join_it():
    lines = ["KẾ HOẠCH", "Thực hiện Kế hoạch số 40/KH-UBND của Ủy ban nhân dân tỉnh về", "Nghị quyết số 71 -NQ/TW giai "
             "đoạn 2026 - 2030", "Căn cứ Kế hoạch số 40/KH-UBND ngày 02/11/2025 của UBND tỉnh;"]
    assert find_title(lines)[2] == ("Kế hoạch thực hiện Kế hoạch số 40/KH-UBND của Ủy ban nhân dân tỉnh về Nghị quyết "
                                    "số 71-NQ/TW giai đoạn 2026 - 2030")
    lines = ["KẾ HOẠCH", "Phát triển giáo dục mầm non năm học 2026 - 2027", "Căn cứ Kế hoạch số 40/KH-UBND ngày "
             "02/11/2025 của UBND tỉnh;"]
    assert find_title(lines)[2] == "Kế hoạch phát triển giáo dục mầm non năm học 2026 - 2027"


def test_the_year_of_the_date_on_the_next_line_is_read():
    assert find_place_and_date(["An Bình, ngày 05 tháng 01 năm", "2026", "KẾ HOẠCH"]) == ("An Bình", "2026-01-05")
    assert find_place_and_date(["An Bình, ngày 05 tháng 01 năm 2026"]) == ("An Bình", "2026-01-05")


def test_a_signature_aligned_with_tabs_beside_the_recipients_is_read():
    text = "\n".join(["IV. TỔ CHỨC THỰC HIỆN", "1. Các trường triển khai.", "Nơi nhận:\tTM. ỦY BAN NHÂN DÂN",
                      "- Như trên;\tCHỦ TỊCH", "- Lưu: VT.", "\tĐặng Văn Hùng"])
    assert find_signer(text) == ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "Đặng Văn Hùng")
    # the usual layout, recipients first: the same reading as before
    text = "\n".join(["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "HIỆU TRƯỞNG", "Phạm Thị Lan"])
    assert find_signer(text) == ("HIỆU TRƯỞNG", "Phạm Thị Lan")


def test_a_table_figure_quoted_with_its_column_header_is_marked_at_its_row():
    from importer.matching import locate_quotes

    text = "Năm\tTỷ lệ trường đạt chuẩn\tSố phòng học mới\n2026\t68%\t12 phòng\n2027\t75%\t15 phòng"
    items = [{"quote": "Tỷ lệ trường đạt chuẩn 2027 75% 15 phòng"}, {"quote": "Không có trong văn bản này"}]
    locate_quotes(text, items)
    assert text[slice(*items[0]["span"])] == "2027\t75%\t15 phòng"
    assert items[1]["span"] is None  # nothing of it is in the text: no mark


def test_a_floor_across_units_is_named_by_what_each_unit_measures():
    from importer.extraction import extract_plan

    plan = extract_plan("\n".join([
        "KẾ HOẠCH", "Phát triển giáo dục xã Bình Minh giai đoạn 2026 - 2030", "I. MỤC TIÊU",
        "- Không để thôn, bản nào có tỷ lệ người từ 15 đến 35 tuổi biết chữ dưới 98%.",
        "- Không có trường nào có sĩ số bình quân vượt quá 40 học sinh/lớp.",
        "II. NHIỆM VỤ", "- Tuyên truyền."]), "binh-minh.txt")
    names = [target["indicator"] for target in plan["targets"]]
    assert names == ["Tỷ lệ người từ 15 đến 35 tuổi biết chữ (mỗi thôn, bản)",
                     "Sĩ số bình quân (mỗi trường)"]

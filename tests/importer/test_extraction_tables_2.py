"""Word tables and lists read as they look, and more of what a table's cells state.

A data table whose cell holds two paragraphs keeps its rows; only a header or signature block is read as
loose lines. Word's automatic numbering and bullets are written out as typed markers. A heading between two
tables ends the first; cells are read as bounds, ranges, counts with their noun and levels. The sentences
are written for these tests.
"""

import io

from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from importer.extraction import extract_plan, read_document
from importer.extraction.reading import _read_docx
from importer.extraction.tables import _read_cell, blocks, extract_projections
from importer.extraction.text import clean_text, outline

OPENING = ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN BIÊN", "An Biên, ngày 05 tháng 01 năm 2026",
           "KẾ HOẠCH", "Phát triển giáo dục phường An Biên giai đoạn 2026 - 2030", "I. MỤC ĐÍCH, YÊU CẦU",
           "Bảo đảm thống nhất trong toàn phường."]
CLOSING = ["III. TỔ CHỨC THỰC HIỆN", "1. Phòng Văn hóa - Xã hội theo dõi, đôn đốc."]


def docx_text(build):
    """The text the portal reads from a Word file made by ``build(document)``."""
    document = WordDocument()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _read_docx(buffer.getvalue(), "thu.docx")


def add_table(document, rows):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            paragraphs = value.split("¶")
            cell.text = paragraphs[0]
            for paragraph in paragraphs[1:]:
                cell.add_paragraph(paragraph)
    return table


# ---- layout and data tables -----------------------------------------------------------------------------


def test_a_data_table_with_a_cell_of_two_paragraphs_keeps_its_rows():
    text = docx_text(lambda document: add_table(document, [
        ["STT", "Nội dung", "Năm học 2026-2027", "Năm học 2027-2028"],
        ["1", "Tỷ lệ trường có thư viện xanh¶(thư viện thân thiện)", "60%", "75%"],
    ]))
    assert text.split("\n") == ["STT\tNội dung\tNăm học 2026-2027\tNăm học 2027-2028",
                                "1\tTỷ lệ trường có thư viện xanh (thư viện thân thiện)\t60%\t75%"]


def test_a_header_or_signature_block_is_read_as_loose_lines():
    def build(document):
        add_table(document, [["UBND HUYỆN ĐÔNG SƠN¶PHÒNG GIÁO DỤC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM¶"
                                                                   "Độc lập - Tự do - Hạnh phúc"]])
        add_table(document, [["Nơi nhận:¶- Như trên;¶- Lưu: VT.", "", "KT. TRƯỞNG PHÒNG¶PHÓ TRƯỞNG PHÒNG"]])
    assert docx_text(build).split("\n") == [
        "UBND HUYỆN ĐÔNG SƠN", "PHÒNG GIÁO DỤC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG"]


def test_a_three_column_table_of_paragraphs_without_data_rows_is_layout():
    text = docx_text(lambda document: add_table(document, [["Ghi chú:¶Xem phụ lục", "", "Người lập¶Trần Văn Tư"]]))
    assert "\t" not in text


def test_a_two_column_table_of_values_is_data_and_one_of_words_is_not():
    values = docx_text(lambda document: add_table(document, [
        ["Nội dung", "Chỉ tiêu đến năm 2028"], ["Tỷ lệ lớp học có máy chiếu", "90%"],
        ["Số nhà đa năng được xây mới", "04 nhà"], ["Trường đạt kiểm định chất lượng", "Cấp độ 2"]]))
    assert values.split("\n")[0] == "Nội dung\tChỉ tiêu đến năm 2028"
    words = docx_text(lambda document: add_table(document, [
        ["Bộ phận", "Nhiệm vụ"], ["Tổ chuyên môn", "Soạn kế hoạch dạy học"], ["Văn thư", "Lưu trữ hồ sơ"]]))
    assert "\t" not in words


def test_a_tab_typed_in_a_cell_does_not_split_the_row():
    text = docx_text(lambda document: add_table(document, [["TT", "Nội dung", "Năm 2027"],
                                                           ["1", "Số phòng\thọc bộ môn", "6"]]))
    assert text.split("\n")[1] == "1\tSố phòng học bộ môn\t6"


def test_a_per_year_target_table_with_a_two_paragraph_cell_gives_one_target_a_year(tmp_path):
    def build(document):
        for line in [*OPENING, "II. MỤC TIÊU", "2. Chỉ tiêu theo từng năm học"]:
            document.add_paragraph(line)
        add_table(document, [
            ["STT", "Chỉ tiêu", "Năm học 2026-2027", "Năm học 2027-2028"],
            ["1", "Tỷ lệ giáo viên tiểu học dạy được tiếng Anh¶(trình độ B1 trở lên)", "40%", "55%"],
            ["2", "Tỷ lệ trẻ em suy dinh dưỡng", "dưới 3%", "dưới 2,5%"],
        ])
        for line in CLOSING:
            document.add_paragraph(line)
    path = tmp_path / "theo-nam.docx"
    document = WordDocument()
    build(document)
    document.save(path)
    result = extract_plan(read_document(path), path.name)
    got = sorted((t["comparator"], t["value"], t["unit"], t["deadline"]) for t in result["targets"])
    assert got == [("<=", 2.5, "%", "2027-2028"), ("<=", 3, "%", "2026-2027"),
                   ("=", 40, "%", "2026-2027"), ("=", 55, "%", "2027-2028")]
    assert all(t["indicator"].startswith("Tỷ lệ") and len(t["indicator"]) > 10 for t in result["targets"])


# ---- Word's automatic numbering ------------------------------------------------------------------------


def test_list_styles_are_written_as_typed_markers():
    def build(document):
        document.add_paragraph("Mục tiêu năm đầu", style="List Number")
        document.add_paragraph("Huy động trẻ ra lớp.", style="List Bullet")
        document.add_paragraph("Mục tiêu năm sau", style="List Number")
        document.add_paragraph("Đoạn thường không đánh số.")
    assert docx_text(build).split("\n") == ["1. Mục tiêu năm đầu", "- Huy động trẻ ra lớp.", "2. Mục tiêu năm sau",
                                            "Đoạn thường không đánh số."]


def test_a_paragraph_that_already_starts_with_a_marker_is_left_as_typed():
    def build(document):
        document.add_paragraph("- Đã gõ sẵn gạch đầu dòng.", style="List Bullet")
        document.add_paragraph("a) Đã gõ sẵn chữ cái.", style="List Number")
        document.add_paragraph("3. Đã gõ sẵn số.", style="List Number")
    assert docx_text(build).split("\n") == ["- Đã gõ sẵn gạch đầu dòng.", "a) Đã gõ sẵn chữ cái.", "3. Đã gõ sẵn số."]


NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>'
    '<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>'
    "</w:abstractNum>"
)


def numbered(document, text, num_id, level):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def with_numbering(document):
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(NUMBERING.format(ns=nsdecls("w"))))
    for num_id in (91, 92):
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/></w:num>'))


def test_the_numbering_part_gives_each_level_its_format_counted_per_list_and_level():
    paragraphs = [("MỤC TIÊU", 91, 0), ("Mục tiêu chung", 91, 1), ("Mục tiêu cụ thể", 91, 1), ("Về quy mô", 91, 2),
                  ("Về chất lượng", 91, 2), ("Mầm non", 91, 3), ("Tiểu học", 91, 3), ("Trường chuẩn", 91, 4),
                  ("NHIỆM VỤ", 91, 0), ("Đổi mới quản lý", 91, 1), ("Danh sách khác", 92, 1), ("Không đánh số", 0, 0)]

    def build(document):
        with_numbering(document)
        for text, num_id, level in paragraphs:
            numbered(document, text, num_id, level)
    assert docx_text(build).split("\n") == [
        "I. MỤC TIÊU", "1. Mục tiêu chung", "2. Mục tiêu cụ thể", "2.1. Về quy mô", "2.2. Về chất lượng",
        "a) Mầm non", "b) Tiểu học", "+ Trường chuẩn", "II. NHIỆM VỤ", "1. Đổi mới quản lý", "1. Danh sách khác",
        "Không đánh số"]


def test_numbered_word_headings_give_the_plan_its_sections():
    def build(document):
        with_numbering(document)
        for line in OPENING[:5]:
            document.add_paragraph(line)
        numbered(document, "MỤC TIÊU", 91, 0)
        numbered(document, "Chỉ tiêu đến năm 2028", 91, 1)
        document.add_paragraph("Tỷ lệ học sinh tiểu học học 2 buổi/ngày đạt 100%.", style="List Bullet")
        numbered(document, "NHIỆM VỤ, GIẢI PHÁP", 91, 0)
        numbered(document, "Đầu tư cơ sở vật chất", 91, 1)
        document.add_paragraph("Xây mới 06 phòng học bộ môn.", style="List Bullet")
    _preamble, body = outline(clean_text(docx_text(build)))
    rate = next(line for line in body if "2 buổi/ngày" in line.text)
    assert rate.headings == ("I. MỤC TIÊU", "1. Chỉ tiêu đến năm 2028")
    assert rate.text.startswith("- ")


# ---- tables in the text ---------------------------------------------------------------------------------


def body_of(*lines):
    return outline(clean_text("\n".join([*OPENING, *lines, *CLOSING])))[1]


def test_a_heading_between_two_tables_ends_the_first():
    body = body_of("II. MỤC TIÊU", "1. Trường được công nhận",
                   "TT\tĐơn vị\tMức độ\tNăm được công nhận", "1\tTrường Mầm non Sao Mai\tMức độ 1\t2027",
                   "2. Quy mô dự kiến",
                   "Năm học\tSố lớp\tSố học sinh", "Năm học 2026-2027\t30\t1.020", "Năm học 2027-2028\t31\t1.065")
    found = [[line.text.split("\t")[0] for line in rows] for _before, rows in blocks(body)]
    assert found == [["TT", "1"], ["Năm học", "Năm học 2026-2027", "Năm học 2027-2028"]]
    projections = extract_projections(body)
    counts = [(p["indicator"], p["value"], p["deadline"]) for p in projections if p["unit"] == "count"]
    assert counts == [("Số lớp", 30, "2026-2027"), ("Số học sinh", 1020, "2026-2027"),
                      ("Số lớp", 31, "2027-2028"), ("Số học sinh", 1065, "2027-2028")]


def test_rows_under_one_heading_stay_one_table():
    body = body_of("II. MỤC TIÊU", "Năm học\tSố lớp", "Năm học 2026-2027\t30", "Năm học 2027-2028\t31")
    assert [len(rows) for _before, rows in blocks(body)] == [3]


def test_cells_state_bounds_ranges_counts_and_levels():
    assert _read_cell("88") == ("=", 88, None, False, None)
    assert _read_cell("≥ 92%") == (">=", 92, None, True, None)
    assert _read_cell("70 - 75") == ("range", 70, 75, False, None)
    assert _read_cell("từ 60% đến 65%") == ("range", 60, 65, True, None)
    assert _read_cell("dưới 2%") == ("<=", 2, None, True, None)
    assert _read_cell("không quá 1,5%") == ("<=", 1.5, None, True, None)
    assert _read_cell("tối thiểu 85%") == (">=", 85, None, True, None)
    assert _read_cell("95% trở lên") == (">=", 95, None, True, None)
    assert _read_cell("12 phòng học") == ("=", 12, None, False, None)
    assert _read_cell("Mức độ 2") == ("achieve", 2, None, False, "mức độ 2")
    assert _read_cell("cấp độ III") == ("achieve", 3, None, False, "cấp độ 3")
    # not values: a school year, words, a time span, a range running down
    for cell in ("2026-2027", "Năm học 2026-2027", "Đạt chuẩn", "5 năm", "Trường", "", "90 - 80", "Năm 2030"):
        assert _read_cell(cell) is None, cell


def test_a_value_column_reads_counts_with_their_noun_and_levels():
    body = body_of("II. MỤC TIÊU", "2. Chỉ tiêu",
                   "TT\tNội dung\tKết quả đến năm 2029", "1\tSố phòng học được xây mới\t25 phòng",
                   "2\tTrường đạt chuẩn quốc gia\tMức độ 2", "3\tTỷ lệ học sinh vào lớp 10\t75 - 80%")
    got = [(p["kind"], p["comparator"], p["value"], p["value_max"], p["unit"], p["level_label"], p["deadline"])
           for p in extract_projections(body)]
    assert got == [("target", "=", 25, None, "count", None, "2029"),
                   ("target", "achieve", 2, None, "level", "mức độ 2", "2029"),
                   ("target", "range", 75, 80, "%", None, "2029")]


def test_a_column_of_periods_gives_each_row_its_deadline():
    body = body_of("II. MỤC TIÊU", "2. Lộ trình công nhận trường chuẩn",
                   "TT\tĐơn vị\tMức độ đạt chuẩn\tThời gian công nhận",
                   "1\tTrường Tiểu học Bình Minh\tMức độ 2\tNăm học 2027-2028",
                   "2\tTrường THCS Hồng Hà\tMức độ 1\t2029")
    got = [(p["comparator"], p["value"], p["level_label"], p["deadline"], "Bình Minh" in p["indicator"])
           for p in extract_projections(body)]
    assert got == [("achieve", 2, "mức độ 2", "2027-2028", True), ("achieve", 1, "mức độ 1", "2029", False)]


def test_a_table_of_words_with_a_time_column_proposes_nothing():
    body = body_of("II. NHIỆM VỤ", "TT\tNội dung\tĐơn vị chủ trì\tThời gian",
                   "1\tRà soát mạng lưới trường lớp\tPhòng Văn hóa - Xã hội\tNăm 2026")
    assert extract_projections(body) == []

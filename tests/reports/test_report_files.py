"""The files of a progress report sent upward: the Excel workbook and the PDF, one commune's and a
province's consolidation, read back as a user would (openpyxl for the cells, poppler for the PDF)."""

import io
import re
import subprocess
import time
import zipfile
from dataclasses import replace

import pytest
from docx import Document
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.content import Narrative, ReportContent, ReportGroup, ReportRow
from reports.pdf import sparkline_svg, status_bar_svg, write_consolidated_pdf, write_report_pdf
from reports.report_docx import write_consolidated_docx, write_report_docx
from reports.report_xlsx import write_consolidated_xlsx, write_report_xlsx
from targets.fields import format_result

FORMULAS = ["=1+1", "+84 912", "-5", "@SUM(A1)"]
TREND = [["Học kỳ I năm học 2024-2025", 40.0], ["Học kỳ II năm học 2024-2025", 48.0],
         ["Học kỳ I năm học 2025-2026", 57.5]]


# --- data ---------------------------------------------------------------------------------------


def row(number, indicator, *, status="on_track", label="Đúng tiến độ", result=57.5, kind="rate",
        completion=71.875, goal="80% (đến năm 2030)", baseline=None, unit_label="%",
        lead="Phòng Văn hóa - Xã hội phường A", trend=None, counts=(23.0, 40.0)):
    numerator, denominator = counts if kind == "rate" else (None, None)
    return ReportRow(number=str(number), indicator=indicator, unit_label=unit_label, baseline=baseline, goal=goal,
                     result=result, kind=kind, completion=completion, status=status, status_label=label, lead=lead,
                     trend=TREND if trend is None else trend, numerator=numerator, denominator=denominator)


def make_content(**overrides):
    """Phường A's report for Học kỳ I 2025-2026 on its plan 12/KH-UBND: four targets in two criteria."""
    groups = [
        ReportGroup("staff", "Đội ngũ", [
            row(1, "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", baseline=35.0),
            row(2, "Số giáo viên được bồi dưỡng năng lực số", result=1318.0, kind="count",
                unit_label="người", goal="≥ 1.500 (đến năm 2030)", status="behind", label="Chậm", completion=40.0),
        ]),
        ReportGroup("quality", "Chất lượng giáo dục", [
            row(3, "Chỉ số hài lòng của phụ huynh", result=0.82, kind="index", unit_label="",
                goal="≥ 0,85 (đến năm 2030)", status="met", label="Đạt", completion=100.0),
            row(4, "Ban hành kế hoạch chuyển đổi số của phường", result=0.0, kind="milestone",
                unit_label="", goal="hoàn thành (đến năm 2026)", status="no_data", label="Chưa có số liệu",
                completion=None, trend=[]),
        ]),
    ]
    values = dict(
        unit_code="A", unit_name="Ủy ban nhân dân phường A", issuer_lines=["ỦY BAN NHÂN DÂN", "PHƯỜNG A"],
        is_party=False, number="Số: 45/BC-UBND", place_date="Phường A, ngày 15 tháng 01 năm 2026", title="BÁO CÁO",
        subject="Kết quả thực hiện Kế hoạch 12/KH-UBND, Học kỳ I năm học 2025-2026",
        opening="Thực hiện Kế hoạch số 12/KH-UBND ngày 01/10/2025 của Ủy ban nhân dân phường A, Ủy ban nhân dân "
                "phường A báo cáo kết quả thực hiện Học kỳ I năm học 2025-2026 như sau:",
        plan_label="Kế hoạch 12/KH-UBND", period_code="2025-2026-hk1", period_name="Học kỳ I năm học 2025-2026",
        summary={"met": 1, "on_track": 1, "at_risk": 0, "behind": 1, "no_data": 1},
        summary_labels=[["met", "Đạt"], ["on_track", "Đúng tiến độ"], ["at_risk", "Có nguy cơ"], ["behind", "Chậm"],
                        ["no_data", "Chưa có số liệu"]],
        submitted=7, schools=8, groups=groups,
        tasks=[{"group": "1", "text": "Rà soát đội ngũ giáo viên theo chuẩn.", "lead": "Phòng Văn hóa - Xã hội phường A",
                "status": "Đang thực hiện"},
               {"group": "2", "text": "Trang bị phòng học thông minh cho trường tiểu học.",
                "lead": "Trường Tiểu học A1", "status": "Chậm tiến độ"}],
        narratives=[Narrative("Trường Tiểu học A1", "Hoàn thành 100% kế hoạch bồi dưỡng.",
                              "Thiếu thiết bị dạy học số.", "Đề nghị hỗ trợ kinh phí.")],
        recipients=["Ủy ban nhân dân thành phố Hải Phòng (để báo cáo);", "Lưu: VT."],
        signer_title=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer_name="Nguyễn Văn An",
        raw_values=[{"unit": "Trường Tiểu học A1", "unit_code": "A-TH1",
                     "indicator": "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", "period": "Học kỳ I năm học 2025-2026",
                     "numerator": 23.0, "denominator": 40.0, "value": 57.5},
                    {"unit": "Trường Tiểu học A1", "unit_code": "A-TH1", "indicator": "Chỉ số hài lòng của phụ huynh",
                     "period": "Học kỳ I năm học 2025-2026", "numerator": None, "denominator": None, "value": 0.82}],
    )
    values.update(overrides)
    return ReportContent(**values)


def province(communes=3, targets=None):
    """The same commune report repeated under other names, as a parent consolidates its communes."""
    base = make_content()
    contents = []
    for index in range(communes):
        groups = base.groups if targets is None else [ReportGroup("staff", "Đội ngũ", [
            row(n + 1, f"Chỉ tiêu số {n + 1}", status=("met", "behind")[(n + index) % 2]) for n in range(targets)])]
        contents.append(replace(base, unit_code=f"X{index + 1:03d}", unit_name=f"Ủy ban nhân dân xã Số {index + 1}",
                                groups=groups))
    return contents


# --- reading the files back ---------------------------------------------------------------------


def workbook(data):
    return load_workbook(io.BytesIO(data))


def find_row(sheet, column, value):
    for cells in sheet.iter_rows():
        if cells[column - 1].value == value:
            return cells
    raise AssertionError(f"{value!r} is not in column {column} of {sheet.title}")


def pdf_text(data, tmp_path, first=None, last=None, *, raw=False):
    """The text pdftotext reads, whitespace collapsed (a line may wrap anywhere); `raw`: in the order the PDF
    writes it, each cell's lines together, rather than line by line across the page."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    out = subprocess.run(["pdftotext", *pages, *(["-raw"] if raw else []), str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


def page_texts(data, tmp_path, *, raw=False):
    return [pdf_text(data, tmp_path, page, page, raw=raw)
            for page in range(1, len(PdfReader(io.BytesIO(data)).pages) + 1)]


@pytest.fixture(scope="module")
def report_pdf():
    return write_report_pdf(make_content())


# --- the workbook -------------------------------------------------------------------------------


def test_the_workbook_has_its_three_sheets_and_the_official_header():
    book = workbook(write_report_xlsx(make_content()))
    assert book.sheetnames == ["Tổng hợp", "Báo cáo", "Nhiệm vụ", "Số liệu gốc"]  # "Báo cáo": the text, signed
    sheet = book["Tổng hợp"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG A", "Số: 45/BC-UBND"]
    assert sheet["A2"].font.b
    assert [sheet["E1"].value, sheet["E2"].value] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert sheet["E2"].font.u == "single"
    assert sheet["E3"].value == "Phường A, ngày 15 tháng 01 năm 2026"
    assert [sheet["A4"].value, sheet["A5"].value, sheet["A6"].value] == [
        "BÁO CÁO", "Kết quả thực hiện Kế hoạch 12/KH-UBND, Học kỳ I năm học 2025-2026",
        "Kỳ báo cáo: Học kỳ I năm học 2025-2026"]


def test_a_party_body_heads_its_workbook_with_the_party_name():
    sheet = workbook(write_report_xlsx(make_content(is_party=True)))["Tổng hợp"]
    assert sheet["E1"].value == "ĐẢNG CỘNG SẢN VIỆT NAM" and sheet["E2"].value is None


def test_the_summary_counts_by_status_and_the_reporting_rate_are_numbers():
    sheet = workbook(write_report_xlsx(make_content()))["Tổng hợp"]
    labels = find_row(sheet, 2, "Tổng hợp đánh giá chỉ tiêu")
    counts = find_row(sheet, 2, "Số chỉ tiêu")
    assert [c.value for c in labels[2:9]] == ["Đạt", "Đúng tiến độ", "Có nguy cơ", "Chậm", "Chưa có số liệu",
                                              "Tổng số chỉ tiêu", "Tỷ lệ trường nộp báo cáo (8 trường)"]
    assert [c.value for c in counts[2:8]] == [1, 1, 0, 1, 1, 4]
    assert {c.number_format for c in counts[2:8]} == {"#,##0"}
    assert counts[8].value == pytest.approx(0.875) and counts[8].number_format == "0.0%"


def test_the_target_table_has_its_columns_and_is_grouped_by_criterion():
    sheet = workbook(write_report_xlsx(make_content()))["Tổng hợp"]
    header = find_row(sheet, 1, "STT")
    assert [c.value for c in header] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Giá trị nền", "Chỉ tiêu theo mốc",
                                         "Kết quả kỳ báo cáo", "Cần đạt đến nay", "Tỷ lệ hoàn thành", "Đánh giá",
                                         "Đơn vị chủ trì"]
    below = [(cells[0].value, cells[1].value) for cells in sheet.iter_rows(min_row=header[0].row + 1)]
    assert below == [("I", "Đội ngũ"), (1, "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo"),
                     (2, "Số giáo viên được bồi dưỡng năng lực số"), ("II", "Chất lượng giáo dục"),
                     (3, "Chỉ số hài lòng của phụ huynh"), (4, "Ban hành kế hoạch chuyển đổi số của phường")]


def test_results_are_numbers_with_their_number_formats():
    sheet = workbook(write_report_xlsx(make_content()))["Tổng hợp"]
    rate = find_row(sheet, 1, 1)
    assert (rate[3].value, rate[3].number_format) == (pytest.approx(0.35), "0.0%")  # baseline 35%
    assert (rate[5].value, rate[5].number_format) == (pytest.approx(0.575), "0.0%")  # shown 57,5%
    assert rate[6].value is None  # "Cần đạt đến nay": none given (tests/reports/test_report_document_audit.py)
    assert (rate[7].value, rate[7].number_format) == (pytest.approx(0.71875), "0.0%")
    assert [rate[8].value, rate[9].value] == ["Đúng tiến độ", "Phòng Văn hóa - Xã hội phường A"]
    count = find_row(sheet, 1, 2)
    assert (count[5].value, count[5].number_format) == (1318, "#,##0")
    index = find_row(sheet, 1, 3)
    assert (index[5].value, index[5].number_format) == (pytest.approx(0.82), "0.00")
    milestone = find_row(sheet, 1, 4)
    assert milestone[5].value == 0 and "Chưa đạt" in milestone[5].number_format
    assert milestone[7].value is None  # no completion: an empty cell, not a dash
    for cells in (rate, count, index, milestone):
        assert cells[5].data_type == "n"


def test_the_tasks_and_the_raw_figures_are_on_their_sheets():
    book = workbook(write_report_xlsx(make_content()))
    tasks = book["Nhiệm vụ"]
    assert [c.value for c in tasks[1]] == ["STT", "Nhóm", "Nhiệm vụ", "Đơn vị chủ trì", "Tình trạng"]
    assert [c.value for c in tasks[3]] == [2, "2", "Trang bị phòng học thông minh cho trường tiểu học.",
                                           "Trường Tiểu học A1", "Chậm tiến độ"]
    raw = book["Số liệu gốc"]
    assert [c.value for c in raw[1]] == ["Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị"]
    rate, index = raw[2], raw[3]
    assert [c.value for c in rate[:6]] == ["A-TH1", "Trường Tiểu học A1", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo",
                                           "Học kỳ I năm học 2025-2026", 23, 40]
    assert (rate[6].value, rate[6].number_format) == (pytest.approx(0.575), "0.0%")
    assert (index[6].value, index[6].number_format) == (pytest.approx(0.82), "0.00")


def test_the_reporting_rate_is_kept_as_counts_and_rounded_only_where_it_is_written(tmp_path):
    content = make_content(submitted=2, schools=3)
    counts = find_row(workbook(write_report_xlsx(content))["Tổng hợp"], 2, "Số chỉ tiêu")
    assert counts[8].value == pytest.approx(2 / 3, abs=1e-9) and counts[8].number_format == "0.0%"
    assert "tỷ lệ trường đã nộp báo cáo kỳ này: 66,7%" in pdf_text(write_report_pdf(content), tmp_path)


def test_a_report_frozen_before_its_rows_kept_their_kind_still_reads():
    """Snapshots of reports sent upward before this layout wrote each result as text, and the rate rounded."""
    data = make_content().to_json()
    for group in data["groups"]:
        for frozen in group["rows"]:
            kind = frozen.pop("kind")
            for key in ("numerator", "denominator", "each_unit"):
                frozen.pop(key)
            frozen["is_rate"] = kind == "rate"
            frozen["result_text"] = format_result(frozen["result"], kind, frozen["unit_label"])
    data.pop("submitted")
    data["reporting_rate"] = 87.5
    content = ReportContent.from_json(data)
    assert [row.kind for row in content.rows] == ["rate", "count", "index", "milestone"]
    assert [row.result_text for row in content.rows] == ["57,5%", "1.318 người", "0,82", "Chưa đạt"]
    assert (content.submitted, content.schools) == (7, 8)


def test_every_sheet_freezes_its_header_and_prints_on_a4_landscape_fitted_to_the_width():
    book = workbook(write_report_xlsx(make_content()))
    expected = {"Tổng hợp": ("A11", "$10:$10"), "Nhiệm vụ": ("A2", "$1:$1"), "Số liệu gốc": ("A2", "$1:$1")}
    for name, (frozen, titles) in expected.items():
        sheet = book[name]
        assert sheet.freeze_panes == frozen, name
        assert sheet.print_title_rows == titles, name
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.column_dimensions["B"].width > 8
    assert book["Tổng hợp"].cell(10, 1).value == "STT"  # the frozen and repeated row is the table's header


@pytest.mark.parametrize("typed", FORMULAS)
def test_text_a_user_typed_is_never_run_as_a_formula(typed):
    content = make_content()
    content.groups[0].rows[0].indicator = typed
    content.tasks[0]["text"] = typed
    content.tasks[1]["lead"] = typed
    content.raw_values[0]["indicator"] = typed
    content.raw_values[1]["unit"] = typed
    data = write_report_xlsx(content)

    book = workbook(data)
    cells = [find_row(book["Tổng hợp"], 1, 1)[1], book["Nhiệm vụ"]["C2"], book["Nhiệm vụ"]["D3"],
             book["Số liệu gốc"]["C2"], book["Số liệu gốc"]["B3"]]
    for cell in cells:
        assert cell.value == typed and cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, cell.coordinate  # Excel's leading apostrophe: editing the cell keeps it text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)

    consolidated = workbook(write_consolidated_xlsx([replace(content, unit_name=typed)], "Tổng hợp"))
    for cell in (consolidated["Tổng hợp"]["B3"], consolidated["Tổng hợp"]["E3"], consolidated["Số liệu gốc"]["A2"]):
        assert cell.value == typed and cell.data_type == "s", cell.coordinate


def test_the_consolidated_workbook_has_a_row_per_commune_and_target_and_their_raw_figures():
    book = workbook(write_consolidated_xlsx(province(), "Tổng hợp các xã thuộc thành phố Hải Phòng"))
    assert book.sheetnames == ["Tổng hợp", "Số liệu gốc"]
    sheet = book["Tổng hợp"]
    assert sheet["A1"].value == "Tổng hợp các xã thuộc thành phố Hải Phòng"
    assert [c.value for c in sheet[2]] == ["Mã đơn vị", "Xã, phường", "Tiêu chí", "STT", "Chỉ tiêu", "Đơn vị tính",
                                           "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo", "Tỷ lệ hoàn thành", "Đánh giá"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3 * 4
    assert rows[4][:5] == ("X002", "Xã Số 2", "Đội ngũ", 1, "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo")
    assert rows[4][7] == pytest.approx(0.575) and sheet.cell(7, 8).number_format == "0.0%"
    assert rows[4][9] == "Đúng tiến độ"
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    # each commune's figure per indicator, a rate with the counts it comes from
    raw = book["Số liệu gốc"]
    assert [c.value for c in raw[1]] == ["Xã, phường", "Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo", "Tử số",
                                         "Mẫu số", "Giá trị"]
    figures = list(raw.iter_rows(min_row=2))
    assert [r[0].value for r in figures] == ["Xã Số 1"] * 4 + ["Xã Số 2"] * 4 + ["Xã Số 3"] * 4
    rate, count, index, milestone = figures[4:8]
    assert [c.value for c in rate[:7]] == ["Xã Số 2", "X002", "Xã Số 2", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo",
                                           "Học kỳ I năm học 2025-2026", 23, 40]
    assert (rate[7].value, rate[7].number_format) == (pytest.approx(0.575), "0.0%")
    assert (count[7].value, count[7].number_format) == (1318, "#,##0")
    assert (index[7].value, index[7].number_format) == (pytest.approx(0.82), "0.00")
    assert milestone[7].value == 0 and "Chưa đạt" in milestone[7].number_format


def test_the_consolidated_workbook_of_a_province_is_written_quickly():
    contents = province(communes=120, targets=60)
    started = time.perf_counter()
    data = write_consolidated_xlsx(contents, "Tổng hợp")
    elapsed = time.perf_counter() - started
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Tổng hợp"]
    assert sum(1 for _ in sheet.iter_rows(min_row=3)) == 120 * 60
    assert elapsed < 10  # about 1 s here: write-only mode, no styles but number formats


# --- the PDF ------------------------------------------------------------------------------------


def test_the_pdf_has_the_official_header_the_figures_and_the_closing(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path)
    for expected in ["ỦY BAN NHÂN DÂN", "PHƯỜNG A", "Số: 45/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Phường A, ngày 15 tháng 01 năm 2026", "BÁO CÁO",
                     "Kết quả thực hiện Kế hoạch 12/KH-UBND, Học kỳ I năm học 2025-2026",
                     "57,5%", "71,9%", "1.318 người", "0,82", "Giá trị nền: 35%", "Nơi nhận:",
                     "Ủy ban nhân dân thành phố Hải Phòng (để báo cáo);", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH",
                     "Nguyễn Văn An"]:
        assert expected in text, expected
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text


def test_the_pdf_tells_the_summary_the_tasks_and_the_schools_narratives(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path)
    assert re.search(r"Số chỉ tiêu 1 1 0 1 1 4", text)  # met, on track, at risk, behind, no data, total
    assert "tỷ lệ trường đã nộp báo cáo kỳ này: 87,5%" in text
    assert text.index("1. Đội ngũ") < text.index("2. Chất lượng giáo dục")
    assert "Kế hoạch có 2 nhiệm vụ: hoàn thành 0; đang thực hiện 1; chậm tiến độ 1; chưa triển khai 0." in text
    assert "Trang bị phòng học thông minh cho trường tiểu học. (Chủ trì: Trường Tiểu học A1)" in text  # the late one
    assert "Rà soát đội ngũ giáo viên theo chuẩn." not in text  # the rest is in the workbook
    assert "1. Trường Tiểu học A1 Kết quả nổi bật: Hoàn thành 100% kế hoạch bồi dưỡng." in text
    assert "Đề xuất, kiến nghị: Đề nghị hỗ trợ kinh phí." in text


def test_a_party_body_heads_its_pdf_with_the_party_name(tmp_path):
    content = make_content(is_party=True, issuer_lines=["ĐẢNG BỘ PHƯỜNG A", "ĐẢNG ỦY PHƯỜNG A"], number="Số 12-BC/ĐU",
                           signer_title=["T/M BAN THƯỜNG VỤ", "BÍ THƯ"])
    text = pdf_text(write_report_pdf(content), tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "ĐẢNG ỦY PHƯỜNG A" in text and "T/M BAN THƯỜNG VỤ BÍ THƯ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "Độc lập - Tự do - Hạnh phúc" not in text


def test_pages_are_numbered_at_the_top_from_page_two(report_pdf, tmp_path):
    pages = page_texts(report_pdf, tmp_path)
    assert len(pages) >= 2
    assert pages[0].startswith("CỘNG HÒA") or pages[0].startswith("ỦY BAN")  # no number on the first page
    assert not re.match(r"^1\b", pages[0])
    for number, page in enumerate(pages[1:], 2):
        assert page.split()[0] == str(number)


def test_the_pdf_embeds_only_the_bundled_liberation_serif(report_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]
    assert len(fonts) >= 3  # regular, bold, italic at least
    for line in fonts:
        assert re.match(r"[A-Z]{6}\+Liberation-?Serif", line), line  # no fallback to another font
        assert line.split()[-5] == "yes", line  # embedded
    # Debian's fonts-liberation 1.07 lacks ơ, ư, ạ…: the embedded font must be the bundled 2.x
    reader = PdfReader(io.BytesIO(report_pdf))
    versions = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        versions.add(embedded["name"].getDebugName(5))
    assert versions == {"Version 2.1.5"}


def test_a_long_table_breaks_across_pages_with_its_header_repeated_and_no_row_split(tmp_path):
    rows = [row(n, f"Tỷ lệ thử nghiệm số {n} của các trường trên địa bàn phường được theo dõi hằng kỳ")
            for n in range(1, 81)]
    content = make_content(groups=[ReportGroup("staff", "Đội ngũ", rows)], narratives=[], tasks=[])
    # each cell's lines together: the target's name is wrapped beside its goal's
    pages = page_texts(write_report_pdf(content), tmp_path, raw=True)
    with_rows = [page for page in pages if "Tỷ lệ thử nghiệm số" in page]
    assert len(with_rows) >= 3
    for page in with_rows:
        assert ("STT Chỉ tiêu Chỉ tiêu theo mốc Kết quả kỳ báo cáo Cần đạt đến nay Diễn biến Tỷ lệ hoàn thành "
                "Đánh giá") in page  # the header on every page of the table
    for n in range(1, 81):
        name = f"Tỷ lệ thử nghiệm số {n} của các trường trên địa bàn phường được theo dõi hằng kỳ"
        assert sum(name in page for page in pages) == 1, n  # each row whole on one page


def test_the_charts_are_svg_drawn_on_the_server():
    bar = status_bar_svg({"met": 1, "on_track": 3, "behind": 0}, ["met", "on_track", "behind"])
    assert bar.startswith("<svg") and 'width="250.0"' in bar and 'width="750.0"' in bar
    assert bar.count("<rect") == 2  # an empty status takes no room
    assert sparkline_svg([None, 57.5]) is None  # one figure is no trend
    line = sparkline_svg([40.0, None, 57.5])
    assert "<polyline" in line and line.count(",") == 2  # two points, the gap left out


def test_the_consolidated_pdf_gives_per_target_the_aggregate_the_communes_by_status_and_those_behind(tmp_path):
    figures = [(30, 40, "met", "Đạt", 3.0, 0.8), (10, 20, "behind", "Chậm", 4.0, 0.82),
               (5, 40, "behind", "Chậm", 5.0, 0.84)]
    contents = []
    for index, (numerator, denominator, status, label, rooms, index_value) in enumerate(figures, 1):
        contents.append(make_content(
            unit_code=f"X{index}", unit_name=f"Ủy ban nhân dân xã Số {index}",
            groups=[ReportGroup("staff", "Đội ngũ", [
                row(1, "Tỷ lệ giáo viên đạt chuẩn", result=numerator * 100 / denominator, status=status, label=label,
                    counts=(float(numerator), float(denominator))),
                row(2, "Số phòng học thông minh", result=rooms, kind="count", unit_label="phòng", status="met",
                    label="Đạt"),
                row(3, "Chỉ số hài lòng của phụ huynh", result=index_value, kind="index", unit_label="",
                    status="met", label="Đạt")])],
            # a school's figure listed in the commune's own workbook: the consolidation reads the rows' counts
            raw_values=[{"unit": f"Trường Tiểu học {index}", "unit_code": f"X{index}-TH", "period": "Học kỳ I",
                         "indicator": "Tỷ lệ giáo viên đạt chuẩn", "numerator": 1.0, "denominator": 1.0,
                         "value": 100.0}]))
    text = pdf_text(write_consolidated_pdf(contents, "Tổng hợp kết quả các xã của thành phố Hải Phòng"), tmp_path)
    assert "Tổng hợp kết quả các xã của thành phố Hải Phòng" in text and "Học kỳ I năm học 2025-2026" in text
    # pooled from the communes' counts, (30 + 10 + 5) / (40 + 20 + 40) = 45%, not the mean of 75%, 50%, 12,5%
    assert "45% 3/3 xã có số liệu" in text and "45,8%" not in text
    assert "12,5% – 75%" in text
    assert "12,5% – 75% 1 0 0 2 0" in text  # the communes by status: met, on track, at risk, behind, no data
    assert "Xã Số 2, Xã Số 3" in text  # those behind, by name
    assert "Xã Số 1" not in text
    assert "tổng 12 phòng" in text and "trung bình 0,82" in text  # counts add up, an index is averaged
    # the communes' counts added, not their rates, and said to be those of the communes consolidated
    assert "Số trường thuộc 3 xã, phường trong bản tổng hợp này: 24; đã nộp báo cáo: 21 (87,5%)" in " ".join(
        text.split())


def test_a_target_for_every_unit_and_a_level_consolidate_to_the_lowest_commune(tmp_path):
    contents = [make_content(unit_code=f"X{n}", unit_name=f"Ủy ban nhân dân xã Số {n}", groups=[
        ReportGroup("facilities", "Cơ sở vật chất", [
            replace(row(1, "Số phòng học thông minh mỗi trường", result=float(n), kind="count", unit_label="phòng"),
                    each_unit=True),
            row(2, "Mức độ trường đạt chuẩn quốc gia", result=float(n + 1), kind="level", unit_label="mức độ"),
            row(3, "Ban hành kế hoạch chuyển đổi số", result=float(n % 2), kind="milestone")])])
        for n in (1, 2, 3)]
    text = pdf_text(write_consolidated_pdf(contents, "Tổng hợp"), tmp_path)
    assert "thấp nhất 1 phòng" in text and "tổng 6 phòng" not in text
    assert "thấp nhất mức 2" in text and "mức 2 – mức 4" in text
    assert "2/3 đã đạt" in text


def test_the_consolidated_pdf_of_a_province_stays_short(tmp_path):
    data = write_consolidated_pdf(province(communes=120, targets=60), "Tổng hợp")
    pages = page_texts(data, tmp_path)
    assert len(pages) <= 20
    assert "và 48 xã khác" in " ".join(pages)  # 60 communes behind on a target: twelve named, the rest counted


def test_reports_frozen_before_and_after_the_wording_changed_consolidate_as_one_target():
    """A commune's report frozen before 27/11/2026 names a "trong đó" part without its whole and writes a goal
    stated without a figure as a bare "≥"; one frozen after names the whole and writes the goal in words. The
    consolidation still takes them for the same targets."""
    from reports.consolidation import consolidate

    def commune(name, part, goal):
        return make_content(unit_name=f"Ủy ban nhân dân {name}", groups=[ReportGroup("universal", "Phổ cập", [
            row(1, part, goal="từ 80 đến 85% (đến năm 2030)"),
            row(2, "Chỉ số đóng góp vào GII", kind="index", result=0.9, unit_label="", goal=goal, counts=(None, None))])])

    before = commune("phường A", "Tỷ lệ vào lớp 10 công lập", "≥  (đến năm 2035)")
    after = commune("phường B", "Tỷ lệ vào lớp 10 công lập (trong đó, thuộc Tỷ lệ hoàn thành THCS)",
                    "theo nội dung chỉ tiêu (đến năm 2035)")
    [(label, targets)] = consolidate([before, after])
    assert label == "Phổ cập" and len(targets) == 2
    assert [[name for name, _row in target.rows] for target in targets] == [["Phường A", "Phường B"]] * 2


def test_the_word_file_names_the_leading_unit_as_the_pdf_does():
    import io

    from docx import Document

    from reports.report_docx import write_report_docx

    doc = Document(io.BytesIO(write_report_docx(make_content())))
    assert "Đơn vị chủ trì theo dõi các chỉ tiêu: Phòng Văn hóa - Xã hội phường A." in [p.text for p in doc.paragraphs]
    content = make_content()
    content.groups[0].rows[0].lead = "Trường Tiểu học A1"  # two leading units: each row names its own
    doc = Document(io.BytesIO(write_report_docx(content)))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert any(text.endswith("(Chủ trì: Trường Tiểu học A1)") for text in cells)
    assert not any(p.text.startswith("Đơn vị chủ trì theo dõi") for p in doc.paragraphs)


def test_counts_past_a_thousand_are_written_with_the_thousands_dot_in_every_format(tmp_path):
    # a province's consolidation counts some 13.600 targets over 1.318 schools; "13600" is not how Vietnamese writes it
    counts = {"met": 1318, "on_track": 2042, "at_risk": 0, "behind": 1001, "no_data": 5}
    contents = [replace(c, summary=counts, schools=1318, submitted=1200) for c in province(communes=2)]
    pdf = pdf_text(write_consolidated_pdf(contents, "Tổng hợp"), tmp_path)
    assert "Số lượt chỉ tiêu 2.636 4.084 0 2.002 10 8.732" in pdf
    assert "trong bản tổng hợp này: 2.636; đã nộp báo cáo: 2.400 (91%)." in pdf
    docx = Document(io.BytesIO(write_consolidated_docx(contents, "Tổng hợp")))
    assert [c.text for c in docx.tables[0].rows[1].cells] == ["Số lượt chỉ tiêu", "2.636", "4.084", "0", "2.002", "10",
                                                              "8.732"]
    assert any("trong bản tổng hợp này: 2.636; đã nộp báo cáo: 2.400 (" in p.text for p in docx.paragraphs)

    unit = contents[0]
    pdf = pdf_text(write_report_pdf(unit), tmp_path)
    assert "theo dõi: 4.366;" in pdf and "Số chỉ tiêu 1.318 2.042 0 1.001 5 4.366" in pdf
    assert "Số cơ sở giáo dục trực thuộc: 1.318 trường;" in pdf
    docx = Document(io.BytesIO(write_report_docx(unit)))
    found = [p.text for p in docx.paragraphs]
    assert any(t.startswith("Tổng số chỉ tiêu của kế hoạch được theo dõi: 4.366;") for t in found)
    assert any(t.startswith("Số cơ sở giáo dục trực thuộc: 1.318 trường;") for t in found)
    summary = next(t for t in docx.tables if t.rows[0].cells[0].text == "Đánh giá")
    assert [c.text for c in summary.rows[1].cells][1:] == ["1.318", "2.042", "0", "1.001", "5", "4.366"]
    sheet = workbook(write_report_xlsx(unit))["Tổng hợp"]
    assert "Tỷ lệ trường nộp báo cáo (1.318 trường)" in [c.value for r in sheet.iter_rows() for c in r]


def test_a_word_longer_than_its_line_breaks_inside_the_margins_and_its_cell(tmp_path):
    # a school pastes the link to its evidence: one "word" wider than the page ran off its right edge, and a long
    # word in the target table ran over the next columns
    link = ("https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz"
            "0123456789?usp=sharing")
    long_name = "giáoviênđạtchuẩntrìnhđộđàotạotrênchuẩn" * 2
    content = make_content(narratives=[Narrative("Trường Tiểu học A1", f"Minh chứng tại {link}", "", "")],
                           groups=[ReportGroup("staff", "Đội ngũ", [row(1, f"Tỷ lệ {long_name}")])])
    path = tmp_path / "report.pdf"
    path.write_bytes(write_report_pdf(content))
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    words = [(float(x_min), float(x_max), word) for x_min, x_max, word in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    right_margin = 595.3 - 15 / 25.4 * 72  # A4 less the 15 mm right margin, in points
    assert words and max(x_max for _x_min, x_max, _word in words) <= right_margin + 3  # a glyph's box, rounded
    # the long name stays in its column ("Chỉ tiêu", before "Chỉ tiêu theo mốc" from 80% on)
    goal_x = next(x_min for x_min, _x_max, word in words if word == "80%")
    pieces = [x_max for _x_min, x_max, word in words if len(word) >= 8 and word in long_name]
    assert pieces and max(pieces) <= goal_x
    assert "".join(word for _x, _y, word in words).count("0123456789") == 2  # the link whole, broken over lines


def test_a_schools_text_keeps_its_lines_in_the_pdf_as_in_the_word_file_and_the_workbook(tmp_path):
    # a principal lists the school's results one a line: the PDF ran them into one paragraph ("… đạt 98%. 2. Tổ chức …")
    highlights = "1. Huy động trẻ 5 tuổi ra lớp đạt 100%.\n2. Tổ chức tốt chuyên đề <chuyển đổi số>."
    content = make_content(narratives=[Narrative("Trường Tiểu học A1", highlights, "", "")])
    lines = [" ".join(line.split()) for line in subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=write_report_pdf(content), capture_output=True,
        check=True).stdout.decode().splitlines()]
    first = next(index for index, line in enumerate(lines) if "Huy động trẻ 5 tuổi" in line)
    assert lines[first] == "Kết quả nổi bật: 1. Huy động trẻ 5 tuổi ra lớp đạt 100%."
    assert lines[first + 1] == "2. Tổ chức tốt chuyên đề <chuyển đổi số>."  # a line of its own, the text escaped


def test_the_tables_headers_are_not_broken_inside_a_word(tmp_path):
    # a long word breaks inside its cell (above), but never one of the headers sized to their columns: the
    # consolidated table's 8 mm "STT" read "ST" over "T"
    for data in (write_consolidated_pdf(province(), "Tổng hợp"), write_report_pdf(make_content())):
        words = pdf_text(data, tmp_path).split()
        assert "STT" in words and "ST" not in words

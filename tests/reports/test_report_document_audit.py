"""What the audit of the documents sent upward found missing (28/11/2026), read back from the files as a reader gets
them (openpyxl for the cells, pdftotext for the PDF, python-docx for the Word file):

1. the workbook of a finalised report carries its text as the PDF and the Word file do: the unit's own sections,
   the schools' texts, "Nơi nhận" and the signature block (a sheet "Báo cáo" after the table's);
2. every format prints per target "Cần đạt đến nay", where the target should be by now on its path, as the
   dashboard shows it (ReportRow.expected), and a snapshot frozen before it still loads;
3. the consolidated workbook heads its table with the official header of its cover, and a province's "Nơi nhận"
   gives its own Sở GD&ĐT the report for information, not "để báo cáo".
"""

import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.builds import assemble
from reports.content import ReportContent, build_report_content, consolidation_cover, plan_targets
from reports.models import OutgoingReport, ReportBuild, ReportSections, ReportStatus, SchoolReport
from reports.pdf import write_report_pdf
from reports.report_docx import write_report_docx
from reports.report_xlsx import MAX_LINES, TEXT_SHEET, write_consolidated_xlsx, write_report_xlsx
from targets.fields import format_percent
from targets.models import ProgressValue
from targets.queries import plan_statuses, subtree_roots
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from tests.reports.test_outgoing import finalise, send
from tests.reports.test_report_files import find_row, make_content, pdf_text, province

SECTIONS = {
    "achievements": "Huy động trẻ ra lớp vượt kế hoạch.\n- Hoàn thành bồi dưỡng giáo viên năng lực số.",
    "shortcomings": "Thiếu phòng học bộ môn do quỹ đất hạn chế.",
    "next_steps": "Khởi công nhà lớp học Trường Tiểu học A1.",
    "proposals": "=Đề nghị Sở GD&ĐT bổ sung biên chế giáo viên tiếng Anh.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sheet_lines(sheet):
    """Each row's texts, the empty cells left out, joined by " | "."""
    return [" | ".join(str(value) for value in values if value not in (None, ""))
            for values in sheet.iter_rows(values_only=True)]


# --- 1. the workbook carries the report's text, "Nơi nhận" and the signature ----------------------------------


def test_the_workbook_of_a_report_carries_its_sections_the_schools_texts_and_the_closing():
    content = ReportContent.from_json(make_content(own_sections=SECTIONS).to_json())  # as frozen when sent
    book = load_workbook(io.BytesIO(write_report_xlsx(content)))
    assert book.sheetnames == ["Tổng hợp", TEXT_SHEET, "Nhiệm vụ", "Số liệu gốc"]
    sheet = book[TEXT_SHEET]
    lines = sheet_lines(sheet)
    assert lines[:6] == [
        "KẾT QUẢ ĐẠT ĐƯỢC", "Huy động trẻ ra lớp vượt kế hoạch.", "- Hoàn thành bồi dưỡng giáo viên năng lực số.",
        "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
        "Kế hoạch có 2 nhiệm vụ: hoàn thành 0; đang thực hiện 1; chậm tiến độ 1; chưa triển khai 0. Danh mục đầy đủ "
        "với nội dung, đơn vị chủ trì và tình trạng ở trang “Nhiệm vụ”.",
        "Ý KIẾN CỦA CÁC CƠ SỞ GIÁO DỤC"]
    assert lines[6:10] == ["1. Trường Tiểu học A1", "Kết quả nổi bật: Hoàn thành 100% kế hoạch bồi dưỡng.",
                           "Khó khăn, vướng mắc: Thiếu thiết bị dạy học số.", "Đề xuất, kiến nghị: Đề nghị hỗ trợ kinh phí."]
    assert lines[10:16] == ["HẠN CHẾ VÀ NGUYÊN NHÂN", "Thiếu phòng học bộ môn do quỹ đất hạn chế.",
                            "PHƯƠNG HƯỚNG NHIỆM VỤ KỲ TỚI", "Khởi công nhà lớp học Trường Tiểu học A1.",
                            "ĐỀ XUẤT, KIẾN NGHỊ", "=Đề nghị Sở GD&ĐT bổ sung biên chế giáo viên tiếng Anh."]
    # "Nơi nhận" on the left, the signature block on the right, as the PDF sets them
    closing = find_row(sheet, 1, "Nơi nhận:")[0].row
    left = [sheet.cell(r, 1).value for r in range(closing, sheet.max_row + 1)]
    right = [sheet.cell(r, 2).value for r in range(closing, sheet.max_row + 1)]
    assert [value for value in left if value] == [
        "Nơi nhận:", "- Ủy ban nhân dân thành phố Hải Phòng (để báo cáo);", "- Lưu: VT."]
    assert right[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert right[-1] == "Nguyễn Văn An" and right[3:-1] == [None] * 4  # room to sign
    label, recipient, signer = sheet.cell(closing, 1), sheet.cell(closing + 1, 1), sheet.cell(closing, 2)
    assert (label.font.b, label.font.i, label.font.sz) == (True, True, 12)
    assert recipient.font.sz == 11 and signer.font.b and signer.alignment.horizontal == "center"
    # the official font, as the rest of the workbook; a text typed with "=" stays text
    assert {cell.font.name for cells in sheet.iter_rows() for cell in cells if cell.value} == {"Times New Roman"}
    proposal = find_row(sheet, 1, SECTIONS["proposals"])[0]
    assert proposal.data_type == "s" and proposal.quotePrefix
    # a page of text: portrait A4 fitted to the width, no header row repeated
    assert sheet.page_setup.orientation == "portrait" and int(sheet.page_setup.paperSize) == 9
    assert sheet.print_title_rows is None and sheet.freeze_panes is None


def test_a_report_without_sections_nor_schools_texts_still_closes_with_its_recipients_and_signature():
    book = load_workbook(io.BytesIO(write_report_xlsx(make_content(narratives=[], tasks=[], signer_name=""))))
    lines = sheet_lines(book[TEXT_SHEET])
    assert lines[:4] == ["TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "Kế hoạch chưa có nhiệm vụ được theo dõi.",
                         "Ý KIẾN CỦA CÁC CƠ SỞ GIÁO DỤC",
                         "Chưa có báo cáo đã duyệt của cơ sở giáo dục nào có ý kiến trong kỳ này."]
    assert "KẾT QUẢ ĐẠT ĐƯỢC" not in lines and "HẠN CHẾ VÀ NGUYÊN NHÂN" not in lines
    assert "Nơi nhận: | TM. ỦY BAN NHÂN DÂN" in lines  # a draft: the signer's name left blank


def test_a_long_paragraph_goes_on_in_rows_each_no_higher_than_excel_allows():
    words = " ".join(f"Nội dung thứ {n} của phần hạn chế và nguyên nhân." for n in range(400))
    book = load_workbook(io.BytesIO(write_report_xlsx(make_content(own_sections={"shortcomings": words}))))
    sheet = book[TEXT_SHEET]
    start = find_row(sheet, 1, "HẠN CHẾ VÀ NGUYÊN NHÂN")[0].row + 1
    parts = []
    for number in range(start, sheet.max_row + 1):
        value = sheet.cell(number, 1).value
        if not value:  # the blank row before "Nơi nhận"
            break
        parts.append(value)
        assert (sheet.row_dimensions[number].height or 16) <= MAX_LINES * 16 + 4 <= 409
        assert f"A{number}:B{number}" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert len(parts) > 1 and " ".join(parts) == words


def test_a_finalised_and_approved_report_keeps_its_text_in_its_workbook(client, personas, tree, period):
    """The audit's case: the ward's report "Số: 45/BC-UBND", finalised and approved, downloaded as sent."""
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    make_target(plan, rate, 0, Decimal(100), category="staff")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.APPROVED,
                                difficulties="Thiếu thiết bị dạy học số.")
    ReportSections.objects.create(unit=tree["A"], document=plan, period=period, **SECTIONS)
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plan, period)
    send(client, OutgoingReport.objects.get())  # approved by phường A's leader on the way
    report = OutgoingReport.objects.get()
    assert report.snapshot["signer_name"] and report.snapshot["number"] == "Số: 45/BC-UBND"
    response = client.get(reverse("reports:outgoing_download", args=[report.pk, "xlsx"]))
    lines = sheet_lines(load_workbook(io.BytesIO(b"".join(response.streaming_content)))[TEXT_SHEET])
    for expected in ["KẾT QUẢ ĐẠT ĐƯỢC", "Huy động trẻ ra lớp vượt kế hoạch.", "1. Trường Tiểu học A1",
                     "Khó khăn, vướng mắc: Thiếu thiết bị dạy học số.", "HẠN CHẾ VÀ NGUYÊN NHÂN",
                     "PHƯƠNG HƯỚNG NHIỆM VỤ KỲ TỚI", "ĐỀ XUẤT, KIẾN NGHỊ",
                     "Nơi nhận: | TM. ỦY BAN NHÂN DÂN", "- Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);",
                     report.snapshot["signer_name"]]:
        assert any(line.startswith(expected) for line in lines), expected


# --- 2. "Cần đạt đến nay" in every format ----------------------------------------------------------------------


def expected_content():
    """make_content's four targets, the rate 50,4% and the count 1.250,50 people behind where they should be by now."""
    content = make_content()
    rate, count, index, milestone = content.rows
    rate.expected, count.expected = 50.4, 1250.5
    return content


def test_a_snapshot_frozen_before_the_expected_figure_still_loads():
    data = expected_content().to_json()
    for group in data["groups"]:
        for frozen in group["rows"]:
            del frozen["expected"]
    content = ReportContent.from_json(data)
    assert [row.expected for row in content.rows] == [None] * 4
    assert [row.expected_text for row in content.rows] == [""] * 4
    sheet = load_workbook(io.BytesIO(write_report_xlsx(content)))["Tổng hợp"]
    column = [c.value for c in find_row(sheet, 1, "STT")].index("Cần đạt đến nay")
    assert [find_row(sheet, 1, n)[column].value for n in (1, 2, 3, 4)] == [None] * 4


def test_the_workbook_has_the_expected_figure_as_a_number_beside_the_result():
    sheet = load_workbook(io.BytesIO(write_report_xlsx(expected_content())))["Tổng hợp"]
    header = [c.value for c in find_row(sheet, 1, "STT")]
    assert header[5:8] == ["Kết quả kỳ báo cáo", "Cần đạt đến nay", "Tỷ lệ hoàn thành"]
    rate, count, index, milestone = (find_row(sheet, 1, n) for n in (1, 2, 3, 4))
    assert (rate[6].value, rate[6].number_format) == (pytest.approx(0.504), "0.0%")  # shown 50,4%
    assert (count[6].value, count[6].number_format) == (1250.5, "0.00")
    assert index[6].value is None and milestone[6].value is None  # no path: an empty cell
    assert (rate[7].value, rate[8].value, rate[9].value) == (
        pytest.approx(0.71875), "Đúng tiến độ", "Phòng Văn hóa - Xã hội phường A")


def test_the_pdf_prints_the_expected_figure_as_the_result_is_written(tmp_path):
    text = pdf_text(write_report_pdf(expected_content()), tmp_path)
    assert "Cần đạt đến nay" in text
    assert "57,5% 50,4%" in text  # the rate's result, then where it should be by now
    assert "1.250,50 người" in text  # two places, as a count's result


def test_the_word_file_prints_the_expected_figure_in_its_own_column():
    doc = Document(io.BytesIO(write_report_docx(expected_content())))
    tables = [table for table in doc.tables if table.rows[0].cells[0].text == "STT"]
    header = [cell.text for cell in tables[0].rows[0].cells]
    assert header == ["STT", "Chỉ tiêu", "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo", "Cần đạt đến nay",
                      "Tỷ lệ hoàn thành", "Đánh giá"]
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for table in tables for row in table.rows[1:]}
    assert rows["1"][3:6] == ["57,5%", "50,4%", "71,9%"]
    assert rows["2"][4] == "1.250,50 người" and rows["3"][4] == rows["4"][4] == ""
    # the table still fits between the margins of an A4 portrait page
    widths = [cell.width for cell in tables[0].rows[0].cells]
    assert round(sum(width.mm for width in widths)) == 165


def test_the_report_takes_the_expected_figure_of_the_dashboards_evaluation(tree):
    period = make_period()  # Học kỳ I 2025-2026, judged at its end, 15/01/2026
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    done = make_indicator("cds", "Ban hành kế hoạch chuyển đổi số", "milestone", "every_unit")
    kept = make_indicator("hl", "Tỷ lệ học sinh lên lớp", unit_label="%")
    behind = make_target(plan, rate, 0, Decimal(100), "gte", "2030", date(2030, 12, 31), category="staff",
                         baseline_value=Decimal(40), baseline_year=2024)
    make_target(plan, done, 1, Decimal(1), "achieve", "2026", category="facilities")
    make_target(plan, kept, 2, Decimal(90), category="quality", baseline_value=Decimal(80), baseline_year=2024)
    for indicator, numerator in ((rate, 10), (kept, 38)):
        ProgressValue.objects.create(indicator=indicator, unit=tree["A-TH1"], period=period, numerator=numerator,
                                     denominator=40)
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    rows = {row.indicator: row for row in content.rows}
    statuses = {item.target.pk: item for item in plan_statuses(plan_targets([plan])[plan.pk], tree["A"], period,
                                                              roots=subtree_roots([tree["A"]]))}
    shown = statuses[behind.pk].evaluation
    assert rows["Tỷ lệ giáo viên đạt chuẩn"].status == "behind"
    assert rows["Tỷ lệ giáo viên đạt chuẩn"].expected == pytest.approx(float(shown.expected))
    assert 40 < rows["Tỷ lệ giáo viên đạt chuẩn"].expected < 100
    assert rows["Tỷ lệ giáo viên đạt chuẩn"].expected_text == format_percent(shown.expected)  # as the dashboard
    assert rows["Ban hành kế hoạch chuyển đổi số"].expected is None  # a milestone has no path
    assert rows["Tỷ lệ học sinh lên lớp"].status == "met" and rows["Tỷ lệ học sinh lên lớp"].expected is None


# --- 3. the consolidated workbook's header, and whom a province's report goes to ------------------------------


def cover_of(contents, **overrides):
    from reports.content import ReportCover

    values = dict(issuer_lines=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"], issuer_bold=2, is_party=False,
                  number="Số:       /BC-UBND", place_date="Hải Phòng, ngày 20 tháng 01 năm 2026", title="BÁO CÁO",
                  subject="Tổng hợp kết quả thực hiện Kế hoạch 200/KH-UBND của các xã, phường, Học kỳ I năm học "
                          "2025-2026",
                  opening="Thực hiện …", period_name="Học kỳ I năm học 2025-2026",
                  recipients=["Bộ Giáo dục và Đào tạo (để báo cáo);", "Lưu: VT."], signer_title=["CHỦ TỊCH"],
                  signer_name="", communes=len(contents), sent=[], missing=[])
    values.update(overrides)
    return ReportCover(**values)


def test_the_consolidated_workbook_has_the_official_header_of_its_cover():
    contents = province()
    sheet = load_workbook(io.BytesIO(write_consolidated_xlsx(contents, cover_of(contents))))["Tổng hợp"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG", "Số:       /BC-UBND"]
    assert sheet["A1"].font.b and sheet["A2"].font.b
    assert [sheet["E1"].value, sheet["E2"].value, sheet["E3"].value] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hải Phòng, ngày 20 tháng 01 năm 2026"]
    assert sheet["E2"].font.u == "single" and sheet["E3"].font.i
    assert [sheet["A4"].value, sheet["A5"].value] == ["BÁO CÁO", cover_of(contents).subject]
    assert sheet["A4"].font.sz == 14 and sheet["A5"].font.b and sheet["A4"].alignment.horizontal == "center"
    assert {"A1:C1", "E1:J1", "A3:C3", "E3:J3", "A4:J4", "A5:J5"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[6]][:3] == ["Mã đơn vị", "Xã, phường", "Tiêu chí"]
    assert sheet.freeze_panes == "A7" and sheet.print_title_rows == "$6:$6" and sheet.auto_filter.ref == "A6:J18"
    assert [sheet.cell(7, 1).value, sheet.cell(18, 1).value] == ["X001", "X003"]  # 3 communes x 4 targets
    # a Party body's cover heads with the Party's name
    party = load_workbook(io.BytesIO(write_consolidated_xlsx(contents, cover_of(
        contents, is_party=True, issuer_lines=["ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "THÀNH ỦY"], issuer_bold=1)))).active
    assert party["E1"].value == "ĐẢNG CỘNG SẢN VIỆT NAM" and party["A2"].font.b and not party["A1"].font.b


def test_a_province_sends_its_report_to_its_own_department_for_information_and_a_ward_to_report(tree):
    period = make_period()
    city = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    ward = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    cover = consolidation_cover(unit=tree["HP"], document=city, period=period, sent_codes=set())
    assert cover.recipients == ["Bộ Giáo dục và Đào tạo (để báo cáo);", "Sở Giáo dục và Đào tạo Hải Phòng (để biết);",
                                "UBND các xã, phường;", "Lãnh đạo đơn vị;", "Lưu: VT."]
    own = build_report_content(unit=tree["HP"], document=city, period=period)
    assert own.recipients[:2] == ["Bộ Giáo dục và Đào tạo (để báo cáo);", "Sở Giáo dục và Đào tạo Hải Phòng (để biết);"]
    ward_report = build_report_content(unit=tree["A"], document=ward, period=period)
    assert ward_report.recipients[1] == "Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);"


def test_the_consolidation_built_for_a_province_has_its_header_and_its_recipients(tree, tmp_path):
    period = make_period()
    city = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    for key in ("A", "B"):
        ward = make_document(tree[key], f"1{key}/KH-UBND", f"Kế hoạch của {tree[key].name}")
        ward.implements.add(city)
        make_target(ward, rate, 0, Decimal(100), category="staff")
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city, period=period)
    sheet = load_workbook(io.BytesIO(write_consolidated_xlsx(contents, cover)))["Tổng hợp"]
    assert (sheet["A1"].value, sheet["A2"].value) == ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG")
    assert sheet["A5"].value == cover.subject and cover.subject.endswith("(bản xem trước)")
    assert sheet["A6"].value == "Mã đơn vị" and {sheet.cell(r, 1).value for r in (7, 8)} == {"A", "B"}
    path = tmp_path / "tong-hop.pdf"
    from reports.pdf import write_consolidated_pdf

    path.write_bytes(write_consolidated_pdf(contents, cover))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "- Sở Giáo dục và Đào tạo Hải Phòng (để biết);" in text and "Hải Phòng (để báo cáo)" not in text


def test_a_bare_title_keeps_the_consolidated_workbook_as_it_was():
    sheet = load_workbook(io.BytesIO(write_consolidated_xlsx(province(), "Tổng hợp")))["Tổng hợp"]
    assert sheet["A1"].value == "Tổng hợp" and sheet["A2"].value == "Mã đơn vị" and sheet.freeze_panes == "A3"



def test_the_consolidation_s_cover_counts_the_wards_of_its_period_not_today_s(tree):
    """For a past semester: a ward merged since still shows that it sent, one created since is not missing, one
    closed before the semester ended is not expected (as the Sở's inbox)."""
    from units.models import Unit

    period = make_period()  # 05/09/2025 – 15/01/2026
    city = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    Unit.objects.filter(pk=tree["A"].pk).update(valid_to=date(2026, 3, 1))  # merged after the semester
    make_unit("C", "Phường C", "commune", tree["HP"], valid_from=date(2026, 7, 1))  # created since
    make_unit("D", "Phường D", "commune", tree["HP"], valid_from=date(2025, 7, 1), valid_to=date(2025, 12, 1))
    cover = consolidation_cover(unit=tree["HP"], document=city, period=period, sent_codes={"A"})
    assert (cover.sent, cover.missing, cover.communes) == (["Phường A"], ["Phường B"], 2)
    sent_anyway = consolidation_cover(unit=tree["HP"], document=city, period=period, sent_codes={"A", "D"})
    assert (sent_anyway.sent, sent_anyway.missing) == (["Phường A", "Phường D"], ["Phường B"])

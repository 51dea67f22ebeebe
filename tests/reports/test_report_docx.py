"""The Word file of every report (reports/report_docx.py), read back with python-docx as an office would open
it: Times New Roman 13 pt, the format's margins, the same header blocks and tables as the PDF; offered beside
the PDF and the workbook by the builds and the reports sent upward."""

import io
from dataclasses import replace as replaced
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from plans.models import Task
from reports.builds import assemble, open_build, run_build
from reports.content import ReportGroup, build_report_content
from reports.models import BuildState, OutgoingReport, ReportBuild, ReportSections
from reports.report_docx import write_consolidated_docx, write_report_docx
from targets.fields import format_percent
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_target
from tests.reports.test_outgoing import finalise
from tests.reports.test_report_files import province
from tests.reports.test_report_files import row as report_row


@pytest.fixture(autouse=True)
def in_process(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(tree, period):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    level = make_indicator("muc-chuan", "Mức độ trường đạt chuẩn quốc gia", "level", "min")
    make_target(document, level, 1, Decimal(2), "achieve", category="facilities").scope_units.add(tree["A-TH1"])
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    make_target(document, rate, 2, Decimal(100), category="staff")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    ReportSections.objects.create(unit=tree["A"], document=document, period=period,
                                  achievements="Huy động trẻ ra lớp vượt kế hoạch.",
                                  proposals="Đề nghị bổ sung biên chế giáo viên.")
    return document


def read_docx(data):
    return Document(io.BytesIO(data))


def texts(doc):
    """Every paragraph's text, those of the tables' cells included, in order."""
    found = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text for p in cell.paragraphs)
    return found


def test_the_word_file_follows_the_format(tree, plan, period):
    doc = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period,
                                                           number="Số: 45/BC-UBND")))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    runs = [run for paragraph in doc.paragraphs for run in paragraph.runs]
    assert all(run.font.size is None or Pt(11) <= run.font.size <= Pt(14) for run in runs)


def test_the_word_file_has_the_header_blocks(tree, plan, period):
    doc = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period,
                                                           number="Số: 45/BC-UBND")))
    left, right = doc.tables[0].rows[0].cells
    assert [(p.text, p.runs[0].bold) for p in left.paragraphs[:3]] == [
        ("UBND THÀNH PHỐ HẢI PHÒNG", False), ("ỦY BAN NHÂN DÂN", True), ("PHƯỜNG A", True)]
    assert [p.text for p in right.paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right.paragraphs[1].runs[0].underline and right.paragraphs[1].runs[0].bold
    number, place = doc.tables[0].rows[1].cells
    assert number.text == "Số: 45/BC-UBND"
    assert place.text.startswith("Phường A, ngày ") and place.paragraphs[0].runs[0].italic
    body = [p.text for p in doc.paragraphs]
    title = body.index("BÁO CÁO")
    assert body[title + 1] == f"Kết quả thực hiện Kế hoạch 12/KH-UBND, {period.name}"


def test_the_word_file_has_the_tables_the_sections_and_the_closing(tree, plan, period):
    doc = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period)))
    found = texts(doc)
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1" in found
    rate = next(row for table in doc.tables for row in table.rows if row.cells[1].text == "Tỷ lệ giáo viên đạt chuẩn")
    # the ward's rate added up from its one reporting school says so
    assert [cell.text for cell in rate.cells][3:5] == ["75%\n(từ 1 đơn vị báo cáo)", "75%"]
    assert "1. Kết quả đạt được" in found and "Huy động trẻ ra lớp vượt kế hoạch." in found
    # the summary's two rows, as in the PDF: how many targets and what share of them
    share = next(row for row in doc.tables[1].rows if row.cells[0].text == "Tỷ lệ")
    assert share.cells[-1].text == "100%" and all(cell.text.endswith("%") or cell.text == "—" for cell in share.cells[1:])
    assert "V. ĐỀ XUẤT, KIẾN NGHỊ" in found and "Đề nghị bổ sung biên chế giáo viên." in found
    closing = doc.tables[-1].rows[0].cells
    assert closing[0].paragraphs[0].text == "Nơi nhận:"
    assert "- Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);" in [p.text for p in closing[0].paragraphs]
    assert [p.text for p in closing[1].paragraphs][:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    # the recipients and the signature never split over two pages; the text is marked Vietnamese for Word
    assert doc.tables[-1].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert 'w:val="vi-VN"' in doc.styles.element.xml and 'w:val="en-US"' not in doc.styles.element.xml


def test_the_consolidated_word_file_has_the_cover_and_the_communes_that_sent(tree, plan, period):
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plan, period=period)
    doc = read_docx(write_consolidated_docx(contents, cover))
    assert round(doc.sections[0].page_width.mm) == 297  # landscape, as the PDF
    found = texts(doc)
    assert "ỦY BAN NHÂN DÂN" in found and "THÀNH PHỐ HẢI PHÒNG" in found and "BÁO CÁO" in found
    assert cover.sent_line in found and cover.sent_line.startswith("0/2 xã, phường đã gửi báo cáo.")
    assert "Tỷ lệ giáo viên đạt chuẩn" in found and "Nơi nhận:" in found
    # the summary's two rows, as in the PDF: how many targets across the communes and what share of them
    summary = next(table for table in doc.tables if table.rows[0].cells[0].text == "Đánh giá")
    assert [row.cells[0].text for row in summary.rows] == ["Đánh giá", "Số lượt chỉ tiêu", "Tỷ lệ"]
    counts = [int(cell.text) for cell in summary.rows[1].cells[1:-1]]
    shares = [cell.text for cell in summary.rows[2].cells[1:]]
    assert shares[-1] == "100%" and sum(counts) == int(summary.rows[1].cells[-1].text) > 0
    assert shares[:-1] == [format_percent(Decimal(count) * 100 / sum(counts)) for count in counts]
    assert sum(c.schools for c in contents)  # the schools counted are said to be those of the communes consolidated
    assert any(t.startswith(f"Số trường thuộc {len(contents)} xã, phường trong bản tổng hợp này: ")
               for t in found)


def test_a_build_asked_in_word_saves_a_word_file_and_offers_it(client, personas, tree, plan, period,
                                                             django_assert_max_num_queries):
    build, _created = open_build(unit=tree["A"], document=plan, period=period, formats=["docx", "pdf"],
                                 by=personas["officer_a"])
    run_build(build.pk)
    build.refresh_from_db()
    assert build.state == BuildState.SUCCEEDED and build.formats == ["pdf", "docx"]
    assert build.docx_file.name.endswith("bao-cao-A-hk-nay.docx")
    client.force_login(personas["officer_a"])
    # session, the user with its memberships, the build (with unit, plan, period), the access check
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:build_download", args=[build.pk, "docx"]))
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-A-hk-nay.docx"'
    assert "BÁO CÁO" in texts(read_docx(b"".join(response.streaming_content)))
    status = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert reverse("reports:build_download", args=[build.pk, "docx"]) in status


def test_officer_b_cannot_download_the_word_file_of_a(client, personas, tree, plan, period):
    build, _created = open_build(unit=tree["A"], document=plan, period=period, formats=["docx"],
                                 by=personas["officer_a"])
    run_build(build.pk)
    client.force_login(personas["officer_b"])
    assert client.get(reverse("reports:build_download", args=[build.pk, "docx"])).status_code == 404


def test_a_finalised_report_keeps_its_word_file(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plan, period)
    report = OutgoingReport.objects.get()
    response = client.get(reverse("reports:outgoing_download", args=[report.pk, "docx"]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Huy động trẻ ra lớp vượt kế hoạch." in texts(read_docx(b"".join(response.streaming_content)))
    client.force_login(personas["officer_b"])
    assert client.get(reverse("reports:outgoing_download", args=[report.pk, "docx"])).status_code == 404


def test_an_unknown_format_is_refused_in_vietnamese(tree, plan, period, personas):
    from reports.builds import BuildError

    with pytest.raises(BuildError, match=r"Chỉ tạo được Excel \(xlsx\), PDF hoặc Word \(docx\)"):
        open_build(unit=tree["A"], document=plan, period=period, formats=["odt"], by=personas["officer_a"])
    assert Mm(1)  # the unit helper is python-docx's


def test_the_word_file_gives_the_baseline_of_a_growth_target_as_the_pdf_does(tree, plan, period):
    # "tăng ít nhất 20% so với năm 2025": without the 2025 figure an office cannot check the 1.073 reported
    pupils = make_indicator("hs-ngoai-khoa", "Số học sinh tham gia hoạt động ngoại khóa", "count", "sum",
                            unit_label="học sinh")
    make_target(plan, pupils, 3, Decimal(20), category="quality", value_kind="growth", baseline_year=2025,
                baseline_value=Decimal(850), scope_text="học sinh")
    ProgressValue.objects.create(indicator=pupils, unit=tree["A"], period=period, value=Decimal(1073))
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    row = next(row for table in read_docx(write_report_docx(content)).tables for row in table.rows
               if row.cells[1].text.startswith("Số học sinh tham gia hoạt động ngoại khóa"))
    assert row.cells[2].text == "tăng ≥ 20% so với năm 2025 (đến năm 2030)\n(Giá trị nền: 850 học sinh (năm 2025))"
    # written as the results are: a level's baseline is a level, not a bare count
    level = next(row for group in content.groups for row in group.rows if row.kind == "level")
    assert replaced(level, baseline=2.0).baseline_text == "mức 2"


def test_a_growth_target_naming_only_its_baseline_year_prints_that_years_figure(tree, plan, period):
    # "tăng ít nhất 20% … so với năm 2025", no figure stated: judged from the ward's figure at the end of 2025, which
    # the office reading the report must see to check the goal (the Word file and the PDF print the same rows)
    from datetime import date

    from tests.factories import make_period

    pupils = make_indicator("hs-ngoai-khoa", "Số học sinh tham gia hoạt động ngoại khóa", "count", "sum",
                            unit_label="học sinh")
    make_target(plan, pupils, 3, Decimal(20), category="quality", value_kind="growth", baseline_year=2025,
                scope_text="học sinh")
    earlier = make_period(code="2024-2025-hk2", kind="semester_2", school_year="2024-2025", start=date(2025, 1, 16),
                          end=date(2025, 5, 31), deadline=date(2025, 6, 10))
    ProgressValue.objects.create(indicator=pupils, unit=tree["A"], period=earlier, value=Decimal(850))
    ProgressValue.objects.create(indicator=pupils, unit=tree["A"], period=period, value=Decimal(1073))
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    row = next(row for group in content.groups for row in group.rows if row.indicator.startswith("Số học sinh tham"))
    assert row.baseline_text == "850 học sinh (năm 2025)"
    cells = next(r.cells for table in read_docx(write_report_docx(content)).tables for r in table.rows
                 if r.cells[1].text.startswith("Số học sinh tham gia hoạt động ngoại khóa"))
    assert "(Giá trị nền: 850 học sinh (năm 2025))" in cells[2].text


def test_the_word_files_task_table_gives_the_lead_units_names_room_and_stays_with_its_line(tree, plan, period):
    # equal columns wrapped "Phòng Văn hóa - Xã hội phường A" a word to a line in a sixth of the page
    Task.objects.create(document=plan, text="Rà soát đội ngũ giáo viên", lead_unit=tree["A-VHXH"])
    doc = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period)))
    table = next(table for table in doc.tables if table.rows[0].cells[0].text == "Đơn vị chủ trì")
    widths = [round(cell.width.mm) for cell in table.rows[1].cells]
    assert table.rows[1].cells[0].text == "Phòng Văn hóa - Xã hội phường A"
    assert widths == [65, 20, 20, 20, 20, 20] and sum(widths) == 165  # between the portrait page's margins
    line = next(p for p in doc.paragraphs if p.text.startswith("Kế hoạch có 1 nhiệm vụ: "))
    assert line.text.endswith("Theo đơn vị chủ trì:") and line.paragraph_format.keep_with_next


def test_the_signature_stays_on_the_page_of_the_body_s_last_lines(tree, plan, period):
    # a page holding only "Nơi nhận" and the signature signs nothing one can see (the PDF: break-before: avoid)
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plan, period=period)
    doc = read_docx(write_consolidated_docx(contents, cover))
    last_table, closing = doc.tables[-2], doc.tables[-1]
    assert closing.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    assert last_table.rows[0].cells[0].text == "STT" and len(last_table.rows) > 1
    # its last row only: the rest of the table still fills the page before
    assert all(p.paragraph_format.keep_with_next for cell in last_table.rows[-1].cells for p in cell.paragraphs)
    assert not any(p.paragraph_format.keep_with_next for cell in last_table.rows[0].cells for p in cell.paragraphs)
    body = list(doc.element.body)
    between = body[body.index(last_table._tbl) + 1:body.index(closing._tbl)]
    assert between and all(Paragraph(p, doc).paragraph_format.keep_with_next for p in between)

    unit = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period)))
    body = list(unit.element.body)
    before = [Paragraph(p, unit) for p in body[:body.index(unit.tables[-1]._tbl)] if p.tag == qn("w:p")]
    last_text = next(p for p in reversed(before) if p.text.strip())
    assert last_text.text == "Đề nghị bổ sung biên chế giáo viên." and last_text.paragraph_format.keep_with_next


def test_the_consolidated_word_file_names_a_dozen_communes_behind_and_counts_the_others():
    # a province's 170 communes behind on a target filled pages of one table row that may not break; the PDF names 12
    contents = [replaced(content, groups=[ReportGroup("staff", "Đội ngũ", [report_row(1, "Tỷ lệ giáo viên đạt chuẩn",
                                                                                        status="behind")])])
                for content in province(communes=20)]
    doc = read_docx(write_consolidated_docx(contents, "Tổng hợp"))
    line = next(row for table in doc.tables for row in table.rows if row.cells[1].text == "Tỷ lệ giáo viên đạt chuẩn")
    names = ", ".join(f"Xã Số {index}" for index in range(1, 13))
    assert line.cells[-1].text == f"{names} và 8 xã khác"


def test_the_header_tables_properties_are_in_the_order_word_requires(tree, plan, period):
    # CT_TblPr is a sequence: the cell margins written after tblLook make Word report the file as damaged
    order = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
             "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plan, period=period)
    for doc in (read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period))),
                read_docx(write_consolidated_docx(contents, cover))):
        assert "tblCellMar" in doc.tables[0]._tbl.tblPr.xml  # the header's table, its margins taken off
        for table in doc.tables:
            properties = [child.tag.split("}")[1] for child in table._tbl.tblPr]
            assert properties == sorted(properties, key=order.index)


def test_the_notes_under_a_figure_are_in_smaller_italics_as_in_the_pdf(tree, plan, period):
    # at the figure's 11 pt "(từ 1 đơn vị báo cáo)" took many lines of the result's 21 mm column
    doc = read_docx(write_report_docx(build_report_content(unit=tree["A"], document=plan, period=period)))
    rate = next(row for table in doc.tables for row in table.rows if row.cells[1].text == "Tỷ lệ giáo viên đạt chuẩn")
    figure, note = rate.cells[3].paragraphs[0].runs
    assert (figure.text, figure.font.size, figure.italic) == ("75%", Pt(11), None)
    assert (note.text, note.font.size, note.italic) == ("\n(từ 1 đơn vị báo cáo)", Pt(9.5), True)
    assert rate.cells[3].text == "75%\n(từ 1 đơn vị báo cáo)"  # the same words as before, the same line break


def test_texts_stored_with_control_characters_still_give_a_word_file_and_a_pdf(tree, plan, period):
    # rows written before the forms refused control characters, or where no form checks them (the admin, an
    # import): a single U+0001 made python-docx refuse the whole file ("All strings must be XML compatible")
    from reports.pdf import write_report_pdf

    plan.title = "Kế hoạch\x01 của phường A"
    plan.save(update_fields=["title"])
    # (no NUL: PostgreSQL refuses it in a text column, so no row holds one)
    ReportSections.objects.filter(document=plan).update(achievements="Dòng một\x0bdòng hai\x02\x1f.")
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    found = texts(read_docx(write_report_docx(content)))
    assert "Dòng một" in found and "dòng hai." in found  # a Word line break, kept as a line
    assert not any(character in text for text in found for character in "\x01\x02\x0b\x1f")
    assert write_report_pdf(content).startswith(b"%PDF")

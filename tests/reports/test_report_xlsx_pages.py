"""The workbook's text sheet ("Báo cáo") printed as a reader gets it: a heading or a school's name never ends a
page, and "Nơi nhận" with the signature block is never cut across two pages nor left on a page of its own.

Excel has no "keep with next" (Word and the PDF have it), so the writer breaks the sheet's pages itself
(reports.report_xlsx.page_breaks) and gives every row its height. The pages are read back here from the rows'
heights and the sheet's breaks, as a spreadsheet paginates them, for texts of many lengths; and once through
LibreOffice, as an office printing the file would get it."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.content import Narrative
from reports.models import ReportSections
from reports.report_xlsx import LINE_HEIGHT, TEXT_PRINT_SCALE, TEXT_SHEET, page_breaks, write_report_xlsx
from tests.reports.test_report_files import make_content
from tests.reports.test_report_render import pdf_text

# an A4 portrait page between the margins of Nghị định 30/2020, in the sheet's points at its print scale
PAGE_BODY = (297 - 20 - 20) * 72 / 25.4 * 100 / TEXT_PRINT_SCALE
SENTENCE = "Nhà trường tổ chức bồi dưỡng giáo viên, đổi mới phương pháp dạy học và kiểm tra đánh giá học sinh. "
HEADINGS = {"TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "Ý KIẾN CỦA CÁC CƠ SỞ GIÁO DỤC",
            *(label.upper() for _name, label in ReportSections.FIELDS)}


def content_of(schools, sentences):
    """A ward's report whose schools each wrote `sentences` sentences (a few more for every other school)."""
    narratives = [Narrative(f"Trường Tiểu học A{index}", SENTENCE * (sentences + index % 3),
                            SENTENCE * (1 + index % 2), "") for index in range(1, schools + 1)]
    return make_content(narratives=narratives, own_sections={"shortcomings": SENTENCE * sentences,
                                                             "next_steps": SENTENCE * 2})


def printed_pages(sheet):
    """The sheet's rows (their first texts) page by page, as a spreadsheet prints them: a page breaks before a
    row the sheet breaks at, and where the next row no longer fits."""
    breaks = {brk.id for brk in sheet.row_breaks.brk}  # a break's id: the last row (1-based) of its page
    pages, used = [[]], 0.0
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        height = sheet.row_dimensions[number].height or LINE_HEIGHT
        if pages[-1] and (number - 1 in breaks or used + height > PAGE_BODY):
            pages.append([])
            used = 0.0
        used += height
        pages[-1].append(next((str(value) for value in cells if value not in (None, "")), ""))
    return pages


def is_heading(text):
    return text in HEADINGS or text.split(". ", 1)[-1].startswith("Trường Tiểu học A")


def test_page_breaks_move_up_over_the_rows_that_keep_with_the_next():
    # ten rows of 100 pt on pages of 450: four rows a page, breaks before rows 4 and 8
    assert page_breaks([100] * 10, set(), 450) == [4, 8]
    # row 3 (a heading) keeps with row 4: the page breaks before it
    assert page_breaks([100] * 10, {3}, 450) == [3, 7]
    # a closing block of rows 6-9 keeping together goes whole to the next page
    assert page_breaks([100] * 10, {6, 7, 8}, 450) == [4, 6]
    # rows that all keep together and fill more than a page break where they must
    assert page_breaks([100] * 10, set(range(9)), 450) == [4, 8]


@pytest.mark.parametrize("schools", [2, 5, 9, 14])
def test_no_heading_ends_a_page_and_the_signature_is_whole_with_the_text_before_it(schools):
    split = []
    for sentences in range(1, 13):
        sheet = load_workbook(io.BytesIO(write_report_xlsx(content_of(schools, sentences))))[TEXT_SHEET]
        # printed at a fixed scale, not fitted to pages: Excel ignores the breaks of a sheet fitted to pages
        assert int(sheet.page_setup.scale) == TEXT_PRINT_SCALE
        assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
        pages = printed_pages(sheet)
        for page in pages[:-1]:
            assert not is_heading(page[-1]), (sentences, page[-1])
        closing = next(index for index, page in enumerate(pages) if "Nơi nhận:" in page)
        last = pages[closing]
        assert last[-1] == "Nguyễn Văn An" and closing == len(pages) - 1, (sentences, last)
        assert last[0] != "Nơi nhận:", sentences  # the closing is not alone on its page
        split.append(len(pages))
    assert max(split) >= 2  # the texts were long enough to go over pages


def test_libreoffice_prints_the_signature_on_the_page_of_the_text_it_closes(tmp_path):
    """Through LibreOffice (one run for all the files), for texts of twelve lengths: "Nơi nhận" and the signer's
    name are printed on one page, under some of the report's text."""
    folder = Path(os.environ["REPORT_RENDER_DIR"]) if os.environ.get("REPORT_RENDER_DIR") else tmp_path
    paths = []
    for sentences in range(1, 13):
        path = folder / f"trang-bao-cao-{sentences:02}.xlsx"
        path.write_bytes(write_report_xlsx(content_of(5, sentences)))
        paths.append(path)
    profile = folder / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, paths)], check=True, capture_output=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    for path in paths:
        pdf = path.with_suffix(".pdf")
        pages = int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")))
        signed = [text for text in (pdf_text(pdf, first=number, last=number) for number in range(1, pages + 1))
                  if "Nguyễn Văn An" in text]
        assert len(signed) == 1 and "Nơi nhận:" in signed[0], (path.name, signed)
        # the page holds some of the report's text above the closing (pdftotext -raw reads across the columns)
        assert "Nhà trường tổ chức" in signed[0] or "NHIỆM VỤ KỲ TỚI" in signed[0], (path.name, signed)

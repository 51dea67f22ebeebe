"""The workbooks XlsxWriter writes are those openpyxl wrote: the same sheets, cells, values, styles and page
setup, compared cell by cell against a frozen copy of the openpyxl writer (tests/reports/openpyxl_reference_writer.py)
for a varied set of reports, read back with openpyxl as a user's spreadsheet would read them."""

import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from reports.content import Narrative
from reports.report_xlsx import write_consolidated_xlsx, write_report_xlsx
from tests.reports import openpyxl_reference_writer as reference
from tests.reports.test_report_document_audit import cover_of
from tests.reports.test_report_files import FORMULAS, make_content, province, row
from tests.reports.test_report_xlsx_layout import LONG

PROJECTIONS = {
    "years": ["2025-2026", "2026-2027", "2027-2028"],
    "rows": [{"indicator": "Số lớp mầm non", "unit_label": "lớp", "values": [45.0, 47.0, None]},
             {"indicator": LONG, "unit_label": "học sinh", "values": [1318.0, 1290.5, 1300.0]}],
    "scale": [{"indicator": "Số trường công lập", "unit_label": "trường", "value": 8.0, "label": "đến năm 2030"},
              {"indicator": "Số điểm trường", "unit_label": "", "value": 2.5, "label": "đến năm 2030"}],
}


def full_content():
    """A commune report touching every branch of the writer: projections, long wrapped text, sections,
    a level, a baseline, missing figures, text that looks like a formula, three issuer lines; where targets should
    be by now (a level between two levels); the unit's own sections, one longer than a row holds, and schools'
    texts typed as formulas."""
    base = make_content()
    base.groups[0].rows[0].expected, base.groups[0].rows[1].expected = 50.4, 1250.5
    extra = [replace(row(5, LONG, kind="level", result=2.0, unit_label="mức", completion=None, baseline=1.0),
                     expected=1.5),
             row(6, "=SUM(A1:A9)", kind="count", result=None, completion=None, status="no_data",
                 label="Chưa có số liệu", goal="+84 912", lead="@Phòng"),
             replace(row(7, "Tỷ lệ trường đạt chuẩn quốc gia", baseline=40.0, result=62.25),
                     sections=["2.1", "3.4"])]
    groups = [replace(base.groups[0], rows=[*base.groups[0].rows, *extra]), *base.groups[1:],
              *[replace(base.groups[1], key=f"g{n}", label=f"Nhóm {n}") for n in range(10)]]  # past X: "13"
    tasks = [*base.tasks, {"group": "3", "text": LONG * 2, "lead": "Phòng Văn hóa - Xã hội", "status": "Đang thực hiện"},
             {"group": "=1", "text": "Dòng một\nDòng hai\nDòng ba", "lead": "-5", "status": "@x"}]
    raw = [*base.raw_values,
           {"unit": "=1+1", "unit_code": "A-TH2", "indicator": "Số giáo viên được bồi dưỡng năng lực số",
            "period": "Học kỳ I năm học 2025-2026", "numerator": None, "denominator": None, "value": 1318.0},
           {"unit": "Trường Tiểu học A2", "unit_code": "A-TH2", "indicator": "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo",
            "period": "Học kỳ I năm học 2025-2026", "numerator": 7.5, "denominator": 0.0, "value": None}]
    own = {"achievements": f"{LONG}\n- {LONG}\n\n=SUM(A1)", "shortcomings": " ".join([LONG] * 40),
           "proposals": "Đề nghị bổ sung biên chế."}
    narratives = [*base.narratives, Narrative("Trường Mầm non A3", "", "-5 phòng học\nthiếu", "")]
    return replace(base, groups=groups, tasks=tasks, raw_values=raw, projections=PROJECTIONS,
                   issuer_lines=["UBND THÀNH PHỐ HẢI PHÒNG", "ỦY BAN NHÂN DÂN", "PHƯỜNG A\x0b"], issuer_bold=2,
                   own_sections=own, narratives=narratives, signer_name="")


COMMUNE_REPORTS = {
    "plain": make_content,
    "party": lambda: make_content(is_party=True, issuer_lines=["ĐẢNG ỦY PHƯỜNG A"], schools=0),
    "full": full_content,
    "empty": lambda: make_content(groups=[], tasks=[], raw_values=[], summary={}),
}
CONSOLIDATIONS = {
    "three communes": lambda: province(),
    "five communes of eight targets": lambda: province(communes=5, targets=8),
    "formula names": lambda: [replace(content, unit_name=typed, unit_code=typed)
                              for content, typed in zip(province(communes=4), FORMULAS, strict=True)],
    "a full commune": lambda: [full_content(), *province(communes=2)],
    "no communes": lambda: [],
}


def _rgb(color):
    """A colour as its six hex digits (openpyxl writes "00DDE7F3", XlsxWriter "FFDDE7F3": Excel ignores the
    alpha); theme and indexed colours (the automatic black of a font) as None."""
    return color.rgb[-6:].upper() if color is not None and color.type == "rgb" else None


def _style(cell):
    font, fill, alignment, border = cell.font, cell.fill, cell.alignment, cell.border
    return {
        "number_format": cell.number_format,
        "quote_prefix": bool(cell.quotePrefix),
        "font": (font.name, bool(font.b), bool(font.i), float(font.sz or 0), font.u, _rgb(font.color), font.scheme,
                 font.family),
        "fill": (fill.fill_type, _rgb(fill.fgColor) if fill.fill_type else None),
        "alignment": (alignment.horizontal, alignment.vertical, bool(alignment.wrap_text)),
        "border": tuple((side.style, _rgb(side.color) if side.style else None)
                        for side in (border.left, border.right, border.top, border.bottom)),
    }


def _page(sheet):
    setup, margins, header = sheet.page_setup, sheet.page_margins, sheet.HeaderFooter
    return {
        "freeze_panes": sheet.freeze_panes,
        "print_title_rows": sheet.print_title_rows,
        "print_title_cols": sheet.print_title_cols,
        "print_area": sheet.print_area,
        "auto_filter": sheet.auto_filter.ref,
        "orientation": setup.orientation,
        "paper": int(setup.paperSize or 0),
        "scale": setup.scale,
        "fit": (setup.fitToWidth, setup.fitToHeight,
                bool(sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)),
        "margins": tuple(round(getattr(margins, side), 4)
                         for side in ("left", "right", "top", "bottom", "header", "footer")),
        "centred": (bool(sheet.print_options.horizontalCentered), bool(sheet.print_options.verticalCentered)),
        "header": (bool(header.differentFirst), bool(header.differentOddEven),
                   *[(part.text, part.font, part.size) for hf in (header.oddHeader, header.oddFooter,
                                                                  header.firstHeader, header.firstFooter)
                     for part in (hf.left, hf.center, hf.right)]),
    }


def _widths(sheet):
    """{column number: width} of the columns given one (XlsxWriter writes equal neighbours as one range)."""
    return {index: dimension.width for dimension in sheet.column_dimensions.values() if dimension.customWidth
            for index in range(dimension.min, dimension.max + 1)}


def differences(expected_bytes, actual_bytes):
    """What differs between two workbooks, read back with openpyxl: [] when they are equivalent."""
    expected, actual = (load_workbook(io.BytesIO(data)) for data in (expected_bytes, actual_bytes))
    found = []
    if expected.sheetnames != actual.sheetnames:
        return [f"sheets {expected.sheetnames} != {actual.sheetnames}"]
    if expected.properties.title != actual.properties.title:
        found.append(f"title {expected.properties.title!r} != {actual.properties.title!r}")
    for old, new in zip(expected.worksheets, actual.worksheets, strict=True):
        where = old.title
        if (old.max_row, old.max_column) != (new.max_row, new.max_column):
            found.append(f"{where}: dimensions {old.dimensions} != {new.dimensions}")
            continue
        if {str(r) for r in old.merged_cells.ranges} != {str(r) for r in new.merged_cells.ranges}:
            found.append(f"{where}: merged {old.merged_cells.ranges} != {new.merged_cells.ranges}")
        if _page(old) != _page(new):
            found.append(f"{where}: page {_page(old)} != {_page(new)}")
        old_widths, new_widths = _widths(old), _widths(new)
        for index in sorted({*old_widths, *new_widths}):
            widths = old_widths.get(index), new_widths.get(index)
            if None in widths or abs(widths[0] - widths[1]) > 0.5:
                found.append(f"{where}: width of column {index} {widths[0]} != {widths[1]}")
        for number in range(1, old.max_row + 1):
            heights = old.row_dimensions[number].height, new.row_dimensions[number].height
            if heights[0] != heights[1]:
                found.append(f"{where}: height of row {number} {heights[0]} != {heights[1]}")
        for old_row, new_row in zip(old.iter_rows(), new.iter_rows(), strict=True):
            for a, b in zip(old_row, new_row, strict=True):
                # openpyxl wrote an empty text as an empty inline string, read back as None of type "inlineStr"
                if (a.value, a.value is not None and a.data_type) != (b.value, b.value is not None and b.data_type):
                    found.append(f"{where}!{a.coordinate}: {a.value!r} ({a.data_type}) != {b.value!r} ({b.data_type})")
                elif _style(a) != _style(b):
                    found.append(f"{where}!{a.coordinate}: {_style(a)} != {_style(b)}")
    return found


@pytest.mark.parametrize("name", COMMUNE_REPORTS)
def test_a_commune_workbook_is_the_one_openpyxl_wrote(name):
    content = COMMUNE_REPORTS[name]
    assert differences(reference.write_report_xlsx(content()), write_report_xlsx(content())) == []


@pytest.mark.parametrize("name", CONSOLIDATIONS)
def test_a_consolidated_workbook_is_the_one_openpyxl_wrote(name):
    contents = CONSOLIDATIONS[name]
    title = "Tổng hợp các xã thuộc thành phố Hải Phòng"
    assert differences(reference.write_consolidated_xlsx(contents(), title),
                       write_consolidated_xlsx(contents(), title)) == []


COVERS = {
    "a city": lambda contents: cover_of(contents),
    "the country, one issuer line": lambda contents: cover_of(contents, issuer_lines=["BỘ GIÁO DỤC VÀ ĐÀO TẠO"],
                                                               issuer_bold=1, below_header="Tỉnh, thành phố"),
    "a Party body, a subject of two lines": lambda contents: cover_of(
        contents, is_party=True, issuer_lines=["ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "THÀNH ỦY"], issuer_bold=1,
        subject=f"Tổng hợp kết quả thực hiện {LONG} {LONG}"),
}


@pytest.mark.parametrize("cover", COVERS)
@pytest.mark.parametrize("name", ["three communes", "formula names", "no communes"])
def test_a_consolidated_workbook_under_its_cover_is_the_one_openpyxl_wrote(name, cover):
    contents = CONSOLIDATIONS[name]
    assert differences(reference.write_consolidated_xlsx(contents(), COVERS[cover](contents())),
                       write_consolidated_xlsx(contents(), COVERS[cover](contents()))) == []


def test_the_comparison_sees_a_changed_cell_a_style_and_the_page_setup():
    content = make_content()
    base = reference.write_report_xlsx(content)
    assert differences(base, base) == []
    changed = replace(content, groups=[replace(content.groups[0], rows=[
        replace(content.groups[0].rows[0], result=58.0), *content.groups[0].rows[1:]]), *content.groups[1:]])
    assert any("0.58" in line for line in differences(base, reference.write_report_xlsx(changed)))
    book = load_workbook(io.BytesIO(base))
    book["Tổng hợp"]["A10"].font = reference.ITALIC
    book["Nhiệm vụ"].freeze_panes = "A3"
    book["Số liệu gốc"].column_dimensions["C"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    found = differences(base, buffer.getvalue())
    assert any(line.startswith("Tổng hợp!A10") for line in found)
    assert any(line.startswith("Nhiệm vụ: page") for line in found)
    assert any(line.startswith("Số liệu gốc: width of column 3") for line in found)

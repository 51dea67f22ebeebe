"""Malformed school reports, sent by the principal of Tiểu học A1: through the web form
(school_report_detail) and as the offline Excel form (school_report_upload) damaged every way a file can
be. Each is refused with a Vietnamese message, without a server error, and the draft already saved (its
figures, its version, its history) is left exactly as it was."""

import io
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from reports import actions, school_form_xlsx
from reports.catalogue import ensure_report_items
from reports.models import ReportEvent, SchoolReport, SchoolReportEntry
from targets.models import ProgressValue
from tests.factories import make_period
from tests.malformed import (
    Case,
    bomb,
    check_refused,
    flipped,
    lying_sizes,
    number_cases,
    rewrite_zip,
    truncated,
)

TOO_LARGE = "Số quá lớn: chỉ nhập được số nhỏ hơn 1.000.000.000.000."
WHOLE = "Phải là số nguyên, không có phần thập phân."
PERCENT_SIGN = "Số liệu này không phải là tỷ lệ phần trăm: hãy nhập số, không kèm dấu %."
CHOICE = "Hãy chọn một lựa chọn hợp lệ."
NOT_SAVED = "Tệp Excel chưa được nhập, không có số liệu nào được lưu."
UNREADABLE = "Không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx."
NOT_XLSX = "Tệp không phải là tệp Excel .xlsx"
UNZIPPED = "Tệp Excel quá lớn khi giải nén"
MACROS = "Tệp có chứa macro"
NOT_OURS = "Tệp không phải là mẫu báo cáo tải từ Cổng"
MODELS = [SchoolReport, SchoolReportEntry, ReportEvent, ProgressValue]

# the figures of the draft already saved: every part at most its whole
FIGURES = {"so-cbgvnv": 50, "so-cbql-gv": 40, "so-gv": 36, "so-gv-dat-chuan": 35, "so-hs": 1318, "so-lop": 36,
           "ket-noi-internet": 1, "muc-chuan-quoc-gia": 1}


@pytest.fixture
def period(db):
    ensure_report_items()
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def report(tree, personas, period):
    """Tiểu học A1's draft, with figures and a narrative saved on the web."""
    report = actions.get_or_start_report(school=tree["A-TH1"], period=period)
    return actions.save_school_report(report=report, by=personas["principal_a"], expected_version=report.version,
                                      entries={code: Decimal(v) for code, v in FIGURES.items()},
                                      narrative={"highlights": "Hoàn thành bồi dưỡng chuyển đổi số."})


# --- the web form ----------------------------------------------------------------------------------


def field(code):
    return "item_" + code.replace("-", "_")


def form_data(report, **changes):
    """What the report page posts: the saved figures, one or more of them (or the version) changed."""
    data = {"version": report.version, "save": "", "highlights": "Hoàn thành.", "difficulties": "", "proposals": ""}
    data.update({field(code): str(value) for code, value in FIGURES.items()})
    data.update(changes)
    return data


def web_cases(report):
    def figure(code):
        return lambda text: form_data(report, **{field(code): text})

    found = number_cases("so-gv", figure("so-gv"), {
        "too_large": TOO_LARGE, "not_a_number": "không phải là một số", "negative": "Giá trị không được âm.",
        "fraction": WHOLE, "percent": PERCENT_SIGN})
    found += [Case(f"level {text!r}", figure("muc-chuan-quoc-gia")(text), message) for text, message in [
        ("99", "Giá trị không được vượt quá 2."), ("3", "Giá trị không được vượt quá 2."), ("1,5", WHOLE),
        ("-1", "Giá trị không được âm."), ("2%", PERCENT_SIGN), ("1000000000000", TOO_LARGE)]]
    found += [Case(f"yes/no {text!r}", figure("ket-noi-internet")(text), CHOICE)
              for text in ["2", "Có", "yes", "-1", "1.0", "1\x00"]]
    found += [Case(name, data, message) for name, data, message in [
        ("narrative of 5001 characters", form_data(report, highlights="x" * 5001), "tối đa 5000 kí tự"),
        ("narrative with NUL", form_data(report, difficulties="Thiếu\x00máy"),
         "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."),
        ("part above its whole", figure("so-gv-dat-chuan")("37"), "Không được lớn hơn “Tổng số giáo viên” (36)."),
        *[(f"version {v!r}", form_data(report, version=v),
           "Biểu mẫu không còn hợp lệ (thiếu phiên bản báo cáo): hãy tải lại trang rồi nhập lại.")
          for v in ["abc", "-1", "", "1e3", "1.5"]],
    ]]
    return found


def test_every_malformed_figure_of_the_web_form_is_refused_in_vietnamese_and_nothing_is_saved(
        client, subtests, tree, personas, report):
    client.force_login(personas["principal_a"])
    url = reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, report.period_id])
    cases = web_cases(report)
    assert len(cases) >= 70
    check_refused(subtests, cases, lambda case: client.post(url, case.data), MODELS)


# --- the Excel form --------------------------------------------------------------------------------


def with_cells(content, values=None, change=None):
    """The workbook with cells of column D set by item code (or anything changed by `change`), as in Excel."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[school_form_xlsx.SHEET]
    rows = {sheet.cell(r, 2).value: r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value}
    for code, value in (values or {}).items():
        sheet.cell(rows[code], 4).value = value
    if change:
        change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(content, code, value_xml):
    """The workbook with the value cell of an item written as raw XML (what openpyxl would never write)."""
    row = next(r for r in load_workbook(io.BytesIO(content))[school_form_xlsx.SHEET].iter_rows(min_col=2, max_col=2)
               if r[0].value == code)[0].row

    def patch(xml):
        return re.sub(rf'<c r="D{row}"[^>]*?(/>|>.*?</c>)'.encode(), f'<c r="D{row}"{value_xml}</c>'.encode(), xml,
                      flags=re.S)
    return rewrite_zip(content, replace={"xl/worksheets/sheet1.xml": patch})


def set_meta(key, value):
    def change(workbook):
        meta = workbook[school_form_xlsx.META_SHEET]
        for row in meta.iter_rows():
            if row[0].value == key:
                row[1].value = value
    return change


def rename_sheet(workbook):
    workbook[school_form_xlsx.SHEET].title = "Sheet1"


def drop_meta(workbook):
    del workbook[school_form_xlsx.META_SHEET]


def empty_report_sheet(workbook):
    """No item code left in column B (the rows' figures stay)."""
    sheet = workbook[school_form_xlsx.SHEET]
    for (cell,) in sheet.iter_rows(min_row=school_form_xlsx.HEADER_ROW + 1, min_col=2, max_col=2):
        if not isinstance(cell, MergedCell):
            cell.value = None


def workbook_cases(template):
    def cell(code, value):
        return with_cells(template, {code: value})

    found = [Case(f"byte {position} changed", content, UNREADABLE) for position, content in flipped(template, 40, 71)]
    found += [Case(f"cut at {length} bytes", content, UNREADABLE if length >= 4 else NOT_XLSX)
              for length, content in truncated(template, 12, 71)]
    found += [Case(name, content, message) for name, content, message in [
        ("a 31 MB member of zeros", bomb(template, "xl/media/zeros.bin", 31 * 1024 * 1024), UNZIPPED),
        ("600 members", rewrite_zip(template, add={f"xl/m{i}.xml": b"" for i in range(600)}), UNZIPPED),
        ("a sheet that unzips to more than it says", lying_sizes(template, "xl/worksheets/sheet1.xml"), UNREADABLE),
        ("styles that unzip to more than they say", lying_sizes(template, "xl/styles.xml"), UNREADABLE),
        ("the report sheet renamed", with_cells(template, change=rename_sheet), "Tệp không có trang tính “Báo cáo”"),
        ("no identifying sheet", with_cells(template, change=drop_meta), NOT_OURS),
        ("another format", with_cells(template, change=set_meta("format", "khac/2")), NOT_OURS),
        ("another school", with_cells(template, change=set_meta("school", "B-MN")), "Hãy tải mẫu Excel của trường mình."),
        ("another period", with_cells(template, change=set_meta("period", "2019-2020-hk1")), "Hãy tải mẫu của"),
        ("a report sheet emptied", with_cells(template, change=empty_report_sheet),
         "Không tìm thấy mục báo cáo nào trong trang tính “Báo cáo”"),
        ("a sum", cell("so-gv", "=10+20"), "có công thức, hãy nhập số"),
        ("a range sum", cell("so-gv", "=SUM(D5:D9)"), "có công thức, hãy nhập số"),
        ("a DDE command", cell("so-gv", "=cmd|' /C calc'!A0"), "có công thức, hãy nhập số"),
        ("a hyperlink", cell("so-hs", '=HYPERLINK("http://x.example","1")'), "có công thức, hãy nhập số"),
        ("a yes/no formula", cell("ket-noi-internet", '=IF(1,"Có","Không")'), "có công thức, hãy chọn “Có” hoặc “Không”"),
        ("a narrative formula", cell("ket-qua-noi-bat", "=A1"), "có công thức, hãy nhập nội dung bằng chữ"),
        ("a cached formula", with_sheet_xml(template, "so-gv", "><f>1+1</f><v>2</v>"), "có công thức, hãy nhập số"),
        ("13 digits", cell("so-gv", 10 ** 12), "số quá lớn"),
        ("a float of 300 digits", cell("so-gv", 1e300), "số quá lớn"),
        ("13 digits as text", cell("so-gv", "1000000000000"), "số quá lớn"),
        ("13 digits with dots", cell("so-gv", "1.000.000.000.000"), "số quá lớn"),
        ("10,000 nines as text", cell("so-gv", "9" * 10_000), "số quá lớn"),
        ("5,000 digits in the cell", with_sheet_xml(template, "so-gv", "><v>" + "9" * 5000 + "</v>"), UNREADABLE),
        ("a number of 400 digits", with_sheet_xml(template, "so-gv", "><v>1" + "0" * 400 + "</v>"), "số quá lớn"),
        ("1e400 in the cell", with_sheet_xml(template, "so-gv", "><v>1e400</v>"), "không phải là số"),
        ("NaN in the cell", with_sheet_xml(template, "so-gv", "><v>NaN</v>"), UNREADABLE),
        ("an exponent as text", cell("so-gv", "1e3"), "không phải là số"),
        ("a negative count", cell("so-gv", -5), "số liệu không được âm"),
        ("a fraction of a teacher", cell("so-gv", 2.5), "phải là số nguyên"),
        ("a percent for a count", cell("so-gv", "50%"), "nhập số, không kèm dấu %"),
        ("a level above the scale", cell("muc-chuan-quoc-gia", 99), "mức cao nhất là 2, không được nhập 99"),
        ("a macro project", rewrite_zip(template, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), MACROS),
        ("a macro-enabled type", rewrite_zip(template, replace={"[Content_Types].xml": lambda body: body.replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")}), MACROS),
        ("a CSV", "STT;Mã mục;Giá trị\n1;so-gv;30\n".encode(), NOT_XLSX),
        ("a web page", b"<html><body><table><tr><td>so-gv</td><td>30</td></tr></table></body></html>", NOT_XLSX),
        ("an Excel 97-2003 file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 (.xls)"),
        ("a zip header and nothing else", b"PK\x03\x04" + bytes(26), UNREADABLE),
    ]]
    return found


def test_every_malformed_workbook_is_refused_in_vietnamese_and_nothing_is_saved(
        client, subtests, tree, personas, period, report):
    client.force_login(personas["principal_a"])
    url = reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk])
    cases = workbook_cases(school_form_xlsx.build_report_template(tree["A-TH1"], period, report))
    assert len(cases) >= 85

    def send(case):
        response = client.post(url, {"file": SimpleUploadedFile("bao-cao.xlsx", case.data)})
        assert NOT_SAVED in response.content.decode()
        return response

    check_refused(subtests, cases, send, MODELS)


def test_any_byte_of_the_form_changed_never_raises_nor_changes_a_figure(tree, period, report):
    """The issue's probe: 120 copies with one to eight bytes changed anywhere (headers too), read directly.
    Each is refused in Vietnamese, or, where the change fell on bytes that carry nothing (a date in a zip
    header), read with exactly the figures of the file as it was."""
    template = school_form_xlsx.build_report_template(tree["A-TH1"], period, report)
    expected = school_form_xlsx.parse_report_upload(SimpleUploadedFile("f.xlsx", template), tree["A-TH1"], period)
    rng = random.Random(120)
    refused = 0
    for _ in range(120):
        copy = bytearray(template)
        for _ in range(rng.choice([1, 2, 4, 8])):
            copy[rng.randrange(len(copy))] = rng.randrange(256)
        entries, narrative, errors = school_form_xlsx.parse_report_upload(
            SimpleUploadedFile("f.xlsx", bytes(copy)), tree["A-TH1"], period)
        if errors:
            refused += 1
            assert all(str(error) for error in errors)
        else:
            assert (entries, narrative, errors) == expected
    assert refused >= 110


def test_the_untouched_template_is_still_taken(client, tree, personas, period, report):
    # the corpus's control: the same file, undamaged, is read and saved
    client.force_login(personas["principal_a"])
    content = with_cells(school_form_xlsx.build_report_template(tree["A-TH1"], period, report), {"so-hs": 1300})
    client.post(reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk]),
                {"file": SimpleUploadedFile("bao-cao.xlsx", content)})
    assert report.entries_by_code()["so-hs"] == 1300

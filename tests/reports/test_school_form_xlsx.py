"""The offline Excel form of a school report: the template, reading it back, and the two views."""

import io
import random
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from periods.models import Period, PeriodKind
from reports import actions, school_form_xlsx
from reports.catalogue import ensure_report_items
from reports.models import ReportEvent, SchoolReport, SchoolReportEntry
from tests.factories import make_period


@pytest.fixture
def period(db):
    ensure_report_items()
    today = timezone.localdate()
    return make_period(kind=PeriodKind.SEMESTER_1, start=today - timedelta(days=100), end=today + timedelta(days=5),
                       deadline=today + timedelta(days=10))


@pytest.fixture
def other_period(db):
    return make_period(code="2025-2026-hk2", kind=PeriodKind.SEMESTER_2, start=date(2026, 1, 15),
                       end=date(2026, 5, 31), deadline=date(2026, 6, 5))


@pytest.fixture
def report(tree, personas, period):
    """A draft of Tiểu học A1 with a few figures already saved on the web (version 2)."""
    report = actions.get_or_start_report(school=tree["A-TH1"], period=period)
    return actions.save_school_report(
        report=report, by=personas["principal_a"], expected_version=report.version,
        entries={"so-cbql-gv": Decimal(35), "so-gv": Decimal(30), "ket-noi-internet": Decimal(1),
                 "muc-chuan-quoc-gia": Decimal(2)},
        narrative={"highlights": "Hoàn thành 100% kế hoạch bồi dưỡng."})


def workbook_of(content):
    return load_workbook(io.BytesIO(content))


def rows_by_code(sheet):
    return {sheet.cell(row, 2).value: row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 2).value}


def fill(content, values=None, change=None):
    """The template with the given cells of column D (by item code) set, as a user would in Excel."""
    workbook = workbook_of(content)
    sheet = workbook[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)
    for code, value in (values or {}).items():
        sheet.cell(rows[code], 4).value = value
    if change:
        change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_for(school, period, report=None):
    return school_form_xlsx.build_report_template(school, period, report)


def complete_values():
    """Plausible figures for every item of a primary school."""
    return {
        "so-cbgvnv": 40, "so-cbgvnv-quan-triet": 40, "so-cbql-gv": 35, "so-gv": 30, "so-gv-dat-chuan": 28,
        "so-gv-tren-chuan": 10, "so-cbql-gv-boi-duong-cds": 20, "so-gv-tap-huan-ai": "12",
        "so-cbql-gv-ung-dung-ai": 8, "so-gv-boi-duong-nang-luc-so": 15, "so-hs": "1.318", "so-hs-bo-hoc": 0,
        "so-hs-2-buoi": 1200.0, "so-hs-ngoai-khoa": 900, "so-hs-hoan-thanh-th": 1300, "so-hs-lop5": 250,
        "so-hs-lop5-vao-lop6": 248, "so-lop": 36, "so-lop-2-buoi": 30, "so-phong-hoc-thong-minh": 2,
        "ket-noi-internet": "Có", "thiet-bi-day-hoc-so": "không", "ung-dung-ai": "Có", "phan-mem-quan-tri": "Có",
        "muc-chuan-quoc-gia": 1, "cap-do-kiem-dinh": 2, "so-vu-bao-luc": 0,
        "ket-qua-noi-bat": "Tổ chức tốt chuyên đề chuyển đổi số.", "kho-khan-vuong-mac": "Thiếu máy chiếu.",
        "de-xuat-kien-nghi": None,
    }


def upload(client, user, school, period, content, name="bao-cao.xlsx"):
    client.force_login(user)
    url = reverse("reports:school_report_upload", args=[school.pk, period.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def saved_state(report):
    report.refresh_from_db()
    return SchoolReportEntry.objects.count(), report.version, ReportEvent.objects.count(), report.highlights


# --- the template ----------------------------------------------------------------------------------


def test_the_template_has_a_title_with_school_period_and_deadline(tree, period):
    sheet = workbook_of(template_for(tree["A-TH1"], period))[school_form_xlsx.SHEET]
    assert sheet["A1"].value == "BÁO CÁO HỌC KỲ I NĂM HỌC 2025-2026"
    assert "Trường Tiểu học A1 (mã A-TH1)" in sheet["A2"].value
    assert f"Hạn nộp: {period.deadline:%d/%m/%Y}" in sheet["A2"].value
    assert [cell.value for cell in sheet[4]] == ["STT", "Mã mục", "Nội dung", "Giá trị", "Ghi chú"]


def test_the_template_lists_the_items_of_a_primary_school_by_section(tree, period):
    sheet = workbook_of(template_for(tree["A-TH1"], period))[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)
    assert {"so-gv", "so-hs-lop5", "so-hs-bo-hoc", "ket-noi-internet", "cap-do-kiem-dinh"} <= set(rows)
    assert "so-hs-lop9" not in rows  # lower secondary only
    assert "so-tre-suy-dinh-duong" not in rows  # preschool only
    assert sheet["A5"].value == "I. Đội ngũ"
    assert sheet.cell(rows["so-gv"], 3).value == "Tổng số giáo viên"
    assert sheet.cell(rows["so-cbgvnv"], 1).value == 1


def test_a_th_thcs_school_gets_the_items_of_both_levels(tree, period):
    rows = rows_by_code(workbook_of(template_for(tree["A-THCS"], period))[school_form_xlsx.SHEET])
    assert {"so-hs-lop5", "so-hs-lop5-vao-lop6", "so-hs-lop9", "so-hs-lop9-hoan-thanh"} <= set(rows)


def test_a_preschool_does_not_get_primary_only_items(tree, period):
    rows = rows_by_code(workbook_of(template_for(tree["B-MN"], period))[school_form_xlsx.SHEET])
    assert "so-tre-suy-dinh-duong" in rows
    assert not {"so-hs-lop5", "so-hs-hoan-thanh-th", "so-hs-bo-hoc", "so-hs-lop9"} & set(rows)


def test_the_template_ends_with_the_three_narrative_parts(tree, period):
    sheet = workbook_of(template_for(tree["A-TH1"], period))[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)
    labels = [sheet.cell(rows[key], 3).value for key in ("ket-qua-noi-bat", "kho-khan-vuong-mac", "de-xuat-kien-nghi")]
    assert labels == ["Kết quả nổi bật", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"]
    assert rows["ket-qua-noi-bat"] > rows["so-vu-bao-luc"]
    assert f"D{rows['ket-qua-noi-bat']}:E{rows['ket-qua-noi-bat']}" in sheet.merged_cells


def test_the_meta_sheet_is_hidden_and_names_the_school_period_and_version(tree, period, report):
    workbook = workbook_of(template_for(tree["A-TH1"], period, report))
    meta = workbook[school_form_xlsx.META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert values["school"] == "A-TH1"
    assert values["period"] == "2025-2026-hk1"
    assert values["version"] == report.version == 2
    assert workbook.sheetnames[0] == school_form_xlsx.SHEET


def test_only_the_value_and_narrative_cells_are_open_and_there_is_no_password(tree, period):
    workbook = workbook_of(template_for(tree["A-TH1"], period))
    sheet = workbook[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)
    assert sheet.protection.sheet is True
    assert not sheet.protection.password
    assert workbook.security.lockStructure and not workbook.security.workbookPassword
    assert sheet.cell(rows["so-gv"], 4).protection.locked is False
    assert sheet.cell(rows["ket-qua-noi-bat"], 4).protection.locked is False
    for column in (1, 2, 3, 5):
        assert sheet.cell(rows["so-gv"], column).protection.locked is True
    assert sheet["A1"].protection.locked is True


def test_the_template_is_prefilled_with_the_report_figures(tree, period, report):
    sheet = workbook_of(template_for(tree["A-TH1"], period, report))[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)
    assert sheet.cell(rows["so-gv"], 4).value == 30
    assert sheet.cell(rows["ket-noi-internet"], 4).value == "Có"
    assert sheet.cell(rows["muc-chuan-quoc-gia"], 4).value == 2
    assert sheet.cell(rows["so-hs"], 4).value is None
    assert sheet.cell(rows["ket-qua-noi-bat"], 4).value == "Hoàn thành 100% kế hoạch bồi dưỡng."


def test_yes_no_items_are_a_list_counts_whole_numbers_and_levels_bounded(tree, period):
    sheet = workbook_of(template_for(tree["A-TH1"], period))[school_form_xlsx.SHEET]
    rows = rows_by_code(sheet)

    def validation_of(code):
        cell = f"D{rows[code]}"
        return next(v for v in sheet.data_validations.dataValidation if cell in v.sqref)

    assert all(v.showErrorMessage and v.errorStyle == "stop" for v in sheet.data_validations.dataValidation)
    assert validation_of("ket-noi-internet").type == "list"
    assert validation_of("ket-noi-internet").formula1 == '"Có,Không"'
    count = validation_of("so-gv")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    level = validation_of("muc-chuan-quoc-gia")
    assert (level.type, level.formula1, level.formula2) == ("whole", "0", "2")
    assert sheet.cell(rows["so-gv-dat-chuan"], 5).value == "Số nguyên ≥ 0; không vượt quá: Tổng số giáo viên"
    assert sheet.cell(rows["ket-noi-internet"], 5).value == "Chọn “Có” hoặc “Không”"
    assert sheet.cell(rows["cap-do-kiem-dinh"], 5).value == "Số nguyên từ 0 đến 4"


def test_the_template_prints_on_a4_with_a_frozen_header(tree, period):
    sheet = workbook_of(template_for(tree["A-TH1"], period))[school_form_xlsx.SHEET]
    assert sheet.freeze_panes == "A5"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


# --- reading a file directly --------------------------------------------------------------------------


def test_a_filled_template_reads_back_as_decimals_and_text(tree, period):
    content = fill(template_for(tree["A-TH1"], period), complete_values())
    entries, narrative, errors = school_form_xlsx.parse_report_upload(io.BytesIO(content), tree["A-TH1"], period)
    assert errors == []
    assert entries["so-hs"] == Decimal(1318)
    assert entries["so-gv-tap-huan-ai"] == Decimal(12)
    assert entries["so-hs-2-buoi"] == Decimal(1200)
    assert entries["ket-noi-internet"] == Decimal(1)
    assert entries["thiet-bi-day-hoc-so"] == Decimal(0)
    assert narrative == {"highlights": "Tổ chức tốt chuyên đề chuyển đổi số.", "difficulties": "Thiếu máy chiếu.",
                         "proposals": ""}


def test_every_wrong_cell_is_reported_with_its_sheet_and_cell(tree, period):
    content = template_for(tree["A-TH1"], period)
    rows = rows_by_code(workbook_of(content)[school_form_xlsx.SHEET])
    content = fill(content, {"so-gv": "=10+20", "so-hs": "nhiều", "so-lop": -3, "ket-noi-internet": "Yes"})
    _, _, errors = school_form_xlsx.parse_report_upload(io.BytesIO(content), tree["A-TH1"], period)
    wrong = sorted(rows[code] for code in ("so-gv", "so-hs", "so-lop", "ket-noi-internet"))
    assert [(e.sheet, e.cell) for e in errors] == [("Báo cáo", f"D{row}") for row in wrong]  # in the sheet's order
    assert str(errors[0]) == f"Báo cáo!D{rows['so-gv']}: có công thức, hãy nhập số (mục “Tổng số giáo viên”)"


def test_a_narrative_that_starts_with_an_equals_sign_stays_text(tree, period, report):
    report.highlights = "= 100% lớp học 2 buổi/ngày"
    sheet = workbook_of(template_for(tree["A-TH1"], period, report))[school_form_xlsx.SHEET]
    assert sheet.cell(rows_by_code(sheet)["ket-qua-noi-bat"], 4).data_type == "s"
    content = fill(template_for(tree["A-TH1"], period, report))
    _, narrative, errors = school_form_xlsx.parse_report_upload(io.BytesIO(content), tree["A-TH1"], period)
    assert errors == []
    assert narrative["highlights"] == "= 100% lớp học 2 buổi/ngày"


def test_rows_below_the_first_500_are_not_read(tree, period):
    def add_far_rows(workbook):
        sheet = workbook[school_form_xlsx.SHEET]
        for row in range(501, 3001):
            sheet.cell(row, 2, "ma-la")
            sheet.cell(row, 4, "rác")

    content = fill(template_for(tree["A-TH1"], period), {"so-gv": 30}, add_far_rows)
    entries, _, errors = school_form_xlsx.parse_report_upload(io.BytesIO(content), tree["A-TH1"], period)
    assert errors == []
    assert entries["so-gv"] == Decimal(30)


# --- uploading through the view ----------------------------------------------------------------------


def test_the_principal_uploads_a_filled_template_and_the_figures_are_saved(client, tree, personas, period):
    content = fill(template_for(tree["A-TH1"], period), complete_values())
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    report = SchoolReport.objects.get(school=tree["A-TH1"], period=period)
    assert response.status_code == 302
    assert response.url == reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])
    figures = report.entries_by_code()
    assert figures["so-gv"] == Decimal(30)
    assert figures["so-hs"] == Decimal(1318)
    assert figures["thiet-bi-day-hoc-so"] == Decimal(0)
    assert report.difficulties == "Thiếu máy chiếu."
    assert report.status == "draft"
    event = report.events.get()
    assert (event.action, event.by) == (ReportEvent.Action.UPLOADED, personas["principal_a"])
    page = client.get(response.url).content.decode()
    assert "Đã nhập số liệu từ tệp Excel (27 mục). Báo cáo vẫn là bản nháp" in page
    assert "Tải lên tệp Excel" in page  # the history names the upload


def test_an_upload_replaces_the_figures_of_an_existing_draft(client, tree, personas, period, report):
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": 31, "muc-chuan-quoc-gia": None})
    upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    report.refresh_from_db()
    figures = report.entries_by_code()
    assert (figures["so-gv"], figures["muc-chuan-quoc-gia"], figures["ket-noi-internet"]) == (31, None, 1)
    assert report.version == 3
    assert report.highlights == "Hoàn thành 100% kế hoạch bồi dưỡng."  # pre-filled, so kept


def garbage_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bao-cao.txt", "so-gv;30")
    return buffer.getvalue()


def with_member(content, name, data=b"", replace=None):
    """The workbook's zip with one more member, or one member's text replaced."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            body = source.read(member)
            if replace and member.filename == name:
                body = body.replace(*replace)
            archive.writestr(member, body)
        if not replace:
            archive.writestr(name, data)
    return buffer.getvalue()


def rename_sheet(workbook):
    workbook[school_form_xlsx.SHEET].title = "Sheet1"


def drop_meta(workbook):
    del workbook[school_form_xlsx.META_SHEET]


BAD_FILES = {
    "csv renamed": (lambda t: "STT;Mã mục;Giá trị\n1;so-gv;30\n".encode(), "không phải là tệp Excel .xlsx"),
    "pdf renamed": (lambda t: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "không phải là tệp Excel .xlsx"),
    "random bytes": (lambda t: random.Random(71).randbytes(4096), "không phải là tệp Excel .xlsx"),
    "old xls": (lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 (.xls)"),
    "plain zip": (lambda t: plain_zip(), "không phải là tệp Excel .xlsx"),
    "damaged xlsx": (lambda t: garbage_xlsx(), "Không đọc được tệp Excel"),
    "vba project": (lambda t: with_member(t, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0"), "Tệp có chứa macro"),
    "macro-enabled type": (lambda t: with_member(t, "[Content_Types].xml", replace=(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")), "Tệp có chứa macro"),
    "sheet renamed": (lambda t: fill(t, change=rename_sheet), "Tệp không có trang tính “Báo cáo”"),
    "no meta": (lambda t: fill(t, change=drop_meta), "Tệp không phải là mẫu báo cáo tải từ Cổng"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_file_that_is_not_our_xlsx_is_refused_and_nothing_is_saved(client, tree, personas, period, report, kind):
    make, message = BAD_FILES[kind]
    before = saved_state(report)
    content = make(template_for(tree["A-TH1"], period, report))
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Tệp Excel chưa được nhập, không có số liệu nào được lưu." in page
    assert saved_state(report) == before


def test_an_empty_file_is_refused(client, tree, personas, period, report):
    before = saved_state(report)
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, b"")
    assert "Tệp rỗng: hãy chọn tệp Excel đã điền số liệu." in response.content.decode()
    assert saved_state(report) == before


def test_a_missing_file_is_refused(client, tree, personas, period):
    client.force_login(personas["principal_a"])
    response = client.post(reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk]))
    assert "Hãy chọn tệp Excel đã điền số liệu." in response.content.decode()
    assert not SchoolReport.objects.exists()


@override_settings(XLSX_MAX_BYTES=5 * 1024)
def test_a_file_over_the_limit_is_refused(client, tree, personas, period, report):
    before = saved_state(report)
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": 31})
    assert len(content) > 5 * 1024
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert "Tệp quá lớn" in response.content.decode()
    assert "tối đa 5 KB" in response.content.decode()
    assert saved_state(report) == before


BAD_CELLS = [
    ({"so-gv": "=10+20"}, "so-gv", "có công thức, hãy nhập số"),
    ({"ket-noi-internet": "=IF(1,\"Có\",\"Không\")"}, "ket-noi-internet", "có công thức, hãy chọn “Có” hoặc “Không”"),
    ({"so-gv": "ba mươi"}, "so-gv", "“ba mươi” không phải là số"),
    ({"so-gv": -3}, "so-gv", "số liệu không được âm"),
    ({"so-gv": "-3"}, "so-gv", "số liệu không được âm"),
    ({"so-gv": 2.5}, "so-gv", "phải là số nguyên"),
    ({"so-gv": "0,5"}, "so-gv", "phải là số nguyên"),
    ({"so-gv": date(2026, 1, 5)}, "so-gv", "ô đang có dạng ngày giờ"),
    ({"so-gv": True}, "so-gv", "“TRUE” không phải là số"),
    ({"so-gv": 10 ** 15}, "so-gv", "số quá lớn"),
    ({"muc-chuan-quoc-gia": 3}, "muc-chuan-quoc-gia", "mức cao nhất là 2, không được nhập 3"),
    ({"ket-noi-internet": "Yes"}, "ket-noi-internet", "“Yes” không hợp lệ; hãy chọn “Có” hoặc “Không”"),
    ({"ket-noi-internet": 1}, "ket-noi-internet", "“1” không hợp lệ"),
    # worded as the other cells' errors (since 28/11/2026): lower case, the item named
    ({"so-gv": 10, "so-gv-dat-chuan": 12}, "so-gv-dat-chuan",
     "không được lớn hơn “Tổng số giáo viên” (10) (mục “Số giáo viên đạt chuẩn trình độ đào tạo trở lên”)"),
    ({"so-hs": 1000, "so-hs-lop5": 1200}, "so-hs-lop5", "không được lớn hơn “Tổng số học sinh (trẻ)” (1.000) (mục “"),
    ({"ket-qua-noi-bat": "x" * 5001}, "ket-qua-noi-bat", "dài 5.001 ký tự, tối đa 5.000 ký tự"),
    ({"kho-khan-vuong-mac": "=A1"}, "kho-khan-vuong-mac", "có công thức, hãy nhập nội dung bằng chữ"),
]


@pytest.mark.parametrize(("values", "code", "message"), BAD_CELLS)
def test_a_wrong_cell_is_refused_with_its_cell_and_nothing_is_saved(
        client, tree, personas, period, report, values, code, message):
    before = saved_state(report)
    template = template_for(tree["A-TH1"], period, report)
    row = rows_by_code(workbook_of(template)[school_form_xlsx.SHEET])[code]
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, fill(template, values))
    assert f"<li>Báo cáo!D{row}: {message}" in response.content.decode()
    assert saved_state(report) == before


def test_an_unknown_item_code_is_refused_at_its_cell(client, tree, personas, period, report):
    before = saved_state(report)
    template = template_for(tree["A-TH1"], period, report)
    row = rows_by_code(workbook_of(template)[school_form_xlsx.SHEET])["so-gv"]

    def change_code(workbook):
        workbook[school_form_xlsx.SHEET].cell(row, 2).value = "so-gv-moi"

    response = upload(client, personas["principal_a"], tree["A-TH1"], period, fill(template, change=change_code))
    assert f"Báo cáo!B{row}: mã mục “so-gv-moi” không có trong mẫu báo cáo của trường" in response.content.decode()
    assert saved_state(report) == before


def test_an_item_of_another_level_is_refused(client, tree, personas, period, report):
    # a primary school's file cannot carry a lower-secondary figure, even with a valid item code
    template = template_for(tree["A-TH1"], period, report)
    row = rows_by_code(workbook_of(template)[school_form_xlsx.SHEET])["so-hs-lop5"]

    def change_code(workbook):
        workbook[school_form_xlsx.SHEET].cell(row, 2).value = "so-hs-lop9"

    response = upload(client, personas["principal_a"], tree["A-TH1"], period, fill(template, change=change_code))
    assert f"Báo cáo!B{row}: mã mục “so-hs-lop9” không có trong mẫu" in response.content.decode()


def test_all_the_errors_of_a_file_are_listed_at_once(client, tree, personas, period, report):
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": "=1", "so-hs": -1, "so-lop": "abc"})
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    page = response.content.decode()
    assert page.count("<li>Báo cáo!D") == 3
    assert "Hãy sửa 3 lỗi sau trong tệp rồi tải lên lại" in page
    # the page stays usable: the web form still posts to the report page, not to the upload
    assert f'action="{reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])}"' in page


def test_a_file_of_another_school_is_refused(client, tree, personas, period, report):
    before = saved_state(report)
    content = fill(template_for(tree["A-THCS"], period), {"so-gv": 12})
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert ("Tệp này là báo cáo của Trường Tiểu học và THCS A2 (mã A-THCS), không phải của Trường Tiểu học A1."
            in response.content.decode())
    assert saved_state(report) == before


def test_a_file_of_another_period_is_refused(client, tree, personas, period, other_period, report):
    before = saved_state(report)
    content = template_for(tree["A-TH1"], other_period)
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert ("Tệp này là báo cáo Học kỳ II năm học 2025-2026 (mã kỳ 2025-2026-hk2), không phải Học kỳ I năm học "
            "2025-2026." in response.content.decode())
    assert saved_state(report) == before


def test_a_locked_period_refuses_the_upload_and_starts_no_report(client, tree, personas, period):
    today = timezone.localdate()
    Period.objects.filter(pk=period.pk).update(start=today - timedelta(days=200), end=today - timedelta(days=60),
                                               deadline=today - timedelta(days=30))
    content = fill(template_for(tree["A-TH1"], period), {"so-gv": 30})
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    page = client.get(response.url).content.decode()
    assert "Kỳ báo cáo đã khóa nhập số liệu từ ngày" in page
    assert not SchoolReport.objects.exists()
    assert not SchoolReportEntry.objects.exists()


def test_a_submitted_report_refuses_the_upload(client, tree, personas, period, report):
    SchoolReport.objects.filter(pk=report.pk).update(status="submitted")
    before = saved_state(report)
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": 31})
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert "không thể sửa" in client.get(response.url).content.decode()
    assert saved_state(report) == before


# --- who may download and upload ----------------------------------------------------------------------


def test_the_download_is_named_after_school_and_period_and_opens(client, tree, personas, period, report):
    client.force_login(personas["leader_a"])
    response = client.get(reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == school_form_xlsx.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-bao-cao-A-TH1-2025-2026-hk1.xlsx"'
    sheet = workbook_of(response.content)[school_form_xlsx.SHEET]
    assert sheet.cell(rows_by_code(sheet)["so-gv"], 4).value == 30


def test_the_download_runs_a_fixed_number_of_queries(
        client, tree, personas, period, report, django_assert_num_queries):
    client.force_login(personas["principal_a"])
    url = reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk])
    # session, the user with its memberships, school, period, report, items (with their wholes), entries (4 of them): 7
    with django_assert_num_queries(7):
        client.get(url)


@pytest.mark.parametrize("persona", ["officer_b", "principal_b"])
def test_another_commune_cannot_see_the_excel_urls_of_a(client, tree, personas, period, report, persona):
    client.force_login(personas[persona])
    before = saved_state(report)
    download = client.get(reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk]))
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": 31})
    posted = upload(client, personas[persona], tree["A-TH1"], period, content)
    assert (download.status_code, posted.status_code) == (404, 404)
    assert saved_state(report) == before


@pytest.mark.parametrize("persona", ["leader_a", "officer_a"])
def test_only_the_school_staff_may_upload(client, tree, personas, period, report, persona):
    before = saved_state(report)
    content = fill(template_for(tree["A-TH1"], period, report), {"so-gv": 31})
    response = upload(client, personas[persona], tree["A-TH1"], period, content)
    assert response.status_code == 403
    assert saved_state(report) == before


def test_the_upload_takes_only_post(client, tree, personas, period):
    client.force_login(personas["principal_a"])
    response = client.get(reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk]))
    assert response.status_code == 405


def test_an_anonymous_user_is_sent_to_log_in(client, tree, period):
    response = client.get(reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk]))
    assert response.status_code == 302
    assert "/login" in response.url or "dang-nhap" in response.url


def test_the_report_page_offers_the_excel_form_to_the_school(client, tree, personas, period):
    client.force_login(personas["principal_a"])
    page = client.get(reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])).content.decode()
    assert "Làm báo cáo bằng Excel" in page
    assert reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk]) in page
    assert 'enctype="multipart/form-data"' in page
    assert reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk]) in page


def test_a_leader_gets_the_download_but_no_upload_form(client, tree, personas, period):
    client.force_login(personas["leader_a"])
    page = client.get(reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])).content.decode()
    assert reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, period.pk]) in page
    assert reverse("reports:school_report_upload", args=[tree["A-TH1"].pk, period.pk]) not in page


def test_a_file_downloaded_before_a_web_edit_is_refused_so_the_edit_is_not_overwritten(client, personas, tree, period):
    from reports.actions import get_or_start_report, save_school_report
    from reports.models import ReportEvent
    from reports.school_form_xlsx import build_report_template

    school = tree["A-TH1"]
    report = get_or_start_report(school=school, period=period)
    content = build_report_template(school, period, report)
    report = save_school_report(report=report, entries={}, narrative={"highlights": "Sửa trên web"},
                                by=personas["principal_a"], expected_version=report.version)
    # the web save happened after the download
    ReportEvent.objects.filter(report=report).update(at=timezone.now() + timedelta(seconds=5))
    client.force_login(personas["principal_a"])
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("bao-cao.xlsx", content)
    response = client.post(reverse("reports:school_report_upload", args=[school.pk, period.pk]), {"file": upload})
    assert "Báo cáo đã được sửa trên Cổng lúc" in response.content.decode()
    report.refresh_from_db()
    assert report.highlights == "Sửa trên web"


def test_each_items_row_is_tall_enough_for_its_wrapped_text(tree, period):
    """LibreOffice and a printed page keep a row's stored height: a label or hint that wraps gets the lines it needs
    rather than running over the next row."""
    from openpyxl import load_workbook

    from reports.school_form_xlsx import LINE_HEIGHT, build_report_template

    sheet = load_workbook(io.BytesIO(build_report_template(tree["A-THCS"], period, None))).worksheets[0]
    heights = {}
    for row in sheet.iter_rows(min_row=5):
        label, hint = row[2].value, row[4].value
        if label and hint:
            heights[label] = (sheet.row_dimensions[row[0].row].height, len(label), len(hint))
    assert heights and all(height >= LINE_HEIGHT for height, _l, _h in heights.values())
    long_hint = max(heights.values(), key=lambda v: v[2])
    assert long_hint[0] >= 2 * LINE_HEIGHT  # "Số nguyên ≥ 0; không vượt quá: <a long label>" wraps


def test_the_errors_of_a_file_are_listed_down_the_sheet(client, tree, personas, period, report):
    """As the user goes down the sheet to correct them: a part above its whole (found after every cell was read)
    comes at its own row, not after the errors of the rows below it."""
    template = template_for(tree["A-TH1"], period, report)
    rows = rows_by_code(workbook_of(template)[school_form_xlsx.SHEET])
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, fill(template, {
        "so-gv": 10, "so-gv-dat-chuan": 12, "so-hs": "nhiều", "so-lop": "x"}))
    listed = [int(cell) for cell in re.findall(r"<li>Báo cáo!D(\d+):", response.content.decode())]
    assert listed == sorted(listed) and rows["so-gv-dat-chuan"] in listed and len(listed) == 3


# --- a copy downloaded at the same time as another does not overwrite what the other uploaded; schools report on their
# semesters only, on the web and through the API (audit of 28/11/2026) ------------------------------------------


def figure(school, period, code="so-gv-dat-chuan"):
    report = SchoolReport.objects.get(school=school, period=period)
    return report.entries.get(item__code=code).value


def test_a_copy_downloaded_at_the_same_time_does_not_overwrite_the_first_upload(client, tree, personas, period):
    school = tree["A-TH1"]
    first, second = template_for(school, period), template_for(school, period)  # two downloads, before any upload
    assert upload(client, personas["principal_a"], school, period,
                  fill(first, {"so-gv": 30, "so-gv-dat-chuan": 30})).status_code == 302
    # the first upload is a moment later than both downloads
    ReportEvent.objects.update(at=timezone.now() + timedelta(seconds=3))

    response = upload(client, personas["principal_a"], school, period, fill(second, {"so-gv": 30, "so-gv-dat-chuan": 11}))

    assert "Báo cáo đã được cập nhật bằng một tệp Excel khác lúc" in response.content.decode()
    assert figure(school, period) == Decimal(30)
    assert list(ReportEvent.objects.values_list("action", flat=True)) == [ReportEvent.Action.UPLOADED]


def test_the_same_file_corrected_and_uploaded_again_goes_in(client, tree, personas, period):
    school = tree["A-TH1"]
    downloaded = template_for(school, period)
    upload(client, personas["principal_a"], school, period, fill(downloaded, {"so-gv": 30, "so-gv-dat-chuan": 30}))
    ReportEvent.objects.update(at=timezone.now() + timedelta(seconds=3))

    response = upload(client, personas["principal_a"], school, period,
                      fill(downloaded, {"so-gv": 30, "so-gv-dat-chuan": 29}))

    assert response.status_code == 302 and figure(school, period) == Decimal(29)
    stamps = set(ReportEvent.objects.values_list("upload_stamp", flat=True))
    assert len(stamps) == 1 and "" not in stamps  # both uploads name the one download they came from


def test_the_check_holds_in_the_save_itself(tree, personas, period):
    """Another file taken between the reading of this one and its save: refused under the report's lock."""
    school = tree["A-TH1"]
    report = actions.get_or_start_report(school=school, period=period)
    downloaded = timezone.now() - timedelta(minutes=5)
    actions.save_school_report(report=report, entries={}, narrative={"highlights": "Tệp thứ nhất"},
                               by=personas["principal_a"], expected_version=report.version,
                               action=ReportEvent.Action.UPLOADED,
                               upload=actions.Upload(stamp="tep-1", downloaded_at=downloaded))
    report.refresh_from_db()
    with pytest.raises(actions.WorkflowError, match="cập nhật bằng một tệp Excel khác"):
        actions.save_school_report(report=report, entries={}, narrative={"highlights": "Tệp thứ hai"},
                                   by=personas["principal_a"], expected_version=report.version,
                                   action=ReportEvent.Action.UPLOADED,
                                   upload=actions.Upload(stamp="tep-2", downloaded_at=downloaded))
    report.refresh_from_db()
    assert report.highlights == "Tệp thứ nhất"


@pytest.fixture
def school_year(db):
    return make_period(code="nam-hoc-nay", kind=PeriodKind.SCHOOL_YEAR, school_year="2026-2027",
                       start=date(2026, 9, 5), end=date(2027, 5, 31), deadline=date(2027, 6, 10))


def test_schools_report_on_semesters_only(client, tree, personas, school_year):
    client.force_login(personas["principal_a"])
    for name in ("school_report_detail", "school_report_xlsx"):
        assert client.get(reverse(f"reports:{name}", args=[tree["A-TH1"].pk, school_year.pk])).status_code == 404
    with pytest.raises(actions.WorkflowError, match="Trường chỉ lập báo cáo theo học kỳ"):
        actions.get_or_start_report(school=tree["A-TH1"], period=school_year)
    assert not SchoolReport.objects.exists()


def test_nor_through_the_api(tree, personas, school_year):
    from rest_framework.test import APIClient

    from api.actions import issue_token

    _, token = issue_token(user=personas["principal_a"], name="khóa", can_write=True, by=personas["principal_a"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.put(f"/api/v1/schools/{tree['A-TH1'].pk}/reports/{school_year.pk}/", {"version": 1, "entries": {}},
                          format="json")
    assert response.status_code == 404 and response.json()["detail"] == "Trường chỉ lập báo cáo theo học kỳ."
    assert not SchoolReport.objects.exists()


def test_a_school_named_as_a_formula_is_text_in_the_form(tree, period):
    # the security audit of 28/11/2026: the hidden _meta sheet held a school renamed '=HYPERLINK(…)' as a formula
    from openpyxl import load_workbook

    from reports.school_form_xlsx import build_report_template

    school = tree["A-TH1"]
    school.name = '=HYPERLINK("http://evil.example/","x")'
    school.save()
    workbook = load_workbook(io.BytesIO(build_report_template(school, period, None)))
    cells = [cell for row in workbook["_meta"].iter_rows() for cell in row if cell.value == school.name]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_a_school_closed_before_the_semester_cannot_start_its_report_by_upload(client, tree, personas, period):
    """The report's page answers 404 for a semester the school was not open in; the Excel upload started one
    anyway (a report, figures counted, for a closed school)."""
    from units.models import Unit

    content = fill(template_for(tree["A-TH1"], period), complete_values())
    Unit.objects.filter(pk=tree["A-TH1"].pk).update(valid_to=period.start - timedelta(days=1))
    response = upload(client, personas["principal_a"], tree["A-TH1"], period, content)
    assert response.status_code == 404
    assert not SchoolReport.objects.exists() and not SchoolReportEntry.objects.exists()


def test_a_school_merged_into_another_reports_no_more_through_either_page(client, tree, personas, period):
    """Merged during the semester, its report is made by the receiving school: its own page, upload and list
    no longer offer this semester (and a report it already had stays reachable)."""
    from tests.factories import make_user
    from units.maintenance import merge_schools
    from units.models import Role

    admin = make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    merge_schools(predecessors=[tree["A-TH1"]], successor=tree["A-THCS"], legal_basis="QĐ 1", by=admin,
                  effective_on=timezone.localdate() - timedelta(days=10))
    content = fill(template_for(tree["A-TH1"], period), complete_values())
    assert upload(client, personas["principal_a"], tree["A-TH1"], period, content).status_code == 404
    detail = reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])
    assert client.get(detail).status_code == 404
    assert period.name not in client.get(reverse("reports:school_report_list")).content.decode()
    assert not SchoolReport.objects.exists()
    SchoolReport.objects.create(school=tree["A-TH1"], period=period)  # started before the merge
    assert client.get(detail).status_code == 200

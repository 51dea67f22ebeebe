"""The country's report workbook (issue 13: "national workbooks split by province (Excel's row limit)"): the figures
behind its table are some 3 million values a semester, three times what an Excel sheet holds. They are read while
the workbook is written, province by province, one sheet each (a sheet that would pass Excel's last row goes on in
another), not carried in the report's content; the summary and the other sheets are the same as ever."""

import io
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import builds, report_xlsx
from reports.actions import request_build
from reports.content import raw_values, subtree_roots
from reports.models import BuildState, ReportBuild
from reports.report_xlsx import RAW_HEADERS, RAW_SHEET, write_report_xlsx
from targets.models import ProgressValue
from targets.queries import plan_statuses
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from tests.reports.test_report_files import make_content

RAW = [{"unit": f"Trường {n}", "unit_code": f"S{n}", "indicator": "Tỷ lệ giáo viên đạt chuẩn",
        "period": "Học kỳ I năm học 2025-2026", "numerator": float(n), "denominator": 40.0, "value": n * 2.5}
       for n in range(1, 8)]


def sheets_of(data):
    return load_workbook(io.BytesIO(data))


def raw_rows(ws):
    """The sheet's rows below its header, as (code, unit, indicator, period, numerator, denominator, value)."""
    return [tuple(cell.value for cell in row) for row in ws.iter_rows(min_row=2)]


def expected(rows):
    return [(r["unit_code"], r["unit"], r["indicator"], r["period"], int(r["numerator"]), int(r["denominator"]),
             r["value"] / 100) for r in rows]


# --- the writer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "taken", "continued", "expected_name"), [
    ("Thành phố Hải Phòng", set(), False, "Thành phố Hải Phòng"),
    ("Tỉnh Bà Rịa - Vũng Tàu và các vùng phụ cận", set(), False, "Tỉnh Bà Rịa - Vũng Tàu và các v"),
    ("Tỉnh A/B: [cũ]?*", set(), False, "Tỉnh A B   cũ"),
    ("Tỉnh A", {"tỉnh a"}, False, "Tỉnh A (2)"),
    ("Tỉnh Bà Rịa - Vũng Tàu và các vùng phụ cận", set(), True, "Tỉnh Bà Rịa - Vũng Tàu và c (2)"),
    ("", set(), False, RAW_SHEET),
    # cut at its 31st character, an apostrophe, the name would end with one: Excel refuses it, XlsxWriter raises
    ("Tỉnh Bà Rịa - Vũng Tàu 'tên cũ' trước 2025", set(), False, "Tỉnh Bà Rịa - Vũng Tàu 'tên cũ"),
])
def test_a_sheet_is_named_as_excel_accepts_and_never_twice(name, taken, continued, expected_name):
    named = report_xlsx._sheet_name(name, taken, continued=continued)
    assert named == expected_name and len(named) <= 31 and named.casefold() in taken


def test_a_sheet_that_would_pass_excels_last_row_goes_on_in_another(monkeypatch):
    monkeypatch.setattr(report_xlsx, "EXCEL_ROWS", 4)  # the header and three rows a sheet
    workbook = sheets_of(write_report_xlsx(make_content(raw_values=RAW)))
    names = [name for name in workbook.sheetnames if name.startswith(RAW_SHEET)]
    assert names == [RAW_SHEET, f"{RAW_SHEET} (2)", f"{RAW_SHEET} (3)"]
    for name in names:
        ws = workbook[name]
        assert [c.value for c in ws[1]] == RAW_HEADERS and ws.max_row <= 4
        assert ws.auto_filter.ref == f"A1:G{ws.max_row}"
    assert [row for name in names for row in raw_rows(workbook[name])] == expected(RAW)  # every row, in order


def test_streamed_figures_go_one_sheet_per_province_and_the_rest_is_the_same_workbook(monkeypatch):
    """The same content written both ways: the summary, tasks and projections cell for cell, with their merges and row
    heights; the figures behind the table in a sheet per part given, none lost, progress told as rows are written."""
    monkeypatch.setattr(report_xlsx, "PROGRESS_ROWS", 2)
    content = make_content(raw_values=[])
    ticks = []
    streamed = sheets_of(write_report_xlsx(content, raw_sheets=[
        ("Thành phố Hải Phòng", iter(RAW[:5])), ("Tỉnh Quảng Ninh", iter(RAW[5:])), ("Tỉnh Lai Châu", iter([]))],
        on_progress=lambda: ticks.append(1)))
    kept = sheets_of(write_report_xlsx(content))
    assert streamed.sheetnames == [*kept.sheetnames[:-1], "Thành phố Hải Phòng", "Tỉnh Quảng Ninh", "Tỉnh Lai Châu"]
    for name in kept.sheetnames[:-1]:
        a, b = kept[name], streamed[name]
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert {r: d.height for r, d in a.row_dimensions.items() if d.height} == \
               {r: d.height for r, d in b.row_dimensions.items() if d.height}
        assert [[c.number_format for c in row] for row in a.iter_rows()] == \
               [[c.number_format for c in row] for row in b.iter_rows()]
    assert raw_rows(streamed["Thành phố Hải Phòng"]) == expected(RAW[:5])
    assert raw_rows(streamed["Tỉnh Quảng Ninh"]) == expected(RAW[5:])
    assert raw_rows(streamed["Tỉnh Lai Châu"]) == [] and [c.value for c in streamed["Tỉnh Lai Châu"][1]] == RAW_HEADERS
    assert len(ticks) == 3  # 7 rows, told every 2


# --- the country's report from the database -----------------------------------------------------


@pytest.fixture
def country(tree):
    """Trung ương with two provinces (Hải Phòng's schools A1, A2 and B1; Quảng Ninh's one school), the Ministry (a
    body at the centre with a figure of its own) and a plan of the centre; one semester of figures."""
    today = timezone.localdate()
    period = make_period(code="hk1-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                         end=today + timedelta(50), deadline=today + timedelta(60))
    qn = make_unit("QN", "Tỉnh Quảng Ninh", "province", tree["VN"])
    hl = make_unit("QN-HL", "Phường Hạ Long", "commune", qn, valid_from=date(2025, 7, 1))
    school = make_unit("QN-HL-TH", "Trường Tiểu học Hạ Long", "school", hl, levels=["th"])
    ministry = make_unit("BGDDT", "Bộ Giáo dục và Đào tạo", "organisation", tree["VN"])
    rate = make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", unit_label="%")
    rooms = make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng")
    plan = make_document(tree["VN"], "1/KH-BGDĐT", "Kế hoạch thực hiện Nghị quyết 71 của Bộ Giáo dục và Đào tạo")
    make_target(plan, rate, 1, Decimal(95), category="staff")
    make_target(plan, rooms, 2, Decimal(4000), category="facilities")
    for n, unit in enumerate([tree["A-TH1"], tree["A-THCS"], tree["B-MN"], school], 1):
        ProgressValue.objects.create(indicator=rate, unit=unit, period=period, numerator=30 + n, denominator=40)
        ProgressValue.objects.create(indicator=rooms, unit=unit, period=period, value=n)
    ProgressValue.objects.create(indicator=rooms, unit=ministry, period=period, value=100)
    return {"vn": tree["VN"], "hp": tree["HP"], "qn": qn, "plan": plan, "period": period}


def streamed_rows(sheets):
    return {name: list(rows) for name, rows in sheets}


def test_the_countrys_content_carries_no_figures_behind_its_table_and_they_stream_by_province(country):
    contents, _title = builds.assemble(kind=ReportBuild.Kind.UNIT, unit=country["vn"], document=country["plan"],
                                       period=country["period"])
    assert contents[0].raw_values == [] and contents[0].rows  # its table is evaluated as ever
    sheets = builds.streamed_raw_sheets(kind=ReportBuild.Kind.UNIT, unit=country["vn"], document=country["plan"],
                                        period=country["period"])
    rows = streamed_rows(sheets)
    assert list(rows) == ["Trung ương", "Thành phố Hải Phòng", "Tỉnh Quảng Ninh"]  # the centre's own, then by name
    assert {r["unit_code"] for r in rows["Trung ương"]} == {"BGDDT"}
    assert {r["unit_code"] for r in rows["Thành phố Hải Phòng"]} == {"A-TH1", "A-THCS", "B-MN"}
    assert {r["unit_code"] for r in rows["Tỉnh Quảng Ninh"]} == {"QN-HL-TH"}
    # together, exactly the rows the content used to carry, each once
    targets = list(country["plan"].targets.all())
    statuses = plan_statuses(targets, country["vn"], country["period"])  # every figure of the chosen period here
    before = raw_values(statuses, country["period"], subtree_roots([country["vn"]])[country["vn"].pk])
    key = lambda r: tuple(sorted(r.items()))  # noqa: E731
    assert Counter(key(r) for part in rows.values() for r in part) == Counter(key(r) for r in before)
    assert len(before) == 9


def test_a_province_still_carries_its_figures_in_one_sheet(country):
    assert builds.streamed_raw_sheets(kind=ReportBuild.Kind.UNIT, unit=country["hp"], document=country["plan"],
                                      period=country["period"]) is None
    assert builds.streamed_raw_sheets(kind=ReportBuild.Kind.CONSOLIDATED, unit=country["vn"],
                                      document=country["plan"], period=country["period"]) is None


def test_the_countrys_build_writes_a_sheet_per_province(country, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.MEDIA_ROOT = True, tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        build = request_build(unit=country["vn"], document=country["plan"], period=country["period"],
                              formats=["xlsx"], by=None)
    build.refresh_from_db()
    assert build.state == BuildState.SUCCEEDED, build.error
    with build.xlsx_file.open("rb") as file:
        workbook = sheets_of(file.read())
    assert workbook.sheetnames[-3:] == ["Trung ương", "Thành phố Hải Phòng", "Tỉnh Quảng Ninh"]
    assert RAW_SHEET not in workbook.sheetnames
    assert sorted(row[0] for row in raw_rows(workbook["Thành phố Hải Phòng"])) == \
        ["A-TH1", "A-TH1", "A-THCS", "A-THCS", "B-MN", "B-MN"]
    assert [row[0] for row in raw_rows(workbook["Tỉnh Quảng Ninh"])] == ["QN-HL-TH", "QN-HL-TH"]
    assert raw_rows(workbook["Trung ương"]) == [("BGDDT", "Bộ Giáo dục và Đào tạo", "Số phòng học thông minh",
                                                  country["period"].name, None, None, 100)]


# --- the country's consolidation across its provinces --------------------------------------------------------


def test_the_country_consolidates_its_provinces_in_every_format(country, tmp_path):
    import subprocess

    from docx import Document

    contents, cover = builds.assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=country["vn"],
                                      document=country["plan"], period=country["period"])
    assert [c.unit_code for c in contents] == ["HP", "QN"]  # the provinces, by name
    assert cover.below == "tỉnh, thành phố" and "của các tỉnh, thành phố" in cover.subject
    assert cover.sent_line.startswith("0/2 tỉnh, thành phố đã gửi báo cáo.")
    assert "UBND các tỉnh, thành phố;" in cover.recipients
    # issued by the Ministry, in Hà Nội, signed by its minister (Trung ương is no body that signs)
    assert (cover.issuer_lines, cover.number, cover.signer_title) == (
        ["BỘ GIÁO DỤC VÀ ĐÀO TẠO"], "Số:       /BC-BGDĐT", ["BỘ TRƯỞNG"])
    assert cover.place_date.startswith("Hà Nội, ngày ") and ", Bộ Giáo dục và Đào tạo tổng hợp" in cover.opening
    assert cover.recipients[0] == "Chính phủ, Thủ tướng Chính phủ (để báo cáo);"
    hp = {row.indicator: row for row in contents[0].rows}
    assert hp["Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo"].reporting_units == 3  # Hải Phòng's three schools

    workbook = sheets_of(builds.write_file("xlsx", kind=ReportBuild.Kind.CONSOLIDATED, contents=contents, title=cover))
    # the table under the cover's header (the Ministry's one line and the motto, "Số", title, subject)
    assert workbook["Tổng hợp"]["A1"].value == "BỘ GIÁO DỤC VÀ ĐÀO TẠO"
    assert workbook["Tổng hợp"]["B6"].value == "Tỉnh, thành phố" and workbook[RAW_SHEET]["A1"].value == "Tỉnh, thành phố"
    assert {row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=7, values_only=True)} == {
        "Thành phố Hải Phòng", "Tỉnh Quảng Ninh"}
    words = " ".join(p.text for p in Document(io.BytesIO(builds.write_file(
        "docx", kind=ReportBuild.Kind.CONSOLIDATED, contents=contents, title=cover))).paragraphs)
    assert "Số trường thuộc 2 tỉnh, thành phố" in words and "xã, phường" not in words
    pdf = tmp_path / "tong-hop.pdf"
    pdf.write_bytes(builds.write_file("pdf", kind=ReportBuild.Kind.CONSOLIDATED, contents=contents, title=cover))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Số tỉnh theo đánh giá" in text and "2/2 tỉnh có số liệu" in text and " xã" not in text


def test_only_a_province_or_the_country_consolidates(country, tree):
    with pytest.raises(builds.BuildError, match="Chỉ tỉnh, thành phố .* và Trung ương"):
        builds.report_plans(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["A"], document=country["plan"])


def test_the_countrys_build_form_offers_its_consolidation(client, country, personas):
    from tests.factories import make_user

    client.force_login(make_user("lanhdao.bo", country["vn"], "leader"))
    page = client.get("/bao-cao/bang-dieu-khien/", {"unit": country["vn"].pk, "plan": country["plan"].pk,
                                                    "period": country["period"].pk}).content.decode()
    assert '<option value="consolidated">Tổng hợp các tỉnh, thành phố</option>' in page


def test_a_deputy_minister_signs_in_the_ministers_place():
    from reports.content import _signer_title
    from units.models import Unit

    assert _signer_title(Unit(kind="central"), "Thứ trưởng Bộ Giáo dục và Đào tạo") == ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]
    assert _signer_title(Unit(kind="central"), "Bộ trưởng") == ["BỘ TRƯỞNG"]


def test_the_countrys_report_is_not_finalised_to_be_sent_up(client, country, personas):
    """Nothing above Trung ương to send to, and millions of figures behind its table: the build gives its files."""
    from reports import outgoing
    from reports.actions import WorkflowError
    from reports.models import OutgoingReport

    with pytest.raises(WorkflowError, match="Báo cáo của Trung ương không gửi lên cấp nào"):
        outgoing.finalise_report(unit=country["vn"], document=country["plan"], period=country["period"], number="",
                                 narratives=[], by=personas["admin"])
    client.force_login(personas["admin"])
    response = client.get("/bao-cao/gui-len/chot/", {"unit": country["vn"].pk, "plan": country["plan"].pk,
                                                      "period": country["period"].pk}, follow=True)
    assert "Báo cáo của Trung ương không gửi lên cấp nào" in response.content.decode()
    assert not OutgoingReport.objects.exists()


def test_the_countrys_inbox_lists_its_provinces_and_offers_their_consolidation(client, country, personas):
    from reports.outgoing import inbox

    assert [row.unit.code for row in inbox(country["vn"], country["period"]).rows] == ["HP", "QN"]
    from tests.factories import make_user

    client.force_login(make_user("canbo.bo", country["vn"], "officer"))
    page = client.get("/bao-cao/nhan-tu-cap-duoi/", {"unit": country["vn"].pk, "period": country["period"].pk})
    text = page.content.decode()
    assert "Thành phố Hải Phòng" in text and "Tỉnh Quảng Ninh" in text and "Tạo báo cáo tổng hợp" in text

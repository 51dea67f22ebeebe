"""The official format of the reports sent upward (Nghị định 30/2020; domain.md, "Reports sent upward"): a
ward's header under the city's line, "Nơi nhận" with the Sở GD&ĐT, and the consolidated report with the same
blocks as a commune's, titled after the parent's own plan, saying which communes sent theirs."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook

from plans.models import DocumentStatus
from reports.builds import assemble
from reports.content import ReportCover, build_report_content, own_plan
from reports.models import OutgoingReport, ReportBuild
from reports.pdf import write_consolidated_pdf
from reports.report_xlsx import write_report_xlsx
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_target, make_unit, make_user
from tests.reports.test_outgoing import finalise, send


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plans(tree, period):
    """Resolution 71 as the directive; the city's own plan carrying it out; each ward's plan carrying it out."""
    resolution = make_document(tree["VN"], "71-NQ/TW", "Nghị quyết về đột phá phát triển giáo dục và đào tạo",
                               doc_type="NQ")
    city = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    city.implements.add(resolution)
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    wards = {}
    for key, number in (("A", "12/KH-UBND"), ("B", "7/KH-UBND")):
        wards[key] = make_document(tree[key], number, f"Kế hoạch của {tree[key].name}")
        wards[key].implements.add(resolution)
        make_target(wards[key], rate, 0, Decimal(100), category="staff")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    return {"resolution": resolution, "city": city, **wards}


@pytest.fixture
def third_ward(tree):
    return make_unit("C", "Phường C", "commune", tree["HP"])


def test_a_wards_header_has_the_citys_line_above_its_own_bold_name(tree, plans, period):
    content = build_report_content(unit=tree["A"], document=plans["A"], period=period)
    assert content.issuer_lines == ["UBND THÀNH PHỐ HẢI PHÒNG", "ỦY BAN NHÂN DÂN", "PHƯỜNG A"]
    assert content.issuer_bold == 2
    html = render_to_string("reports/report_pdf_header.html", {"c": content})
    assert "<div>UBND THÀNH PHỐ HẢI PHÒNG</div>" in html
    assert '<div class="b">ỦY BAN NHÂN DÂN</div><div class="b">PHƯỜNG A</div>' in html
    sheet = load_workbook(io.BytesIO(write_report_xlsx(content)))["Tổng hợp"]
    assert [(sheet[f"A{row}"].value, bool(sheet[f"A{row}"].font.b)) for row in (1, 2, 3)] == [
        ("UBND THÀNH PHỐ HẢI PHÒNG", False), ("ỦY BAN NHÂN DÂN", True), ("PHƯỜNG A", True)]


def test_a_schools_header_keeps_its_wards_line_in_regular_type(tree, period):
    document = make_document(tree["A-TH1"], "", "Kế hoạch của Trường Tiểu học A1")
    content = build_report_content(unit=tree["A-TH1"], document=document, period=period)
    assert content.issuer_lines == ["UBND PHƯỜNG A", "TRƯỜNG TIỂU HỌC A1"] and content.issuer_bold == 1


def test_the_recipients_include_the_city_and_its_department_of_education(tree, plans, period):
    content = build_report_content(unit=tree["A"], document=plans["A"], period=period)
    assert content.recipients == ["UBND Thành phố Hải Phòng (để báo cáo);",
                                  "Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);", "Lãnh đạo đơn vị;", "Lưu: VT."]


def test_the_parents_own_plan_names_the_consolidation(tree, plans):
    assert own_plan(tree["HP"], plans["resolution"]) == plans["city"]
    assert own_plan(tree["HP"], plans["city"]) == plans["city"]
    # a city without a plan of its own carrying the document out: the document itself
    plans["city"].status = DocumentStatus.SUPERSEDED
    plans["city"].save(update_fields=["status"])
    assert own_plan(tree["HP"], plans["resolution"]) == plans["resolution"]


def test_the_consolidation_names_who_sent_and_who_did_not(client, personas, tree, plans, period, third_ward):
    make_user("leader_b", tree["B"], "leader")
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    send(client, OutgoingReport.objects.get(unit=tree["A"]))
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plans["resolution"],
                               period=period)
    assert isinstance(cover, ReportCover) and not cover.preview
    assert [c.unit_code for c in contents] == ["A"]
    assert cover.subject == f"Tổng hợp kết quả thực hiện Kế hoạch 200/KH-UBND của các xã, phường, {period.name}"
    assert cover.sent_line == "1/3 xã, phường đã gửi báo cáo: Phường A. Chưa gửi: Phường B, Phường C."
    assert cover.issuer_lines == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"]
    assert cover.recipients[-3:] == ["UBND các xã, phường;", "Lãnh đạo đơn vị;", "Lưu: VT."]


def test_the_consolidated_pdf_has_the_official_blocks_and_the_period_once_in_its_title(
        tree, plans, period, tmp_path):
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plans["resolution"],
                               period=period)
    assert cover.preview and cover.sent == [] and cover.missing == ["Phường A", "Phường B"]
    path = tmp_path / "consolidated.pdf"
    path.write_bytes(write_consolidated_pdf(contents, cover))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert text.startswith("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
                           "Độc lập - Tự do - Hạnh phúc Số: /BC-UBND Hải Phòng, ngày")
    title = (f"BÁO CÁO Tổng hợp kết quả thực hiện Kế hoạch 200/KH-UBND của các xã, phường, {period.name} "
             "(bản xem trước) Thực hiện Kế hoạch số 200/KH-UBND")
    assert title in text  # the period once in the title block, then the opening
    assert "0/2 xã, phường đã gửi báo cáo. Chưa gửi: Phường A, Phường B." in text
    # the city's own Sở has the report for information: the city does not report to it (until 28/11/2026 "để báo cáo")
    assert ("Nơi nhận: - Bộ Giáo dục và Đào tạo (để báo cáo); - Sở Giáo dục và Đào tạo Hải Phòng (để biết); "
            "- UBND các xã, phường;") in text
    assert "- Lãnh đạo đơn vị; - Lưu: VT. TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text

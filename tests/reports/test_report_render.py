"""The reports as a reader sees them: a ward's report (Word and PDF), a consolidated report (Word) and a
workbook rendered to PDF by LibreOffice (headless) and to images by pdftoppm, with the header blocks read
back by pdftotext. Set REPORT_RENDER_DIR to keep the images and look at them."""

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reports.builds import assemble
from reports.content import build_report_content
from reports.models import OutgoingReport, ReportBuild, ReportSections, ReportStatus, SchoolReport
from reports.pdf import write_report_pdf
from reports.report_docx import write_consolidated_docx, write_report_docx
from reports.report_xlsx import write_report_xlsx
from targets.models import ProgressValue, TargetResponsibility
from tests.factories import make_document, make_indicator, make_target
from tests.reports.test_outgoing import finalise, send

LONG = ("Tỷ lệ cán bộ quản lý, giáo viên các cơ sở giáo dục mầm non, tiểu học và trung học cơ sở được bồi dưỡng "
        "nâng cao năng lực số, kỹ năng ứng dụng trí tuệ nhân tạo trong dạy học và quản lý")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def out(tmp_path, request):
    folder = Path(os.environ["REPORT_RENDER_DIR"]) if os.environ.get("REPORT_RENDER_DIR") else tmp_path / "render"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def plans(tree, period):
    """Each ward's plan: a long rate, a school's recognition, the plan's projection table; A wrote its sections."""
    resolution = make_document(tree["VN"], "71-NQ/TW", "Nghị quyết về đột phá phát triển giáo dục và đào tạo",
                               doc_type="NQ")
    city = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    city.implements.add(resolution)
    plans = {"resolution": resolution}
    digital = make_indicator("gv-so", LONG, unit_label="%")
    level = make_indicator("muc-chuan", "Mức độ trường đạt chuẩn quốc gia", "level", "min")
    classes = make_indicator("lop-mn", "Số lớp mầm non", "count", "sum", "lớp")
    for key, number in (("A", "12/KH-UBND"), ("B", "7/KH-UBND")):
        document = make_document(tree[key], number, f"Kế hoạch thực hiện Nghị quyết 71 của {tree[key].name}")
        document.implements.add(resolution)
        target = make_target(document, digital, 1, Decimal(95), category="digital")
        TargetResponsibility.objects.create(target=target, unit=tree["A-VHXH"] if key == "A" else tree["B"])
        school = tree["A-TH1"] if key == "A" else tree["B-MN"]
        make_target(document, level, 2, Decimal(2), "achieve", "2026-2027", date(2027, 5, 31),
                    category="facilities").scope_units.add(school)
        for order, (year, value) in enumerate((("2025-2026", 45), ("2026-2027", 47), ("2027-2028", 47)), 3):
            make_target(document, classes, order, Decimal(value), "eq", year, date(int(year[-4:]), 5, 31),
                        is_projection=True)
        ProgressValue.objects.create(indicator=digital, unit=school, period=period, numerator=38, denominator=40)
        plans[key] = document
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.APPROVED,
                                highlights="Hoàn thành 100% kế hoạch bồi dưỡng.", proposals="Đề nghị hỗ trợ kinh phí.")
    ReportSections.objects.create(unit=tree["A"], document=plans["A"], period=period,
                                  achievements="Các trường hoàn thành kế hoạch bồi dưỡng năng lực số.",
                                  shortcomings="Thiếu phòng học bộ môn.", next_steps="Khởi công nhà lớp học mới.",
                                  proposals="Đề nghị bổ sung biên chế giáo viên.")
    return plans


def soffice_pdf(path, folder):
    """LibreOffice's PDF of a .docx or .xlsx, as an office printing it would get (its own profile: tests may
    run side by side)."""
    profile = folder / f"lo-profile-{path.stem}"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(path)], check=True, capture_output=True, timeout=180)
    shutil.rmtree(profile, ignore_errors=True)
    return path.with_suffix(".pdf")


def pdf_text(path, *, first=1, last=1):
    out = subprocess.run(["pdftotext", "-raw", "-f", str(first), "-l", str(last), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def images(path):
    """The pages as PNG images (pdftoppm, 70 dpi): what a reader sees."""
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(path.with_suffix(""))], check=True, timeout=120)
    found = sorted(path.parent.glob(f"{path.stem}-*.png"))
    assert found and all(image.stat().st_size > 5000 for image in found)  # not blank pages
    return found


def test_the_ward_report_in_word_renders_with_its_header_blocks(tree, plans, period, out):
    content = build_report_content(unit=tree["A"], document=plans["A"], period=period, number="Số: 45/BC-UBND",
                                   signer_name="Nguyễn Văn An")
    docx = out / "bao-cao-phuong.docx"
    docx.write_bytes(write_report_docx(content))
    pdf = soffice_pdf(docx, out)
    text = pdf_text(pdf)
    assert text.startswith("UBND THÀNH PHỐ HẢI PHÒNG ỦY BAN NHÂN DÂN PHƯỜNG A")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 45/BC-UBND Phường A, ngày" in text
    assert f"BÁO CÁO Kết quả thực hiện Kế hoạch 12/KH-UBND, {period.name}" in text
    everything = pdf_text(pdf, last=9)
    assert "Mức độ trường đạt chuẩn quốc gia" in everything and "— Trường Tiểu học A1" in everything
    assert "Năm học 2025-2026 Năm học 2026-2027 Năm học 2027-2028" in everything
    assert "V. HẠN CHẾ VÀ NGUYÊN NHÂN Thiếu phòng học bộ môn." in everything
    assert "- Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);" in everything
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in everything and "Nguyễn Văn An" in everything
    assert len(images(pdf)) >= 2


def test_the_ward_report_pdf_renders_with_its_header_blocks(tree, plans, period, out):
    pdf = out / "bao-cao-phuong-weasyprint.pdf"
    pdf.write_bytes(write_report_pdf(build_report_content(unit=tree["A"], document=plans["A"], period=period)))
    assert pdf_text(pdf).startswith("UBND THÀNH PHỐ HẢI PHÒNG ỦY BAN NHÂN DÂN PHƯỜNG A")
    assert len(images(pdf)) >= 2


def test_the_consolidated_report_in_word_renders_with_the_same_blocks(client, personas, tree, plans, period, out):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    send(client, OutgoingReport.objects.get(unit=tree["A"]))
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=plans["resolution"],
                               period=period)
    docx = out / "bao-cao-tong-hop.docx"
    docx.write_bytes(write_consolidated_docx(contents, cover))
    pdf = soffice_pdf(docx, out)
    text = pdf_text(pdf, last=5)
    assert text.startswith("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG ————— CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Số: /BC-UBND Hải Phòng, ngày" in text
    assert f"BÁO CÁO Tổng hợp kết quả thực hiện Kế hoạch 200/KH-UBND của các xã, phường, {period.name}" in text
    assert "1/2 xã, phường đã gửi báo cáo: Phường A. Chưa gửi: Phường B." in text
    assert "Nơi nhận:" in text and "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text
    images(pdf)


def test_the_workbook_renders_with_its_header_and_whole_rows(tree, plans, period, out):
    xlsx = out / "bieu-bao-cao-phuong.xlsx"
    xlsx.write_bytes(write_report_xlsx(build_report_content(unit=tree["A"], document=plans["A"], period=period)))
    pdf = soffice_pdf(xlsx, out)
    text = pdf_text(pdf)
    assert text.startswith("UBND THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "ỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc PHƯỜNG A" in text
    assert " ".join(LONG.split()) in text.replace("- ", "-")  # the wrapped name whole, its row tall enough
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Calibri" not in fonts and "Carlito" not in fonts
    images(pdf)

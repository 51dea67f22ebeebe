"""The sections a ward writes itself before finalising (kết quả đạt được, hạn chế và nguyên nhân, phương hướng
nhiệm vụ kỳ tới, đề xuất, kiến nghị): saved as a draft on the finalise page, frozen with the report and printed
in its body beside the schools' texts."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from reports.content import ReportContent, build_report_content
from reports.models import OutgoingReport, ReportSections, ReportStatus, SchoolReport
from reports.pdf import write_report_pdf
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_target

FINALISE = reverse("reports:report_finalise")
TEXTS = {
    "achievements": "Huy động trẻ ra lớp vượt kế hoạch.\nHoàn thành bồi dưỡng giáo viên năng lực số.",
    "shortcomings": "Thiếu phòng học bộ môn do quỹ đất hạn chế.",
    "next_steps": "Khởi công nhà lớp học Trường Tiểu học A1.",
    "proposals": "Đề nghị Sở GD&ĐT bổ sung biên chế giáo viên tiếng Anh.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(tree, period):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    make_target(document, rate, 0, Decimal(100), category="staff")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.APPROVED,
                                difficulties="Thiếu thiết bị dạy học số.")
    return document


def chosen(tree, plan, period):
    return {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk}


def test_the_officer_saves_the_sections_as_a_draft_without_finalising(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "save_sections": "1"})
    # the page again as posted (since 28/11/2026; a redirect lost the number and the schools' texts being edited)
    assert response.status_code == 200
    assert OutgoingReport.objects.count() == 0
    saved = ReportSections.objects.get(unit=tree["A"], document=plan, period=period)
    assert saved.texts() == TEXTS and saved.updated_by == personas["officer_a"]
    assertContains(response, "Đã lưu các phần báo cáo do đơn vị viết; báo cáo chưa được chốt.")
    assertContains(response, "Thiếu phòng học bộ môn do quỹ đất hạn chế.</textarea>")
    page = client.get(FINALISE, chosen(tree, plan, period))  # and as saved, opened again
    assertContains(page, "Thiếu phòng học bộ môn do quỹ đất hạn chế.</textarea>")


def test_the_sections_are_frozen_with_the_report_and_printed_beside_the_schools_texts(
        client, personas, tree, plan, period, tmp_path):
    client.force_login(personas["officer_a"])
    page = client.get(FINALISE, chosen(tree, plan, period)).content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "seen": seen, "number": "45/BC-UBND"})
    report = OutgoingReport.objects.get()
    assert response.status_code == 302
    content = ReportContent.from_json(report.snapshot)
    assert content.own_sections == TEXTS
    # the text is frozen: editing the sections afterwards changes no report
    ReportSections.objects.filter(unit=tree["A"]).update(shortcomings="Đã sửa sau khi chốt")
    assert ReportContent.from_json(OutgoingReport.objects.get().snapshot).own_sections["shortcomings"] == \
        TEXTS["shortcomings"]
    path = tmp_path / "report.pdf"
    path.write_bytes(write_report_pdf(content))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "I. KẾT QUẢ CHUNG 1. Kết quả đạt được Huy động trẻ ra lớp vượt kế hoạch." in text
    assert "Hoàn thành bồi dưỡng giáo viên năng lực số. 2. Kết quả theo dõi các chỉ tiêu" in text
    assert "IV. Ý KIẾN CỦA CÁC CƠ SỞ GIÁO DỤC 1. Trường Tiểu học A1 Khó khăn, vướng mắc: Thiếu thiết bị" in text
    assert "V. HẠN CHẾ VÀ NGUYÊN NHÂN Thiếu phòng học bộ môn do quỹ đất hạn chế." in text
    assert "VI. PHƯƠNG HƯỚNG NHIỆM VỤ KỲ TỚI Khởi công nhà lớp học Trường Tiểu học A1." in text
    assert "VII. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị Sở GD&ĐT bổ sung biên chế giáo viên tiếng Anh." in text


def test_a_report_without_sections_prints_no_empty_headings(tree, plan, period, tmp_path):
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    assert content.own_sections == {}
    path = tmp_path / "report.pdf"
    path.write_bytes(write_report_pdf(content))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kết quả đạt được" not in text and "HẠN CHẾ" not in text


def test_a_section_too_long_is_refused_in_vietnamese_and_nothing_is_saved(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "proposals": "x" * 10001,
                                      "number": "45/BC-UBND"})
    assertContains(response, "Giá trị này chỉ có tối đa 10000 kí tự (hiện có 10001)")
    assert not ReportSections.objects.exists() and not OutgoingReport.objects.exists()


def test_a_section_with_a_nul_character_is_refused_and_nothing_is_saved(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "proposals": "Đề nghị\x00",
                                      "number": "45/BC-UBND"})
    # the form refuses it field by field (the page again, with the message), and saves nothing
    assert response.status_code == 200
    assert "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại." in response.content.decode()
    assert not ReportSections.objects.exists() and not OutgoingReport.objects.exists()


def test_officer_b_cannot_write_the_sections_of_a(client, personas, tree, plan, period):
    client.force_login(personas["officer_b"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "save_sections": "1"})
    assert response.status_code == 404
    assert not ReportSections.objects.exists()


def test_a_principal_cannot_write_the_sections_of_the_ward(client, personas, tree, plan, period):
    client.force_login(personas["principal_a"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "save_sections": "1"})
    assert response.status_code == 404  # the ward is outside the school's scope
    assert not ReportSections.objects.exists()


def test_the_reviewer_of_the_city_cannot_write_the_sections_of_a(client, personas, tree, plan, period):
    client.force_login(personas["reviewer"])
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "save_sections": "1"})
    assert response.status_code == 403  # reads A, may not sign its report off
    assert not ReportSections.objects.exists()


def test_the_finalise_page_takes_the_same_queries_whatever_the_number_of_schools(
        client, personas, tree, plan, period, django_assert_num_queries):
    from tests.factories import make_unit

    client.force_login(personas["officer_a"])
    ReportSections.objects.create(unit=tree["A"], document=plan, period=period, **TEXTS)
    for i in range(3):
        school = make_unit(f"A-S{i}", f"Trường Mầm non số {i}", "school", tree["A"], levels=["mn"])
        SchoolReport.objects.create(school=school, period=period, status=ReportStatus.APPROVED, highlights=f"Ý {i}")
    # session, the user with its memberships, the unread notifications (top bar), the unit, the plans offered, the
    # periods, the report already finalised, the schools' narratives (with school), the sections saved
    with django_assert_num_queries(9):
        response = client.get(FINALISE, chosen(tree, plan, period))
    assertContains(response, "Khởi công nhà lớp học Trường Tiểu học A1.</textarea>")
    assertContains(response, "Ý 2</textarea>")

"""Control characters typed or pasted into a text the reports print (the ward's sections, the schools' texts as the
officer edits them on the finalise page, a school's own narrative): no XML document holds them, and one of them
made finalising fail with a server error while the Word report was written. A vertical tab or a form feed (Word's
Shift+Enter and page break, pasted) is kept as a line break; any other is refused with a Vietnamese message and
nothing is saved."""

from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from reports.catalogue import ensure_report_items
from reports.content import ReportContent
from reports.models import OutgoingReport, ReportSections, ReportStatus, SchoolReport
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_target
from tests.reports.test_report_sections import TEXTS, chosen
from tests.reports.test_school_report_views import login, post_report, report_of

FINALISE = reverse("reports:report_finalise")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def items(db):
    return ensure_report_items()


@pytest.fixture
def plan(tree, period):
    """Phường A's plan, with one school's approved report (its texts go into the ward's report)."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    make_target(document, rate, 0, Decimal(100), category="staff")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.APPROVED,
                                difficulties="Thiếu thiết bị dạy học số.")
    return document


def finalise(client, tree, plan, period, **texts):
    page = client.get(FINALISE, chosen(tree, plan, period)).content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    return client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "seen": seen, "number": "45/BC-UBND",
                                  **texts})


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x1f", "\ufffe"])
def test_a_section_with_a_control_character_is_refused_and_nothing_is_saved(client, personas, tree, plan, period,
                                                                             char):
    client.force_login(personas["officer_a"])
    response = finalise(client, tree, plan, period, shortcomings=f"Thiếu phòng{char}học bộ môn")
    assert response.status_code == 200
    assertContains(response, f"Nội dung có ký tự điều khiển không hợp lệ (mã U+{ord(char):04X}); hãy gõ lại.")
    assert not OutgoingReport.objects.exists() and not ReportSections.objects.exists()


@pytest.mark.parametrize("char", ["\x01", "\x1b"])
def test_a_schools_text_edited_with_a_control_character_is_refused_and_nothing_is_saved(
        client, personas, tree, plan, period, char):
    client.force_login(personas["officer_a"])
    response = finalise(client, tree, plan, period, **{"n0-difficulties": f"Thiếu thiết bị{char}dạy học số."})
    assert response.status_code == 200
    assertContains(response, f"Phần của Trường Tiểu học A1: nội dung có ký tự điều khiển không hợp lệ "
                             f"(mã U+{ord(char):04X}); hãy gõ lại.")
    assertContains(response, "Thiếu thiết bị")  # what the officer typed is shown again, not lost
    assert not OutgoingReport.objects.exists() and not ReportSections.objects.exists()


def test_a_schools_text_edited_with_a_nul_is_refused(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    response = finalise(client, tree, plan, period, **{"n0-proposals": "Đề nghị\x00bổ sung"})
    assertContains(response, "Phần của Trường Tiểu học A1: nội dung có ký tự không hợp lệ (ký tự NUL)")
    assert not OutgoingReport.objects.exists()


@pytest.mark.parametrize("char", ["\x0b", "\x0c"])
def test_words_line_breaks_are_kept_as_line_breaks_and_the_report_is_finalised_with_its_files(
        client, personas, tree, plan, period, char):
    client.force_login(personas["officer_a"])
    response = finalise(client, tree, plan, period, shortcomings=f"Thiếu phòng học.{char}Thiếu giáo viên.",
                        **{"n0-difficulties": f"Thiếu thiết bị.{char}Thiếu kinh phí."})
    assert response.status_code == 302
    report = OutgoingReport.objects.get()
    content = ReportContent.from_json(report.snapshot)
    assert content.own_sections["shortcomings"] == "Thiếu phòng học.\nThiếu giáo viên."
    assert content.narratives[0].difficulties == "Thiếu thiết bị.\nThiếu kinh phí."
    assert report.docx_file and report.pdf_file and report.xlsx_file


def test_a_schools_narrative_with_a_control_character_is_refused(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, highlights="Hoàn thành\x02bồi dưỡng")
    assertContains(response, "Nội dung có ký tự điều khiển không hợp lệ (mã U+0002); hãy gõ lại.")
    assert not SchoolReport.objects.filter(school=tree["A-TH1"], period=period).exists()


def test_a_schools_narrative_keeps_words_line_break(client, personas, tree, items, period):
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period, highlights="Hoàn thành bồi dưỡng.\x0bTổ chức tập huấn AI.")
    assert report_of(tree["A-TH1"], period).highlights == "Hoàn thành bồi dưỡng.\nTổ chức tập huấn AI."


def test_the_ward_finalises_a_report_whose_school_wrote_a_line_break_from_word(client, personas, tree, plan,
                                                                               period, items):
    """The school's own narrative goes into the ward's report unedited: saved through the school's form, it holds
    no control character the Word report could not write."""
    SchoolReport.objects.all().delete()
    login(client, personas["principal_a"])
    post_report(client, tree["A-TH1"], period, difficulties="Thiếu thiết bị.\x0bThiếu kinh phí.")
    SchoolReport.objects.filter(school=tree["A-TH1"]).update(status=ReportStatus.APPROVED)
    client.force_login(personas["officer_a"])
    page = client.get(FINALISE, chosen(tree, plan, period)).content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    response = client.post(FINALISE, {**chosen(tree, plan, period), **TEXTS, "seen": seen, "number": "46/BC-UBND"})
    assert response.status_code == 302
    assert OutgoingReport.objects.get().docx_file


def test_a_one_line_text_takes_words_line_break_as_a_space(client, personas, tree):
    """A unit's name goes into e-mail subjects, which refuse a line break: a vertical tab pasted into it is a space."""
    from units.forms import UnitRenameForm
    from units.maintenance import names_fingerprint

    unit = tree["A-TH1"]
    form = UnitRenameForm({"name": "Trường Tiểu học\x0bHải Thành", "short_name": "", "place_name": "",
                           "seen": names_fingerprint(unit)}, unit=unit)
    assert form.is_valid() and form.cleaned_data["name"] == "Trường Tiểu học Hải Thành"

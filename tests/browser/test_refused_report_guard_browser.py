"""A school report refused (a figure in error) or caught in a conflict comes back with what was typed, unsaved. That
page must guard it as typing does: attaching a file or leaving asks first. Before, the page that came back counted
as untouched, so attaching evidence to it threw the figures away without a word."""

import pytest
from django.core.management import call_command

from plans.models import Document
from reports.catalogue import ensure_report_items
from reports.models import SchoolReportAttachment
from tests import evidence_files
from tests.browser.conftest import sign_in
from tests.browser.test_phone_and_keyboard_browser import open_period
from tests.browser.test_phone_feedback_browser import log_in, open_page, period  # noqa: F401  (period: a fixture)
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_report_asks_before_another_form_throws_its_figures_away(
        live_server, browser, tree, personas, period, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_report_items()
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(evidence_files.pdf())
    context, page, refused = open_page(browser)
    log_in(page, live_server.url, "principal_a")
    page.goto(f"{live_server.url}/bao-cao/truong/{tree['A-TH1'].pk}/ky/{period.pk}/")
    page.fill("#id_item_so_gv", "36")
    page.fill("#id_item_so_hs", "abc")
    page.click("button[name=save]")
    page.wait_for_selector("#id_item_so_hs_error")  # refused: nothing saved, the figures shown as typed
    assert page.input_value("#id_item_so_gv") == "36"

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.set_input_files("#id_evidence_file", str(evidence))
    page.click("#attach-form button[type=submit]")
    page.wait_for_timeout(300)
    assert questions and "chưa lưu" in questions[0]
    assert not SchoolReportAttachment.objects.exists() and page.input_value("#id_item_so_gv") == "36"
    assert refused == []
    context.close()


def test_the_wards_report_being_written_is_not_lost_to_signing_out(live_server, page):
    # the sections a ward writes before finalising (long texts) went without a word when the officer signed out
    call_command("seed_demo", "--no-progress", verbosity=0)
    semester = open_period()
    ward = Unit.objects.get(code="DK")
    plan = Document.objects.filter(issuer=ward, targets__isnull=False).distinct().first()
    sign_in(page, live_server.url, "canbo.duongkinh")
    page.goto(f"{live_server.url}/bao-cao/gui-len/chot/?unit={ward.pk}&plan={plan.pk}&period={semester.pk}")
    field = page.locator("main form textarea").first
    field.fill("Hoàn thành 9/12 chỉ tiêu của kỳ.")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("form[data-sign-out] button[type=submit]", force=True)
    page.wait_for_timeout(300)
    assert questions and "chưa lưu" in questions[0] and "Lưu phần báo cáo của đơn vị" in questions[0]
    assert field.input_value() == "Hoàn thành 9/12 chỉ tiêu của kỳ."  # still signed in, on the page

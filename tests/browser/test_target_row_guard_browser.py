"""A figure typed in a target's row and not saved is guarded as the school report is: filtering the list (which
reloads the page) asks first, and a row that came back refused counts as unsaved too. Before, changing a filter or
leaving threw the figure away without a word; saving a row still asks nothing. And a phone is not told to press Esc."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from targets.models import ProgressValue, Target
from tests.browser.conftest import sign_in
from tests.browser.test_completeness_browser import log_in
from tests.browser.test_phone_and_keyboard_browser import open_period
from tests.factories import make_document, make_indicator, make_period, make_target
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_figure_typed_in_a_row_is_not_thrown_away_by_the_filter(live_server, page):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    ward = Unit.objects.get(code="DK")
    target = Target.objects.filter(document__issuer=ward, indicator__kind="count").order_by("order").first()
    ProgressValue.objects.filter(target=target, period=period).delete()
    sign_in(page, live_server.url, "canbo.duongkinh")
    page.goto(f"{live_server.url}/chi-tieu/?period={period.pk}")
    row = f"#target-{target.pk}"
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    # refused (letters): the row comes back with what was typed, unsaved; the filter asks, declined nothing goes
    page.click(f"{row} [data-edit-button]")
    page.wait_for_selector(f"{row}.editing")
    page.fill(f"{row} [name=value]", "mười bảy")
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row} .field-error")
    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("form.filters button[type=submit]")
    page.wait_for_timeout(300)
    assert questions and "chưa lưu" in questions[-1] and "dòng chỉ tiêu" in questions[-1]
    assert page.input_value(f"{row} [name=value]") == "mười bảy"  # still here, on the same page

    # corrected and saved by htmx: nothing is asked, and the filter then goes without a question
    page.fill(f"{row} [name=value]", "17")
    asked = len(questions)
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row}.saved")
    assert ProgressValue.objects.get(target=target, unit=ward, period=period).value == 17
    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert len(questions) == asked


def test_a_phone_is_not_told_of_a_key_it_has_not(live_server, browser, tree, personas):
    today = timezone.localdate()
    period = make_period(code="hk-nay", start=today - timedelta(days=30), end=today + timedelta(days=30),
                         deadline=today + timedelta(days=40))
    target = make_target(make_document(tree["A"]), make_indicator("PH", kind="count", aggregation="sum"), value=5)
    seen = {}
    for name, options in (("phone", {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}),
                          ("laptop", {"viewport": {"width": 1366, "height": 768}})):
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
        page = context.new_page()
        log_in(page, live_server.url, "officer_a")
        page.goto(f"{live_server.url}/chi-tieu/?unit={tree['A'].pk}&period={period.pk}")
        page.click(f"#target-{target.pk} [data-edit-button]")
        page.wait_for_selector(f"#target-{target.pk}.editing")
        seen[name] = page.is_visible(f"#target-{target.pk} .keyboard-hint")
        context.close()
    assert seen == {"phone": False, "laptop": True}  # "Esc để đóng" only where there is an Esc key

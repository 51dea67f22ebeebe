"""Issue 5 in a real browser: an officer uploads the Hiến Thành plan, checks the proposals against the text,
accepts every one and creates the plan; the created targets are listed."""

import pytest
from django.core.management import call_command

from demo.loader import SEED_DIR
from plans.models import PlanImport
from targets.models import Target
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = SEED_DIR / "ke-hoach-truong-th-hien-thanh.txt"


def test_an_officer_imports_the_hien_thanh_plan(live_server, page, screenshot):
    call_command("seed_demo", "--no-progress", verbosity=0)
    base = live_server.url
    sign_in(page, base, "canbo.nguyendainang")
    page.goto(f"{base}/chi-tieu/")
    page.click("text=Nhập kế hoạch từ tệp")
    page.wait_for_selector("#plan-upload")
    page.select_option("#id_unit", label="Trường Tiểu học Hiến Thành")
    page.set_input_files("#id_file", str(SAMPLE))
    page.click("#plan-upload button[type=submit]")
    page.wait_for_selector("#proposals")

    items = PlanImport.objects.get().items()
    total = page.locator("#proposals article.proposal").count()
    assert total == len(items) == 16
    # one mark per sentence: two figures of one sentence share it
    assert page.locator("#plan-text mark").count() == len({item["mark"] for item in items}) == 15
    # a proposal leads to its sentence in the text
    page.click("#p-3 [data-quote]")
    assert "current" in page.get_attribute("#q-3", "class")
    assert page.inner_text("#q-3").split() == items[3]["quote"].split()
    screenshot("plan-import-review")

    for index in range(total):
        page.click(f"#p-{index} button[value=accepted]")
        page.wait_for_selector(f"#p-{index}.decision-accepted")
    assert "16 chấp nhận" in page.inner_text("#review-counts")
    assert "0 chờ xem xét" in page.inner_text("#review-counts")
    assert not Target.objects.filter(document__imports__isnull=False).exists()  # nothing yet
    screenshot("plan-import-all-accepted")

    page.click("#plan-create button[type=submit]")
    page.wait_for_selector("#created-targets")
    rows = page.locator("#created-targets tbody tr")
    assert rows.count() == 16
    text = page.inner_text("#created-targets")
    assert "Tỷ lệ học sinh hoàn thành chương trình giáo dục tiểu học" in text
    assert "Nghị quyết 71-NQ/TW" in page.inner_text("#created-summary")
    screenshot("plan-import-created")
    document = PlanImport.objects.get().document
    assert document.issuer.code == "NDN-TH-HIENTHANH" and document.targets.count() == 16

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


def test_an_officer_imports_a_word_plan_with_a_target_table_and_its_tasks(live_server, page, screenshot, tmp_path):
    """Issue 15: a .docx whose targets stand in a table; its tasks are reviewed on the same page and created."""
    from plans.models import Task
    from tests.importer.test_plan_import_tasks import plan_docx

    call_command("seed_demo", "--no-progress", verbosity=0)
    path = tmp_path / "ke-hoach-phuong-a.docx"
    path.write_bytes(plan_docx().read())
    base = live_server.url
    sign_in(page, base, "canbo.duongkinh")
    page.goto(f"{base}/ke-hoach/nhap/")
    page.set_input_files("#id_file", str(path))
    page.click("#plan-upload button[type=submit]")
    page.wait_for_selector("#tasks")
    assert "Nhiệm vụ và phân công (6)" in page.inner_text("#tasks")
    total = page.locator("#proposals article.proposal").count()
    assert total == 5
    # the last proposal moved up: the page comes back at it, in its new place
    first_ids = [item["id"] for item in PlanImport.objects.get().items()]
    page.click("#p-4 button[value=up]")
    page.wait_for_selector("text=Đã chuyển đề xuất")
    assert page.inner_text("#p-3 .proposal-head strong") == first_ids[4]
    for index in range(total):
        page.click(f"#p-{index} button[value=accepted]")
        page.wait_for_selector(f"#p-{index}.decision-accepted")
    # drop the second task, give the first a deadline, save the tasks
    page.uncheck("#id_keep-g0-t1")
    page.fill("#id_due-g0-t0", "30/06/2026")
    page.click("#task-review button[type=submit]")
    page.wait_for_selector("#tasks")
    assert not page.is_checked("#id_keep-g0-t1")
    screenshot("plan-import-tasks")

    # edits not saved: a task's deadline goes with "Tạo kế hoạch"; a proposal edited after it was accepted
    # stops the creation with a message until it is saved
    page.fill("#id_due-g1-t0", "31/10/2027")
    page.fill("#id_p0_indicator", "Tỷ lệ trẻ em 5 tuổi ra lớp")
    assert page.is_visible("#p-0 [data-unsaved-badge]")
    page.click("#plan-create button[type=submit]")
    page.wait_for_selector("#unsaved-proposals", state="visible")
    assert "Còn 1 đề xuất có chỗ sửa chưa lưu" in page.inner_text("#unsaved-proposals")
    assert not PlanImport.objects.get().document
    page.click("#p-0 button[value=accepted]")
    page.wait_for_selector("#p-0.decision-accepted:not([data-unsaved])")
    page.click("#plan-create button[type=submit]")
    page.wait_for_selector("#created-targets")
    assert "Tỷ lệ trẻ em 5 tuổi ra lớp" in page.inner_text("#created-targets")
    assert page.locator("#created-targets tbody tr").count() == 5
    assert "5 nhiệm vụ trong 5 nhóm" in page.inner_text("#created-summary")
    document = PlanImport.objects.get().document
    assert Task.objects.filter(document=document).count() == 5
    assert Task.objects.get(document=document, group__number="III.1", order=1).due_date.isoformat() == "2026-06-30"
    assert Task.objects.get(document=document, group__number="III.2", order=1).due_date.isoformat() == "2027-10-31"


def test_on_a_phone_an_officer_drops_keeps_and_adds_the_documents_the_plan_is_based_on(live_server, browser, tree):
    """The cited documents of an import corrected on a 390 px phone: the reader's 71-NQ/TW dropped then kept again,
    the city's plan the reader missed added from the list; the title typed beside them is kept each time."""
    from plans.models import Document
    from tests.browser.layout import controls_outside_viewport, small_touch_targets
    from tests.factories import make_document, make_user
    from units.models import Role

    resolution = make_document(tree["VN"], number="71-NQ/TW", doc_type="NQ", title="Nghị quyết về đột phá giáo dục")
    city = make_document(tree["HP"], number="282/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    make_user("canbo.a", tree["A"], Role.OFFICER)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                timezone_id="Asia/Ho_Chi_Minh").new_page()
    base = live_server.url
    sign_in(phone, base, "canbo.a", password="Mat-khau-2026")
    phone.goto(f"{base}/ke-hoach/nhap/")
    phone.set_input_files("#id_file", str(SEED_DIR / "ke-hoach-phuong-kinh-mon.txt"))
    phone.click("#plan-upload button[type=submit]")
    phone.wait_for_selector("#cited-documents")
    cited = phone.locator("#cited-documents li", has_text="71-NQ/TW")
    assert "có trên cổng: Nghị quyết 71-NQ/TW" in cited.inner_text()
    problems = [p for p in small_touch_targets(phone) + controls_outside_viewport(phone)
                if "cited" in p or "Bỏ" in p or "Thêm" in p]
    assert problems == []

    phone.fill("#id_title", "Kế hoạch thực hiện Nghị quyết 71 của phường A")
    cited.get_by_role("button", name="Bỏ Nghị quyết 71-NQ/TW khỏi văn bản căn cứ").click()
    phone.wait_for_selector("#cited-documents li.dropped")
    assert "đã bỏ" in phone.locator("#cited-documents li.dropped").inner_text()
    assert phone.input_value("#id_title") == "Kế hoạch thực hiện Nghị quyết 71 của phường A"
    phone.locator("#cited-documents li.dropped").get_by_role("button", name="Giữ lại").click()
    phone.wait_for_selector("text=Đã giữ lại văn bản căn cứ.")
    assert phone.locator("#cited-documents li.dropped").count() == 0

    phone.select_option("#id_cited-document", str(city.pk))
    phone.get_by_role("button", name="Thêm", exact=True).click()
    phone.wait_for_selector("text=Đã thêm Kế hoạch 282/KH-UBND vào các văn bản căn cứ.")
    assert "thêm khi xem xét" in phone.locator("#cited-documents li", has_text="282/KH-UBND").inner_text()
    assert phone.input_value("#id_title") == "Kế hoạch thực hiện Nghị quyết 71 của phường A"
    ids = {p.get("document_id") for p in PlanImport.objects.get().proposals["parents"] if not p.get("dropped")}
    assert {resolution.pk, city.pk} <= ids and Document.objects.count() == 2

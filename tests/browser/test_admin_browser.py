"""An administrator signs in with a real browser and finds the demo plans in the admin."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_signs_in_and_sees_the_demo_plans(live_server, page, screenshot):
    call_command("seed_demo", "--no-progress", verbosity=0)
    page.goto(f"{live_server.url}/admin/")
    assert "Đăng nhập" in page.content()
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", "Demo@2026")
    page.click("input[type=submit]")
    page.wait_for_selector("text=Văn bản, kế hoạch")
    page.click("text=Văn bản, kế hoạch")
    page.wait_for_selector("#result_list")
    text = page.inner_text("#result_list")
    assert "Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh" in text
    assert "71-NQ/TW" in text
    screenshot("admin-documents")

    page.click("text=Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh")
    page.wait_for_selector("#targets-group")
    assert "Đặng Xuân Điện" in page.input_value("input[name=signer_name]")
    assert page.locator("#targets-group tr.form-row.has_original").count() == 48 + 37
    screenshot("admin-plan-duong-kinh")


def test_a_wrong_password_is_refused_in_vietnamese(live_server, page):
    call_command("seed_demo", "--no-progress", verbosity=0)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("input[type=submit]")
    page.wait_for_selector(".errornote")
    assert "đúng" in page.inner_text(".errornote")  # "Vui lòng nhập đúng tên đăng nhập và mật khẩu…"

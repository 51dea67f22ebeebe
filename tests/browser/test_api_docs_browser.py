"""The API's documentation page and the token page in a real browser, under the Content-Security-Policy (the `page`
fixture fails the test on any breach)."""

import re

import pytest

from tests.factories import make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_creates_a_token_and_tries_it_in_the_documentation(live_server, page, screenshot):
    make_user("canbo", make_unit("A", "Phường A", "commune"), "officer")
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "canbo")
    page.fill("#id_password", "Mat-khau-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Việc cần làm")
    page.click("text=Khóa API")
    page.fill("#id_name", "Thử API")
    page.click("button:has-text('Tạo khóa')")
    token = page.inner_text("#token-value")
    assert re.fullmatch(r"nq71_[0-9a-f]+_[\w-]+", token)
    screenshot("api-token-created")

    page.click("footer >> text=Tài liệu API")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "API của Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/units/")
    page.click("button.authorize")
    page.fill(".auth-container input[type=text]", token)
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")
    operation = page.locator(".opblock-get", has=page.locator("[data-path='/api/v1/units/']"))
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert '"code": "A"' in operation.locator(".live-responses-table .microlight").first.inner_text()
    screenshot("api-docs")

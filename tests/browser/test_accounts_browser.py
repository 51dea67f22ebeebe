"""A city administrator brings a school on board through pages only: adds the school, creates its principal's
account; the principal sets a password from the e-mailed link and signs in. No CSP breach on any page."""

import re

import pytest
from django.core import mail

from tests.factories import make_user
from units.models import Role, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_school_and_its_principal_come_on_board_through_pages(live_server, page, browser, tree, settings,
                                                                    screenshot):
    settings.PORTAL_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN, email="quantri@sgd.example.vn")

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "quantri.sgd")
    page.fill("#id_password", "Mat-khau-2026")
    page.click("button[type=submit]")
    page.click("nav.mainnav >> text=Tài khoản")
    page.wait_for_selector("#accounts")
    page.click("text=Danh mục đơn vị")
    page.click("#units >> text=Phường A")
    page.click("text=Thêm đơn vị trực thuộc Phường A")
    page.select_option("#id_kind", "school")
    page.fill("#id_code", "A-MN9")
    page.fill("#id_name", "Trường Mầm non A9")
    page.check("input[name=levels][value=mn]")
    page.click("main button[type=submit]")  # not the sign-out button of the top bar
    page.wait_for_selector("text=Đã thêm Trường Mầm non A9 (A-MN9) vào Phường A.")
    school = Unit.objects.get(code="A-MN9")

    page.goto(f"{live_server.url}/quan-tri/tai-khoan/tao/")
    page.fill("#id_username", "hieutruong.a9")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.fill("#id_email", "lan@a9.edu.vn")
    page.select_option("#id_unit", str(school.pk))
    page.select_option("#id_role", Role.SCHOOL_STAFF)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Đã tạo tài khoản hieutruong.a9 và gửi thư đặt mật khẩu tới lan@a9.edu.vn.")
    screenshot("account-created")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/dat-mat-khau/\S+", message.body).group(0)
    assert link.startswith(live_server.url)
    principal = browser.new_context(locale="vi-VN").new_page()
    principal.goto(link)
    principal.fill("#id_new_password1", "Hoa-Sen-Vang-2026")
    principal.fill("#id_new_password2", "Hoa-Sen-Vang-2026")
    principal.click("main button[type=submit]")
    principal.wait_for_selector("text=Đã đặt mật khẩu")
    principal.click("main a.button")
    principal.fill("#id_username", "hieutruong.a9")
    principal.fill("#id_password", "Hoa-Sen-Vang-2026")
    principal.click("main button[type=submit]")
    principal.wait_for_selector("text=Cán bộ trường · Trường Mầm non A9")

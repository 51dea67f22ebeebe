"""Issue 12's "Done when": a whole reporting cycle from an empty province, through pages only. The Sở's
administrator adds a ward and its school, imports the ward's accounts from an Excel list; the principal sets a
password from the e-mailed link and submits the semester report; the officer approves it and finalises the ward's
report; the ward's leader approves it; the officer sends it; the Sở's reviewer acknowledges it; the officer sees
the acknowledgement. After the fixture below, no step writes through the ORM, the admin or the shell.

The fixture holds only what no page creates: the national root, the province with its Sở, the Sở administrator,
the reporting period, the standard items of the school form, and a plan with one target. The plan is the
province's: no page creates a ward's plan by hand (only the importer, from a document), and the ward does not exist
before the walk; a ward reports on the plans issued above it too (targets/selection.py: plans_for)."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook

from reports.catalogue import ensure_report_items
from tests.browser.test_report_workflow_browser import FIGURES, YES_NO
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit, make_user
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "Mat-khau-2026"  # tests/factories.make_user
ACCOUNTS = [  # username, full name, e-mail, unit code, role (as the template's list offers it), title
    ("canbo.hoaan", "Phạm Thị Thu", "thu.pt@hoaan.gov.vn", "HP-HOAAN", "Cán bộ phụ trách", "Chuyên viên"),
    ("lanhdao.hoaan", "Trần Văn Hùng", "hung.tv@hoaan.gov.vn", "HP-HOAAN", "Lãnh đạo", "Chủ tịch UBND"),
    ("hieutruong.thhoaan", "Nguyễn Thị Lan", "lan.nt@thhoaan.edu.vn", "HOAAN-TH1", "Cán bộ trường", "Hiệu trưởng"),
    ("theodoi.sgd", "Lê Minh Tuấn", "tuan.lm@sgd.gov.vn", "HP-SGDDT", "Cán bộ cấp trên (theo dõi)", "Chuyên viên"),
]
PASSWORDS = {username: f"Hoa-Phuong-{index}-2026" for index, (username, *_) in enumerate(ACCOUNTS)}
PLAN = "282/KH-UBND"


@pytest.fixture
def empty_province(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")  # chromium's PDF is slow
    vn = make_unit("VN", "Trung ương", "central")
    province = make_unit("HP", "Thành phố Hải Phòng", "province", vn, place_name="Hải Phòng")
    sgd = make_unit("HP-SGDDT", "Sở Giáo dục và Đào tạo Hải Phòng", "department", province)
    make_user("quantri.sgd", sgd, Role.UNIT_ADMIN, email="quantri@sgd.gov.vn")
    today = timezone.localdate()
    period = make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                         end=today + timedelta(30), deadline=today + timedelta(40))
    items = ensure_report_items()
    plan = make_document(province, PLAN, "Kế hoạch thực hiện Nghị quyết 71-NQ/TW của Thành phố",
                         issued_on=date(2025, 10, 30))
    indicator = make_indicator("hs-lop5-vao-lop6", "Tỷ lệ học sinh lớp 5 hoàn thành chương trình tiểu học vào lớp 6",
                               unit_label="%", numerator_item=items["so-hs-lop5-vao-lop6"],
                               denominator_item=items["so-hs-lop5"])
    make_target(plan, indicator, value=95)
    return {"province": province, "period": period}


def accounts_workbook(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tài khoản"
    sheet.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Chức vụ (không bắt buộc)"])
    for row in ACCOUNTS:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, base, username, password):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Đăng xuất")


def sign_out(page):
    page.click("text=Đăng xuất")
    page.wait_for_selector("#id_username")


def set_password_from_mail(page, settings, username):
    """Open the link of the e-mail sent to the account's address and choose a password."""
    address = next(email for name, _, email, *_ in ACCOUNTS if name == username)
    # the one letter with a set-password link (notifications of the walk reach the same address)
    (link,) = [match.group(0) for m in mail.outbox if address in m.to
               for match in [re.search(r"https?://\S+/dat-mat-khau/\S+", m.body)] if match]
    assert link.startswith(settings.PORTAL_URL)
    page.goto(link)
    page.fill("#id_new_password1", PASSWORDS[username])
    page.fill("#id_new_password2", PASSWORDS[username])
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Đã đặt mật khẩu")


def test_a_province_runs_a_whole_cycle_through_pages(live_server, page, settings, empty_province, tmp_path,
                                                     screenshot):
    settings.PORTAL_URL = live_server.url
    mail.outbox = []
    base = live_server.url
    province = empty_province["province"]

    # the Sở's administrator adds a ward under the city, and a primary school under the ward
    sign_in(page, base, "quantri.sgd", ADMIN_PASSWORD)
    page.click("nav.mainnav >> text=Tài khoản")
    page.click("text=Danh mục đơn vị")
    page.click(f"text=Thêm đơn vị trực thuộc {province.name}")
    page.select_option("#id_kind", "commune")
    page.fill("#id_code", "HP-HOAAN")
    page.fill("#id_name", "Phường Hòa An")
    page.click("main button[type=submit]")
    page.wait_for_selector(f"text=Đã thêm Phường Hòa An (HP-HOAAN) vào {province.name}.")
    page.click("#units >> text=Phường Hòa An")
    page.click("text=Thêm đơn vị trực thuộc Phường Hòa An")
    page.select_option("#id_kind", "school")
    page.fill("#id_code", "HOAAN-TH1")
    page.fill("#id_name", "Trường Tiểu học Hòa An")
    page.check("input[name=levels][value=th]")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Đã thêm Trường Tiểu học Hòa An (HOAAN-TH1) vào Phường Hòa An.")
    assert "Trường Tiểu học Hòa An" in page.inner_text("#units")

    # ... and imports the ward's accounts, and the Sở's reviewer, from an Excel list
    page.click("nav.mainnav >> text=Tài khoản")
    page.click("text=Nhập danh sách từ Excel")
    page.set_input_files("#id_file", str(accounts_workbook(tmp_path / "tai-khoan-hoa-an.xlsx")))
    page.click("main button[type=submit]")
    page.wait_for_selector("#import-created")
    assert "Đã tạo 4 tài khoản và gửi thư đặt mật khẩu." in page.inner_text("main")
    created = page.inner_text("#import-created")
    for username, full_name, email, *_ in ACCOUNTS:
        assert f"{username} — {full_name} — {email}" in created
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(a[2] for a in ACCOUNTS)
    screenshot("full-cycle-accounts-imported")
    sign_out(page)

    # the principal sets a password from the e-mailed link, signs in, fills in and submits the report
    set_password_from_mail(page, settings, "hieutruong.thhoaan")
    sign_in(page, base, "hieutruong.thhoaan", PASSWORDS["hieutruong.thhoaan"])
    assert "Cán bộ trường · Trường Tiểu học Hòa An" in page.inner_text("body")
    page.click("text=Nhập báo cáo")
    page.wait_for_selector("#report-form")
    for name, value in FIGURES.items():
        page.fill(f"#id_item_{name}", value)
    for name in YES_NO:
        page.select_option(f"#id_item_{name}", "1")
    page.fill("#id_highlights", "Hoàn thành bồi dưỡng chuyển đổi số cho giáo viên.")
    page.once("dialog", lambda dialog: dialog.accept())  # "Nộp báo cáo …?"
    page.click("button[name=submit]")
    page.wait_for_selector("text=Đã nộp báo cáo")
    assert page.inner_text("#report-status") == "Đã nộp, chờ duyệt"
    sign_out(page)

    # the officer sets a password, approves the school's report, then finalises the ward's report
    set_password_from_mail(page, settings, "canbo.hoaan")
    sign_in(page, base, "canbo.hoaan", PASSWORDS["canbo.hoaan"])
    assert "Trường Tiểu học Hòa An" in page.inner_text(".officer-block")
    page.click("text=Trường Tiểu học Hòa An — ")
    page.once("dialog", lambda dialog: dialog.accept())  # "Duyệt báo cáo …?"
    page.click("#review button.primary")
    page.wait_for_selector("text=Đã duyệt báo cáo")
    assert page.inner_text("#report-status") == "Đã duyệt"
    page.click("nav.mainnav >> text=Bảng điều khiển")
    page.wait_for_selector("text=Bảng điều khiển: Phường Hòa An")
    page.click("text=Chốt và gửi báo cáo kỳ này")
    page.fill("#number", "15/BC-UBND")
    page.once("dialog", lambda dialog: dialog.accept())  # "Chốt báo cáo … ?"
    page.click("main button.primary:has-text('Chốt báo cáo')")
    page.wait_for_selector("text=Đã chốt báo cáo")
    assert page.inner_text("#outgoing-status") == "Chờ lãnh đạo phê duyệt"
    report_url = page.url
    sign_out(page)

    # the ward's leader sets a password and approves the report: their name goes under the signature
    set_password_from_mail(page, settings, "lanhdao.hoaan")
    sign_in(page, base, "lanhdao.hoaan", PASSWORDS["lanhdao.hoaan"])
    assert "Báo cáo chờ lãnh đạo phê duyệt" in page.inner_text(".overview-block")
    page.wait_for_selector("#notification-count")
    assert page.text_content("#notification-count") == "1 thông báo chưa đọc"
    page.click("a.notifications")
    page.click("text=Xem và đánh dấu đã đọc")
    page.wait_for_selector("#approve")
    assert page.url == report_url
    assert "Trần Văn Hùng" in page.inner_text("#approve")
    page.once("dialog", lambda dialog: dialog.accept())  # "Phê duyệt báo cáo này? …"
    page.click("#approve button[type=submit]")
    page.wait_for_selector("text=Đã phê duyệt báo cáo")
    assert page.inner_text("#outgoing-status") == "Lãnh đạo đã phê duyệt, chưa gửi"
    sign_out(page)

    # the officer sends it up to the city, from the list of reports sent and received
    sign_in(page, base, "canbo.hoaan", PASSWORDS["canbo.hoaan"])
    page.click("nav.mainnav >> text=Báo cáo gửi, nhận")
    page.click(f"text=Kế hoạch {PLAN}")
    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi báo cáo lên …?"
    page.click(f"button:has-text('Gửi lên {province.name}')")
    page.wait_for_selector(f"text=Đã gửi báo cáo lên {province.name}.")
    sign_out(page)

    # the Sở's reviewer sets a password, finds the report on the home page and acknowledges it
    set_password_from_mail(page, settings, "theodoi.sgd")
    sign_in(page, base, "theodoi.sgd", PASSWORDS["theodoi.sgd"])
    assert f"Phường Hòa An — Kế hoạch {PLAN}" in page.inner_text(".overview-block")
    page.click(f"text=Phường Hòa An — Kế hoạch {PLAN}")
    page.check("#answer input[value=acknowledge]")  # nothing is chosen beforehand
    page.once("dialog", lambda dialog: dialog.accept())  # "Xác nhận đã nhận báo cáo …? …"
    page.click("#answer button[type=submit]")
    page.wait_for_selector("text=Đã xác nhận đã nhận báo cáo.")
    sign_out(page)

    # the officer is told (top bar, and a letter with an absolute link) and sees the acknowledgement on the
    # report's page, with who took each step
    (letter,) = [m for m in mail.outbox if "thu.pt@hoaan.gov.vn" in m.to and "đã xác nhận nhận báo cáo" in m.subject]
    assert report_url in letter.body
    sign_in(page, base, "canbo.hoaan", PASSWORDS["canbo.hoaan"])
    page.wait_for_selector("#notification-count")
    assert page.text_content("#notification-count") == "1 thông báo chưa đọc"
    page.click("a.notifications")
    page.click("text=Xem và đánh dấu đã đọc")
    page.wait_for_selector("#outgoing-steps")
    assert page.url == report_url
    assert "Trần Văn Hùng" in page.inner_text("main")  # the signature block names the leader who approved
    assert page.inner_text("#outgoing-status") == "Cấp trên đã xác nhận đã nhận"
    steps = page.inner_text("#outgoing-steps")
    for step in ("Chốt báo cáo", "Lãnh đạo phê duyệt", "Gửi lên cấp trên", "Cấp trên xác nhận đã nhận",
                 "Phạm Thị Thu", "Trần Văn Hùng", "Lê Minh Tuấn"):
        assert step in steps
    screenshot("full-cycle-acknowledged")

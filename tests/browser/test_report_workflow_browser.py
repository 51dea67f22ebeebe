"""Issue 3's path in a real browser: a principal submits, the officer returns, the principal corrects and
resubmits, the officer approves, and the ward's target shows the new aggregated value."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from periods.models import current_period
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURES = {  # a primary school's semester figures; parts never above their wholes
    "so_cbgvnv": "50", "so_cbgvnv_quan_triet": "48", "so_cbql_gv": "45", "so_gv": "40", "so_gv_dat_chuan": "38",
    "so_gv_tren_chuan": "12", "so_cbql_gv_boi_duong_cds": "30", "so_gv_tap_huan_ai": "20", "so_cbql_gv_ung_dung_ai": "15",
    "so_gv_boi_duong_nang_luc_so": "25", "so_hs": "1.050", "so_hs_bo_hoc": "0", "so_hs_2_buoi": "1.000",
    "so_hs_ngoai_khoa": "400", "so_hs_hoan_thanh_th": "1.040", "so_hs_lop5": "150", "so_hs_lop5_vao_lop6": "140",
    "so_lop": "30", "so_lop_2_buoi": "28", "so_phong_hoc_thong_minh": "2", "muc_chuan_quoc_gia": "2",
    "cap_do_kiem_dinh": "3", "so_vu_bao_luc": "0",
}
YES_NO = ["ket_noi_internet", "thiet_bi_day_hoc_so", "ung_dung_ai", "phan_mem_quan_tri"]


def sign_out(page):
    page.click("text=Đăng xuất")
    page.wait_for_selector("#id_username")


def test_a_report_goes_round_the_workflow_and_reaches_the_ward_target(live_server, page, screenshot):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = current_period()
    period.deadline = timezone.localdate() + timedelta(days=10)  # whatever day the suite runs, entry is open
    period.save(update_fields=["deadline"])
    base = live_server.url

    # the principal of TH Hải Thành fills in the report and submits it
    sign_in(page, base, "hieutruong.thhaithanh")
    page.click("text=Nhập báo cáo")
    page.wait_for_selector("#report-form")
    for name, value in FIGURES.items():
        page.fill(f"#id_item_{name}", value)
    for name in YES_NO:
        page.select_option(f"#id_item_{name}", "1")
    page.fill("#id_highlights", "Hoàn thành bồi dưỡng chuyển đổi số cho giáo viên.")
    screenshot("school-report-filled")
    page.once("dialog", lambda dialog: dialog.accept())  # "Nộp báo cáo …?"
    page.click("button[name=submit]")
    page.wait_for_load_state()
    screenshot("school-report-submitted")
    page.wait_for_selector("text=Đã nộp báo cáo", timeout=5000)
    assert page.inner_text("#report-status") == "Đã nộp, chờ duyệt"
    sign_out(page)

    # the ward officer returns it with a comment
    sign_in(page, base, "canbo.duongkinh")
    assert "Trường Tiểu học Hải Thành" in page.inner_text(".officer-block")
    page.click("text=Trường Tiểu học Hải Thành — ")
    page.fill("#id_comment", "Số học sinh lớp 5 vào lớp 6 chưa khớp với sổ theo dõi, đề nghị kiểm tra lại.")
    page.click("text=Trả lại báo cáo")
    page.wait_for_selector("text=Đã trả lại báo cáo")
    sign_out(page)

    # the principal sees why, corrects the figure and resubmits
    sign_in(page, base, "hieutruong.thhaithanh")
    assert "Số học sinh lớp 5 vào lớp 6 chưa khớp" in page.inner_text(".school-block")
    page.click("text=Nhập báo cáo")
    assert page.input_value("#id_item_so_hs_lop5_vao_lop6") == "140"
    page.fill("#id_item_so_hs_lop5_vao_lop6", "148")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=submit]")
    page.wait_for_selector("text=Đã nộp báo cáo")
    sign_out(page)

    # the officer approves; the ward's target now shows 148/150
    sign_in(page, base, "canbo.duongkinh")
    page.click("text=Trường Tiểu học Hải Thành — ")
    page.once("dialog", lambda dialog: dialog.accept())  # "Duyệt báo cáo …?"
    page.click("#review button.primary")
    page.wait_for_load_state()
    screenshot("school-report-approved")
    page.wait_for_selector("text=Đã duyệt báo cáo", timeout=5000)
    assert page.inner_text("#report-status") == "Đã duyệt"
    page.goto(f"{base}/chi-tieu/?period={period.pk}")
    row = page.locator("#target-table tr", has_text="Tỷ lệ học sinh lớp 5 hoàn thành chương trình tiểu học vào lớp 6").first
    text = row.inner_text()
    assert "98,7%" in text and "148/150" in text
    screenshot("ward-targets-after-approval")

"""The bulk import of accounts from an Excel list: cell-by-cell Vietnamese errors, all or nothing, the
administrator's scope only, a set-password e-mail for each new account."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_user
from units.account_import import SHEET, UNITS_SHEET
from units.models import AdminEvent, Membership, Role

User = get_user_model()
IMPORT = reverse("units:account_import")
TEMPLATE = reverse("units:account_import_template")


@pytest.fixture
def admin_a(tree):
    # the administrator of phường A
    return make_user("quantri.a", tree["A"], Role.UNIT_ADMIN)


def workbook_of(rows, sheet=SHEET):
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Chức vụ"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("tai-khoan.xlsx", buffer.getvalue())


GOOD = [
    ["hieutruong.a1", "Nguyễn Thị Hoa", "hoa@a1.edu.vn", "A-TH1", "Cán bộ trường", "Hiệu trưởng"],
    ["hieutruong.a2", "Trần Văn Bình", "binh@a2.edu.vn", "A-THCS", "Cán bộ trường", "Hiệu trưởng"],
    ["lanhdao.a", "Lê Văn Cường", "cuong@phuonga.gov.vn", "A", "Lãnh đạo", "Phó Chủ tịch UBND phường"],
]


def errors_of(response):
    return re.findall(r"<li>([^<]*)</li>", response.content.decode().split('id="import-errors"')[1])


def test_the_template_lists_the_columns_and_the_units_of_the_administrators_scope(client, tree, admin_a):
    client.force_login(admin_a)
    response = client.get(TEMPLATE)
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-tai-khoan.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook[SHEET][1]] == ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị",
                                                     "Vai trò", "Chức vụ (không bắt buộc)"]
    codes = [row[0] for row in workbook[UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert codes == ["A", "A-THCS", "A-TH1", "A-VHXH"] or sorted(codes) == ["A", "A-TH1", "A-THCS", "A-VHXH"]
    assert "B" not in codes and "B-MN" not in codes


def test_a_valid_list_creates_every_account_and_mails_each_an_absolute_link(client, tree, admin_a, mailoutbox,
                                                                           settings):
    settings.PORTAL_URL = "https://nq71.example.gov.vn"
    client.force_login(admin_a)
    response = client.post(IMPORT, {"file": workbook_of(GOOD)}, follow=True)
    page = response.content.decode()
    assert "Đã tạo 3 tài khoản và gửi thư đặt mật khẩu." in page
    principal = User.objects.get(username="hieutruong.a1")
    assert principal.get_full_name() == "Nguyễn Thị Hoa" and not principal.has_usable_password()
    assert principal.memberships.get().unit == tree["A-TH1"]
    assert Membership.objects.get(user__username="lanhdao.a").role == Role.LEADER
    assert sorted(m.to[0] for m in mailoutbox) == ["binh@a2.edu.vn", "cuong@phuonga.gov.vn", "hoa@a1.edu.vn"]
    assert all("https://nq71.example.gov.vn/dat-mat-khau/" in m.body for m in mailoutbox)
    assert AdminEvent.objects.filter(action="account_imported", by=admin_a).count() == 3


def test_one_bad_cell_saves_nothing_and_names_the_cell(client, tree, admin_a, mailoutbox):
    client.force_login(admin_a)
    rows = [*GOOD, ["gv.a", "Phạm Văn Dũng", "dung-khong-hop-le", "A-TH1", "Cán bộ trường", ""]]
    response = client.post(IMPORT, {"file": workbook_of(rows)})
    assert errors_of(response) == [f"{SHEET}!C5: Địa chỉ thư điện tử “dung-khong-hop-le” không hợp lệ."]
    assert "Chưa tạo tài khoản nào: tệp có 1 lỗi." in response.content.decode()
    assert not User.objects.filter(username__in=["hieutruong.a1", "hieutruong.a2", "lanhdao.a", "gv.a"]).exists()
    assert mailoutbox == [] and not AdminEvent.objects.exists()


def test_every_kind_of_bad_cell_is_reported_in_vietnamese(client, tree, admin_a, personas):
    client.force_login(admin_a)
    rows = [
        ["", "", "", "", "", ""],  # empty: skipped
        ["co dau cach", "", "a@x.vn", "A", "Lãnh đạo", ""],
        ["officer_a", "Tên", "b@x.vn", "A", "Lãnh đạo", ""],
        ["moi.1", "Tên", "c@x.vn", "B-MN", "Cán bộ trường", ""],
        ["moi.2", "Tên", "c@x.vn", "A", "Cán bộ trường", ""],
        ["moi.3", "Tên", "", "KHONG-CO", "Quản trị hệ thống", ""],
        ["moi.3", "Tên", "e@x.vn", "A", "", "=1+1"],
    ]
    errors = errors_of(client.post(IMPORT, {"file": workbook_of(rows)}))
    assert errors == [
        f"{SHEET}!A3: Tên đăng nhập “co dau cach” không hợp lệ: chỉ gồm chữ, số và các dấu . @ + - _ (tối đa 150 ký tự).",
        f"{SHEET}!B3: Thiếu họ và tên.",
        f"{SHEET}!A4: Tên đăng nhập “officer_a” đã có người dùng.",
        f"{SHEET}!D5: Mã đơn vị “B-MN” không có, hoặc không thuộc phạm vi bạn quản trị (xem trang “{UNITS_SHEET}”).",
        f"{SHEET}!C6: Địa chỉ c@x.vn trùng với dòng 5.",
        f"{SHEET}!E6: Vai trò cán bộ trường chỉ gán cho một trường học; “Phường A” không phải trường học.",
        f"{SHEET}!C7: Thiếu thư điện tử: thư đặt mật khẩu được gửi tới địa chỉ này.",
        f"{SHEET}!D7: Mã đơn vị “KHONG-CO” không có, hoặc không thuộc phạm vi bạn quản trị (xem trang “{UNITS_SHEET}”).",
        f"{SHEET}!E7: Vai trò “Quản trị hệ thống” không hợp lệ: chọn một trong Lãnh đạo, Cán bộ phụ trách, "
        "Cán bộ trường, Cán bộ cấp trên (theo dõi), Quản trị tài khoản đơn vị.",
        f"{SHEET}!F8: Ô có công thức: hãy ghi giá trị, không dùng công thức.",
    ]
    assert User.objects.count() == len(personas) + 1


@pytest.mark.parametrize("content, message", [
    (b"", "chọn tệp Excel danh sách tài khoản."),
    (b"ten,email\nx,y\n", "Tệp không phải là tệp Excel .xlsx."),
    (b"PK\x03\x04 hong", "Không đọc được tệp Excel"),
])
def test_a_file_that_is_not_a_workbook_is_refused(client, tree, admin_a, content, message):
    client.force_login(admin_a)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("x.xlsx", content)})
    assert message in response.content.decode()
    assert not User.objects.filter(username="quantri.a").exclude(pk=admin_a.pk).exists()


def test_a_workbook_without_the_list_sheet_is_refused(client, tree, admin_a):
    client.force_login(admin_a)
    response = client.post(IMPORT, {"file": workbook_of(GOOD, sheet="Sheet1")})
    assert f"Tệp không có trang tính “{SHEET}”" in response.content.decode()


def test_the_administrator_of_b_cannot_import_accounts_into_a(client, tree, mailoutbox):
    client.force_login(make_user("quantri.b", tree["B"], Role.UNIT_ADMIN))
    errors = errors_of(client.post(IMPORT, {"file": workbook_of(GOOD)}))
    assert [e.split(":")[0] for e in errors] == [f"{SHEET}!D2", f"{SHEET}!D3", f"{SHEET}!D4"]
    assert not User.objects.filter(username="hieutruong.a1").exists() and mailoutbox == []


def test_an_officer_cannot_import(client, personas):
    client.force_login(personas["officer_a"])
    assert client.post(IMPORT, {"file": workbook_of(GOOD)}).status_code == 403
    assert not User.objects.filter(username="hieutruong.a1").exists()


def test_checking_a_list_takes_a_fixed_number_of_queries(client, tree, admin_a, django_assert_max_num_queries):
    client.force_login(admin_a)
    bad = [[f"gv.{n}", "Tên", f"gv{n}@x.vn", "A-TH1", "Sai vai trò", ""] for n in range(3)]
    # session, the user with its memberships, taken usernames, taken e-mails, the units named
    with django_assert_max_num_queries(6):
        client.post(IMPORT, {"file": workbook_of(bad)})
    bad = [[f"gv.{n}", "Tên", f"gv{n}@x.vn", "A-TH1", "Sai vai trò", ""] for n in range(40)]
    with django_assert_max_num_queries(6):
        response = client.post(IMPORT, {"file": workbook_of(bad)})
    assert len(errors_of(response)) == 40


def test_a_unit_named_as_a_formula_is_written_as_text_in_the_template(client, tree, admin_a):
    # audit: a unit renamed '=HYPERLINK("http://evil.example/","x")' was a live formula in the template's unit sheet
    evil = '=HYPERLINK("http://evil.example/","x")'
    tree["A-TH1"].name = evil
    tree["A-TH1"].save()
    tree["A-VHXH"].name = "+cmd|' /C calc'!A0"
    tree["A-VHXH"].save()
    client.force_login(admin_a)
    content = client.get(TEMPLATE).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = {row[0].value: row[1] for row in workbook[UNITS_SHEET].iter_rows(min_row=2)}
    assert cells["A-TH1"].value == evil and cells["A-TH1"].data_type == "s"
    assert cells["A-VHXH"].data_type == "s"
    # not a formula anywhere in the file
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)
    assert all(cell.data_type == "s" for row in workbook[UNITS_SHEET].iter_rows() for cell in row
               if cell.value is not None)


def test_an_account_of_the_list_created_meanwhile_by_someone_else_creates_none(client, tree, admin_a, mailoutbox,
                                                                               monkeypatch):
    """The list was checked, then another administrator created one of its logins before the import was saved: the
    import is refused in Vietnamese as a whole (no 500, no first rows kept)."""
    import units.account_import as account_import

    saved = account_import.create_account

    def someone_else_first(**kwargs):
        if kwargs["username"] == "hieutruong.a1":
            saved(username="lanhdao.a", full_name="Lê Văn Cường", email="", unit=tree["A"], role=Role.LEADER,
                  by=admin_a, password="Tam@2026-xyz")
        return saved(**kwargs)

    monkeypatch.setattr(account_import, "create_account", someone_else_first)
    client.force_login(admin_a)
    response = client.post(IMPORT, {"file": workbook_of(GOOD)})
    assert response.status_code == 200
    assert "Chưa tạo tài khoản nào: Tên đăng nhập “lanhdao.a” vừa được tạo cho một tài khoản khác" in (
        response.content.decode())
    assert not User.objects.filter(username__in=["hieutruong.a1", "hieutruong.a2"]).exists()
    assert mailoutbox == []


def test_a_login_or_address_taken_in_another_case_is_named_on_its_cell(client, tree, admin_a, mailoutbox):
    """The list's "HieuTruong.A1" is the existing "hieutruong.a1" (the web form refuses it so): the cell says so,
    not a refusal of the whole file as if someone had just created it, and nothing is created."""
    make_user("hieutruong.a1", tree["A-TH1"], Role.SCHOOL_STAFF)
    User.objects.filter(username="hieutruong.a1").update(email="Binh@A2.edu.vn")
    rows = [["HieuTruong.A1", *GOOD[0][1:]], GOOD[1], GOOD[2]]
    client.force_login(admin_a)
    response = client.post(IMPORT, {"file": workbook_of(rows)})
    assert errors_of(response) == ["Tài khoản!A2: Tên đăng nhập “HieuTruong.A1” đã có người dùng.",
                                   "Tài khoản!C3: Địa chỉ binh@a2.edu.vn đã thuộc một tài khoản khác."]
    assert not User.objects.filter(username__in=["hieutruong.a2", "lanhdao.a"]).exists() and mailoutbox == []

"""manage.py import_units: a province's unit tree from a CSV file, all of it or nothing."""

import unicodedata
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_user
from units.models import AdminEvent, Unit

HEADER = "Mã đơn vị;Tên đơn vị;Loại đơn vị;Mã đơn vị cấp trên;Cấp học;Tên ngắn;Địa danh;Thư điện tử;Hoạt động từ ngày\n"
# a ward of Hải Phòng with its schools, as a province's IT officer exports it from Excel ("CSV UTF-8": a BOM,
# semicolons): a school listed before its ward, kinds by label or value, an inter-level school
GOOD = HEADER + (
    "C-TH1;Trường Tiểu học Hải An 1;Trường học;C;th;;;th1@haian.edu.vn;\n"
    "C;Ủy ban nhân dân phường Hải An;Xã / phường / đặc khu;HP;;Phường Hải An;Hải An;ubnd@haian.gov.vn;01/07/2025\n"
    "C-LC;Trường TH&THCS Hải An;school;C;th, thcs;;;;\n"
    "C-VHXH;Phòng Văn hóa - Xã hội phường Hải An;commune_office;C;;;;;\n"
)


def write(tmp_path, text, name="donvi.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8-sig"))
    return str(path)


@pytest.fixture
def admin(tree):
    # the system administrator who runs the command (createsuperuser on a new server)
    return make_user("quantri.tinh", is_superuser=True, is_staff=True)


def test_it_creates_the_tree_parents_first_whatever_the_order_of_the_lines(tree, admin, tmp_path, capsys):
    call_command("import_units", write(tmp_path, GOOD), "--by", "quantri.tinh")

    assert "Đã thêm 4 đơn vị." in capsys.readouterr().out
    ward = Unit.objects.get(code="C")
    assert (ward.path, ward.kind, ward.valid_from, ward.place_name) == ("/VN/HP/C/", "commune", date(2025, 7, 1), "Hải An")
    assert Unit.objects.get(code="C-TH1").path == "/VN/HP/C/C-TH1/"
    assert Unit.objects.get(code="C-LC").levels == ["th", "thcs"]
    assert Unit.objects.get(code="C-VHXH").kind == "commune_office"
    assert AdminEvent.objects.filter(action=AdminEvent.Action.UNIT_CREATED, by=admin).count() == 4


def test_it_starts_a_new_tree_at_a_unit_without_parent(db, tmp_path):
    make_user("quantri.qn", is_superuser=True, is_staff=True)
    text = (HEADER + "QN;Tỉnh Quảng Ninh;province;;;;Quảng Ninh;;\n"
            "QN-X1;UBND xã Một;commune;QN;;;;;\nQN-X1-MN;Trường Mầm non Một;school;QN-X1;mn;;;;\n")
    call_command("import_units", write(tmp_path, text), "--by", "quantri.qn")

    assert list(Unit.objects.values_list("path", flat=True)) == ["/QN/", "/QN/QN-X1/", "/QN/QN-X1/QN-X1-MN/"]


def test_a_file_with_mistakes_is_refused_line_by_line_and_nothing_is_saved(tree, admin, tmp_path):
    text = HEADER + (
        "C;Ủy ban nhân dân phường Hải An;commune;HP;;;;;\n"
        "C-TH1;Trường Tiểu học Hải An 1;school;C;th;;;;\n"
        "C-TH1;Trường Tiểu học Hải An 2;school;C;th;;;;\n"          # line 4: the code of line 3 again
        "C-MN;Trường Mầm non Hải An;school;X-KHONGCO;mn;;;;\n"       # line 5: a parent nowhere
        "C-THCS;Trường THCS Hải An;school;C;thcs;;;hieutruong@@truong;\n"  # line 6: a bad e-mail
        "A-TH1;Trường Tiểu học A1 (trùng);school;C;th;;;;\n"         # line 7: a code the portal has
        "C-TH3;Trường Tiểu học Hải An 3;school;C;;;;;\n"             # line 8: a school without level
        "C-TH4;Trường Tiểu học Hải An 4;trường tư;C;th;;;;\n"        # line 9: an unknown kind
        "C-TH5;Trường Tiểu học Hải An 5;school;C;th;;;;31/02/2025\n"  # line 10: no such day
        "c th6;Trường Tiểu học Hải An 6;school;C;th;;;;\n"           # line 11: a code with a space
    )
    before = Unit.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_units", write(tmp_path, text), "--by", "quantri.tinh")

    assert str(refused.value).splitlines() == [
        "Không nhập tệp, không lưu đơn vị nào:",
        "Dòng 4, cột “Mã đơn vị”: mã “C-TH1” trùng với dòng 3.",
        "Dòng 5, cột “Mã đơn vị cấp trên”: không có đơn vị cấp trên mã “X-KHONGCO”, trong tệp hay trong Cổng.",
        "Dòng 6, cột “Thư điện tử”: địa chỉ thư điện tử “hieutruong@@truong” không hợp lệ.",
        "Dòng 7, cột “Mã đơn vị”: mã “A-TH1” đã có trong Cổng (Trường Tiểu học A1).",
        "Dòng 8, cột “Cấp học”: trường học phải có cấp học (mn, th, thcs, thpt; trường liên cấp: “th, thcs”).",
        "Dòng 9, cột “Loại đơn vị”: loại đơn vị “trường tư” không hợp lệ: chọn một trong Trung ương, Tỉnh / thành phố, Sở, ban, ngành "
        "cấp tỉnh, Quận / huyện (trước 01/7/2025), Xã / phường / đặc khu, Phòng, trung tâm cấp xã, Tổ chức, đoàn "
        "thể, Tổ dân phố / thôn, Trường học.",
        "Dòng 10, cột “Hoạt động từ ngày”: ngày “31/02/2025” không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 01/07/2025.",
        "Dòng 11, cột “Mã đơn vị”: mã “c th6” không hợp lệ: chỉ gồm chữ in hoa không dấu, chữ số và gạch ngang.",
    ]
    assert Unit.objects.count() == before
    assert not AdminEvent.objects.exists()


def test_units_that_are_each_others_parents_are_refused(tree, admin, tmp_path):
    # the kinds' rules alone refuse a ring (a ward under a ward); the check of rings stays behind them
    text = HEADER + "C;Phường C;commune;D;;;;;\nD;Phường D;commune;C;;;;;\n"

    with pytest.raises(CommandError, match="Dòng 2, cột “Mã đơn vị cấp trên”: không thể đặt xã / phường / đặc khu dưới xã / phường / đặc khu “D”"):
        call_command("import_units", write(tmp_path, text), "--by", "quantri.tinh")
    assert not Unit.objects.filter(code__in=["C", "D"]).exists()


def test_a_unit_under_a_ward_that_opens_later_is_refused_before_anything_is_saved(tree, admin, tmp_path):
    # a unit under a ward that opens later, with no date of its own: add_unit's rule, checked with the file
    text = HEADER + ("C;Phường C;commune;HP;;;;;01/01/2099\n"
                     "C-MN;Trường Mầm non C;school;C;mn;;;;\n")

    with pytest.raises(CommandError, match="Dòng 3, cột “Hoạt động từ ngày”: Phường C hoạt động từ ngày 01/01/2099"):
        call_command("import_units", write(tmp_path, text), "--by", "quantri.tinh")
    assert not Unit.objects.filter(code__in=["C", "C-MN"]).exists()


def test_a_file_without_the_columns_or_not_in_utf8_is_refused(tree, admin, tmp_path):
    with pytest.raises(CommandError, match="Dòng 1: thiếu cột “Loại đơn vị”, “Mã đơn vị cấp trên”"):
        call_command("import_units", write(tmp_path, "Mã đơn vị,Tên đơn vị\nC,Phường C\n"), "--by", "quantri.tinh")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode("utf-8") + "C;Phường Đông;commune;HP;;;;;\n".encode("utf-16-le"))
    with pytest.raises(CommandError, match="không phải văn bản UTF-8"):
        call_command("import_units", str(latin), "--by", "quantri.tinh")


def test_check_only_reads_the_file_and_an_operator_other_than_a_system_admin_is_refused(tree, admin, tmp_path, capsys):
    call_command("import_units", write(tmp_path, GOOD), "--by", "quantri.tinh", "--check")

    assert "Tệp hợp lệ: 4 đơn vị (chưa lưu, vì có --check)." in capsys.readouterr().out
    assert not Unit.objects.filter(code="C").exists()
    with pytest.raises(CommandError, match="Không có tài khoản đang hoạt động “ai.do”"):
        call_command("import_units", write(tmp_path, GOOD), "--by", "ai.do")
    # an officer of phường A is no system administrator: the audit log would name them for the whole tree
    make_user("canbo.a", tree["A"], "officer")
    with pytest.raises(CommandError, match="Tài khoản “canbo.a” không phải quản trị hệ thống"):
        call_command("import_units", write(tmp_path, GOOD), "--by", "canbo.a")
    assert not Unit.objects.filter(code="C").exists()


def test_each_unit_costs_a_fixed_number_of_queries(tree, admin, tmp_path, django_assert_max_num_queries):
    # a province: 100-170 communes, 1,000-2,000 schools; five communes of ten schools here, the cost per unit pinned
    lines = [f"X{c};Xã {c};commune;HP;;;;;\n" + "".join(f"X{c}-T{s};Trường {s} xã {c};school;X{c};th;;;;\n"
                                                       for s in range(10)) for c in range(5)]
    path = write(tmp_path, HEADER + "".join(lines))
    # per unit, 14: add_unit's code check, the parent locked and read, full_clean's uniqueness checks (code, path),
    # the insert and its AdminEvent, each in its savepoint; plus the user and the codes looked up once
    with django_assert_max_num_queries(55 * 14 + 10):
        call_command("import_units", path, "--by", "quantri.tinh")
    assert Unit.objects.filter(path__startswith="/VN/HP/X").count() == 55


def test_a_unit_is_refused_under_a_kind_the_units_page_does_not_allow_or_without_a_parent(tree, admin, tmp_path):
    # a school with its parent cell left blank would be a tree of its own (/C-TH1/), seen and counted by no province
    text = HEADER + (
        "C;Phường C;commune;HP;;;;;\n"
        "C-TH1;Trường Tiểu học C1;school;;th;;;;\n"              # line 3: no parent
        "C-X;Xã dưới trường;commune;A-TH1;;;;;\n"                # line 4: a commune under a school
        "QN;Tỉnh Quảng Ninh;province;C;;;;;\n"                   # line 5: a province under a ward
        "C-MN;Trường Mầm non C;school;C;mn;;;;\n"                # right: a school under a ward of the file
    )

    with pytest.raises(CommandError) as refused:
        call_command("import_units", write(tmp_path, text), "--by", "quantri.tinh")

    assert str(refused.value).splitlines()[1:] == [
        "Dòng 3, cột “Mã đơn vị cấp trên”: thiếu mã đơn vị cấp trên: trường học phải thuộc một tỉnh / thành phố hoặc một sở, ban, ngành cấp "
        "tỉnh hoặc một xã / phường / đặc khu.",
        "Dòng 4, cột “Mã đơn vị cấp trên”: không thể đặt xã / phường / đặc khu dưới trường học “A-TH1”: xã / phường / đặc khu phải thuộc một "
        "tỉnh / thành phố.",
        "Dòng 5, cột “Mã đơn vị cấp trên”: không thể đặt tỉnh / thành phố dưới xã / phường / đặc khu “C”: tỉnh / thành phố phải thuộc một "
        "trung ương.",
    ]
    assert not Unit.objects.filter(code__in=["C", "C-TH1", "C-X", "QN", "C-MN"]).exists()


def test_a_file_with_decomposed_accents_is_read_and_its_names_stored_composed(tree, admin, tmp_path):
    # Unikey's "Unicode tổ hợp" or a Mac writes "ờ" as "o" + two combining marks: header, kinds and names alike
    path = write(tmp_path, unicodedata.normalize("NFD", GOOD))

    call_command("import_units", path, "--by", "quantri.tinh")

    assert Unit.objects.get(code="C").name == "Ủy ban nhân dân phường Hải An"
    assert Unit.objects.get(code="C-TH1").name == unicodedata.normalize("NFC", "Trường Tiểu học Hải An 1")


def test_check_refuses_what_the_import_would_refuse_naming_every_line_and_column(tree, admin, tmp_path, capsys):
    # a code over the 64 characters of the model, a place name over 120, a school under a ward opening later without
    # a date: the save refused them, the first only and without its column, after --check had said "Tệp hợp lệ"
    text = HEADER + (
        f"C-{'X' * 70};Trường Tiểu học dài;school;A;th;;;;\n"
        "C;Phường C;commune;HP;;;;;01/01/2099\n"
        f"C-MN;Trường Mầm non C;school;C;mn;;{'Hải An ' * 20};;\n"
    )

    with pytest.raises(CommandError) as refused:
        call_command("import_units", write(tmp_path, text), "--by", "quantri.tinh", "--check")

    assert str(refused.value).splitlines()[1:] == [
        "Dòng 2, cột “Mã đơn vị”: Giá trị này chỉ có tối đa 64 kí tự (hiện có 72).",
        "Dòng 4, cột “Địa danh”: Giá trị này chỉ có tối đa 120 kí tự (hiện có 139).",
        "Dòng 4, cột “Hoạt động từ ngày”: Phường C hoạt động từ ngày 01/01/2099: hãy ghi ngày từ ngày đó trở đi.",
    ]

"""manage.py import_units FILE --by LOGIN: a province's unit tree from a CSV file (units/unit_import.py)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from units import access
from units.unit_import import COLUMNS, UnitImportError, import_units, read_units


class Command(BaseCommand):
    help = (f"Nhập danh mục đơn vị từ tệp CSV (UTF-8) có các cột: {', '.join(COLUMNS.values())}. Mọi dòng được "
            "kiểm tra trước; có lỗi thì không lưu gì.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp CSV, UTF-8 (Excel: “CSV UTF-8”)")
        parser.add_argument("--by", required=True, help="tên đăng nhập của quản trị viên thực hiện (ghi vào nhật ký)")
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp, không lưu")

    def handle(self, *args, file, by, check, **options):
        user = get_user_model().objects.filter(username__iexact=by, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản đang hoạt động “{by}”.")
        if not access.is_system_admin(user):  # the units page is a province administrator's; the whole tree, ours
            raise CommandError(f"Tài khoản “{by}” không phải quản trị hệ thống: chỉ quản trị hệ thống nhập danh mục "
                               "đơn vị.")
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {file}: {error.strerror}.") from None
        try:
            rows = read_units(data)
            if check:
                self.stdout.write(f"Tệp hợp lệ: {len(rows)} đơn vị (chưa lưu, vì có --check).")
                return
            created = import_units(rows, by=user)
        except UnitImportError as error:
            raise CommandError("Không nhập tệp, không lưu đơn vị nào:\n" + "\n".join(error.problems)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã thêm {len(created)} đơn vị."))

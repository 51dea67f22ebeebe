from django.core.management.base import BaseCommand

from demo.loader import seed_demo
from demo.units import DEMO_PASSWORD, USERS
from units.models import Role


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa: đơn vị, văn bản, ba kế hoạch mẫu, kỳ báo cáo, người dùng và số liệu tiến độ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Không tạo số liệu tiến độ minh họa.")

    def handle(self, *args, no_progress=False, **options):
        tally = seed_demo(with_progress=not no_progress)
        if tally.total:
            for label, count in sorted(tally.created.items()):
                self.stdout.write(f"  + {count} {label}")
            self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu minh họa ({tally.total} bản ghi mới)."))
        else:
            self.stdout.write(self.style.SUCCESS("Dữ liệu minh họa đã có sẵn: không có gì thay đổi."))
        roles = dict(Role.choices)
        self.stdout.write("\nTài khoản minh họa (chỉ dùng để thử nghiệm), mật khẩu chung: " + DEMO_PASSWORD)
        for username, _name, unit_code, role, title in USERS:
            self.stdout.write(f"  {username:<26} {roles[role]:<28} {title} — {unit_code}")

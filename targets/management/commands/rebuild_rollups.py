"""Rebuild the roll-up table from the progress values and say where it had drifted (targets/rollups.py)."""

from django.core.management.base import BaseCommand, CommandError

from targets import rollups

SHOWN = 20  # the drifted rows listed (the first, in key order)


class Command(BaseCommand):
    help = ("Tính lại bảng số liệu tổng hợp (RollUp) từ số liệu tiến độ và báo cáo các dòng bị lệch. "
            "Với --check: chỉ kiểm tra, không ghi; thoát với lỗi nếu có dòng lệch.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra, không ghi lại bảng.")

    def handle(self, *args, check, **options):
        found = rollups.rebuild(check_only=check)
        if not found:
            self.stdout.write("Bảng số liệu tổng hợp khớp với số liệu tiến độ: không có dòng lệch.")
            return
        for row in found[:SHOWN]:
            self.stdout.write(f"Lệch: đơn vị {row.unit_id}, chỉ số {row.indicator_id}, kỳ {row.period_id}: "
                              f"trong bảng {_sums(row.stored)}, tính lại {_sums(row.live)}")
        if len(found) > SHOWN:
            self.stdout.write(f"… và {len(found) - SHOWN} dòng lệch khác.")
        if check:
            raise CommandError(f"Có {len(found)} dòng lệch trong bảng số liệu tổng hợp (chưa ghi lại).")
        self.stdout.write(f"Đã tính lại bảng số liệu tổng hợp: {len(found)} dòng lệch đã được sửa.")


def _sums(values):
    if values is None:
        return "không có"
    return "(" + "; ".join(f"{name}={'' if value is None else value}"
                           for name, value in zip(rollups.SUMS, values, strict=True)) + ")"

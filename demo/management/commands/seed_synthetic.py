import time

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import PASSWORD, Size, SyntheticDataExists, seed_synthetic
from targets.fields import format_number


def positive(text):
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


class Command(BaseCommand):
    help = (
        "Tạo một tỉnh tổng hợp (mã SY) để đo hiệu năng: xã, trường, chỉ số, kỳ báo cáo, số liệu tiến độ, "
        "kế hoạch và chỉ tiêu. Mặc định 120 xã × 10 trường × 60 chỉ số × 10 kỳ = 720.000 số liệu."
    )

    def add_arguments(self, parser):
        default = Size()
        parser.add_argument("--communes", type=positive, default=default.communes, help="Số xã (mặc định 120).")
        parser.add_argument("--schools-per-commune", type=positive, default=default.schools_per_commune,
                            help="Số trường mỗi xã (mặc định 10).")
        parser.add_argument("--indicators", type=positive, default=default.indicators,
                            help="Số chỉ số (mặc định 60).")
        parser.add_argument("--periods", type=positive, default=default.periods,
                            help="Số học kỳ liên tiếp từ HK I năm học 2021-2022 (mặc định 10).")
        parser.add_argument("--seed", type=int, default=default.seed, help="Hạt giống ngẫu nhiên (mặc định 71).")
        parser.add_argument("--replace", action="store_true",
                            help="Xóa tỉnh tổng hợp của lần chạy trước rồi tạo lại.")

    def handle(self, *args, **options):
        size = Size(communes=options["communes"], schools_per_commune=options["schools_per_commune"],
                    indicators=options["indicators"], periods=options["periods"], seed=options["seed"])
        self.stdout.write(
            f"Tạo tỉnh tổng hợp: {format_number(size.communes)} xã, {format_number(size.schools)} trường, "
            f"{size.indicators} chỉ số, {size.periods} kỳ, {format_number(size.values)} số liệu tiến độ."
        )
        started = time.monotonic()
        try:
            created = seed_synthetic(size, replace=options["replace"], log=self.stdout.write)
        except SyntheticDataExists as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        for label, count in created.items():
            self.stdout.write(f"  + {format_number(count)} {label}")
        self.stdout.write(self.style.SUCCESS(
            f"Xong trong {format_number(elapsed, 1)} s. Tài khoản synth.leader, synth.officer.001…, "
            f"mật khẩu chung: {PASSWORD}"
        ))

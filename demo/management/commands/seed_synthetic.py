import time

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import PASSWORD, Size, SyntheticDataExists, seed_synthetic
from targets.fields import format_number


def positive(text):
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


def share(text):
    number = float(text)
    if not 0 < number <= 1:
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
        parser.add_argument("--preset", choices=["national"],
                            help="national: cả nước (34 tỉnh, 3.300 xã, 46.200 trường, 65 chỉ số, một học kỳ: "
                                 "khoảng 3 triệu số liệu); bỏ qua các tùy chọn kích thước.")
        parser.add_argument("--scale", type=share, default=1.0,
                            help="Với --preset: thu nhỏ số xã (và mọi thứ bên dưới) theo tỷ lệ này, từ 0 đến 1.")

    def handle(self, *args, **options):
        if options["preset"] == "national":
            size = Size.national(scale=options["scale"], seed=options["seed"])
        else:
            size = Size(communes=options["communes"], schools_per_commune=options["schools_per_commune"],
                        indicators=options["indicators"], periods=options["periods"], seed=options["seed"])
        where = f"cả nước tổng hợp: {size.provinces} tỉnh," if size.national_scope else "tỉnh tổng hợp:"
        self.stdout.write(
            f"Tạo {where} {format_number(size.communes)} xã, {format_number(size.schools)} trường, "
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
            f"Xong trong {format_number(elapsed, 1)} s. Tài khoản "
            f"{'synth.national, synth.leader.p01…, synth.officer.p01-x001…' if size.national_scope else 'synth.leader, synth.officer.001…'}, "
            f"mật khẩu chung: {PASSWORD}"
        ))

"""Write a report's file now, without the queue: the same assembly and writers as a build."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from periods.models import Period
from plans.models import Document
from reports import builds
from reports.models import ReportBuild
from targets.selection import plans_for
from units import access
from units.models import Unit


class Command(BaseCommand):
    help = "Tạo ngay tệp báo cáo (Excel hoặc PDF) của một đơn vị về một kế hoạch cho một kỳ, không qua hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị, ví dụ: A.")
        parser.add_argument("--plan", required=True, help="Mã số (id) của kế hoạch.")
        parser.add_argument("--period", required=True, help="Mã kỳ báo cáo, ví dụ: 2025-2026-hk1.")
        parser.add_argument("--format", required=True, dest="fmt", help="xlsx, pdf hoặc docx.")
        parser.add_argument("--out", required=True, help="Tệp kết quả.")
        parser.add_argument("--consolidated", action="store_true",
                            help="Báo cáo tổng hợp các phường, xã trực thuộc đơn vị.")

    def handle(self, *args, unit, plan, period, fmt, out, consolidated, **options):
        fmt = fmt.lower()
        if fmt not in builds.FORMATS:
            raise CommandError(f"Định dạng “{fmt}” không hợp lệ: chỉ tạo được xlsx (Excel), pdf hoặc docx (Word).")
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã “{unit}”.")
        plan_pk = access.parse_id(plan)
        document = Document.objects.filter(pk=plan_pk).first() if plan_pk is not None else None
        if document is None:
            raise CommandError(f"Không tìm thấy kế hoạch có mã số “{plan}”.")
        if document not in plans_for(unit_obj):
            raise CommandError(f"{document.short_label} không áp dụng cho {unit_obj.name}: kế hoạch phải do đơn vị "
                               "hoặc cấp trên của đơn vị ban hành và có chỉ tiêu.")
        period_obj = Period.objects.filter(code=period).first()
        if period_obj is None:
            raise CommandError(f"Không tìm thấy kỳ báo cáo có mã “{period}”.")
        path = Path(out)
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(f"Không ghi được tệp “{out}”: thư mục không tồn tại, không có quyền ghi, "
                               "hoặc đường dẫn là một thư mục.")
        kind = ReportBuild.Kind.CONSOLIDATED if consolidated else ReportBuild.Kind.UNIT
        try:
            contents, title = builds.assemble(kind=kind, unit=unit_obj, document=document, period=period_obj)
            data = builds.write_file(fmt, kind=kind, contents=contents, title=title, raw_sheets=(
                builds.streamed_raw_sheets(kind=kind, unit=unit_obj, document=document, period=period_obj)
                if fmt == "xlsx" else None))
        except builds.BuildError as error:
            raise CommandError(str(error)) from error
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp “{out}”: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(data):,} byte)."))

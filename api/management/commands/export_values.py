"""Write a period's values of a unit's subtree in the exchange format (the same rows as GET /api/v1/export/)."""

import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from api.exchange import export_rows
from api.renderers import write_csv
from periods.models import Period
from units.models import Unit


class Command(BaseCommand):
    help = ("Trích xuất số liệu của một kỳ cho một đơn vị và các đơn vị trực thuộc: mã đơn vị, mã chỉ số, kỳ, tử số, "
            "mẫu số, giá trị, tình trạng (CSV hoặc JSON).")

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị, ví dụ: A.")
        parser.add_argument("--period", required=True, help="Mã kỳ báo cáo, ví dụ: 2025-2026-hk1.")
        parser.add_argument("--format", dest="fmt", default="csv", choices=["csv", "json"], help="csv (mặc định) hoặc json.")
        parser.add_argument("--out", help="Tệp kết quả (mặc định: in ra màn hình).")

    def handle(self, *args, unit, period, fmt, out, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã “{unit}”.")
        period_obj = Period.objects.filter(code=period).first()
        if period_obj is None:
            raise CommandError(f"Không tìm thấy kỳ báo cáo có mã “{period}”.")
        rows = export_rows(unit_obj, period_obj)
        if fmt == "csv":
            buffer = io.StringIO()
            write_csv(rows, buffer)
            text = buffer.getvalue()
        else:
            text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"Đã ghi {len(rows)} dòng vào {out}.")
        else:
            self.stdout.write(text, ending="")

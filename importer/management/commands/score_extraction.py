import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importer.extraction import ExtractionError, extract_plan, read_document
from importer.extraction.scoring import Score, score


class Command(BaseCommand):
    help = (
        "Chấm bộ trích xuất: chạy trên từng kế hoạch và so với tệp chú giải (quy tắc so khớp của "
        "demo/seed_data/gold/README.md; chỉ tiêu và số liệu dự kiến được chấm chung). In độ chính xác "
        "(precision) và độ phủ (recall) của từng tệp, dòng cuối là kết quả chung."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="PLAN_FILE GOLD_JSON",
            help="Từng cặp: tệp kế hoạch rồi tệp chú giải JSON của nó.",
        )

    def handle(self, *args, files, **options):
        if len(files) % 2:
            raise CommandError(
                f"Cần các cặp “PLAN_FILE GOLD_JSON”: số tham số phải chẵn (nhận được {len(files)})."
            )
        pairs = list(zip(files[::2], files[1::2], strict=True))
        golds = [(plan, self.load_gold(gold)) for plan, gold in pairs]
        total = Score(0, 0, 0)
        for plan, gold in golds:
            try:
                extracted = extract_plan(read_document(plan), Path(plan).name)
            except ExtractionError as error:
                raise CommandError(str(error)) from error
            result = score(extracted, gold)
            total += result
            self.stdout.write(
                f"{Path(plan).name}: {result} (khớp {result.matched}, đề xuất {result.proposed}, "
                f"chú giải {result.expected})"
            )
        self.stdout.write(str(total))

    def load_gold(self, path):
        try:
            gold = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"Không tìm thấy tệp chú giải “{path}”.") from error
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Tệp chú giải “{path}” không phải JSON hợp lệ: {error}") from error
        if not isinstance(gold, dict) or not isinstance(gold.get("targets"), list):
            raise CommandError(f"Tệp chú giải “{path}” thiếu danh sách “targets”.")
        return gold

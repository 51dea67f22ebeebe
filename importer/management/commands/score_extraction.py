import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importer.extraction import ExtractionError, extract_plan, read_document
from importer.extraction.scoring import Score, errors, score, score_tasks

ROOT = Path(__file__).resolve().parents[3]
# Without arguments the command scores these sets: the three sample plans the rules were first written on,
# the development set, and the plans kept aside (importer/devset/README.md), each file against its gold JSON.
SETS = {
    "mẫu": (ROOT / "demo" / "seed_data", ROOT / "demo" / "seed_data" / "gold"),
    "phát triển": (ROOT / "importer" / "devset" / "dev", ROOT / "importer" / "devset" / "gold"),
    "giữ lại": (ROOT / "importer" / "devset" / "heldout", ROOT / "importer" / "devset" / "gold"),
}
PLAN_SUFFIXES = (".txt", ".docx", ".pdf")
# The task tables of the sample plans, to compare the tasks proposed with (one entry per plan, by file stem).
TASK_TABLES = ROOT / "demo" / "seed_data" / "tasks.json"


class Command(BaseCommand):
    help = (
        "Chấm bộ trích xuất: chạy trên từng kế hoạch và so với tệp chú giải (quy tắc so khớp của "
        "demo/seed_data/gold/README.md; chỉ tiêu và số liệu dự kiến được chấm chung). In độ chính xác "
        "(precision) và độ phủ (recall) của từng tệp, dòng cuối là kết quả chung. Không có tham số: chấm ba "
        "bộ (ba kế hoạch mẫu, bộ phát triển, bộ giữ lại) và in bảng lỗi theo loại chỉ tiêu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", metavar="PLAN_FILE GOLD_JSON",
            help="Từng cặp: tệp kế hoạch rồi tệp chú giải JSON của nó.",
        )

    def handle(self, *args, files, **options):
        if not files:
            self.score_sets()
            return
        if len(files) % 2:
            raise CommandError(
                f"Cần các cặp “PLAN_FILE GOLD_JSON”: số tham số phải chẵn (nhận được {len(files)})."
            )
        total, _errors = self.score_pairs(list(zip(files[::2], files[1::2], strict=True)))
        self.stdout.write(str(total))

    def score_pairs(self, pairs):
        """Print one line per plan; return the sum of the scores and the errors by (kind, reason)."""
        golds = [(plan, self.load_gold(gold)) for plan, gold in pairs]
        total, found = Score(0, 0, 0), Counter()
        for plan, gold in golds:
            try:
                extracted = extract_plan(read_document(plan), Path(plan).name)
            except ExtractionError as error:
                raise CommandError(str(error)) from error
            result = score(extracted, gold)
            total += result
            found.update(errors(extracted, gold))
            self.stdout.write(
                f"{Path(plan).name}: {result} (khớp {result.matched}, đề xuất {result.proposed}, "
                f"chú giải {result.expected})"
            )
            if self.task_tables and Path(plan).stem in self.task_tables:
                tasks = score_tasks(extracted.get("tasks", []), self.task_tables[Path(plan).stem]["groups"])
                self.stdout.write(f"    nhiệm vụ so với tasks.json: {tasks}")
        return total, found

    task_tables = None

    def score_sets(self):
        self.task_tables = json.loads(TASK_TABLES.read_text(encoding="utf-8")) if TASK_TABLES.is_file() else None
        for name, (plans, golds) in SETS.items():
            pairs = [(str(plan), str(golds / f"{plan.stem}.json")) for plan in sorted(plans.iterdir())
                     if plan.suffix in PLAN_SUFFIXES and (golds / f"{plan.stem}.json").is_file()]
            self.stdout.write(f"== Bộ {name} ({len(pairs)} kế hoạch)")
            total, found = self.score_pairs(pairs)
            self.stdout.write(f"Bộ {name}: {total} (khớp {total.matched}, đề xuất {total.proposed}, "
                              f"chú giải {total.expected})")
            for (kind, reason), count in sorted(found.items(), key=lambda item: (-item[1], item[0])):
                self.stdout.write(f"    {count:3d}  {kind}: {reason}")

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

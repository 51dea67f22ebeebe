import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importer.extraction import ExtractionError, extract_plan, read_document


class Command(BaseCommand):
    help = (
        "Đọc một kế hoạch (.txt, .docx, .pdf) và in ra JSON: thông tin văn bản, các chỉ tiêu và số liệu dự kiến "
        "đề xuất (cùng định dạng với tệp chú giải trong demo/seed_data/gold/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_file", help="Tệp kế hoạch: .txt, .docx hoặc .pdf có lớp văn bản.")

    def handle(self, *args, plan_file, **options):
        try:
            text = read_document(plan_file)
            result = extract_plan(text, Path(plan_file).name)
        except ExtractionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

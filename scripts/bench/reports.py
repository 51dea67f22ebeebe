"""Benchmark: report files on the synthetic province (issue 6 budgets).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/reports.py --runs 3

- a commune's report: assembling its content and writing its Excel and PDF (budget: under 4 s together);
- the province's consolidated report from the 120 communes' frozen snapshots: Excel (under 5 s) and PDF
  (under 20 s), read from the snapshots as the real consolidation does.
The snapshots are made inside a transaction that is rolled back at the end: the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    try:
        with transaction.atomic():
            measure(args.runs)
            raise Rollback
    except Rollback:
        pass


def timed(label, runs, function):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    size = f" size={len(result) // 1024} KiB" if isinstance(result, bytes | bytearray) else ""
    print(f"{label:<44} runs={runs} median={statistics.median(times):.2f} s min={min(times):.2f} s "
          f"max={max(times):.2f} s{size}")
    return result


def measure(runs):
    from periods.models import Period
    from plans.models import Document
    from reports.builds import assemble
    from reports.content import build_report_content
    from reports.models import OutgoingReport, ReportBuild
    from reports.pdf import write_consolidated_pdf, write_report_pdf
    from reports.report_xlsx import write_consolidated_xlsx, write_report_xlsx
    from units.models import Unit

    province = Unit.objects.get(code="SY")
    period = Period.objects.filter(values__unit__path__startswith=province.path).order_by("-end").first()
    province_plan = Document.objects.filter(issuer=province, targets__isnull=False).distinct().first()
    communes = list(Unit.objects.filter(parent=province, kind="commune").order_by("code"))
    plans = {d.issuer_id: d for d in Document.objects.filter(issuer__in=communes, targets__isnull=False).distinct()}

    commune = communes[0]

    def commune_report():
        content = build_report_content(unit=commune, document=plans[commune.pk], period=period)
        return write_report_xlsx(content) + write_report_pdf(content)

    timed("commune report (content + Excel + PDF)", runs, commune_report)

    started = time.perf_counter()
    for unit in communes:
        content = build_report_content(unit=unit, document=plans[unit.pk], period=period)
        OutgoingReport.objects.create(unit=unit, document=plans[unit.pk], period=period, snapshot=content.to_json(),
                                      recipient=province)
    print(f"(setup: {len(communes)} commune snapshots in {time.perf_counter() - started:.1f} s)")

    contents, title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=province, document=province_plan, period=period)
    assert len(contents) == len(communes)
    timed("province consolidated Excel (snapshots + write)", runs,
          lambda: write_consolidated_xlsx(assemble(kind="consolidated", unit=province, document=province_plan,
                                                   period=period)[0], title))
    timed("province consolidated PDF (snapshots + write)", runs,
          lambda: write_consolidated_pdf(assemble(kind="consolidated", unit=province, document=province_plan,
                                                  period=period)[0], title))


if __name__ == "__main__":
    main()

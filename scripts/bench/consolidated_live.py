"""Benchmark: the province's consolidated report from live data (no commune has sent its report yet, so the build
assembles each commune's figures from the roll-ups), and a commune's own workbook and PDF in a warm process.

Run against a database holding the synthetic province (`manage.py seed_synthetic`), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/consolidated_live.py --runs 3

Times what a build does (`reports.builds.assemble`, then the writers), in-process: assembling the contents of the
province's communes (read together: reports.content.build_figures_contents), writing the consolidated Excel, and
the consolidated PDF; then, for the first commune, its own content, Excel and PDF together. Prints every run with
the machine's speed measured just before it (scripts/bench/machine.py: `cpu`, ms for sum(range(10**6)), about 20
on the reference machine when quiet) and the load average.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from machine import cpu_ms, loadavg  # scripts/bench/machine.py
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF writer's font subsetting, line by line
    from periods.models import Period
    from plans.models import Document
    from reports.builds import assemble
    from reports.content import build_report_content
    from reports.models import OutgoingReport, ReportBuild
    from reports.pdf import write_consolidated_pdf, write_report_pdf
    from reports.report_xlsx import write_consolidated_xlsx, write_report_xlsx
    from units.models import Unit

    province = Unit.objects.get(code="SY")
    plan = Document.objects.filter(issuer=province, targets__isnull=False).distinct().first()
    period = Period.objects.filter(values__unit__path__startswith=province.path).order_by("-end").first()
    assert not OutgoingReport.objects.filter(recipient=province, period=period).exists(), \
        "reports were sent for this period: the build would read their snapshots, not the live data"
    print(loadavg())
    for run in range(args.runs):
        speed = cpu_ms()
        started = time.perf_counter()
        contents, title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=province, document=plan, period=period)
        assembled = time.perf_counter() - started
        started = time.perf_counter()
        write_consolidated_xlsx(contents, title)
        xlsx = time.perf_counter() - started
        started = time.perf_counter()
        write_consolidated_pdf(contents, title)
        pdf = time.perf_counter() - started
        print(f"run {run + 1}: communes={len(contents)} assemble={assembled:.2f} s xlsx={xlsx:.2f} s pdf={pdf:.2f} s "
              f"-> workbook {assembled + xlsx:.2f} s, PDF {assembled + pdf:.2f} s | cpu={speed:.0f} ms")
    commune = Unit.objects.filter(parent=province, kind="commune").order_by("code").first()
    commune_plan = Document.objects.filter(issuer=commune, targets__isnull=False).first()
    for run in range(args.runs):
        speed = cpu_ms()
        started = time.perf_counter()
        content = build_report_content(unit=commune, document=commune_plan, period=period)
        write_report_xlsx(content)
        write_report_pdf(content)
        print(f"commune run {run + 1}: content + workbook + PDF {time.perf_counter() - started:.2f} s | cpu={speed:.0f} ms")
    print(loadavg())


if __name__ == "__main__":
    main()

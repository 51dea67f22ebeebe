"""Benchmark: the country's report workbook on the national preset (issue 13: "national workbooks split by province").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_national .venv/bin/python scripts/bench/national_report.py

Assembles the report of Trung ương on the synthetic Bộ GD&ĐT's plan as a build does (reports.builds.assemble), then
writes its workbook with the figures behind the table streamed by province (builds.streamed_raw_sheets): the time of
each step, the rows and sheets written, the file's size, the peak memory of the process and the longest gap between
two heartbeats (a build is taken for dead after REPORT_BUILD_STALE_SECONDS without one). `--out` keeps the file.
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="where to keep the workbook")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts" / "bench"))
    import django

    django.setup()
    from machine import cpu_ms, loadavg  # scripts/bench/machine.py
    from openpyxl import load_workbook

    from periods.models import Period
    from plans.models import Document
    from reports import builds
    from reports.models import ReportBuild
    from units.models import Unit

    root = Unit.objects.get(code="VN")
    plan = Document.objects.get(issuer__code="SY-BGDDT")
    period = Period.objects.filter(code__startswith="sy-").order_by("-end").first()
    print(f"{loadavg()} cpu={cpu_ms():.0f} ms")
    started = time.perf_counter()
    contents, title = builds.assemble(kind=ReportBuild.Kind.UNIT, unit=root, document=plan, period=period)
    print(f"assemble: {time.perf_counter() - started:.1f} s, raw rows in the content: {len(contents[0].raw_values)}")
    started = time.perf_counter()
    sheets = builds.streamed_raw_sheets(kind=ReportBuild.Kind.UNIT, unit=root, document=plan, period=period)
    print(f"sheets: {len(sheets)} in {time.perf_counter() - started:.1f} s")
    beats = [time.perf_counter()]
    data = builds.write_file("xlsx", kind=ReportBuild.Kind.UNIT, contents=contents, title=title,
                             on_wait=lambda: beats.append(time.perf_counter()), raw_sheets=sheets)
    elapsed = time.perf_counter() - beats[0]
    gaps = [later - earlier for earlier, later in zip(beats, beats[1:], strict=False)] or [elapsed]
    print(f"workbook: {elapsed:.1f} s, {len(data) / 1e6:.0f} MB, {len(beats) - 1} heartbeats, longest gap "
          f"{max(gaps):.1f} s; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = sum(workbook[name].max_row - 1 for name in workbook.sheetnames[-len(sheets):])
    print(f"sheets written: {len(workbook.sheetnames)}, rows of figures: {rows:,}")
    if args.out:
        Path(args.out).write_bytes(data)
    print(f"{loadavg()} cpu={cpu_ms():.0f} ms")


if __name__ == "__main__":
    main()

"""Benchmark: the national pages on the national preset, server time, queries and page weight.

Run against a database holding `seed_synthetic --preset national`, on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_national .venv/bin/python manage.py seed_synthetic --preset national
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_national .venv/bin/python scripts/bench/national.py --runs 7

Each page is requested in-process through Django's test client as synth.national (a leader at Trung
ương): the national dashboard of the synthetic Bộ GD&ĐT's plan, its drill-down by province, the
completeness by province, a province's completeness by commune, and the unit picker's search. The first
two runs warm caches and are dropped; prints the median, the spread, the queries and the HTML's size.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from periods.models import Period
    from plans.models import Document
    from units.models import Unit

    setup_test_environment()
    root = Unit.objects.get(code="VN")
    province = Unit.objects.get(code="SY-P01")
    plan = Document.objects.get(issuer__code="SY-BGDDT")
    period = Period.objects.filter(code__startswith="sy-").order_by("-end").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username="synth.national"))
    query = f"unit={root.pk}&plan={plan.pk}&period={period.pk}"
    pages = {
        "national dashboard": f"/bao-cao/bang-dieu-khien/?{query}",
        "drill-down by province": f"/bao-cao/bang-dieu-khien/cap-duoi/?{query}",
        "completeness, national": f"/bao-cao/tinh-hinh-nop/?unit={root.pk}&period={period.pk}",
        "completeness, province": f"/bao-cao/tinh-hinh-nop/?unit={province.pk}&period={period.pk}",
        "unit search": "/bao-cao/bang-dieu-khien/tim-don-vi/?q=" + quote("Tổng Hợp 07 - 01"),
    }
    schools = Unit.objects.in_subtree(root).schools().count()
    print(f"database={connection.vendor} schools={schools} period={period.code}")
    for label, url in pages.items():
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        kept = times[2:] or times
        print(f"{label:<24} runs={len(kept)} median={statistics.median(kept):.0f} ms min={min(kept):.0f} ms "
              f"max={max(kept):.0f} ms queries={len(queries)} html={len(response.content) / 1024:.0f} KB")


if __name__ == "__main__":
    main()

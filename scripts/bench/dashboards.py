"""Benchmark: the province dashboard, a commune dashboard and the province drill-down, server time.

Run against a database holding the synthetic province (`manage.py seed_synthetic`), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/dashboards.py --runs 15

Each page is requested in-process through Django's test client as the synthetic province leader
(middleware, access, queries, template rendering: everything but the network). The first two runs
warm caches and are dropped; prints the median, the spread (min–max) and the query count per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from periods.models import Period
    from plans.models import Document
    from units.models import Unit

    setup_test_environment()
    province = Unit.objects.get(code="SY")
    commune = Unit.objects.filter(parent=province, kind="commune").order_by("code").first()
    province_plan = Document.objects.filter(issuer=province, targets__isnull=False).distinct().first()
    commune_plan = Document.objects.filter(issuer=commune, targets__isnull=False).distinct().first()
    period = Period.objects.filter(values__unit__path__startswith=province.path).order_by("-end").first()
    client = Client()
    client.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
                       .objects.get(username="synth.leader"))
    pages = {
        "province dashboard": f"/bao-cao/bang-dieu-khien/?unit={province.pk}&plan={province_plan.pk}&period={period.pk}",
        "commune dashboard": f"/bao-cao/bang-dieu-khien/?unit={commune.pk}&plan={commune_plan.pk}&period={period.pk}",
        "province drill-down": (f"/bao-cao/bang-dieu-khien/cap-duoi/?unit={province.pk}&plan={province_plan.pk}"
                                f"&period={period.pk}"),
    }
    schools = Unit.objects.in_subtree(province).schools().count()
    print(f"database={connection.vendor} schools={schools} period={period.code}")
    for label, url in pages.items():
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        kept = times[2:]
        print(f"{label:<22} runs={len(kept)} median={statistics.median(kept):.0f} ms "
              f"min={min(kept):.0f} ms max={max(kept):.0f} ms queries={len(queries)}")


if __name__ == "__main__":
    main()

"""Benchmark: the dashboards, the drill-down, the target list and the completeness page, server time, each beside
the bare SQL of its own aggregate.

Run against a database holding the synthetic province (`manage.py seed_synthetic`), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/dashboards.py --runs 15

Each page is requested in-process through Django's test client as the synthetic province leader (the target
list as a commune's officer): middleware, access, queries, template rendering, everything but the network. In the
same loop, the bare SQL of the page's aggregate is timed through the same connection: the roll-up rows the page
reads (targets_rollup), and the same sums computed live from the values (what a page without the maintained table
would have to do), or the report counts of the completeness page. The first two runs warm caches and are dropped;
prints the median, the spread (min–max), the query count per page, the load average before and after, and the
machine's speed measured before each request (scripts/bench/machine.py: `cpu`, ms for sum(range(10**6)), median;
about 20 on the reference machine when quiet).
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
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from machine import cpu_ms, loadavg  # scripts/bench/machine.py

    from periods.models import Period
    from plans.models import Document
    from targets.models import Target
    from units.models import Unit

    # as served in production, DEBUG off; the test client's host allowed. (Django's setup_test_environment() did
    # both, and also instrumented every template render for the test client, which a user's request never pays.)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    province = Unit.objects.get(code="SY")
    commune = Unit.objects.filter(parent=province, kind="commune").order_by("code").first()
    province_plan = Document.objects.filter(issuer=province, targets__isnull=False).distinct().first()
    commune_plan = Document.objects.filter(issuer=commune, targets__isnull=False).distinct().first()
    period = Period.objects.filter(values__unit__path__startswith=province.path).order_by("-end").first()
    client = Client()
    client.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
                       .objects.get(username="synth.leader"))
    officer = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model().objects.filter(
        memberships__unit=commune, memberships__role="officer").first()
    indicators = list(Target.objects.filter(document=province_plan).values_list("indicator_id", flat=True).distinct())
    trend = [p.pk for p in Period.objects.filter(end__lte=period.end).order_by("-end")[:4]]
    q = f"unit={province.pk}&plan={province_plan.pk}&period={period.pk}"
    pages = {
        "province dashboard": (f"/bao-cao/bang-dieu-khien/?{q}", None,
                               [("roll-up rows", ROLLUP_SQL, [province.pk, indicators, trend]),
                                ("live sums", LIVE_SQL, [province.path + "%", indicators, trend])]),
        "commune dashboard": (f"/bao-cao/bang-dieu-khien/?unit={commune.pk}&plan={commune_plan.pk}&period={period.pk}",
                              None, [("roll-up rows", ROLLUP_SQL, [commune.pk, indicators, trend]),
                                     ("live sums", LIVE_SQL, [commune.path + "%", indicators, trend])]),
        "province drill-down": (f"/bao-cao/bang-dieu-khien/cap-duoi/?{q}", None,
                                [("roll-up rows", CHILD_ROLLUP_SQL, [province.pk, indicators, period.pk]),
                                 ("live sums", CHILD_LIVE_SQL, [province.pk, indicators, period.pk])]),
        "commune target list": (f"/chi-tieu/?unit={commune.pk}&plan={commune_plan.pk}&period={period.pk}", officer,
                                [("roll-up rows", ROLLUP_SQL, [commune.pk, indicators, trend]),
                                 ("live sums", LIVE_SQL, [commune.path + "%", indicators, trend])]),
        "completeness, province": (f"/bao-cao/tinh-hinh-nop/?unit={province.pk}&period={period.pk}", None,
                                   [("report counts", COMPLETENESS_SQL, [period.pk, province.pk, province.pk])]),
        "completeness, commune": (f"/bao-cao/tinh-hinh-nop/?unit={commune.pk}&period={period.pk}", None,
                                  [("report counts", COMPLETENESS_SQL, [period.pk, commune.pk, commune.pk])]),
    }
    schools = Unit.objects.in_subtree(province).schools().count()
    print(f"database={connection.vendor} schools={schools} period={period.code} "
          f"{loadavg()} cpu={cpu_ms():.0f} ms")
    officer_client = Client()
    if officer is not None:
        officer_client.force_login(officer)
    for label, (url, as_user, bare) in pages.items():
        page_client = officer_client if as_user is not None else client
        times, sql_times, speeds = [], {name: [] for name, _sql, _params in bare}, []
        for _ in range(args.runs):
            speeds.append(cpu_ms())
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = page_client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            for name, sql, params in bare:
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                sql_times[name].append((time.perf_counter() - started) * 1000)
        kept = times[2:]
        beside = "  ".join(f"{name}={statistics.median(t[2:]):.1f} ms" for name, t in sql_times.items())
        print(f"{label:<24} runs={len(kept)} median={statistics.median(kept):.0f} ms "
              f"min={min(kept):.0f} ms max={max(kept):.0f} ms queries={len(queries)} "
              f"html={len(response.content) // 1024} KB | bare SQL: {beside} | cpu={statistics.median(speeds[2:]):.0f} ms")
    print(loadavg())


# the roll-up rows a dashboard reads for a unit: its indicators over the trend's periods
ROLLUP_SQL = """SELECT indicator_id, period_id, reporting_units, numerator_sum, denominator_sum, value_sum, value_min
    FROM targets_rollup WHERE unit_id = %s AND indicator_id = ANY(%s) AND period_id = ANY(%s)"""
# the same sums from the values of the subtree
LIVE_SQL = """SELECT v.indicator_id, v.period_id, count(*), sum(v.numerator), sum(v.denominator), sum(v.value),
    min(v.value) FROM targets_progressvalue v JOIN units_unit u ON u.id = v.unit_id
    WHERE u.path LIKE %s AND v.target_id IS NULL AND v.archived_at IS NULL AND v.indicator_id = ANY(%s)
    AND v.period_id = ANY(%s) GROUP BY v.indicator_id, v.period_id"""
# the drill-down: each unit one level below, for the period
CHILD_ROLLUP_SQL = """SELECT r.unit_id, r.indicator_id, r.reporting_units, r.numerator_sum, r.denominator_sum,
    r.value_sum FROM targets_rollup r JOIN units_unit u ON u.id = r.unit_id
    WHERE u.parent_id = %s AND r.indicator_id = ANY(%s) AND r.period_id = %s"""
CHILD_LIVE_SQL = """SELECT c.id, v.indicator_id, count(*), sum(v.numerator), sum(v.denominator), sum(v.value)
    FROM units_unit c JOIN units_unit u ON u.path LIKE c.path || '%%' JOIN targets_progressvalue v ON v.unit_id = u.id
    WHERE c.parent_id = %s AND v.target_id IS NULL AND v.archived_at IS NULL AND v.indicator_id = ANY(%s)
    AND v.period_id = %s GROUP BY c.id, v.indicator_id"""
# the completeness page: the schools below each unit one level down, and their reports by state
COMPLETENESS_SQL = """SELECT c.id, count(DISTINCT s.id), count(r.id) FILTER (WHERE r.status IN ('submitted', 'approved')),
    count(r.id) FILTER (WHERE r.status = 'approved')
    FROM units_unit c JOIN units_unit s ON s.path LIKE c.path || '%%' AND s.kind = 'school'
    LEFT JOIN reports_schoolreport r ON r.school_id = s.id AND r.period_id = %s
    WHERE c.parent_id = %s OR (c.id = %s AND c.kind = 'school') GROUP BY c.id"""


if __name__ == "__main__":
    main()

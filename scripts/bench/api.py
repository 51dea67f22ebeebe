"""Benchmark: the API reading a province's values for one period, and a bulk write of 1,000 values.

Run against a database holding the synthetic province (`manage.py seed_synthetic`), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/api.py --runs 7

Requests go in-process through DRF's test client with a bearer token (authentication, throttling, access,
serialisation: everything but the network), timed beside the bare SQL of the same work in the same run:

- read: every value of the province for the latest period with data, page after page of 1,000
  (`/api/v1/values/?unit=…&period=…&page_size=1000`), and the same rows as one CSV export
  (`/api/v1/export/?unit=…&period=…&format=csv`); the bare SQL selects the same rows with their unit and
  indicator codes.
- bulk: 1,000 values of a bench ward's plan (`/api/v1/values/bulk/`, all-or-nothing, history kept): the first
  run inserts them, the next ones update them with the versions the previous answer returned; the bare SQL
  updates the same 1,000 rows in one statement.

The bench ward (code ZZBENCHAPI, sorted after the synthetic communes so that the other benchmarks, which take
the first commune by code, never pick it; under the synthetic province, with a plan of 1,000 count targets and an entry
exception on the period) is created on the first run and reused. Prints the median and spread of the runs and
the load average.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_TARGETS = 1000


def median_line(label, times, extra=""):
    return (f"{label:<34} runs={len(times)} median={statistics.median(times):.0f} ms "
            f"min={min(times):.0f} ms max={max(times):.0f} ms {extra}").rstrip()


def timed(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def bench_ward(province, period):
    """The bench ward, its officer, a plan of BENCH_TARGETS count targets, and entry open on the period."""
    from django.contrib.auth import get_user_model

    from periods.models import PeriodException
    from plans.models import Document
    from targets.models import Indicator, Target, TargetHorizon
    from units.models import Membership, Unit

    ward = Unit.objects.filter(code="ZZBENCHAPI").first()
    if ward is None:
        ward = Unit(code="ZZBENCHAPI", name="Phường đo hiệu năng API", kind="commune", parent=province)
        ward.full_clean()
        ward.save()
    user, _ = get_user_model().objects.get_or_create(username="bench.api", defaults={"first_name": "Đo API"})
    Membership.objects.get_or_create(user=user, unit=ward, role="officer")
    indicator, _ = Indicator.objects.get_or_create(code="bench-api-count", defaults={
        "name": "Số đo hiệu năng API", "kind": "count", "aggregation": "sum", "unit_label": "đơn vị"})
    plan = Document.objects.filter(issuer=ward, number="1/KH-BENCH").first()
    if plan is None:
        plan = Document.objects.create(issuer=ward, number="1/KH-BENCH", title="Kế hoạch đo hiệu năng API",
                                       doc_type="KH", issued_on=date(2026, 1, 5), status="in_force")
        targets = Target.objects.bulk_create(
            Target(document=plan, indicator=indicator, order=i, comparator="gte", text=f"Chỉ tiêu đo số {i}")
            for i in range(BENCH_TARGETS))
        TargetHorizon.objects.bulk_create(TargetHorizon(target=t, label="2030", deadline=date(2030, 12, 31),
                                                        value=100) for t in targets)
    PeriodException.objects.update_or_create(period=period, unit=ward, defaults={
        "open_until": date.today() + timedelta(days=365), "reason": "Đo hiệu năng API"})
    return ward, user, plan


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("API_RATE_LIMIT", "100000/minute")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from api.actions import issue_token
    from periods.models import Period
    from targets.models import ProgressValue, Target
    from units.models import Unit

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    province = Unit.objects.get(code="SY")
    period = Period.objects.filter(values__unit__path__startswith=province.path).order_by("-end").first()
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.get(username="synth.leader")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + issue_token(user=leader, name="bench", can_write=False,
                                                                  by=leader)[1])
    rows = ProgressValue.objects.filter(unit__path__startswith=province.path, period=period).count()
    print(f"database={connection.vendor} period={period.code} province values in the period={rows} "
          f"loadavg={' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # --- read ---------------------------------------------------------------------------------------------
    def read_pages():
        url, count = f"/api/v1/values/?unit={province.pk}&period={period.pk}&page_size=1000", 0
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            count += len(body["results"])
            url = body["next"]
        return count

    def export_csv():
        response = client.get(f"/api/v1/export/?unit={province.pk}&period={period.pk}&format=csv")
        assert response.status_code == 200, response.content[:300]
        return response.content.count(b"\n") - 1

    def bare_read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.code, i.code, v.numerator, v.denominator, v.value, v.status, v.version, v.entered_at "
                "FROM targets_progressvalue v JOIN units_unit u ON u.id = v.unit_id "
                "JOIN targets_indicator i ON i.id = v.indicator_id "
                "WHERE u.path LIKE %s AND v.period_id = %s ORDER BY v.id", [province.path + "%", period.pk])
            return len(cursor.fetchall())

    for label, function in (("read: pages of 1,000 (values/)", read_pages), ("read: one CSV export", export_csv),
                            ("read: bare SQL of the same rows", bare_read)):
        times, count = [], None
        for _ in range(args.runs + 1):
            elapsed, count = timed(function)
            times.append(elapsed)
        print(median_line(label, times[1:], f"rows={count}"))

    # --- bulk write -----------------------------------------------------------------------------------------
    ward, officer, plan = bench_ward(province, period)
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION="Bearer " + issue_token(user=officer, name="bench", can_write=True,
                                                                  by=officer)[1])
    target_ids = list(Target.objects.filter(document=plan).order_by("order").values_list("pk", flat=True))
    current = dict(ProgressValue.objects.filter(target__document=plan, period=period)
                   .values_list("target_id", "version"))
    times = []
    for run in range(args.runs):
        body = {"rows": [{"target": pk, "period": period.pk, "value": str(run * 10 + i % 7), "status": "in_progress",
                          "version": current.get(pk, 0)} for i, pk in enumerate(target_ids)]}
        elapsed, response = timed(lambda body=body: writer.post("/api/v1/values/bulk/", body, format="json"))
        assert response.status_code == 200, response.content[:500]
        saved = response.json()["values"]
        current = {target_ids[row["row"]]: row["version"] for row in saved}
        times.append(elapsed)
        kind = "update" if run or len(current) and max(current.values()) > 1 else "insert"
        print(f"  bulk run {run + 1}: {elapsed:.0f} ms ({kind}, {len(saved)} values)")
    print(median_line("bulk: 1,000 values (values/bulk/)", times))

    def bare_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE targets_progressvalue SET value = value + 0, version = version "
                           "WHERE target_id IN (SELECT id FROM targets_target WHERE document_id = %s) "
                           "AND period_id = %s", [plan.pk, period.pk])
            return cursor.rowcount

    bare = []
    for _ in range(args.runs):
        elapsed, count = timed(bare_update)
        bare.append(elapsed)
    print(median_line("bulk: bare SQL update of the rows", bare, f"rows={count}"))
    print(f"loadavg={' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

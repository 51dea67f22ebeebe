"""Benchmark: what each request of the load mix (scripts/bench/load.py) costs the server, in-process, and the CPU
the load budget would need.

Run against the database the load is served from (the demo data), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_load .venv/bin/python scripts/bench/mix.py --runs 15

Each request of the mix is made through Django's test client as the demo account the load script uses (DEBUG
off, as served): the officer's target list, its htmx edit row and the save of a figure, the leaders' dashboards,
the city's drill-down, the completeness page, a principal's list of reports and report. For each: the median
time (the first two runs dropped), the queries, and what PostgreSQL spent on them (planning + execution, from
EXPLAIN ANALYZE of the same statements, best of three). Then the mix's average, weighted as the load script
weighs its users, and the CPU per request that 200 users with one second of think time would need on this
machine's cores. Saves write real values (the officer's figures of the demo ward): run it on the load's
database, never the developer's.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDIT_LINK = re.compile(r'hx-get="(/chi-tieu/\d+/ky/\d+/nhap/)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
REPORT_LINK = re.compile(r'href="(/bao-cao/truong/\d+/ky/\d+/)"')
HTMX = {"HTTP_HX_REQUEST": "true"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from machine import cpu_ms, loadavg  # scripts/bench/machine.py

    officer, principal, leader, edit_url, report_url = demo_clients()

    def save():
        form = officer.get(edit_url, **HTMX).content.decode()
        data = {"version": VERSION.search(form).group(1), "status": "in_progress", "note": "Đo thử"}
        if 'name="numerator"' in form:
            data.update(numerator="60", denominator="100")
        elif 'name="value"' in form:
            data["value"] = "1"
        elif 'name="achieved"' in form:
            data["achieved"] = "yes"
        return lambda: officer.post(edit_url, data, **HTMX)

    # (label, share of the mix's requests, make the request: a function returning a function)
    officers, leaders, principals = 1 / 4, 2 / 4, 1 / 4  # the load script's weights, one request a second each
    requests = [
        ("target list", officers / 3, lambda: lambda: officer.get("/chi-tieu/")),
        ("value edit (htmx)", officers / 3, lambda: lambda: officer.get(edit_url, **HTMX)),
        ("value save (htmx)", officers / 3, save),
        *[(f"dashboard, {who}", leaders * 3 / 5 / 3,
           lambda who=who: lambda: leader[who].get("/bao-cao/bang-dieu-khien/"))
          for who in leader],
        *[(f"drill-down, {who}", leaders / 5 / 3,
           lambda who=who: lambda: leader[who].get("/bao-cao/bang-dieu-khien/cap-duoi/"))
          for who in leader],
        *[(f"completeness, {who}", leaders / 5 / 3,
           lambda who=who: lambda: leader[who].get("/bao-cao/tinh-hinh-nop/"))
          for who in leader],
        ("school report list", principals / 2, lambda: lambda: principal.get("/bao-cao/")),
        ("school report", principals / 2, lambda: lambda: principal.get(report_url)),
    ]
    print(f"database={connection.vendor} {loadavg()} cpu={cpu_ms():.0f} ms")
    average = average_cpu = average_sql = 0.0
    for label, share, make in requests:
        times, cpu = [], []
        for _ in range(args.runs):
            request = make()  # a save's form is read before the clock starts
            started, started_cpu = time.perf_counter(), time.process_time()
            response = request()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)  # this process's CPU: not PostgreSQL's
            assert response.status_code == 200, (label, response.status_code)
            assert label != "value save (htmx)" or b'class="saved"' in response.content, response.content.decode()
        request = make()
        with CaptureQueriesContext(connection) as queries:
            request()
        sql = postgres_ms(connection, queries.captured_queries) if connection.vendor == "postgresql" else 0.0
        median, median_cpu = statistics.median(times[2:]), statistics.median(cpu[2:])
        average += share * median
        average_cpu += share * median_cpu
        average_sql += share * sql
        print(f"{label:<36} median={median:5.1f} ms  min={min(times[2:]):5.1f}  python={median_cpu:5.1f} ms  queries={len(queries):2}  "
              f"postgres={sql:4.1f} ms  share={share:.1%}")
    cores = os.cpu_count()
    asked = args.users / 1.1  # one request a second each, answered in about 100 ms
    print(f"mix average: {average:.1f} ms per request in-process ({average_cpu:.1f} ms of this process's CPU), "
          f"of which PostgreSQL planned and ran its statements in {average_sql:.1f} ms")
    print(f"{args.users} users with 1 s think time ask about {asked:.0f} requests/s: on {cores} cores (less the load "
          f"generator) that is at most {cores * 1000 / asked:.1f} ms of CPU per request in all")
    print(f"{loadavg()} cpu={cpu_ms():.0f} ms")


def demo_clients():
    """The load script's accounts signed in through Django's test client, as served (DEBUG off): (officer,
    principal, {leader account: client}, the officer's first edit row, the principal's current report). Call
    after django.setup(); scripts/bench/calls.py uses it too."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.DEBUG = False  # as served (see dashboards.py)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = get_user_model().objects

    def signed_in(username):
        client = Client()
        client.force_login(users.get(username=username))
        return client

    officer, principal = signed_in("canbo.duongkinh"), signed_in("hieutruong.thhaithanh")
    leader = {who: signed_in(who) for who in ("lanhdao.duongkinh", "lanhdao.kinhmon", "sogddt.haiphong")}
    edit_url = EDIT_LINK.findall(officer.get("/chi-tieu/").content.decode())[0]
    report_url = REPORT_LINK.search(principal.get("/bao-cao/").content.decode()).group(1)
    return officer, principal, leader, edit_url, report_url


def postgres_ms(connection, captured):
    """PostgreSQL's planning + execution of the statements a request sent: best of three EXPLAIN ANALYZE each."""
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # writes are not replayed; their cost shows in the request's time
            best = None
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan if isinstance(plan, list) else json.loads(plan)
                spent = plan[0]["Planning Time"] + plan[0]["Execution Time"]
                best = spent if best is None else min(best, spent)
            total += best
    return total


if __name__ == "__main__":
    main()

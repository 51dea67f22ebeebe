"""Benchmark: what every page weighs at a scope, to show that no page grows with the units below it (issue 13).

Run against a database holding the synthetic province or the national preset (`manage.py seed_synthetic
[--preset national]`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_nat .venv/bin/python scripts/bench/page_weight.py --unit VN
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_bench .venv/bin/python scripts/bench/page_weight.py --unit SY

For each role a person holds at that unit (account administrator, officer, leader: accounts made for the run and
rolled back with everything it wrote), each page the menu offers and each page of a plan of the unit (its page, its
coverage, a target, the target list, the report to finalise, a task) is requested through Django's test client
(DEBUG off), twice: the second request is printed, with its size, its queries, its time, and how many select
options, check boxes or radio buttons and table rows it holds. A page whose size or options follow the number of
schools (a unit select listing 48,000 schools, a home page naming every late school) stands out at once.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MENU = ["/", "/quan-tri/tai-khoan/", "/quan-tri/tai-khoan/tao/", "/quan-tri/don-vi/", "/quan-tri/don-vi/them/",
        "/quan-tri/don-vi/sap-nhap/", "/ke-hoach/", "/ke-hoach/nhiem-vu/", "/ke-hoach/nhap/", "/chi-tieu/",
        "/bao-cao/tinh-hinh-nop/", "/bao-cao/bang-dieu-khien/", "/bao-cao/bang-dieu-khien/cap-duoi/",
        "/bao-cao/tao-bao-cao/da-tao/", "/bao-cao/nhan-tu-cap-duoi/", "/bao-cao/thong-bao/", "/bao-cao/lich/",
        "/api/khoa-truy-cap/", "/api/tai-khoan-dich-vu/"]
OPTIONS = re.compile(rb"<option")
BOXES = re.compile(rb'type="(?:checkbox|radio)"')
ROWS = re.compile(rb"<tr")


def plan_pages(unit):
    from periods.models import Period
    from plans.models import Document, Task
    from targets.models import Target

    period = Period.objects.order_by("-end").first()
    document = Document.objects.filter(issuer=unit, targets__isnull=False).first()
    pages = []
    if document is not None:
        target = Target.objects.filter(document=document).first()
        pages += [f"/ke-hoach/{document.pk}/", f"/ke-hoach/{document.pk}/bao-quat/", f"/chi-tieu/{target.pk}/",
                  f"/chi-tieu/?unit={unit.pk}&plan={document.pk}&period={period.pk}",
                  f"/bao-cao/gui-len/chot/?unit={unit.pk}&plan={document.pk}&period={period.pk}"]
    task = Task.objects.filter(document__issuer=unit).first()
    if task is not None:
        pages.append(f"/ke-hoach/nhiem-vu/{task.pk}/")
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="SY", help="the code of the unit whose people are simulated")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from machine import cpu_ms, loadavg  # scripts/bench/machine.py

    from units.models import Membership, Role, Unit

    logging.disable(logging.WARNING)  # the refusals (403) of pages a role does not reach are expected
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    unit = Unit.objects.get(code=args.unit)
    schools = Unit.objects.in_subtree(unit).schools().count()
    print(f"database={connection.vendor} unit={unit.code} schools below={schools} {loadavg()} cpu={cpu_ms():.0f} ms")
    print(f"{'role':11} {'status':>6} {'KB':>6} {'queries':>7} {'ms':>6} {'options':>7} {'boxes':>6} {'rows':>5}  page")
    pages = MENU + plan_pages(unit)
    with transaction.atomic():
        for role in (Role.UNIT_ADMIN, Role.OFFICER, Role.LEADER):
            user = get_user_model().objects.create_user(f"page-weight.{role}", password=None)
            Membership.objects.create(user=user, unit=unit, role=role)
            client = Client()
            client.force_login(user)
            for page in pages:
                client.get(page)  # the first request warms what a worker keeps
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(page)
                    ms = (time.perf_counter() - start) * 1000
                body = response.content
                print(f"{role:11} {response.status_code:6} {len(body) / 1024:6.0f} {len(queries):7} {ms:6.0f} "
                      f"{len(OPTIONS.findall(body)):7} {len(BOXES.findall(body)):6} {len(ROWS.findall(body)):5}  {page}")
        transaction.set_rollback(True)
    print(loadavg())


if __name__ == "__main__":
    main()

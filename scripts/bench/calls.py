"""Benchmark: Python function calls per request for each page of the load mix (cProfile's count).

Unlike a time, the count does not depend on how fast or how busy the machine is, so two versions of the code can be
compared on any machine of the pool, and on a shared one. Run it on the load's database (the demo data) from each
checkout to compare (the pages read only; nothing is saved):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq71_load2 .venv/bin/python scripts/bench/calls.py
    cd ../other-checkout && DATABASE_URL=… /path/to/.venv/bin/python scripts/bench/calls.py

Each page is requested through Django's test client as the demo account the load script uses (DEBUG off, as
served), three times to warm up, then three times under cProfile; the count printed is per request.
"""

import cProfile
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from mix import demo_clients  # scripts/bench/mix.py: the load's accounts, signed in

    officer, principal, leaders, edit_url, report_url = demo_clients()
    pages = [("target list", officer, "/chi-tieu/", {}),
             ("value edit (htmx)", officer, edit_url, {"HTTP_HX_REQUEST": "true"})]
    for who, leader in leaders.items():
        pages += [(f"dashboard, {who}", leader, "/bao-cao/bang-dieu-khien/", {}),
                  (f"drill-down, {who}", leader, "/bao-cao/bang-dieu-khien/cap-duoi/", {}),
                  (f"completeness, {who}", leader, "/bao-cao/tinh-hinh-nop/", {})]
    pages += [("school report list", principal, "/bao-cao/", {}), ("school report", principal, report_url, {})]
    for label, client, url, headers in pages:
        for _ in range(3):
            assert client.get(url, **headers).status_code == 200, label
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(3):
            client.get(url, **headers)
        profile.disable()
        print(f"{label:<36} {pstats.Stats(profile).total_calls // 3:>8} calls a request")


if __name__ == "__main__":
    main()

"""Benchmark: saving one progress value, on SQLite with the demo data.

Runs against a throw-away copy of a freshly seeded database, never the developer's own:

    .venv/bin/python scripts/bench/save_value.py [--runs 60]

It times the whole request an officer's inline "Lưu" makes (htmx POST through the Django test client:
middleware, access check, form, lost-update check, history row, re-rendered table row) and, separately,
the write alone (targets.actions.save_progress_value). Prints median, 90th percentile and spread.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="nq71-bench-"))
    db = workdir / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("CELERY_BROKER_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    try:
        measure(args.runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(runs):
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from periods.models import current_period
    from targets.actions import save_progress_value
    from targets.models import ProgressValue, Target
    from units.models import Unit

    setup_test_environment()
    period = current_period()
    ward = Unit.objects.get(code="DK")
    targets = list(Target.objects.filter(document__issuer=ward, indicator__kind="rate", is_projection=False)
                   .select_related("indicator", "document", "document__issuer")[:10])
    client = Client()
    assert client.login(username="canbo.duongkinh", password="Demo@2026")
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="canbo.duongkinh")

    request_times, action_times = [], []
    for run in range(runs):
        target = targets[run % len(targets)]
        current = ProgressValue.objects.filter(target=target, unit=ward, period=period).first()
        data = {"numerator": f"{300 + run}", "denominator": "1.000", "status": "in_progress",
                "note": f"Lần {run}", "version": current.version if current else 0}
        started = time.perf_counter()
        response = client.post(f"/chi-tieu/{target.pk}/ky/{period.pk}/nhap/", data, HTTP_HX_REQUEST="true")
        request_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"saved" in response.content, response.content[:500]

        current = ProgressValue.objects.get(target=target, unit=ward, period=period)
        started = time.perf_counter()
        save_progress_value(target=target, period=period, by=officer, expected_version=current.version,
                            values={"numerator": 400, "denominator": 1000, "value": None, "achieved": None,
                                    "status": "in_progress", "note": "benchmark"})
        action_times.append((time.perf_counter() - started) * 1000)

    report("POST inline save (whole request)", request_times)
    report("save_progress_value (write only)", action_times)


def report(label, times):
    times = sorted(times[5:])  # the first few warm caches and connections
    p90 = times[int(len(times) * 0.9) - 1]
    print(f"{label:<36} runs={len(times)} median={statistics.median(times):.1f} ms "
          f"p90={p90:.1f} ms min={times[0]:.1f} ms max={times[-1]:.1f} ms")


if __name__ == "__main__":
    main()

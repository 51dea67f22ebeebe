"""Simultaneous first saves of a figure (issue 10), with real threads on PostgreSQL: when the value has no row
yet a row lock covers nothing, and the unique constraint decides. One save wins; every other one gets the
conflict message with the winner's figure, never a server error.

The threads need a database that takes concurrent writers and row locks: they run in CI's PostgreSQL pass.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from targets.models import ProgressValue, ProgressValueChange
from tests.concurrency import POSTGRESQL_THREADS, run_together
from tests.factories import make_document, make_indicator, make_period, make_target, make_user

pytestmark = POSTGRESQL_THREADS

THREADS = 20
CONFLICT = "Số liệu vừa được người khác cập nhật."


@pytest.fixture
def setting(tree):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    period = make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                         end=today + timedelta(days=60), deadline=today + timedelta(days=70))
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71")
    target = make_target(document, make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum",
                                                  "phòng"), 1, Decimal(12))
    officers = [make_user(f"can_bo_{i}", tree["A"], "officer") for i in range(THREADS)]
    return {"period": period, "target": target, "officers": officers}


def test_twenty_simultaneous_first_saves_give_one_success_and_nineteen_conflicts(setting):
    url = reverse("targets:value_edit", args=[setting["target"].pk, setting["period"].pk])

    def first_save(i, barrier):
        client = Client()
        client.force_login(setting["officers"][i])
        barrier.wait(timeout=60)
        response = client.post(url, {"value": str(100 + i), "status": "in_progress", "note": "", "version": 0})
        if response.status_code == 302:
            return "saved"
        page = response.content.decode()
        if response.status_code == 200 and CONFLICT in page:
            return ("conflict", page)
        return f"HTTP {response.status_code}"

    results = run_together(THREADS, first_save)

    outcomes = Counter(r if isinstance(r, str) else r[0] if isinstance(r, tuple) else "error" for r in results)
    assert outcomes == {"saved": 1, "conflict": THREADS - 1}, results
    value = ProgressValue.objects.get()
    assert value.version == 1 and ProgressValueChange.objects.get().value == value
    # every refused officer is shown the winner's figure and name
    winner = f"{value.entered_by.username} đã lưu lúc"
    for result in results:
        if isinstance(result, tuple):
            assert winner in result[1] and f"{int(value.value)} phòng" in result[1]

"""A report build as its page shows it while the servers fail: asked for while the broker accepts connections
and never answers (kept to send, the user told within seconds), queued again after its worker was killed with
no worker taking it (told why it waits), failed for good (asked for again from its own row)."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.builds import STALE_REASON, fail_build
from reports.models import BuildState, ReportBuild
from tests.factories import make_document, make_indicator, make_target
from tests.silent_server import answered_within, send_tasks_to, silent_server
from units.broker import SEND_TIMEOUT_SECONDS

BUILD_REQUEST = reverse("reports:build_request")
BUILD_LIST = reverse("reports:build_list")
BROKER_DOWN = "Máy chủ tạo báo cáo đang tạm ngưng"
UNCLAIMED = "phút mà chưa có máy chủ tạo báo cáo nào nhận việc: có thể máy đang ngừng."


@pytest.fixture
def plan(tree, period):
    """A's plan in force, with the one target a report needs."""
    document = make_document(tree["A"], "15/KH-UBND", "Kế hoạch phát triển giáo dục của phường A")
    make_target(document, make_indicator("truong-chuan", "Số trường đạt chuẩn", "count", "sum", "trường"), 1, Decimal(2))
    return document


def status_text(client, build):
    page = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true").content.decode()
    return page, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()


def test_a_build_asked_for_while_the_broker_does_not_answer_is_kept_and_the_user_told_within_seconds(
        client, personas, tree, plan, period, monkeypatch, settings):
    # what runs on commit runs at once, as in a view; the test's own transaction stays open
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
    client.force_login(personas["officer_a"])
    with silent_server() as port, answered_within(2 * SEND_TIMEOUT_SECONDS + 10) as elapsed:
        send_tasks_to(port, monkeypatch, settings)
        response = client.post(BUILD_REQUEST, {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk,
                                               "formats": ["xlsx"]}, follow=True)
        # one try to send from the request, one from the sweep of the list it lands on; before: no answer
        assert elapsed() < 2 * SEND_TIMEOUT_SECONDS + 4
    assert BROKER_DOWN in response.content.decode()
    build = ReportBuild.objects.get()
    assert build.state == BuildState.QUEUED and build.is_to_send  # the sweep sends it once the broker answers


def test_a_build_queued_again_after_its_worker_died_says_why_it_waits_when_no_worker_takes_it(
        client, personas, tree, plan, period):
    now = timezone.now()
    # its first try's worker was killed five minutes ago; the sweep has sent it again since, and no worker took it
    build = ReportBuild.objects.create(
        unit=tree["A"], document=plan, period=period, formats=["xlsx"], inputs_hash="x", state=BuildState.QUEUED,
        attempts=1, started_at=now - timedelta(minutes=5), heartbeat_at=now - timedelta(minutes=5),
        enqueued_at=now - timedelta(seconds=10), requested_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    page, shown = status_text(client, build)
    assert f"Đang chờ… Đã chờ 5 {UNCLAIMED}" in shown and "hx-get" in page  # still polled
    # a retry waiting its backoff (its try failed half a minute ago) is not said to be stuck
    ReportBuild.objects.filter(pk=build.pk).update(heartbeat_at=now - timedelta(seconds=30), error="Lỗi tạm thời")
    page, shown = status_text(client, build)
    assert UNCLAIMED not in shown and "Lần thử trước bị lỗi (Lỗi tạm thời); đang thử lại." in shown


def test_a_failed_build_is_asked_for_again_from_its_row(client, personas, tree, plan, period):
    build = ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx", "docx"],
                                       inputs_hash="x", requested_by=personas["officer_a"])
    fail_build(build, STALE_REASON)
    client.force_login(personas["leader_a"])
    page = client.get(BUILD_LIST).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="inline build-again">(.*?)</form>', page, re.S)
    assert form and form[1] == BUILD_REQUEST and "Tạo lại báo cáo</button>" in form[2]
    assert "Hãy yêu cầu tạo lại báo cáo." in html.unescape(page)
    posted = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[2]):
        posted.setdefault(name, []).append(value)
    response = client.post(form[1], posted)
    again = ReportBuild.objects.exclude(pk=build.pk).get()
    assert response["Location"] == f"{BUILD_LIST}#build-{again.pk}"
    assert (again.unit, again.document, again.period, again.formats, again.kind, again.state, again.requested_by) == (
        tree["A"], plan, period, ["xlsx", "docx"], ReportBuild.Kind.UNIT, BuildState.QUEUED, personas["leader_a"])
    # a build still to be made does not offer it
    assert "Tạo lại báo cáo" not in status_text(client, again)[0]

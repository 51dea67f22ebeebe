"""Report builds through faults: a worker killed mid-build (heartbeat, sweep, a run the sweep took over), a
broker that lost its queue or is down when a build is asked for, messages delivered twice, and (in CI's
PostgreSQL pass) a real worker killed with SIGKILL while its PDF child works. Figures in docs/robustness.md."""

import errno
import os
import signal
import subprocess
import sys
import time
import types
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import SweepReportBuilds
from config.storage import PortalFileSystemStorage
from reports import builds, outgoing, tasks
from reports.builds import open_build, run_build, stale_after, sweep_stale_builds
from reports.models import BuildState, OutgoingReport, ReportBuild
from tests.factories import make_document, make_indicator, make_period, make_target
from tests.failed_writes import media_files

ROOT = Path(__file__).resolve().parent.parent.parent
BUILD_LIST = reverse("reports:build_list")
BUILD_REQUEST = reverse("reports:build_request")
BROKER_DOWN = "Máy chủ tạo báo cáo đang tạm ngưng"


@pytest.fixture(autouse=True)
def in_process(request, settings, tmp_path):
    """Tasks run in this process with a one-minute threshold, files in a temporary folder; the worker test
    starts its own workers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.node.get_closest_marker("celery_worker"):
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORT_BUILD_STALE_SECONDS = 60


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make_period(code="hk1-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(50), deadline=today + timedelta(60))


@pytest.fixture
def plan(tree, period):
    """A's plan in force, with one target."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A")
    rooms = make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng")
    make_target(document, rooms, 1, Decimal(4), category="facilities")
    return document


@pytest.fixture
def writer(monkeypatch):
    """A stand-in for reports.builds.write_file that counts its calls; `during` runs inside the first one."""
    writer = types.SimpleNamespace(calls=0, during=None)

    def write_file(fmt, *, kind, contents, title, on_wait=None, raw_sheets=None):
        writer.calls += 1
        if writer.calls == 1 and writer.during:
            writer.during()
        return f"{fmt.upper()} {contents[0].unit_code}".encode()

    monkeypatch.setattr("reports.builds.write_file", write_file)
    return writer


@pytest.fixture
def broker(monkeypatch):
    """The broker as the tasks module sees it: the messages it was handed, or refused while `down`."""
    broker = types.SimpleNamespace(sent=[], down=False)
    real_delay = tasks.build_report.delay

    def delay(build_id):
        if broker.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        broker.sent.append(build_id)
        return real_delay(build_id)  # eager: the build runs here, as a worker would

    monkeypatch.setattr("reports.tasks.build_report.delay", delay)
    return broker


@pytest.fixture
def commit_at_once(monkeypatch):
    """What runs on commit runs at once, as it does in a view (no transaction is open around it in production).

    The test's own transaction stays open: in CI's PostgreSQL pass a real worker sweeps the test database, and
    must not see, claim and build these rows.
    """
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def new_build(unit, plan, period, **fields):
    return ReportBuild.objects.create(unit=unit, document=plan, period=period, inputs_hash="x",
                                      **{"formats": ["xlsx"], **fields})


# --- stale detection by heartbeat ----------------------------------------------------------------


def test_a_running_build_is_taken_back_only_once_its_heartbeat_is_a_minute_old(tree, plan, period, broker):
    now = timezone.now()
    beating = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=now - timedelta(
        minutes=30), heartbeat_at=now - timedelta(seconds=50), enqueued_at=now - timedelta(minutes=30))
    assert stale_after() == timedelta(minutes=1)
    # a build that runs for half an hour is fine as long as it beats
    assert sweep_stale_builds(now=now) == ([], [])
    to_send, failed = sweep_stale_builds(now=now + timedelta(seconds=11))
    assert [b.pk for b in to_send] == [beating.pk] and failed == []
    beating.refresh_from_db()
    assert beating.state == BuildState.QUEUED and beating.attempts == 1  # a try is counted when it starts


def test_a_run_beats_after_each_step_and_while_the_pdf_child_works(tree, plan, period, monkeypatch):
    beats = []
    real_beat = builds._beat

    def beat(build):
        real_beat(build)
        beats.append(ReportBuild.objects.get(pk=build.pk).heartbeat_at)

    def write_file(fmt, *, kind, contents, title, on_wait=None, raw_sheets=None):
        on_wait()  # what the PDF child's wait loop calls every REPORT_BUILD_HEARTBEAT_SECONDS
        return b"%PDF-fake"

    monkeypatch.setattr("reports.builds._beat", beat)
    monkeypatch.setattr("reports.builds.write_file", write_file)
    build = new_build(tree["A"], plan, period, formats=["pdf"], enqueued_at=timezone.now())
    assert run_build(build.pk).state == BuildState.SUCCEEDED
    assert len(beats) == 3 and beats == sorted(beats)  # after the content, while writing, after the file


# --- the broker lost the message, or was down ----------------------------------------------------


def test_the_sweep_sends_again_a_build_whose_message_the_broker_lost(
        tree, plan, period, broker, writer, django_capture_on_commit_callbacks):
    # sent half a minute ago, and lost: the broker restarted without persistence
    build = new_build(tree["A"], plan, period, enqueued_at=timezone.now() - timedelta(seconds=30))
    assert tasks.sweep_stale_builds() == {"to_send": [], "failed": []}  # sent 30 s ago: may still be queued
    build.enqueued_at = timezone.now() - timedelta(seconds=61)
    build.save(update_fields=["enqueued_at"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale_builds() == {"to_send": [build.pk], "failed": []}
    build.refresh_from_db()
    assert broker.sent == [build.pk] and build.state == BuildState.SUCCEEDED and build.attempts == 1


def test_a_build_asked_for_while_the_broker_is_down_says_so_and_is_sent_when_it_is_back(
        client, personas, tree, plan, period, broker, writer, commit_at_once):
    client.force_login(personas["officer_a"])
    form = {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk, "formats": ["xlsx"]}
    broker.down = True

    page = client.post(BUILD_REQUEST, form, follow=True).content.decode()
    build = ReportBuild.objects.get()
    assert (f"{BROKER_DOWN}: yêu cầu đã được ghi lại và báo cáo sẽ được tạo khi máy chủ hoạt động trở lại."
            in page)
    assert "Đã nhận yêu cầu" not in page and "Hoàn thành" not in page
    assert build.state == BuildState.QUEUED and build.is_to_send and build.attempts == 0
    fragment = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert BROKER_DOWN in fragment.content.decode() and 'hx-trigger="every 2s"' in fragment.content.decode()
    assert ReportBuild.objects.get().is_to_send  # the page's sweep tried, the broker still refused
    assert broker.sent == [] and writer.calls == 0

    broker.down = False
    fragment = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true")
    build.refresh_from_db()
    assert broker.sent == [build.pk] and build.state == BuildState.SUCCEEDED and build.attempts == 1
    assert "Hoàn thành" in fragment.content.decode() and BROKER_DOWN not in fragment.content.decode()


def test_an_htmx_request_while_the_broker_is_down_shows_it_in_the_fragment(
        client, personas, tree, plan, period, broker, writer, commit_at_once):
    client.force_login(personas["officer_a"])
    broker.down = True
    response = client.post(BUILD_REQUEST, {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk,
                                           "formats": ["xlsx"]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Đang chờ…" in html and BROKER_DOWN in html and "hx-get" in html
    assert ReportBuild.objects.get().is_to_send


def test_once_the_broker_refuses_one_build_the_rest_stay_to_send(tree, plan, period, broker, monkeypatch):
    first, second, third = (new_build(tree["A"], plan, period, enqueued_at=timezone.now()) for _ in range(3))
    tries = []

    def delay(build_id):
        tries.append(build_id)
        if len(tries) == 2:
            raise OperationalError("Connection refused.")

    monkeypatch.setattr("reports.tasks.build_report.delay", delay)
    tasks.send_builds([first, second, third])
    assert tries == [first.pk, second.pk]  # not tried again for each build: the request would wait each time
    sent = dict(ReportBuild.objects.values_list("pk", "enqueued_at"))
    assert sent[first.pk] is not None and sent[second.pk] is None and sent[third.pk] is None


# --- the build pages sweep ------------------------------------------------------------------------


def test_looking_at_the_build_list_sends_again_a_build_whose_worker_died(
        client, personas, tree, plan, period, broker, writer, commit_at_once):
    long_ago = timezone.now() - timedelta(minutes=20)
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=long_ago,
                      heartbeat_at=long_ago, enqueued_at=long_ago, requested_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    page = client.get(BUILD_LIST).content.decode()
    build.refresh_from_db()
    assert broker.sent == [build.pk] and build.state == BuildState.SUCCEEDED and build.attempts == 2
    assert "Hoàn thành" in page and "2 lần thử" in page


def test_following_a_build_sends_it_again_when_its_worker_died(
        client, personas, tree, plan, period, broker, writer, commit_at_once):
    long_ago = timezone.now() - timedelta(minutes=20)
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=long_ago,
                      heartbeat_at=long_ago, enqueued_at=long_ago)
    client.force_login(personas["leader_a"])
    html = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Hoàn thành" in html and "Tải Excel" in html and "hx-get" not in html


def test_a_build_page_with_nothing_to_take_back_costs_one_query_more(
        client, personas, tree, plan, period, broker, django_assert_num_queries):
    now = timezone.now()
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=now,
                      heartbeat_at=now, enqueued_at=now)
    client.force_login(personas["officer_a"])
    # session, the user with its memberships, the sweep finding nothing to take back, the build with its
    # unit, plan, period and requester
    with django_assert_num_queries(4):
        client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true")
    assert broker.sent == []


# --- the storage full ----------------------------------------------------------------------------------


def test_a_build_whose_second_file_cannot_be_written_keeps_not_the_first(tree, plan, period, writer, monkeypatch):
    save = PortalFileSystemStorage._save

    def disk_full_for_the_pdf(storage, name, content):
        if name.endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(storage, name, content)

    monkeypatch.setattr(PortalFileSystemStorage, "_save", disk_full_for_the_pdf)
    build = new_build(tree["A"], plan, period, formats=["xlsx", "pdf"], enqueued_at=timezone.now())
    with pytest.raises(builds.TryAgain):
        run_build(build.pk)
    build.refresh_from_db()
    assert build.state == BuildState.QUEUED and build.error.startswith("Máy chủ không ghi được tệp báo cáo")
    assert not build.xlsx_file and media_files() == []


# --- never twice at once -----------------------------------------------------------------------------


def test_a_message_delivered_twice_builds_once(tree, plan, period, writer):
    build = new_build(tree["A"], plan, period, enqueued_at=timezone.now())
    assert run_build(build.pk).state == BuildState.SUCCEEDED
    assert run_build(build.pk) is None  # the late duplicate
    build.refresh_from_db()
    assert build.attempts == 1 and writer.calls == 1


def test_a_message_for_a_build_running_elsewhere_is_left_alone(tree, plan, period, writer):
    now = timezone.now()
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=now,
                      heartbeat_at=now, enqueued_at=now)
    assert run_build(build.pk) is None
    build.refresh_from_db()
    assert build.state == BuildState.RUNNING and build.attempts == 1 and writer.calls == 0


def test_two_sweeps_send_a_lost_build_once(tree, plan, period, broker, writer, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(minutes=20)
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=1, started_at=long_ago,
                      heartbeat_at=long_ago, enqueued_at=long_ago)
    with django_capture_on_commit_callbacks() as first:
        assert tasks.sweep_stale_builds() == {"to_send": [build.pk], "failed": []}
    with django_capture_on_commit_callbacks() as second:
        assert tasks.sweep_stale_builds() == {"to_send": [], "failed": []}
    for send in first + second:
        send()
    build.refresh_from_db()
    assert broker.sent == [build.pk] and build.attempts == 2 and writer.calls == 1


def test_a_run_the_sweep_took_for_dead_records_nothing_over_the_run_that_replaced_it(
        tree, plan, period, writer, django_capture_on_commit_callbacks):
    build = new_build(tree["A"], plan, period, enqueued_at=timezone.now())

    def stalled_then_replaced():
        # the first run stalls past the threshold: the sweep takes the build back and another run makes it
        to_send, _ = sweep_stale_builds(now=timezone.now() + timedelta(minutes=5))
        assert [b.pk for b in to_send] == [build.pk]
        assert run_build(build.pk).state == BuildState.SUCCEEDED

    writer.during = stalled_then_replaced
    assert run_build(build.pk) is None  # its next heartbeat found the build was no longer its own
    build.refresh_from_db()
    assert build.state == BuildState.SUCCEEDED and build.attempts == 2 and writer.calls == 2
    assert build.xlsx_file.name.endswith("bao-cao-A-hk1-nay.xlsx")
    assert len(list(Path(django_settings.MEDIA_ROOT).rglob("*.xlsx"))) == 1


def test_the_third_try_killed_with_its_worker_fails_the_build_with_the_reason(tree, plan, period, broker):
    long_ago = timezone.now() - timedelta(minutes=20)
    build = new_build(tree["A"], plan, period, state=BuildState.RUNNING, attempts=3, started_at=long_ago,
                      heartbeat_at=long_ago, enqueued_at=long_ago)
    assert tasks.sweep_stale_builds() == {"to_send": [], "failed": [build.pk]}
    build.refresh_from_db()
    assert build.state == BuildState.FAILED and build.error == builds.STALE_REASON and broker.sent == []


def test_a_failed_try_counts_on_the_row_whichever_message_carried_it(tree, plan, period, monkeypatch):
    def broken(fmt, **kwargs):
        raise RuntimeError("Không mở được mẫu báo cáo")

    monkeypatch.setattr("reports.builds.write_file", broken)
    build = new_build(tree["A"], plan, period, enqueued_at=timezone.now())
    for attempt in (1, 2):
        with pytest.raises(builds.TryAgain):
            run_build(build.pk)
        build.refresh_from_db()
        assert build.state == BuildState.QUEUED and build.attempts == attempt
    assert run_build(build.pk).state == BuildState.FAILED
    build.refresh_from_db()
    assert build.attempts == 3 and build.error == "RuntimeError: Không mở được mẫu báo cáo"
    assert run_build(build.pk) is None  # a late retry message: no fourth try


# --- the workers' sweep and the broker settings ----------------------------------------------------


def test_a_worker_sends_the_sweep_when_it_connects_and_every_half_minute(settings, monkeypatch):
    sent, timer = [], types.SimpleNamespace(entries=[])

    class Entry:
        cancelled = False

        def cancel(self):
            self.cancelled = True

    def call_repeatedly(secs, fun, args=(), kwargs=None):
        timer.entries.append((secs, fun, kwargs, Entry()))
        return timer.entries[-1][3]

    timer.call_repeatedly = call_repeatedly
    monkeypatch.setattr("config.celery.app.send_task", lambda name, **options: sent.append((name, options)))
    settings.REPORT_BUILD_SWEEP_SECONDS = 30
    step = SweepReportBuilds(types.SimpleNamespace())
    consumer = types.SimpleNamespace(timer=timer)

    step.start(consumer)
    assert sent == [("reports.tasks.sweep_stale_builds", {"expires": 30})]
    [(every, fun, kwargs, entry)] = timer.entries
    assert every == 30
    fun(**kwargs)
    assert len(sent) == 2
    step.stop(consumer)  # the broker connection is lost: started again on reconnection
    assert entry.cancelled


def test_a_worker_whose_sweep_cannot_be_sent_keeps_running(settings, monkeypatch, caplog):
    def refuse(name, **options):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr("config.celery.app.send_task", refuse)
    timer = types.SimpleNamespace(call_repeatedly=lambda *args, **kwargs: None)
    SweepReportBuilds(types.SimpleNamespace()).start(types.SimpleNamespace(timer=timer))
    assert "Could not enqueue the sweep of report builds" in caplog.text


def test_the_broker_keeps_a_running_builds_message_longer_than_the_build_may_run():
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # shorter, Redis would hand a build still running to a second worker (the row lock would stop it);
    # far longer, as kombu's default hour, and a killed worker's message would wait that long (the sweep does not)
    assert tasks.build_report.time_limit < visibility <= 15 * 60
    assert tasks.build_report.retry_backoff_max < visibility  # a retry waits unacknowledged in the worker
    assert 3 * django_settings.REPORT_BUILD_HEARTBEAT_SECONDS <= django_settings.REPORT_BUILD_STALE_SECONDS
    assert django_settings.REPORT_BUILD_STALE_SECONDS + django_settings.REPORT_BUILD_SWEEP_SECONDS <= 120


def test_the_thresholds_refuse_a_heartbeat_as_slow_as_the_stale_threshold():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env=env | {"REPORT_BUILD_HEARTBEAT_SECONDS": "30", "REPORT_BUILD_STALE_SECONDS": "60"})
    assert result.returncode != 0 and "REPORT_BUILD_STALE_SECONDS must be at least three heartbeats" in result.stderr


# --- the reports sent upward do not go through the broker -------------------------------------------


def test_finalising_and_sending_a_report_need_no_broker(tree, personas, plan, period, broker, monkeypatch):
    pdf = types.ModuleType("reports.pdf")
    pdf.write_report_pdf = lambda content: b"%PDF-fake"
    monkeypatch.setitem(sys.modules, "reports.pdf", pdf)
    broker.down = True
    report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                      narratives=[], by=personas["officer_a"])
    report = outgoing.approve_report(report=report, by=personas["leader_a"], expected_version=report.version)
    report = outgoing.send_report(report=report, by=personas["officer_a"], expected_version=report.version)
    assert report.sent_at and report.recipient == tree["HP"] and broker.sent == []
    assert OutgoingReport.objects.get().pdf_file.read() == b"%PDF-fake"


# --- a real worker killed with SIGKILL (CI's PostgreSQL pass) ----------------------------------------


KILL_TEST_QUEUE = "nq71-kill-test"


def start_worker(name, log, **env):
    """A worker of its own process group (killed whole, as when its machine dies) on the test database."""
    database = connection.settings_dict
    url = (f"postgres://{quote(database['USER'] or '')}:{quote(database['PASSWORD'] or '')}"
           f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}")
    env = os.environ | {
        "DATABASE_URL": url, "CONN_MAX_AGE": "0", "PYTHONPATH": str(ROOT), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "CELERY_TASK_DEFAULT_QUEUE": KILL_TEST_QUEUE,  # away from the CI worker, which uses the default queue
        "REPORT_BUILD_HEARTBEAT_SECONDS": "1", "REPORT_BUILD_STALE_SECONDS": "4", "REPORT_BUILD_SWEEP_SECONDS": "1",
    } | env
    command = [str(ROOT / ".venv/bin/celery"), "-A", "tests.reports.slow_pdf_worker", "worker", "--pool=prefork",
               "--concurrency=1", "-Q", KILL_TEST_QUEUE, "-n", f"{name}@%h", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Still waiting after {timeout} s: {what}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_is_killed_while_the_pdf_child_works_finishes_on_the_next_worker(
        tree, plan, period, tmp_path):
    if not os.environ.get("REQUIRE_CELERY_WORKER") or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and Redis (CI's second pass): the workers read the test database")
    build, _ = open_build(unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf"], by=None)
    tasks.build_report.apply_async((build.pk,), queue=KILL_TEST_QUEUE)
    ReportBuild.objects.filter(pk=build.pk).update(enqueued_at=timezone.now())
    log = (tmp_path / "workers.log").open("w")
    first = start_worker("kill-first", log, SLOW_PDF_SECONDS="60")
    second = None
    try:
        def pdf_child_beats():
            build.refresh_from_db()
            return build.state == BuildState.RUNNING and build.heartbeat_at > build.started_at + timedelta(seconds=2)

        wait_for(pdf_child_beats, 45, "the first worker writing the PDF")
        os.killpg(first.pid, signal.SIGKILL)  # the worker, its pool process and the PDF child
        first.wait()
        killed_at = time.monotonic()
        assert ReportBuild.objects.get(pk=build.pk).state == BuildState.RUNNING

        second = start_worker("kill-second", log, SLOW_PDF_SECONDS="0")
        started_at = time.monotonic()
        wait_for(lambda: ReportBuild.objects.get(pk=build.pk).is_finished, 120, "the build after the restart")
        recovered_in = time.monotonic() - started_at
        build.refresh_from_db()
        assert build.state == BuildState.SUCCEEDED, build.error
        assert build.attempts == 2 and recovered_in < 120
        with build.pdf_file.open("rb") as pdf, build.xlsx_file.open("rb") as xlsx:
            assert pdf.read(5) == b"%PDF-" and xlsx.read(2) == b"PK"
        print(f"recovered {recovered_in:.1f} s after the second worker started "
              f"({time.monotonic() - killed_at:.1f} s after the kill)")
    except BaseException:
        log.flush()
        print((tmp_path / "workers.log").read_text()[-6000:])
        raise
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
        log.close()
        with tasks.build_report.app.connection_for_write() as broker_connection:
            broker_connection.default_channel.queue_purge(KILL_TEST_QUEUE)

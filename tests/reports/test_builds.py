"""Builds of a report's files: the job record, reuse on unchanged data, retries and failures, the sweep,
the deadline runs, the build_report command, the views, and (in CI's second pass) a real worker."""

import io
import os
import re
import sys
import time
import types
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from plans.models import DocumentStatus
from reports import tasks
from reports.actions import request_build
from reports.builds import (
    STALE_REASON,
    build_deadline_reports,
    fail_build,
    open_build,
    run_build,
    sweep_stale_builds,
)
from reports.models import BuildState, ReportBuild
from targets.models import ProgressValue, TargetHorizon
from tests.factories import make_document, make_indicator, make_period, make_target, make_user
from units.models import Unit

BUILD_LIST = reverse("reports:build_list")
ISSUED = date(2025, 10, 1)
BUILD_REQUEST = reverse("reports:build_request")


# --- data ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def in_process(request, settings, tmp_path):
    """Tasks run in this process and files go to a temporary folder, except for the worker test in CI."""
    if request.node.get_closest_marker("celery_worker") and os.environ.get("REQUIRE_CELERY_WORKER"):
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def period(db):
    """The semester in progress; its deadline is two months away."""
    today = timezone.localdate()
    return make_period(code="hk1-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(50), deadline=today + timedelta(60))


@pytest.fixture
def indicators(db):
    return {
        "rooms": make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng"),
        "rate": make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", unit_label="%"),
    }


@pytest.fixture
def plan(tree, period, indicators):
    """A's plan in force: smart classrooms and qualified teachers, with figures from school A1."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A",
                             issued_on=ISSUED)
    make_target(document, indicators["rooms"], 1, Decimal(4), category="facilities")
    make_target(document, indicators["rate"], 2, Decimal(95), category="staff")
    ProgressValue.objects.create(indicator=indicators["rooms"], unit=tree["A-TH1"], period=period, value=2)
    ProgressValue.objects.create(indicator=indicators["rate"], unit=tree["A-TH1"], period=period, numerator=30,
                                 denominator=40)
    return document


@pytest.fixture
def plan_b(tree, indicators):
    document = make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B", issued_on=ISSUED)
    make_target(document, indicators["rooms"], 1, Decimal(2), category="facilities")
    return document


@pytest.fixture
def writers(monkeypatch):
    """Stand-ins for reports.report_xlsx and reports.pdf: small bytes naming what they were given.

    The PDF writer runs in a forked child, which inherits these modules; what it records stays there.
    """
    calls = []
    xlsx, pdf = types.ModuleType("reports.report_xlsx"), types.ModuleType("reports.pdf")

    def write_report_xlsx(content):
        calls.append(("xlsx", content.unit_code))
        return f"XLSX {content.unit_code} {content.subject}".encode()

    def write_consolidated_xlsx(contents, title):
        calls.append(("xlsx-consolidated", [(c.unit_code, c.plan_label) for c in contents]))
        return f"XLSX-TONG-HOP {title}".encode()

    xlsx.write_report_xlsx, xlsx.write_consolidated_xlsx = write_report_xlsx, write_consolidated_xlsx
    pdf.write_report_pdf = lambda content: f"%PDF-fake {content.unit_code} {content.period_code}".encode()
    pdf.write_consolidated_pdf = lambda contents, title: f"%PDF-fake {len(contents)} {title}".encode()
    monkeypatch.setitem(sys.modules, "reports.report_xlsx", xlsx)
    monkeypatch.setitem(sys.modules, "reports.pdf", pdf)
    return types.SimpleNamespace(calls=calls, xlsx=xlsx, pdf=pdf)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Request a build and run what was queued on commit (the task, eagerly); the build as saved."""

    def request_and_run(**kwargs):
        kwargs.setdefault("formats", ["xlsx", "pdf"])
        kwargs.setdefault("by", None)
        with django_capture_on_commit_callbacks(execute=True):
            build = request_build(**kwargs)
        build.refresh_from_db()
        return build

    return request_and_run


def read(field):
    with field.open("rb") as f:
        return f.read()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- the job ------------------------------------------------------------------------------------


def test_a_requested_build_runs_and_saves_its_files(tree, personas, plan, period, writers, run_on_commit):
    before = timezone.now()
    build = run_on_commit(unit=tree["A"], document=plan, period=period, by=personas["officer_a"])
    assert build.state == BuildState.SUCCEEDED
    assert build.requested_by == personas["officer_a"] and build.attempts == 1 and build.error == ""
    assert before <= build.created_at <= build.started_at <= build.finished_at <= timezone.now()
    assert build.heartbeat_at >= build.started_at and build.duration is not None
    assert build.formats == ["xlsx", "pdf"] and len(build.inputs_hash) == 64
    assert build.xlsx_file.name.endswith("-bao-cao-A-hk1-nay.xlsx")
    assert build.pdf_file.name.endswith("-bao-cao-A-hk1-nay.pdf")
    assert read(build.xlsx_file).startswith(b"XLSX A ")
    assert "Kết quả thực hiện Kế hoạch 12/KH-UBND" in read(build.xlsx_file).decode()
    assert read(build.pdf_file) == b"%PDF-fake A hk1-nay"  # written in the child process
    assert writers.calls == [("xlsx", "A")]


def test_only_the_formats_asked_for_are_written(tree, plan, period, writers, run_on_commit):
    build = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["pdf"])
    assert build.state == BuildState.SUCCEEDED
    assert not build.xlsx_file and read(build.pdf_file).startswith(b"%PDF")
    assert writers.calls == []


def test_the_same_inputs_on_unchanged_data_reuse_the_build(tree, personas, plan, period, writers, run_on_commit):
    first = run_on_commit(unit=tree["A"], document=plan, period=period, by=personas["officer_a"])
    again = run_on_commit(unit=tree["A"], document=plan, period=period, by=personas["leader_a"])
    assert again.pk == first.pk and again.xlsx_file.name == first.xlsx_file.name
    assert ReportBuild.objects.count() == 1
    assert writers.calls == [("xlsx", "A")]  # no second job


def test_other_formats_make_another_build(tree, plan, period, writers, run_on_commit):
    first = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf"])
    second = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["pdf", "xlsx"])
    third = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["xlsx"])
    assert second.pk == first.pk and third.pk != first.pk


def test_a_new_progress_value_makes_a_new_build(tree, plan, period, indicators, writers, run_on_commit):
    first = run_on_commit(unit=tree["A"], document=plan, period=period)
    ProgressValue.objects.create(indicator=indicators["rooms"], unit=tree["A-THCS"], period=period, value=1)
    second = run_on_commit(unit=tree["A"], document=plan, period=period)
    assert second.pk != first.pk and second.state == BuildState.SUCCEEDED
    assert ReportBuild.objects.count() == 2


def test_a_changed_target_makes_a_new_build(tree, plan, period, writers, run_on_commit):
    first = run_on_commit(unit=tree["A"], document=plan, period=period)
    TargetHorizon.objects.filter(target__document=plan, value=4).update(value=6)
    assert run_on_commit(unit=tree["A"], document=plan, period=period).pk != first.pk


def test_figures_of_another_commune_do_not_make_a_new_build(tree, plan, period, indicators, writers, run_on_commit):
    first = run_on_commit(unit=tree["A"], document=plan, period=period)
    ProgressValue.objects.create(indicator=indicators["rooms"], unit=tree["B-MN"], period=period, value=1)
    assert run_on_commit(unit=tree["A"], document=plan, period=period).pk == first.pk


def test_a_writer_that_keeps_failing_is_retried_then_the_build_fails_with_its_error(
        tree, plan, period, writers, run_on_commit):
    def broken(content):
        writers.calls.append("try")
        raise RuntimeError("Không mở được mẫu báo cáo")

    writers.xlsx.write_report_xlsx = broken
    build = run_on_commit(unit=tree["A"], document=plan, period=period)
    assert writers.calls == ["try", "try", "try"]  # the first try and max_retries=2 retries
    assert build.state == BuildState.FAILED and build.attempts == 3
    assert build.error == "RuntimeError: Không mở được mẫu báo cáo"
    assert build.finished_at is not None and not build.xlsx_file and not build.pdf_file


def test_a_failure_then_a_success_ends_succeeded_without_the_error(tree, plan, period, writers, run_on_commit):
    real = writers.xlsx.write_report_xlsx

    def flaky(content):
        if len(writers.calls) < 1:
            writers.calls.append("broken")
            raise ConnectionError("Mất kết nối tạm thời")
        return real(content)

    writers.xlsx.write_report_xlsx = flaky
    build = run_on_commit(unit=tree["A"], document=plan, period=period)
    assert build.state == BuildState.SUCCEEDED and build.attempts == 2 and build.error == ""


def test_an_error_in_the_pdf_child_is_recorded(tree, plan, period, writers, run_on_commit):
    def broken(content):
        raise ValueError("Thiếu phông chữ Times New Roman")

    writers.pdf.write_report_pdf = broken
    build = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["pdf"])
    assert build.state == BuildState.FAILED and build.attempts == 3
    assert build.error == "Không tạo được tệp PDF: ValueError: Thiếu phông chữ Times New Roman"


def test_the_pdf_child_may_not_use_the_database(tree, plan, period, writers, run_on_commit):
    writers.pdf.write_report_pdf = lambda content: str(Unit.objects.count()).encode()
    build = run_on_commit(unit=tree["A"], document=plan, period=period, formats=["pdf"])
    assert build.state == BuildState.FAILED and "must not query the database" in build.error
    assert Unit.objects.count() == len(tree)  # the parent's connection still works


def test_a_finished_build_is_not_run_again(tree, plan, period, writers, run_on_commit):
    build = run_on_commit(unit=tree["A"], document=plan, period=period)
    assert run_build(build.pk) is None  # a message delivered twice
    build.refresh_from_db()
    assert build.attempts == 1 and writers.calls == [("xlsx", "A")]


def test_a_consolidated_build_reads_each_commune_on_its_own_plan(tree, plan, period, indicators, writers,
                                                                 run_on_commit):
    city = make_document(tree["HP"], "9/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố", issued_on=ISSUED)
    make_target(city, indicators["rooms"], 1, Decimal(100), category="facilities")
    plan.implements.add(city)
    build = run_on_commit(unit=tree["HP"], document=city, period=period, kind=ReportBuild.Kind.CONSOLIDATED)
    assert build.state == BuildState.SUCCEEDED, build.error
    # A reports on its own plan, which implements the city's; B has none and reports on the city's
    assert writers.calls == [("xlsx-consolidated", [("A", "Kế hoạch 12/KH-UBND"), ("B", "Kế hoạch 9/KH-UBND")])]
    assert build.xlsx_file.name.endswith("bao-cao-tong-hop-HP-hk1-nay.xlsx")
    assert read(build.xlsx_file).decode().startswith("XLSX-TONG-HOP Tổng hợp kết quả thực hiện Kế hoạch 9/KH-UBND")
    assert read(build.pdf_file).startswith(b"%PDF-fake 2 ")


def test_a_whole_build_takes_the_same_queries_whatever_the_number_of_targets(
        tree, plan, period, monkeypatch, django_assert_num_queries):
    # the PDF child is polled every HEARTBEAT_EVERY seconds, each poll a heartbeat UPDATE: none in this test
    monkeypatch.setattr("reports.pdf_child.HEARTBEAT_EVERY", 3600)

    def add_targets(n):
        start = plan.targets.count()
        for i in range(start, start + n):
            indicator = make_indicator(f"so-luong-{i}", f"Số lượng số {i}", "count", "sum", "phòng")
            make_target(plan, indicator, i + 1, Decimal(10), category="facilities")
            ProgressValue.objects.create(indicator=indicator, unit=tree["A-THCS"], period=period, value=i)

    def build():
        build, _ = open_build(unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf"], by=None,
                              reuse=False)
        return build

    add_targets(1)
    first = build()
    # the build locked and started (savepoint, select for update, update, release: 4); the content (15): the
    # unit's predecessors, the targets (with plan), their indicators, their horizons, scope units and
    # responsibilities, the periods of the trend, the values entered for the unit, the roll-ups of its
    # subtree, the reporting rate (one count of schools and reports), the plan's issuer, the tasks, the
    # schools' narratives, the unit's parent, the leader who signs, the raw figures; a heartbeat after the
    # content and after each file (3); the files recorded, if the build is still this run's, in a savepoint that
    # removes them if not (3). The PDF child makes none. Since issue 11, two more: the unit's own sections and the
    # Sở GD&ĐT of "Nơi nhận".
    with django_assert_num_queries(28):
        run_build(first.pk)
    add_targets(5)
    second = build()
    with django_assert_num_queries(28):
        run_build(second.pk)
    second.refresh_from_db()
    assert second.state == BuildState.SUCCEEDED, second.error
    workbook = openpyxl.load_workbook(io.BytesIO(read(second.xlsx_file)))
    cells = {str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row}
    assert "Số lượng số 7" in cells
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(read(second.pdf_file))).pages)
    assert "Số lượng số 7" in text


# --- the sweep ----------------------------------------------------------------------------------


def test_the_sweep_claims_the_builds_no_worker_holds_and_fails_those_tried_three_times(
        tree, plan, period, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.REPORT_BUILD_STALE_SECONDS = 60
    now = timezone.now()
    old, recent = now - timedelta(minutes=20), now - timedelta(seconds=30)

    def make(state, attempts=0, seen=None, sent=None):
        return ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx"],
                                          inputs_hash="x", state=state, attempts=attempts, started_at=seen,
                                          heartbeat_at=seen, enqueued_at=sent)

    stopped = make(BuildState.RUNNING, attempts=1, seen=old, sent=old)  # its worker died
    worn_out = make(BuildState.RUNNING, attempts=3, seen=old, sent=old)  # the third worker died too
    alive = make(BuildState.RUNNING, attempts=1, seen=recent, sent=old)
    lost = make(BuildState.QUEUED, sent=old)  # sent, never started: the broker lost the message
    waiting = make(BuildState.QUEUED, sent=recent)
    unsent = make(BuildState.QUEUED)  # the broker was down when it was asked for
    done = make(BuildState.SUCCEEDED, attempts=1, seen=old, sent=old)
    enqueued = []
    monkeypatch.setattr("reports.tasks.build_report.delay", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        to_send, failed = sweep_stale_builds(now=now)

    assert [b.pk for b in to_send] == [stopped.pk, lost.pk, unsent.pk] and [b.pk for b in failed] == [worn_out.pk]
    assert enqueued == []  # reports.builds does not queue: the task enqueues what the sweep returns
    rows = {pk: (state, sent) for pk, state, sent in ReportBuild.objects.values_list("pk", "state", "enqueued_at")}
    assert rows == {stopped.pk: ("queued", now), worn_out.pk: ("failed", old), alive.pk: ("running", old),
                    lost.pk: ("queued", now), waiting.pk: ("queued", recent), unsent.pk: ("queued", now),
                    done.pk: ("succeeded", old)}
    worn_out.refresh_from_db()
    assert worn_out.error == STALE_REASON and worn_out.error.startswith("Quá thời gian tạo báo cáo")
    assert worn_out.finished_at == now
    # claimed a moment ago: not claimed again by the next sweep
    assert sweep_stale_builds(now=now + timedelta(seconds=30)) == ([], [])


def test_a_build_whose_worker_died_runs_again(tree, plan, period, writers, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(minutes=30)
    build = ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx"],
                                       inputs_hash="x", state=BuildState.RUNNING, attempts=1, started_at=old,
                                       heartbeat_at=old, enqueued_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale_builds() == {"to_send": [build.pk], "failed": []}
    build.refresh_from_db()
    assert build.state == BuildState.SUCCEEDED and build.attempts == 2


def test_the_sweep_task_sends_the_claimed_builds_once_committed(
        tree, plan, period, monkeypatch, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(minutes=30)
    stopped, worn_out = (ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx"],
                                                    inputs_hash="x", state=BuildState.RUNNING, attempts=attempts,
                                                    started_at=old, heartbeat_at=old, enqueued_at=old)
                         for attempts in (1, 3))
    enqueued = []
    monkeypatch.setattr("reports.tasks.build_report.delay", enqueued.append)
    with django_capture_on_commit_callbacks() as callbacks:
        assert tasks.sweep_stale_builds() == {"to_send": [stopped.pk], "failed": [worn_out.pk]}
    assert enqueued == [] and len(callbacks) == 1  # not before the commit
    callbacks[0]()
    assert enqueued == [stopped.pk]


# --- reports at the deadline --------------------------------------------------------------------


def test_deadline_reports_are_built_once_per_unit_and_period_and_mailed_to_officers(
        tree, personas, plan, plan_b, period, indicators, mailoutbox):
    today = timezone.localdate()
    due = make_period(code="hk2-truoc", kind="semester_2", school_year=f"{today.year - 1}-{today.year}",
                      start=today - timedelta(200), end=today - timedelta(20), deadline=today - timedelta(1))
    make_period(code="hk1-truoc", kind="semester_1", school_year=f"{today.year - 1}-{today.year}",
                start=today - timedelta(400), end=today - timedelta(220), deadline=today - timedelta(60))
    draft = make_document(tree["HP"], "1/KH-UBND", "Dự thảo kế hoạch của thành phố", status=DocumentStatus.DRAFT)
    make_target(draft, indicators["rooms"], 1, Decimal(9), category="facilities")
    for persona, email in (("officer_a", "an@phuonga.gov.vn"), ("officer_b", "binh@phuongb.gov.vn"),
                           ("leader_a", "lanhdao@phuonga.gov.vn")):
        personas[persona].email = email
        personas[persona].save(update_fields=["email"])
    make_user("officer_a2", tree["A"], "officer")  # no e-mail address: not mailed

    built = build_deadline_reports(today=today)

    assert sorted((b.unit.code, b.document.number, b.period.code) for b in built) == [
        ("A", "12/KH-UBND", "hk2-truoc"), ("B", "5/KH-UBND", "hk2-truoc")]
    assert all(b.requested_by is None and b.formats == ["xlsx", "pdf", "docx"] and b.state == "queued" for b in built)
    assert build_deadline_reports(today=today) == []
    assert build_deadline_reports(today=today + timedelta(1)) == []  # a day late, already made
    assert ReportBuild.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["an@phuonga.gov.vn", "binh@phuongb.gov.vn"]
    mail_a = next(m for m in mailoutbox if m.to == ["an@phuonga.gov.vn"])
    assert mail_a.subject == f"Báo cáo {due.name} của Phường A đã được tạo"
    # an absolute link: a mail client has no page to resolve a relative one against
    assert f"Xem và tải báo cáo tại: {django_settings.PORTAL_URL}{BUILD_LIST}?unit={tree['A'].pk}" in mail_a.body
    assert "Kế hoạch 12/KH-UBND" in mail_a.body and f"{due.deadline:%d/%m/%Y}" in mail_a.body


def test_a_deadline_report_is_mailed_for_a_unit_whose_name_holds_a_line_break(
        tree, personas, plan, period, mailoutbox):
    # stored through the admin or an older form: Django refuses a subject with a line break (BadHeaderError), and
    # the officers were never told their report was made
    from units.models import Unit

    today = timezone.localdate()
    make_period(code="hk2-truoc", kind="semester_2", school_year=f"{today.year - 1}-{today.year}",
                start=today - timedelta(200), end=today - timedelta(20), deadline=today - timedelta(1))
    Unit.objects.filter(pk=tree["A"].pk).update(name="Phường\nA")
    personas["officer_a"].email = "an@phuonga.gov.vn"
    personas["officer_a"].save(update_fields=["email"])
    build_deadline_reports(today=today)
    assert [m.subject for m in mailoutbox if m.to == ["an@phuonga.gov.vn"]] == [
        "Báo cáo Học kỳ II năm học " + f"{today.year - 1}-{today.year} của Phường A đã được tạo"]


def test_the_deadline_task_enqueues_the_builds_it_made(
        tree, personas, plan, plan_b, period, monkeypatch, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    make_period(code="hk2-truoc", kind="semester_2", school_year=f"{today.year - 1}-{today.year}",
                start=today - timedelta(200), end=today - timedelta(20), deadline=today - timedelta(1))
    enqueued = []
    monkeypatch.setattr("reports.tasks.build_report.delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        built = tasks.build_deadline_reports()
    assert len(built) == 2 and sorted(enqueued) == sorted(built)
    assert set(ReportBuild.objects.values_list("pk", flat=True)) == set(built)


def test_a_deadline_run_missed_yesterday_is_made_up(tree, personas, plan, period):
    today = timezone.localdate()
    make_period(code="hk2-truoc", kind="semester_2", school_year=f"{today.year - 1}-{today.year}",
                start=today - timedelta(200), end=today - timedelta(20), deadline=today - timedelta(3))
    assert [b.period.code for b in build_deadline_reports(today=today)] == ["hk2-truoc"]


# --- the build_report command -------------------------------------------------------------------


def command_args(unit="A", plan=None, period="hk1-nay", fmt="xlsx", out=None, consolidated=False):
    args = ["--unit", unit, "--plan", str(plan), "--period", period, "--format", fmt, "--out", str(out)]
    return args + (["--consolidated"] if consolidated else [])


def test_the_command_writes_the_report_with_the_real_writers(tree, plan, period, tmp_path):
    stdout = io.StringIO()
    call_command("build_report", *command_args(plan=plan.pk, out=tmp_path / "a.xlsx"), stdout=stdout)
    call_command("build_report", *command_args(plan=plan.pk, fmt="pdf", out=tmp_path / "a.pdf"), stdout=stdout)
    assert "Đã ghi" in stdout.getvalue()
    workbook = openpyxl.load_workbook(tmp_path / "a.xlsx")
    cells = " ".join(str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row
                     if c.value is not None)
    assert "Số phòng học thông minh" in cells and "12/KH-UBND" in cells
    pdf = pypdf.PdfReader(tmp_path / "a.pdf")
    assert "12/KH-UBND" in " ".join(page.extract_text() for page in pdf.pages)


def test_the_command_writes_a_consolidated_report(tree, plan, period, indicators, writers, tmp_path):
    city = make_document(tree["HP"], "9/KH-UBND", "Kế hoạch của thành phố", issued_on=ISSUED)
    make_target(city, indicators["rooms"], 1, Decimal(100), category="facilities")
    call_command("build_report", *command_args(unit="HP", plan=city.pk, out=tmp_path / "hp.xlsx", consolidated=True),
                 stdout=io.StringIO())
    assert (tmp_path / "hp.xlsx").read_bytes().startswith(b"XLSX-TONG-HOP ")


@pytest.mark.parametrize("change, message", [
    ({"unit": "ZZ"}, "Không tìm thấy đơn vị có mã “ZZ”."),
    ({"plan": "999999"}, "Không tìm thấy kế hoạch có mã số “999999”."),
    ({"plan": "abc"}, "Không tìm thấy kế hoạch có mã số “abc”."),
    ({"plan": "B"}, "Kế hoạch 5/KH-UBND không áp dụng cho Phường A"),
    ({"period": "khong-co"}, "Không tìm thấy kỳ báo cáo có mã “khong-co”."),
    ({"fmt": "odt"}, "Định dạng “odt” không hợp lệ: chỉ tạo được xlsx (Excel), pdf hoặc docx (Word)."),
    ({"out": "missing/a.xlsx"}, "Không ghi được tệp"),
    ({"out": "."}, "Không ghi được tệp"),
    ({"consolidated": True}, "Chỉ tỉnh, thành phố (tổng hợp các xã, phường) và Trung ương (tổng hợp các tỉnh, thành "
                             "phố) lập báo cáo tổng hợp các đơn vị cấp dưới."),
])
def test_the_command_refuses_bad_arguments(tree, plan, plan_b, period, writers, tmp_path, change, message):
    arguments = {"plan": plan.pk, "out": tmp_path / "a.xlsx", **change}
    if arguments["plan"] == "B":
        arguments["plan"] = plan_b.pk
    if isinstance(arguments["out"], str):
        arguments["out"] = tmp_path / arguments["out"]
    with pytest.raises(CommandError) as refused:
        call_command("build_report", *command_args(**arguments), stdout=io.StringIO())
    assert message in str(refused.value)
    assert not (tmp_path / "a.xlsx").exists() and writers.calls == []


# --- views --------------------------------------------------------------------------------------


def form_data(unit, plan, period, **extra):
    return {"unit": unit.pk, "plan": plan.pk, "period": period.pk, "formats": ["xlsx", "pdf"], **extra}


def test_the_dashboard_offers_to_build_the_report(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    html = client.get(reverse("reports:dashboard_unit"), {"unit": tree["A"].pk, "plan": plan.pk,
                                                          "period": period.pk}).content.decode()
    assert f'hx-post="{BUILD_REQUEST}"' in html and ">Tạo báo cáo</button>" in html
    assert '<input type="checkbox" name="formats" value="xlsx" checked> Excel' in html
    assert '<input type="checkbox" name="formats" value="pdf" checked> PDF' in html
    assert f'<input type="hidden" name="plan" value="{plan.pk}">' in html
    assert f'href="{BUILD_LIST}">Báo cáo đã tạo</a>' in html


def test_officer_a_requests_a_build_sees_it_listed_and_downloads_it(
        client, personas, tree, plan, period, writers, django_capture_on_commit_callbacks):
    officer = personas["officer_a"]
    officer.first_name, officer.last_name = "Nguyễn Văn", "An"
    officer.save(update_fields=["first_name", "last_name"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BUILD_REQUEST, form_data(tree["A"], plan, period))
    build = ReportBuild.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BUILD_LIST}#build-{build.pk}"
    assert build.requested_by == officer and build.state == BuildState.SUCCEEDED

    row = re.search(rf'<tr id="build-{build.pk}">(.*?)</tr>', client.get(BUILD_LIST).content.decode(), re.S)
    shown = text(row.group(1))
    assert "Nguyễn Văn An" in shown and "Phường A" in shown and "Excel, PDF" in shown
    assert f"Báo cáo của đơn vị: Kế hoạch 12/KH-UBND, {period.name}" in shown
    assert "Hoàn thành Tải Excel · Tải PDF" in shown and "bắt đầu" in shown

    download = client.get(reverse("reports:build_download", args=[build.pk, "xlsx"]))
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao-A-hk1-nay.xlsx"'
    assert b"".join(download.streaming_content).startswith(b"XLSX A ")
    pdf = client.get(reverse("reports:build_download", args=[build.pk, "pdf"]))
    assert b"".join(pdf.streaming_content) == b"%PDF-fake A hk1-nay"
    assert client.get(reverse("reports:build_download", args=[build.pk, "docx"])).status_code == 404


def test_officer_b_gets_404_on_a_build_of_a_and_cannot_request_one(
        client, personas, tree, plan, period, writers, run_on_commit):
    build = run_on_commit(unit=tree["A"], document=plan, period=period, by=personas["officer_a"])
    client.force_login(personas["officer_b"])
    assert client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(reverse("reports:build_status", args=[build.pk])).status_code == 404
    for fmt in ("xlsx", "pdf"):
        assert client.get(reverse("reports:build_download", args=[build.pk, fmt])).status_code == 404
    assert f'id="build-{build.pk}"' not in client.get(BUILD_LIST).content.decode()
    assert client.post(BUILD_REQUEST, form_data(tree["A"], plan, period)).status_code == 404
    assert client.post(BUILD_REQUEST, form_data(tree["A"], plan, period), HTTP_HX_REQUEST="true").status_code == 404
    assert ReportBuild.objects.count() == 1


def test_a_plan_that_does_not_apply_to_the_unit_is_refused(client, personas, tree, plan, plan_b, period):
    client.force_login(personas["officer_a"])
    assert client.post(BUILD_REQUEST, form_data(tree["A"], plan_b, period)).status_code == 404
    assert not ReportBuild.objects.exists()


def test_a_request_without_a_format_is_refused_with_the_reason(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    response = client.post(BUILD_REQUEST, form_data(tree["A"], plan, period, formats=[]), HTTP_HX_REQUEST="true")
    assert "Hãy chọn ít nhất một định dạng (Excel, PDF hoặc Word)." in response.content.decode()
    assert not ReportBuild.objects.exists()
    # without htmx: back to the dashboard of the unit and period chosen
    response = client.post(BUILD_REQUEST, form_data(tree["A"], plan, period, formats=[]))
    assert response.url == f"{reverse('reports:dashboard_unit')}?unit={tree['A'].pk}&period={period.pk}"


def test_the_status_fragment_polls_while_queued_and_offers_the_files_when_done(
        client, personas, tree, plan, period, writers):
    client.force_login(personas["officer_a"])
    # the job is queued on commit, which this test's transaction never reaches: the build stays queued
    response = client.post(BUILD_REQUEST, form_data(tree["A"], plan, period), HTTP_HX_REQUEST="true")
    build = ReportBuild.objects.get()
    status_url = reverse("reports:build_status", args=[build.pk])
    html = response.content.decode()
    assert "<html" not in html and "Đang chờ…" in html
    assert f'hx-get="{status_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html

    assert f'hx-get="{status_url}"' in client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    run_build(build.pk)
    html = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in html and "hx-trigger" not in html and "Hoàn thành" in text(html)
    assert f'href="{reverse("reports:build_download", args=[build.pk, "xlsx"])}">Tải Excel</a>' in html
    assert f'href="{reverse("reports:build_download", args=[build.pk, "pdf"])}">Tải PDF</a>' in html
    # without htmx: the list, where the build's row is
    assert client.get(status_url)["Location"] == f"{BUILD_LIST}#build-{build.pk}"


def test_the_status_fragment_shows_why_a_build_failed(client, personas, tree, plan, period):
    build = ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx"],
                                       inputs_hash="x", requested_by=personas["officer_a"])
    fail_build(build, "Quá thời gian tạo báo cáo (10 phút).")
    client.force_login(personas["leader_a"])
    html = client.get(reverse("reports:build_status", args=[build.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Lỗi Quá thời gian tạo báo cáo (10 phút)." in text(html)
    assert "hx-get" not in html and "Tải Excel" not in html
    assert client.get(reverse("reports:build_download", args=[build.pk, "xlsx"])).status_code == 404


def test_a_build_no_worker_takes_says_so_after_a_few_minutes(client, personas, tree, plan, period, settings):
    """Sent to the broker, but no worker running: after three times the stale delay the user reads why it waits."""
    build = ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx"],
                                       inputs_hash="x", requested_by=personas["officer_a"])
    sent = timezone.now()
    ReportBuild.objects.filter(pk=build.pk).update(enqueued_at=sent)
    client.force_login(personas["officer_a"])
    status_url = reverse("reports:build_status", args=[build.pk])
    assert "chưa có máy chủ tạo báo cáo nào nhận việc" not in client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    ReportBuild.objects.filter(pk=build.pk).update(
        created_at=sent - timedelta(seconds=3 * settings.REPORT_BUILD_STALE_SECONDS + 300), enqueued_at=sent)
    html = text(client.get(status_url, HTTP_HX_REQUEST="true").content.decode())
    assert "Đã chờ 8 phút mà chưa có máy chủ tạo báo cáo nào nhận việc: có thể máy đang ngừng." in html
    assert "Đang chờ…" in html  # still polled: it is built when a worker comes back


def test_the_build_list_takes_the_same_queries_whatever_the_number_of_builds(
        client, personas, tree, plan, plan_b, period, django_assert_num_queries):
    now = timezone.now()

    def add_builds(n):
        for i in range(n):
            ReportBuild.objects.create(
                unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf"], inputs_hash=f"{n}-{i}",
                requested_by=personas["officer_a"] if i % 2 else None, state=BuildState.SUCCEEDED, attempts=1,
                started_at=now, finished_at=now, xlsx_file="bao-cao/a.xlsx", pdf_file="bao-cao/a.pdf")
        ReportBuild.objects.create(unit=tree["B"], document=plan_b, period=period, formats=["xlsx"],
                                   inputs_hash=f"b-{n}", enqueued_at=now)  # B's, waiting: not shown to A's officer

    client.force_login(personas["officer_a"])
    add_builds(3)
    # session, the user with its memberships, the unread notifications (top bar), the sweep finding no build to
    # take back, the page's count, the builds with unit, plan, period, requester
    with django_assert_num_queries(6):
        first = client.get(BUILD_LIST).content.decode()
    add_builds(4)
    with django_assert_num_queries(6):
        second = client.get(BUILD_LIST).content.decode()
    assert len(re.findall(r'<tr id="build-\d+">', first)) == 3
    assert len(re.findall(r'<tr id="build-\d+">', second)) == 7
    assert "Tự động (hết hạn nộp)" in second and "Phường B" not in second


# --- a real worker (CI's PostgreSQL pass; elsewhere the task runs in-process) -----------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_build_runs_through_the_worker_with_the_real_writers(tree, plan, period):
    if os.environ.get("REQUIRE_CELERY_WORKER"):
        # .ci/run starts a worker on the test database: the job is not run in this process
        assert django_settings.CELERY_TASK_ALWAYS_EAGER is False
    build = request_build(unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf"], by=None)
    deadline = time.monotonic() + 60
    build.refresh_from_db()
    while not build.is_finished and time.monotonic() < deadline:
        time.sleep(0.5)
        build.refresh_from_db()
    try:
        assert build.state == BuildState.SUCCEEDED, build.error or build.get_state_display()
        assert build.attempts == 1 and build.finished_at >= build.started_at
        assert read(build.xlsx_file)[:2] == b"PK"  # a workbook is a zip
        assert read(build.pdf_file)[:5] == b"%PDF-"
    finally:
        for field in (build.xlsx_file, build.pdf_file):
            if field:
                field.delete(save=False)


def test_the_list_of_builds_names_each_format(client, personas, tree, plan, period):
    build = ReportBuild.objects.create(unit=tree["A"], document=plan, period=period, formats=["xlsx", "pdf", "docx"],
                                       inputs_hash="x" * 64, requested_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    row = re.search(rf'<tr id="build-{build.pk}">(.*?)</tr>', client.get(BUILD_LIST).content.decode(), re.S)
    assert "Excel, PDF, Word" in text(row.group(1))

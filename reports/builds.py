"""Builds of a report's files (Excel, PDF) as background jobs: request, run, fail, sweep, deadline runs.

A ReportBuild row records each job: who asked, the inputs, its state, timings, files and error. The
same inputs on unchanged data reuse an earlier build's files (inputs_hash). The PDF is written in a
forked child process, so that the memory WeasyPrint takes goes back to the system after each build
instead of accumulating in a long-lived worker. The Excel and PDF writers are imported when used.
"""

import hashlib
import json
import logging
import time
from contextlib import ExitStack
from datetime import timedelta
from functools import partial

import billiard
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from periods.models import Period
from plans.models import Document, Task
from targets.models import ProgressValue, Target, TargetHorizon, TargetResponsibility
from units.models import Membership, Role, Unit, UnitKind

from .content import ReportContent, build_report_content
from .dashboards import trend_periods
from .models import BuildState, OutgoingReport, ReportBuild, SchoolReport
from .outgoing import received_contents

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf")
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=15)
PDF_TIMEOUT = 480  # seconds: under the task's soft time limit (600 s), so the build fails cleanly first
HEARTBEAT_EVERY = 20  # seconds between heartbeats while the PDF child works
DEADLINE_CATCH_UP = timedelta(days=14)  # a deadline run missed (worker down) is made up within this
STALE_REASON = (f"Quá thời gian tạo báo cáo, tiến trình xử lý đã dừng (đã thử {MAX_ATTEMPTS} lần). "
                "Hãy yêu cầu tạo lại báo cáo.")


class BuildError(Exception):
    """A build that cannot be made as asked; the message is shown to the user as is."""


# --- requesting ---------------------------------------------------------------------------------


@transaction.atomic
def request_build(*, unit, document, period, formats, by, kind=ReportBuild.Kind.UNIT, reuse=True):
    """Queue a build of the report's files, or return a build of the same inputs on unchanged data.

    A succeeded build is reused with its files; a queued or running one is returned rather than doubled.
    The job is enqueued once the transaction commits. `reuse=False` always makes a new build.
    """
    formats = clean_formats(formats)
    pairs = report_plans(kind=kind, unit=unit, document=document)
    inputs_hash = _inputs_hash(kind=kind, unit=unit, document=document, period=period, formats=formats, pairs=pairs)
    if reuse:
        existing = (ReportBuild.objects.filter(inputs_hash=inputs_hash).exclude(state=BuildState.FAILED)
                    .order_by("-created_at").first())
        if existing is not None:
            return existing
    build = ReportBuild.objects.create(kind=kind, unit=unit, document=document, period=period, formats=formats,
                                       inputs_hash=inputs_hash, requested_by=by)
    _enqueue_on_commit(build)
    return build


def clean_formats(formats):
    """The formats asked for, in a fixed order; unknown or none is a BuildError."""
    wanted = set(formats or [])
    unknown = wanted - set(FORMATS)
    if unknown:
        raise BuildError(f"Định dạng không hợp lệ: {', '.join(sorted(unknown))}. Chỉ tạo được Excel (xlsx) hoặc PDF.")
    if not wanted:
        raise BuildError("Hãy chọn ít nhất một định dạng (Excel hoặc PDF).")
    return [fmt for fmt in FORMATS if fmt in wanted]


def report_plans(*, kind, unit, document):
    """[(unit, plan)] whose content makes the report: the unit and the plan, or for a consolidated report
    each commune directly below with its in-force plan implementing the document (else the document)."""
    if kind != ReportBuild.Kind.CONSOLIDATED:
        return [(unit, document)]
    children = list(unit.children.current().filter(kind=UnitKind.COMMUNE).order_by("name"))
    if not children:
        raise BuildError(f"{unit.name} không có phường, xã trực thuộc để tổng hợp báo cáo.")
    own = {}
    for plan in (Document.objects.in_force().filter(implements=document, issuer__in=children,
                                                    targets__is_projection=False)
                 .distinct().select_related("issuer").order_by("-issued_on", "-pk")):
        own.setdefault(plan.issuer_id, plan)
    return [(child, own.get(child.pk, document)) for child in children]


def _inputs_hash(*, kind, unit, document, period, formats, pairs):
    """sha256 of what the report is asked for and of a fingerprint of the data it reads."""
    documents = sorted({document.pk} | {plan.pk for _, plan in pairs})
    periods = sorted({period.pk} | {p.pk for p in trend_periods(period)})
    indicators = Target.objects.filter(document__in=documents).targets().values("indicator_id")
    values = (ProgressValue.objects.in_subtree(unit).filter(indicator_id__in=indicators, period_id__in=periods)
              .aggregate(latest=Max("entered_at"), n=Count("pk")))
    reports = (SchoolReport.objects.in_subtree(unit).filter(period_id__in=periods)
               .aggregate(latest=Max("updated_at"), n=Count("pk")))
    fingerprint = {
        "kind": kind, "unit": [unit.pk, unit.code, unit.name], "document": document.pk, "period": period.pk,
        "formats": formats, "pairs": [[u.pk, p.pk] for u, p in pairs], "periods": periods,
        "values": values, "reports": reports,
        "units": Unit.objects.in_subtree(unit).aggregate(n=Count("pk"), last=Max("pk")),
        "plans": _plans_state(documents),
        "received": list(OutgoingReport.objects.filter(recipient=unit, period=period).order_by("pk")
                         .values_list("pk", "sent_at")),
    }
    return hashlib.sha256(json.dumps(fingerprint, default=str, sort_keys=True).encode()).hexdigest()


def _plans_state(documents):
    """The plans' own state (documents, targets, horizons, leads, tasks): none of them keep a timestamp."""
    targets = Target.objects.filter(document__in=documents)
    return [
        list(Document.objects.filter(pk__in=documents).order_by("pk").values_list(
            "pk", "status", "doc_type", "number", "title", "issued_on", "issuer_name")),
        list(targets.order_by("pk").values_list(
            "pk", "indicator_id", "category", "comparator", "value_kind", "level_label", "baseline_value",
            "baseline_year", "each_unit", "part_of_id", "is_projection", "order")),
        list(TargetHorizon.objects.filter(target__in=targets).order_by("pk").values_list(
            "pk", "label", "deadline", "value", "value_max", "floor_value")),
        list(TargetResponsibility.objects.filter(target__in=targets).order_by("pk").values_list(
            "target_id", "unit_id", "role")),
        list(Target.scope_units.through.objects.filter(target__in=targets).order_by("pk").values_list(
            "target_id", "unit_id")),
        list(Task.objects.filter(document__in=documents).order_by("pk").values_list(
            "pk", "status", "text", "lead_unit_id", "lead_text", "due_date", "group_id")),
    ]


def _enqueue_on_commit(build):
    build_id = build.pk

    def enqueue_build():
        from .tasks import build_report

        build_report.delay(build_id)

    # robust: with the broker down the request still succeeds; sweep_stale_builds enqueues the build later
    transaction.on_commit(enqueue_build, robust=True)


# --- running --------------------------------------------------------------------------------------


def run_build(build_id):
    """Make the files of a queued build and record how it went; an error is recorded and re-raised.

    A build that is already finished (a message delivered twice) is left alone and None is returned.
    """
    build = _start(build_id)
    if build is None:
        return None
    try:
        contents, title = assemble(kind=build.kind, unit=build.unit, document=build.document, period=build.period)
        _beat(build)
        files = {}
        for fmt in build.formats:
            files[fmt] = write_file(fmt, kind=build.kind, contents=contents, title=title,
                                    on_wait=partial(_beat, build))
            _beat(build)
        _succeed(build, files)
    except Exception as error:
        _record_error(build, error)
        raise
    return build


@transaction.atomic
def _start(build_id):
    build = (ReportBuild.objects.select_for_update(of=("self",)).select_related("unit", "document", "period")
             .filter(pk=build_id).first())
    if build is None or build.is_finished:
        return None
    now = timezone.now()
    build.state, build.started_at, build.heartbeat_at = BuildState.RUNNING, now, now
    build.attempts += 1
    build.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
    return build


def _beat(build):
    build.heartbeat_at = timezone.now()
    build.save(update_fields=["heartbeat_at"])


@transaction.atomic
def _succeed(build, files):
    stem = file_stem(build)
    for fmt, data in files.items():
        getattr(build, f"{fmt}_file").save(f"{stem}.{fmt}", ContentFile(data), save=False)
    now = timezone.now()
    build.state, build.finished_at, build.heartbeat_at, build.error = BuildState.SUCCEEDED, now, now, ""
    build.save(update_fields=["state", "finished_at", "heartbeat_at", "error", "xlsx_file", "pdf_file"])


@transaction.atomic
def _record_error(build, error):
    """Back to the queue with the error shown, until the task retries it or gives up (fail_build)."""
    build.state, build.error, build.heartbeat_at = BuildState.QUEUED, error_text(error), timezone.now()
    build.save(update_fields=["state", "error", "heartbeat_at"])


@transaction.atomic
def fail_build(build, error):
    """The build has failed for good: record the reason (an exception or a text) and the time."""
    now = timezone.now()
    build.state, build.error, build.finished_at, build.heartbeat_at = BuildState.FAILED, error_text(error), now, now
    build.save(update_fields=["state", "error", "finished_at", "heartbeat_at"])
    return build


def error_text(error):
    if isinstance(error, str):
        return error
    if isinstance(error, BuildError):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def file_stem(build):
    prefix = "bao-cao-tong-hop" if build.kind == ReportBuild.Kind.CONSOLIDATED else "bao-cao"
    return f"{prefix}-{build.unit.code}-{build.period.code}"


def assemble(*, kind, unit, document, period):
    """The contents the writers print, and the title of a consolidated report.

    A consolidated report reads the frozen snapshots of the reports the communes sent up for the
    period; while none has been sent it is a preview from the live data, and its title says so.
    """
    if kind == ReportBuild.Kind.CONSOLIDATED:
        title = f"Tổng hợp kết quả thực hiện {document.short_label} của các phường, xã thuộc {unit.name}, {period.name}"
        contents = received_contents(unit, period)
        if contents:
            return contents, title
        pairs = report_plans(kind=kind, unit=unit, document=document)
        contents = [build_report_content(unit=u, document=plan, period=period) for u, plan in pairs]
        return contents, f"{title} (bản xem trước: các đơn vị chưa gửi báo cáo đã chốt)"
    contents = [build_report_content(unit=unit, document=document, period=period)]
    return contents, contents[0].subject


def write_file(fmt, *, kind, contents, title, on_wait=None):
    """The bytes of one file: the workbook in this process, the PDF in a child process."""
    if fmt == "xlsx":
        from .report_xlsx import write_consolidated_xlsx, write_report_xlsx

        if kind == ReportBuild.Kind.CONSOLIDATED:
            return write_consolidated_xlsx(contents, title)
        return write_report_xlsx(contents[0])
    if fmt == "pdf":
        return write_pdf_in_child(kind, [c.to_json() for c in contents], title, on_wait=on_wait)
    raise BuildError(f"Định dạng không hợp lệ: {fmt}. Chỉ tạo được Excel (xlsx) hoặc PDF.")


def write_pdf_in_child(kind, payload, title, *, timeout=PDF_TIMEOUT, on_wait=None):
    """Write the PDF in a forked process that exits afterwards, returning its memory to the system.

    The child gets plain data (the contents as JSON) and sends back bytes; it must not use the database
    (it shares the parent's connections), so any query there raises. `on_wait` runs while it works.
    billiard is Celery's multiprocessing: a worker's pool processes are daemonic, and the standard
    library refuses daemonic processes children.
    """
    context = billiard.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_pdf_child, args=(sender, kind, payload, title), daemon=True)
    child.start()
    sender.close()
    try:
        deadline = time.monotonic() + timeout
        while not receiver.poll(max(0, min(HEARTBEAT_EVERY, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise BuildError(f"Quá thời gian tạo tệp PDF ({timeout} giây).")
            if on_wait is not None:
                on_wait()
        try:
            outcome, result = receiver.recv()
        except EOFError:
            child.join(5)
            raise BuildError(f"Tiến trình tạo tệp PDF dừng bất thường (mã thoát {child.exitcode}).") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome != "ok":
        raise BuildError(f"Không tạo được tệp PDF: {result}")
    return result


def _pdf_child(sender, kind, payload, title):
    """Runs in the child process: contents in, PDF bytes (or the error's text) out."""
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_no_database))
            from .pdf import write_consolidated_pdf, write_report_pdf

            contents = [ReportContent.from_json(data) for data in payload]
            if kind == ReportBuild.Kind.CONSOLIDATED:
                data = write_consolidated_pdf(contents, title)
            else:
                data = write_report_pdf(contents[0])
        sender.send(("ok", bytes(data)))
    except BaseException as error:  # the parent reports it; the child only exits
        sender.send(("error", error_text(error)))
    finally:
        sender.close()


def _no_database(*args):
    raise RuntimeError("The PDF child process must not query the database (it shares the parent's connection).")


# --- watching over the queue -----------------------------------------------------------------


@transaction.atomic
def sweep_stale_builds(*, now=None, stale_after=STALE_AFTER):
    """Builds nobody works on any more: running with no heartbeat for `stale_after` (the worker died)
    or queued that long without starting (the message was lost). Enqueued again while they have tries
    left, else failed with the reason. Returns (requeued, failed)."""
    now = now or timezone.now()
    stale = (ReportBuild.objects.select_for_update()
             .annotate(last_seen=Coalesce("heartbeat_at", "started_at", "created_at"))
             .filter(state__in=[BuildState.RUNNING, BuildState.QUEUED], last_seen__lt=now - stale_after)
             .order_by("pk"))
    requeued, failed = [], []
    for build in stale:
        if build.attempts >= MAX_ATTEMPTS:
            build.state, build.error, build.finished_at, build.heartbeat_at = BuildState.FAILED, STALE_REASON, now, now
            build.save(update_fields=["state", "error", "finished_at", "heartbeat_at"])
            failed.append(build)
        else:
            build.state, build.heartbeat_at = BuildState.QUEUED, now
            build.save(update_fields=["state", "heartbeat_at"])
            _enqueue_on_commit(build)
            requeued.append(build)
    if requeued or failed:
        logger.warning("Stale report builds: requeued %s, failed %s",
                       [b.pk for b in requeued], [b.pk for b in failed])
    return requeued, failed


def build_deadline_reports(*, today=None):
    """The day after a period's deadline, each unit's report on its in-force plans, mailed to its officers.

    Idempotent: a deadline build (asked by nobody) is made once per unit, plan and period; a run missed
    within DEADLINE_CATCH_UP is made up. Returns the builds requested.
    """
    today = today or timezone.localdate()
    periods = list(Period.objects.filter(deadline__lt=today, deadline__gte=today - DEADLINE_CATCH_UP))
    if not periods:
        return []
    plans = list(Document.objects.in_force().filter(targets__is_projection=False, issuer__in=Unit.objects.current())
                 .distinct().select_related("issuer").order_by("issuer__path", "pk"))
    done = set(ReportBuild.objects.filter(kind=ReportBuild.Kind.UNIT, requested_by__isnull=True, period__in=periods)
               .values_list("unit_id", "document_id", "period_id"))
    requested = []
    for period in periods:
        for plan in plans:
            if (plan.issuer_id, plan.pk, period.pk) in done:
                continue
            build = request_build(unit=plan.issuer, document=plan, period=period, formats=list(FORMATS), by=None,
                                  reuse=False)
            _mail_officers(build)
            requested.append(build)
    return requested


def _mail_officers(build):
    unit, period = build.unit, build.period
    link = f"{reverse('reports:build_list')}?unit={unit.pk}"
    officers = (Membership.objects.active().filter(unit=unit, role=Role.OFFICER).exclude(user__email="")
                .select_related("user"))
    for membership in officers:
        user = membership.user
        body = (f"Kính gửi {user.get_full_name() or user.username},\n\n"
                f"Hạn nộp báo cáo {period.name} là ngày {period.deadline:%d/%m/%Y}. Cổng đã tự động tạo báo cáo "
                f"kết quả thực hiện {build.document.short_label} của {unit.name} (tệp Excel và PDF) từ số liệu "
                "đã nhập đến nay.\n\n"
                f"Xem và tải báo cáo tại: {link}\n\n"
                "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW")
        try:
            send_mail(f"Báo cáo {period.name} của {unit.name} đã được tạo", body, None, [user.email])
        except Exception:  # one bad address must not stop the other units' reports
            logger.exception("Could not mail the deadline report of build %s to %s", build.pk, user.email)

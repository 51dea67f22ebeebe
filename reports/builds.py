"""The life cycle of a build of a report's files (Excel, PDF): open, run, retry, fail, sweep, deadline runs.

A ReportBuild row records each job: who asked, the inputs, its state, timings, files and error. The
same inputs on unchanged data reuse an earlier build's files (inputs_hash). This module does not queue:
reports.tasks runs a build by its id and enqueues what the sweep and the deadline run return, and
reports.actions.request_build enqueues a build a user asks for. The PDF is written in a child process
(reports.pdf_child); the Excel writer is imported when used.

The row, not the broker, is the source of truth. A run takes a queued build under a row lock (one run at a
time, whatever the number of messages) and holds it by its try number: a heartbeat, and the final write,
only apply while the row is still running at that try. The sweep takes back what no worker holds (a worker
killed mid-build, a message the broker lost, a build the broker was down for) and hands it to be sent again.
"""

import hashlib
import json
import logging
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from periods.models import Period, trend_periods
from plans.models import Document, Task
from targets.models import ProgressValue, Target, TargetHorizon, TargetResponsibility
from units import stored_files
from units.links import absolute_url
from units.models import Membership, Role, Unit
from units.storage_errors import is_storage_failure

from .content import (
    ReportContent,
    build_figures_contents,
    build_report_content,
    consolidated_level,
    consolidation_cover,
    raw_value_sheets,
    streams_raw_values,
)
from .models import BuildState, OutgoingReport, ReportBuild, SchoolReport
from .pdf_child import PdfError, write_pdf_in_child

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf", "docx")
MAX_ATTEMPTS = 3
DEADLINE_CATCH_UP = timedelta(days=14)  # a deadline run missed (worker down) is made up within this
STALE_REASON = (f"Quá thời gian tạo báo cáo, tiến trình xử lý đã dừng (đã thử {MAX_ATTEMPTS} lần). "
                "Hãy yêu cầu tạo lại báo cáo.")


class BuildError(Exception):
    """A build that cannot be made as asked; the message is shown to the user as is."""


class TryAgain(Exception):
    """A try failed with tries left: the build is queued again, its error shown, for the task to retry."""


class BuildTakenOver(Exception):
    """The sweep took this run for dead and queued the build again: this run must not record anything."""


# --- opening ------------------------------------------------------------------------------------


@transaction.atomic
def open_build(*, unit, document, period, formats, by, kind=ReportBuild.Kind.UNIT, reuse=True):
    """(build, created): a new queued build of the report's files, or one of the same inputs on unchanged data.

    A succeeded build is reused with its files; a queued or running one is returned rather than doubled.
    `reuse=False` always makes a new build. A new build is for the caller to enqueue.
    """
    formats = clean_formats(formats)
    pairs = report_plans(kind=kind, unit=unit, document=document)
    inputs_hash = _inputs_hash(kind=kind, unit=unit, document=document, period=period, formats=formats, pairs=pairs)
    if reuse:
        existing = (ReportBuild.objects.filter(inputs_hash=inputs_hash).exclude(state=BuildState.FAILED)
                    .order_by("-created_at").first())
        if existing is not None:
            return existing, False
    build = ReportBuild.objects.create(kind=kind, unit=unit, document=document, period=period, formats=formats,
                                       inputs_hash=inputs_hash, requested_by=by)
    return build, True


def clean_formats(formats):
    """The formats asked for, in a fixed order; unknown or none is a BuildError."""
    wanted = set(formats or [])
    unknown = wanted - set(FORMATS)
    if unknown:
        raise BuildError(f"Định dạng không hợp lệ: {', '.join(sorted(unknown))}. Chỉ tạo được Excel (xlsx), PDF "
                         "hoặc Word (docx).")
    if not wanted:
        raise BuildError("Hãy chọn ít nhất một định dạng (Excel, PDF hoặc Word).")
    return [fmt for fmt in FORMATS if fmt in wanted]


def report_plans(*, kind, unit, document):
    """[(unit, plan)] whose content makes the report: the unit and the plan, or for a consolidated report each unit
    directly below that it takes (a province's communes, the country's provinces: content.consolidated_level) with
    its in-force plan implementing the document (else the document)."""
    if kind != ReportBuild.Kind.CONSOLIDATED:
        return [(unit, document)]
    level = consolidated_level(unit)
    if level is None:
        raise BuildError("Chỉ tỉnh, thành phố (tổng hợp các xã, phường) và Trung ương (tổng hợp các tỉnh, thành phố) "
                         "lập báo cáo tổng hợp các đơn vị cấp dưới.")
    children = list(unit.children.current().filter(kind=level.kind).order_by("name"))
    if not children:
        raise BuildError(f"{unit.name} không có {level.plural} trực thuộc để tổng hợp báo cáo.")
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


# --- running --------------------------------------------------------------------------------------


def run_build(build_id):
    """Make the files of a queued build and record how it went.

    Returns the build (succeeded, or failed after its last try), or None when there is nothing to do: the
    build is finished or another run has it (a message delivered twice, a run the sweep took for dead). A
    failed try with tries left raises TryAgain: the build is queued again with its error, for the task to retry.
    """
    build = _start(build_id)
    if build is None:
        return None
    beat = partial(_beat, build)
    try:
        contents, title = assemble(kind=build.kind, unit=build.unit, document=build.document, period=build.period)
        beat()
        files = {}
        for fmt in build.formats:
            files[fmt] = write_file(fmt, kind=build.kind, contents=contents, title=title, on_wait=beat,
                                    raw_sheets=streamed_raw_sheets(kind=build.kind, unit=build.unit,
                                                                   document=build.document, period=build.period)
                                    if fmt == "xlsx" else None)
            beat()
        _succeed(build, files)
    except BuildTakenOver:
        logger.warning("Report build %s: try %s was taken over by another run", build.pk, build.attempts)
        return None
    except Exception as error:
        if _record_error(build, error) == BuildState.QUEUED:
            raise TryAgain(build.error) from error
    return build


@transaction.atomic
def _start(build_id):
    """The queued build, now running at its next try; None if it is not queued (finished, or running elsewhere).

    The row lock makes two deliveries of the same message take turns: the second finds it running.
    """
    build = (ReportBuild.objects.select_for_update(of=("self",)).select_related("unit", "document", "period")
             .filter(pk=build_id).first())
    if build is None or build.state != BuildState.QUEUED:
        return None
    now = timezone.now()
    build.state, build.started_at, build.heartbeat_at = BuildState.RUNNING, now, now
    build.attempts += 1
    build.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
    return build


def _held(build):
    """The build's row while this run still holds it: running, at this run's try."""
    return ReportBuild.objects.filter(pk=build.pk, state=BuildState.RUNNING, attempts=build.attempts)


def _beat(build):
    """The heartbeat that tells the sweep this run is alive (every step, and while the PDF child works)."""
    build.heartbeat_at = timezone.now()
    if not _held(build).update(heartbeat_at=build.heartbeat_at):
        raise BuildTakenOver(build.pk)


@stored_files.atomic
def _succeed(build, files):
    """Keep the files and record the success; neither (no file left behind) if one file cannot be written or
    another run has the build."""
    stem = file_stem(build)
    for fmt, data in files.items():
        stored_files.store(getattr(build, f"{fmt}_file"), f"{stem}.{fmt}", ContentFile(data))
    now = timezone.now()
    if not _held(build).update(state=BuildState.SUCCEEDED, finished_at=now, heartbeat_at=now, error="",
                               xlsx_file=build.xlsx_file, pdf_file=build.pdf_file, docx_file=build.docx_file):
        raise BuildTakenOver(build.pk)
    build.state, build.finished_at, build.heartbeat_at, build.error = BuildState.SUCCEEDED, now, now, ""


def _record_error(build, error):
    """The try failed: the build is failed for good after MAX_ATTEMPTS tries, else queued again with the error
    shown (the task's retry is its message). Returns the new state, or None if another run has the build."""
    now = timezone.now()
    build.error, build.heartbeat_at = error_text(error), now
    if build.attempts >= MAX_ATTEMPTS:
        build.state, build.finished_at = BuildState.FAILED, now
        changes = {"finished_at": now}
    else:
        build.state, build.enqueued_at = BuildState.QUEUED, now
        changes = {"enqueued_at": now}
    if not _held(build).update(state=build.state, error=build.error, heartbeat_at=now, **changes):
        return None
    return build.state


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
    if isinstance(error, SoftTimeLimitExceeded):
        return "Quá thời gian tạo báo cáo (10 phút)."
    if is_storage_failure(error):
        return ("Máy chủ không ghi được tệp báo cáo (bộ nhớ lưu trữ đầy hoặc không cho ghi): hãy báo quản trị hệ "
                "thống, rồi tạo lại báo cáo.")
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def file_stem(build):
    prefix = "bao-cao-tong-hop" if build.kind == ReportBuild.Kind.CONSOLIDATED else "bao-cao"
    return f"{prefix}-{build.unit.code}-{build.period.code}"


def assemble(*, kind, unit, document, period):
    """The contents the writers print, and the title of a report (a consolidated report's: its cover,
    content.ReportCover, which reads as its subject line).

    A consolidated report reads the frozen snapshots of the reports the communes sent up for the
    period; while none has been sent it is a preview from the live data, and its title says so: the
    figures of all the communes read together (content.build_figures_contents, a fixed number of queries:
    about a second for a province's 120 communes, one step between two heartbeats of the build).
    """
    if kind == ReportBuild.Kind.CONSOLIDATED:
        contents = _received_contents(unit, document, period)
        if contents:
            return contents, consolidation_cover(unit=unit, document=document, period=period,
                                                 sent_codes={c.unit_code for c in contents})
        contents = build_figures_contents(pairs=report_plans(kind=kind, unit=unit, document=document), period=period)
        return contents, consolidation_cover(unit=unit, document=document, period=period, sent_codes=set(),
                                             preview=True)
    contents = [build_report_content(unit=unit, document=document, period=period)]
    return contents, contents[0].subject


def _received_contents(unit, document, period):
    """The frozen contents of the reports the unit received for the period on plans carrying out `document` (the
    document itself, or a plan implementing it through up to three plans between: a ward's plan implementing the
    city's programme, which implements the Party committee's, which implements the resolution); a report on another
    directive is not consolidated with them (until 28/11/2026 every report received for the period was). One per
    unit below: a commune that sent one on the document and one on its own plan carrying it out is counted once, on
    its own plan (its report of what it did), the latest sent."""
    chain = "document"
    carrying_out = Q(document=document)
    for _step in range(4):
        chain += "__implements"
        carrying_out |= Q(**{chain: document})
    reports = (OutgoingReport.objects.filter(carrying_out, recipient=unit, period=period).distinct()
               .select_related("unit").order_by("unit__name", "unit_id", "-sent_at", "-pk"))
    chosen = {}
    for report in reports:  # per unit: its own plan's report before the document's, then the latest sent
        best = chosen.get(report.unit_id)
        if best is None or (best.document_id == document.pk and report.document_id != document.pk):
            chosen[report.unit_id] = report
    return [ReportContent.from_json(r.snapshot) for r in chosen.values()]


def streamed_raw_sheets(*, kind, unit, document, period):
    """The figures behind the table of a unit's report that are read while its workbook is written, by province
    (content.raw_value_sheets: the country's), or None when its content carries them."""
    if kind == ReportBuild.Kind.CONSOLIDATED or not streams_raw_values(unit):
        return None
    return raw_value_sheets(unit, document, period)


def write_file(fmt, *, kind, contents, title, on_wait=None, raw_sheets=None):
    """The bytes of one file: the workbook and the Word file in this process, the PDF in a child process.
    `raw_sheets`: the workbook's figures behind the table when they are streamed (streamed_raw_sheets)."""
    if fmt == "xlsx":
        from .report_xlsx import write_consolidated_xlsx, write_report_xlsx

        if kind == ReportBuild.Kind.CONSOLIDATED:
            return write_consolidated_xlsx(contents, title)
        if raw_sheets is None:
            return write_report_xlsx(contents[0])
        return write_report_xlsx(contents[0], raw_sheets=raw_sheets, on_progress=on_wait)
    if fmt == "pdf":
        try:
            return write_pdf_in_child(kind, [c.to_json() for c in contents], title, on_wait=on_wait)
        except PdfError as error:
            raise BuildError(str(error)) from error
    if fmt == "docx":
        from .report_docx import write_consolidated_docx, write_report_docx

        if kind == ReportBuild.Kind.CONSOLIDATED:
            return write_consolidated_docx(contents, title)
        return write_report_docx(contents[0])
    raise BuildError(f"Định dạng không hợp lệ: {fmt}. Chỉ tạo được Excel (xlsx), PDF hoặc Word (docx).")


# --- watching over the queue -----------------------------------------------------------------


def stale_after():
    """How long a running build may go without a heartbeat, or a sent one wait without starting, before the
    sweep takes it for lost (settings.REPORT_BUILD_STALE_SECONDS)."""
    return timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS)


def sweep_stale_builds(*, now=None):
    """The builds no worker holds (ReportBuildQuerySet.stale), claimed to be sent again: queued and never
    sent, queued and sent more than stale_after() ago without starting, running with no heartbeat for
    stale_after() (queued again, or failed with the reason after MAX_ATTEMPTS tries).

    Returns (to_send, failed); the caller sends to_send (reports.tasks.send_builds), which puts back to
    "to send" what the broker refuses. One query when there is nothing to do: the build pages run it on view.
    """
    now = now or timezone.now()
    if not ReportBuild.objects.stale(now - stale_after()).exists():
        return [], []
    return _claim_stale(now)


@transaction.atomic
def _claim_stale(now):
    # skip_locked: a build being started or claimed by another sweep is theirs
    stale = ReportBuild.objects.stale(now - stale_after()).select_for_update(skip_locked=True).order_by("pk")
    to_send, failed = [], []
    for build in stale:
        if build.state == BuildState.RUNNING and build.attempts >= MAX_ATTEMPTS:
            build.state, build.error, build.finished_at, build.heartbeat_at = BuildState.FAILED, STALE_REASON, now, now
            build.save(update_fields=["state", "error", "finished_at", "heartbeat_at"])
            failed.append(build)
        else:
            build.state, build.enqueued_at = BuildState.QUEUED, now
            build.save(update_fields=["state", "enqueued_at"])
            to_send.append(build)
    if to_send or failed:
        logger.warning("Report builds no worker holds: to send again %s, failed %s",
                       [b.pk for b in to_send], [b.pk for b in failed])
    return to_send, failed


def build_deadline_reports(*, today=None):
    """The day after a period's deadline, each unit's report on its in-force plans, mailed to its officers.

    Idempotent: a deadline build (asked by nobody) is made once per unit, plan and period; a run missed
    within DEADLINE_CATCH_UP is made up. Returns the new builds, for the caller to enqueue
    (reports.tasks.build_deadline_reports).
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
            build, _ = open_build(unit=plan.issuer, document=plan, period=period, formats=list(FORMATS), by=None,
                                  reuse=False)
            _mail_officers(build)
            requested.append(build)
    return requested


def _mail_officers(build):
    unit, period = build.unit, build.period
    link = absolute_url(f"{reverse('reports:build_list')}?unit={unit.pk}")  # a mail client needs the host
    officers = (Membership.objects.active().filter(unit=unit, role=Role.OFFICER).exclude(user__email="")
                .select_related("user"))
    for membership in officers:
        user = membership.user
        body = (f"Kính gửi {user.get_full_name() or user.username},\n\n"
                f"Hạn nộp báo cáo {period.name} là ngày {period.deadline:%d/%m/%Y}. Cổng đã tự động tạo báo cáo "
                f"kết quả thực hiện {build.document.short_label} của {unit.name} (tệp Excel, PDF và Word) từ số liệu "
                "đã nhập đến nay.\n\n"
                f"Xem và tải báo cáo tại: {link}\n\n"
                "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW")
        try:
            # on one line: a name stored with a line break (the admin, an older form) made Django refuse the subject
            send_mail(" ".join(f"Báo cáo {period.name} của {unit.name} đã được tạo".split()), body, None,
                      [user.email])
        except Exception:  # one bad address must not stop the other units' reports
            logger.exception("Could not mail the deadline report of build %s to %s", build.pk, user.email)

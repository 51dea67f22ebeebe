"""The job that reads an uploaded plan, outside the request: a PlanImport goes from "reading" to "reviewing"
with its proposals, or to "failed" with the reason the officer is shown.

    run_reading     the job: read and extract the file in a child process (importer.reading_child, with its
                    time and memory limits), suggest indicators and parent targets, save the proposals;
                    progress and heartbeat recorded on the way, any error recorded on the row
    is_stalled      a reading whose job stopped answering (worker killed, broker lost): the officer may read
                    the file again or discard the import
    drop_file       forget the stored upload once it is read or the import discarded

This module does not queue: importer.tasks runs a reading by its id, importer.actions enqueues it.
"""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from plans.models import PlanImport, PlanImportStatus
from units import stored_files

from . import matching
from .extraction import ExtractionError
from .reading_child import ReadingError, read_in_child

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # runs of one reading (a message redelivered after its worker died) before it is failed
STALLED_AFTER = timedelta(minutes=2)  # without a heartbeat (every 10 s while the child reads)
# the progress of an import whose reading the broker refused: stalled at once, to be read again from its page
NOT_SENT = "Chưa gửi được tệp đến máy chủ đọc tệp"
PROGRESS_EVERY = 1  # seconds: notes closer together are not all written


def run_reading(import_id):
    """Read the file of an import in the reading state and record the outcome; None if there is nothing to read
    (a message delivered twice, an import discarded meanwhile)."""
    plan_import = _start(import_id)
    if plan_import is None:
        return None
    note = _Progress(plan_import)
    try:
        text, proposals = read_in_child(plan_import.source_file.name, plan_import.source_name, on_progress=note)
        note("Đang gợi ý chỉ số và chỉ tiêu cấp trên", force=True)
        matching.suggest_all(proposals, text, plan_import.uploaded_by)
        matching.suggest_task_units(proposals, plan_import.unit)
        _succeed(plan_import, text, proposals)
    except ExtractionError as error:
        _fail(plan_import, str(error))
    except SoftTimeLimitExceeded:
        _fail(plan_import, f"Không đọc xong tệp “{plan_import.source_name}” trong thời gian cho phép. "
                           "Hãy lưu lại thành tệp .docx hoặc .txt chỉ gồm phần kế hoạch, hoặc tách thành nhiều tệp.")
    except Exception as error:  # a bug or a failing server: recorded, so that the import does not stay "reading"
        logger.exception("Reading plan import %s failed", import_id)
        reason = str(error) if isinstance(error, ReadingError) else f"{type(error).__name__}: {error}"
        _fail(plan_import, f"Không đọc được tệp “{plan_import.source_name}” do lỗi của hệ thống ({reason}). "
                           "Hãy bấm “Đọc lại tệp”; nếu vẫn lỗi, báo cho quản trị viên.")
    return plan_import


def is_stalled(plan_import, now=None):
    """A reading that has not reported for STALLED_AFTER: its job died or was never run."""
    if plan_import.status != PlanImportStatus.READING:
        return False
    last = plan_import.heartbeat_at or plan_import.created_at
    return last is not None and last < (now or timezone.now()) - STALLED_AFTER


def mark_not_sent(import_id):
    """The broker refused the reading: the import shows at once that it must be read again (is_stalled)."""
    PlanImport.objects.filter(pk=import_id, status=PlanImportStatus.READING).update(
        progress=NOT_SENT, heartbeat_at=timezone.now() - STALLED_AFTER - timedelta(seconds=1))


@transaction.atomic
def _start(import_id):
    plan_import = (PlanImport.objects.select_for_update(of=("self",)).select_related("uploaded_by", "unit")
                   .filter(pk=import_id).first())
    if plan_import is None or plan_import.status != PlanImportStatus.READING:
        return None
    if not plan_import.source_file:
        _record_failure(plan_import, "Tệp tải lên không còn được lưu: hãy hủy lần nhập này và tải tệp lên lại.")
        return None
    if plan_import.attempts >= MAX_ATTEMPTS:
        _record_failure(plan_import, f"Đã đọc tệp “{plan_import.source_name}” {MAX_ATTEMPTS} lần mà tiến trình đều "
                                     "dừng giữa chừng. Hãy lưu lại tệp thành .docx hoặc .txt rồi tải lên lại.")
        return None
    now = timezone.now()
    plan_import.attempts += 1
    plan_import.started_at, plan_import.heartbeat_at, plan_import.progress = now, now, "Đang mở tệp"
    plan_import.save(update_fields=["attempts", "started_at", "heartbeat_at", "progress"])
    return plan_import


class _Progress:
    """Writes what the child is doing (and that it still is) on the import, at most every PROGRESS_EVERY s."""

    def __init__(self, plan_import):
        self.plan_import, self.written = plan_import, time.monotonic()

    def __call__(self, note, force=False):
        if note is None:  # a heartbeat while the child works
            force, note = True, self.plan_import.progress
        if not force and time.monotonic() - self.written < PROGRESS_EVERY:
            self.plan_import.progress = note  # written with the next note or heartbeat
            return
        self.plan_import.progress, self.plan_import.heartbeat_at = note[:200], timezone.now()
        # an update of the two columns only, and only while reading: a discard meanwhile is kept
        PlanImport.objects.filter(pk=self.plan_import.pk, status=PlanImportStatus.READING).update(
            progress=self.plan_import.progress, heartbeat_at=self.plan_import.heartbeat_at)
        self.written = time.monotonic()


@transaction.atomic
def _succeed(plan_import, text, proposals):
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.status != PlanImportStatus.READING:
        return  # discarded while it was read
    now = timezone.now()
    locked.status, locked.text, locked.proposals = PlanImportStatus.REVIEWING, text, proposals
    locked.finished_at, locked.heartbeat_at, locked.progress, locked.error = now, now, "", ""
    drop_file(locked)
    locked.save(update_fields=["status", "text", "proposals", "finished_at", "heartbeat_at", "progress", "error",
                               "source_file"])
    plan_import.status = locked.status


@transaction.atomic
def _fail(plan_import, message):
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.status == PlanImportStatus.READING:
        _record_failure(locked, message)
    plan_import.status, plan_import.error = locked.status, locked.error


def _record_failure(plan_import, message):
    now = timezone.now()
    plan_import.status, plan_import.error, plan_import.progress = PlanImportStatus.FAILED, message, ""
    plan_import.finished_at, plan_import.heartbeat_at = now, now
    plan_import.save(update_fields=["status", "error", "progress", "finished_at", "heartbeat_at"])


def drop_file(plan_import):
    """Forget the stored upload (its text is kept, or the import is given up); deleted once this commits.
    The caller saves the import."""
    stored_files.delete_on_commit(plan_import.source_file)
    plan_import.source_file = ""


"""The PDF of a report written in a forked child process, so that the memory WeasyPrint takes goes back to
the system after each file instead of accumulating in a long-lived worker.

The child gets plain data (the contents as JSON) and sends back bytes; it must not use the database (it
shares the parent's connections), so any query there raises. The PDF writer is imported in the child.
"""

import os
import signal
import time
from contextlib import ExitStack

import billiard
from django.conf import settings
from django.db import connections

from .content import ReportContent
from .models import ReportBuild

PDF_TIMEOUT = 480  # seconds: under the task's soft time limit (600 s), so the build fails cleanly first
HEARTBEAT_EVERY = settings.REPORT_BUILD_HEARTBEAT_SECONDS  # between calls of on_wait while the child works


class PdfError(Exception):
    """The PDF could not be written; the message is shown to the user as is."""


def write_pdf_in_child(kind, payload, title, *, timeout=PDF_TIMEOUT, on_wait=None):
    """The PDF's bytes, written in a forked process that exits afterwards; `on_wait` runs while it works.

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
                raise PdfError(f"Quá thời gian tạo tệp PDF ({timeout} giây).")
            if on_wait is not None:
                on_wait()
        try:
            outcome, result = receiver.recv()
        except EOFError:
            child.join(5)
            raise PdfError(f"Tiến trình tạo tệp PDF dừng bất thường (mã thoát {child.exitcode}).") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.join(5)
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)  # billiard's Process has no kill(): what multiprocessing's sends
            child.join()
    if outcome != "ok":
        raise PdfError(f"Không tạo được tệp PDF: {result}")
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
        sender.send(("error", f"{type(error).__name__}: {error}" if str(error) else type(error).__name__))
    finally:
        sender.close()


def _no_database(*args):
    raise RuntimeError("The PDF child process must not query the database (it shares the parent's connection).")

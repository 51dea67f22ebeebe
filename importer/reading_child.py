"""Reading and extracting an uploaded plan in a forked child process, under a time limit and a memory limit,
so that a file that would take minutes or gigabytes costs a child that is then ended, not the worker (or,
with Celery in-process, the web server).

The child gets the stored file's name and sends back the cleaned text and the proposals, or the Vietnamese
refusal, with notes of its progress on the way. It reads the file through the storage and must not use the
database (it shares the parent's connections), so any query there raises. As for reports.pdf_child, the
process is billiard's: a worker's pool processes are daemonic, and the standard library refuses them children.
"""

import io
import os
import signal
import time
from contextlib import ExitStack

import billiard
from django.core.files.storage import default_storage
from django.db import connections

from .extraction import ExtractionError, extract_plan, read_document
from .extraction.reading import MAX_BYTES
from .extraction.text import clean_text

READ_TIMEOUT = 120  # seconds: under the task's soft time limit, so that the reading fails cleanly first
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space the child may take beyond what it starts with
HEARTBEAT_EVERY = 10  # seconds between calls of on_progress(None) while the child works


class ReadingError(Exception):
    """The child failed for a reason that is not the file's (it died, or a bug); the message says how."""


def read_in_child(file_name, source_name, *, timeout=None, memory=None, on_progress=None):
    """(cleaned text, proposals) of the stored file ``file_name``, uploaded as ``source_name``.

    Raises ExtractionError with the message for the user when the file is refused, takes longer than
    ``timeout`` seconds (READ_TIMEOUT) or more than ``memory`` bytes (MEMORY_LIMIT); ReadingError when the
    child dies otherwise. ``on_progress`` is called with each note the child sends, and with None every
    HEARTBEAT_EVERY seconds.
    """
    timeout = READ_TIMEOUT if timeout is None else timeout
    memory = MEMORY_LIMIT if memory is None else memory
    on_progress = on_progress or (lambda note: None)
    context = billiard.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, file_name, source_name, memory), daemon=True)
    child.start()
    sender.close()
    try:
        deadline = time.monotonic() + timeout
        while True:
            if not receiver.poll(max(0, min(HEARTBEAT_EVERY, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    raise ExtractionError(
                        f"Không đọc xong tệp “{source_name}” sau {timeout} giây: tệp quá lớn hoặc quá phức tạp. "
                        "Hãy lưu lại thành tệp .docx hoặc .txt chỉ gồm phần kế hoạch, hoặc tách thành nhiều tệp.")
                on_progress(None)
                continue
            try:
                kind, value = receiver.recv()
            except EOFError:
                child.join(5)
                raise ReadingError(f"Tiến trình đọc tệp dừng bất thường (mã thoát {child.exitcode}).") from None
            if kind == "progress":
                on_progress(value)
            elif kind == "ok":
                return value
            elif kind == "refused":
                raise ExtractionError(value)
            else:
                raise ReadingError(f"Lỗi khi đọc tệp: {value}")
    finally:
        receiver.close()
        if child.is_alive():
            child.join(1)
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)  # billiard's Process has no kill(): what multiprocessing's sends
            child.join()


def _child(sender, file_name, source_name, memory):
    """Runs in the child process: the stored file in, (cleaned text, proposals) or the refusal out."""
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_no_database))
            _limit_memory(memory)

            def progress(note):
                sender.send(("progress", note))

            with default_storage.open(file_name, "rb") as stored:
                upload = io.BytesIO(stored.read(MAX_BYTES + 1))
            upload.name = source_name  # messages name the file as the officer knows it; the kind is by its name
            text = read_document(upload, progress)
            progress("Đang tìm các chỉ tiêu trong văn bản")
            proposals = extract_plan(text, source_name)
            result = ("ok", (clean_text(text), proposals))
        sender.send(result)
    except ExtractionError as error:
        sender.send(("refused", str(error)))
    except MemoryError:
        sender.send(("refused", f"Không đọc được tệp “{source_name}”: việc đọc tệp cần hơn "
                                f"{memory // 1024 // 1024} MB bộ nhớ. Hãy lưu lại thành tệp .docx hoặc .txt chỉ gồm "
                                "phần kế hoạch, hoặc tách thành nhiều tệp."))
    except BaseException as error:  # the parent records it; the child only exits
        sender.send(("error", f"{type(error).__name__}: {error}" if str(error) else type(error).__name__))
    finally:
        sender.close()


def _limit_memory(memory):
    """Cap the child's address space at what it has now plus ``memory`` (Linux; elsewhere no cap)."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    limit = current + memory
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _no_database(*args):
    raise RuntimeError("The plan reading child must not query the database (it shares the parent's connection).")

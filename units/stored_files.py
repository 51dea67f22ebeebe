"""Files kept with a row (a value's evidence, a task report's, a school report's attachments, an imported plan's
upload, a report's files) and the transaction that writes the row.

A file is written before the row that names it. If the write then fails (the insert itself, a step refused after
the file was written, a page gone stale), its rows are rolled back and the file must go too: a write wrapped in
`atomic` removes the files it stored with `store`. A file whose row is deleted or replaced goes only once that
commits (`delete_on_commit`): deleted before, a rollback would leave a row naming a missing file.
"""

import logging
import threading
from functools import wraps

from django.db import transaction

logger = logging.getLogger(__name__)
_running = threading.local()  # .writes: the files stored by each `atomic` write running on this thread, innermost last


def atomic(function):
    """transaction.atomic for a write that stores files (`store`): when it raises, its rows are rolled back and
    the files it stored removed. Run inside another such write, it hands its files to that one, which removes them
    if it fails in turn."""

    @wraps(function)
    def write(*args, **kwargs):
        writes = _writes()
        writes.append([])
        committed = CommitMark()
        try:
            with transaction.atomic():
                # first of the write's on_commit callbacks: one of the others (a mail sent, a task run in-process)
                # raising after the COMMIT must not take the files of committed rows with it
                transaction.on_commit(committed)
                result = function(*args, **kwargs)
        except BaseException:
            stored = writes.pop()
            if not committed.done:
                _remove(stored)
            raise
        stored = writes.pop()
        if writes:
            writes[-1].extend(stored)
        return result

    return write


class CommitMark:
    """The first on_commit callback of a write of `atomic`: run, the write's rows are committed."""

    done = False

    def __call__(self):
        self.done = True


def store(field_file, name, content):
    """Write `content` as the file of `field_file` (under the name its field's upload_to makes of `name`), from a
    write of `atomic`, which removes it if that write fails. The caller saves the row."""
    writes = _writes()
    if not writes:
        raise RuntimeError("stored_files.store() runs within a write of stored_files.atomic, which removes the file "
                           "if the write fails.")
    field_file.save(name, content, save=False)
    writes[-1].append((field_file.storage, field_file.name))


def replace(field_file, name, content):
    """`store` in place of the field's present file, which is deleted once the write commits."""
    replaced = field_file.name
    store(field_file, name, content)
    if replaced and replaced != field_file.name:  # the old file missing, the new one may have taken its name
        _remove_on_commit([(field_file.storage, replaced)])


def delete_on_commit(*field_files):
    """Delete these files (those that have one) once the transaction deleting their rows commits: called after
    the rows are deleted, since outside a transaction it deletes them at once."""
    _remove_on_commit([(field_file.storage, field_file.name) for field_file in field_files if field_file])


def _remove_on_commit(files):
    if files:
        transaction.on_commit(lambda: _remove(files))


def _writes():
    if not hasattr(_running, "writes"):
        _running.writes = []
    return _running.writes


def _remove(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind must not hide why the write failed, nor fail one that committed
            logger.exception("stored file %s not removed", name)

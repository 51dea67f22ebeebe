"""Files kept with a row (a value's evidence, a task report's, a school report's attachments, an imported plan's
upload, a report's files) and the transaction that writes the row.

The rule: a stored file follows the fate of the rows of the transaction that stored it.

- A file is written before the row that names it, by `store` within a write wrapped in `atomic`. If the
  transaction then does not commit (the insert itself fails, a step is refused after the file was written, a page
  gone stale), its rows are rolled back and the file goes too. So does a file stored within a savepoint that is
  rolled back while the write goes on (a block that caught its error).
- The outermost `atomic` write begins the transaction: it is refused within a plain `transaction.atomic`, whose
  rollback, coming after the write has returned, would leave the files behind (Django tells nobody of a
  rollback). A write that calls a write storing files is an `atomic` write itself; within it the inner writes,
  even through plain `transaction.atomic` blocks, are savepoints whose files stay with it.
- A file whose row is deleted, by any path (a page, the admin, a cascade, a queryset), goes once the deletion
  commits, and stays if it is rolled back: deleted before, a rollback would leave a row naming a missing file.
  A pre_delete receiver does it for every model with a FileField (`delete_with_rows`); a file replaced
  (`replace`) or dropped from a row that stays (`delete_on_commit`) goes the same way.
- Once the transaction has committed, nothing removes its files: a callback failing after the COMMIT (a mail)
  is no failure of the write.
"""

import logging
import threading
from functools import wraps

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import pre_delete

logger = logging.getLogger(__name__)
_running = threading.local()  # .writes: the files stored by each `atomic` write running on this thread, innermost last


def atomic(function):
    """transaction.atomic for a write that stores files (`store`): when it fails, its rows are rolled back and
    the files it stored removed. Run inside another such write, it hands its files to that one, which removes them
    if it fails in turn; run inside a plain transaction.atomic and no such write, it is refused (RuntimeError)."""

    @wraps(function)
    def write(*args, **kwargs):
        writes = _writes()
        writes.append([])
        committed = CommitMark()
        try:
            # durable: the outermost write is the transaction, whose end it sees (see the module's docstring)
            with transaction.atomic(durable=len(writes) == 1):
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
        if committed.done:  # committed, every callback run: a file whose mark did not was in a savepoint rolled back
            _remove([each for each in stored if not each[2].done])
        else:  # a savepoint of an outer write (or, in tests, of the test's transaction)
            pending = _pending()
            _remove([each for each in stored if id(each[2]) not in pending])  # within a savepoint rolled back
            if writes:
                writes[-1].extend(each for each in stored if id(each[2]) in pending)
        return result

    return write


class CommitMark:
    """An on_commit callback that only notes that it ran: the first of a write of `atomic` (run, the write's rows
    are committed), and one for each file it stores (dropped by Django with a savepoint rolled back)."""

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
    stored = CommitMark()
    transaction.on_commit(stored)
    writes[-1].append((field_file.storage, field_file.name, stored))


def replace(field_file, name, content):
    """`store` in place of the field's present file, which is deleted once the write commits."""
    replaced = field_file.name
    store(field_file, name, content)
    if replaced and replaced != field_file.name:  # the old file missing, the new one may have taken its name
        _remove_on_commit([(field_file.storage, replaced)])


def delete_on_commit(*field_files):
    """Delete these files (those that have one) once the transaction deleting their rows, or dropping the files
    from them, commits: called within it, since outside a transaction it deletes them at once."""
    _remove_on_commit([(field_file.storage, field_file.name) for field_file in field_files if field_file])


def delete_with_rows():
    """Connect the receiver that deletes a row's files once its deletion commits, for every model with a FileField
    (from UnitsConfig.ready). A receiver, as it is the one place every deletion passes through: the admin's, an
    inline's, a queryset's, a cascade from a row above."""
    for model in apps.get_models():
        if _file_fields(model):
            pre_delete.connect(_delete_files_of_row, sender=model, dispatch_uid="units.stored_files.delete_with_rows")


def _delete_files_of_row(sender, instance, **kwargs):
    # pre_delete: sent within the deletion's transaction, while a deferred file field can still be read
    delete_on_commit(*(getattr(instance, field.attname) for field in _file_fields(sender)))


def _file_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _remove_on_commit(files):
    if files:
        transaction.on_commit(lambda: _remove(files))


def _pending():
    """The ids of the on_commit callbacks still to run if the transaction commits: Django drops those of a
    savepoint rolled back. (Its entries are tuples (savepoint ids, callback, robust); any order reads the same.)"""
    return {id(part) for entry in transaction.get_connection().run_on_commit for part in entry}


def _writes():
    if not hasattr(_running, "writes"):
        _running.writes = []
    return _running.writes


def _remove(files):
    for storage, name, *_ in files:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind must not hide why the write failed, nor fail one that committed
            logger.exception("stored file %s not removed", name)

"""Writes that fail after their file is stored, and what they leave in MEDIA_ROOT: shared by the tests of every
write that keeps a file (units.stored_files)."""

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection


@contextmanager
def _refused(verb, table, why):
    """The database refuses every `verb` statement on `table` with an IntegrityError."""

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(verb) and f'"{table}"' in sql:
            raise IntegrityError(f"{verb} on {table} refused by the test ({why})")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def insert_refused(table):
    """The database refuses every INSERT into `table`, as a constraint would: the file the row names is written
    by then (a FileField stores its file as the INSERT is made)."""
    return _refused("INSERT", table, "a constraint")


def delete_refused(table):
    """The database refuses every DELETE from `table`, as a trigger or a lock gone stale would: the rows a
    deletion takes before (a cascade deletes the rows below first) are rolled back with it."""
    return _refused("DELETE", table, "a trigger")


def media_files():
    """The files under MEDIA_ROOT, by their names relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

"""Migration units 0006: one login whatever its case, unless the data already holds such pairs (named, not fatal)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

migration = importlib.import_module("units.migrations.0006_reset_mail_event_and_lower_username")


class Editor:
    """What the migration's functions use of a schema editor (SQLite's refuses to open inside a test's transaction)."""

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def index_exists():
    with connection.cursor() as cursor:
        return migration.INDEX in connection.introspection.get_constraints(cursor, "auth_user")


def test_logins_differing_only_in_case_are_named_and_the_upgrade_goes_on(db, capsys):
    User = get_user_model()
    assert index_exists()  # migrated
    migration.drop_index(apps, Editor())
    User.objects.create(username="HieuTruong.A1")
    User.objects.create(username="hieutruong.a1")  # let in by the account import before 28/11/2026
    migration.one_login_whatever_its_case(apps, Editor())
    assert "HieuTruong.A1 / hieutruong.a1" in capsys.readouterr().out
    assert not index_exists()
    User.objects.filter(username="hieutruong.a1").update(username="hieutruong.a1-2")  # renamed by an administrator
    migration.one_login_whatever_its_case(apps, Editor())
    assert index_exists()
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(username="HIEUTRUONG.A1")

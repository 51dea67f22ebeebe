"""values/deleted/: a client syncing values/?changed_since= learns which values stopped being listed since (a school's
report reopened or approved again, a value archived), from the DeletedValue each leaves in the same transaction;
scoped like every list, kept API_DELETED_VALUES_KEEP_DAYS and swept by Celery beat."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from api.tasks import sweep_deleted_values
from reports import actions as report_actions
from reports.models import ReportStatus, ReportValue
from targets import actions as target_actions
from targets.models import DeletedValue, ProgressValue, ValueSource

DELETED = "/api/v1/values/deleted/"


@pytest.fixture
def approved(world, tree, period):
    """A-TH1's report approved: the figure its approval wrote (as reports.actions.write_report_values links it)."""
    report = world["reports"]["A-TH1"]
    report.status = ReportStatus.APPROVED
    report.save(update_fields=["status"])
    value = ProgressValue.objects.get(unit=tree["A-TH1"], indicator=world["rate"], period=period)
    ReportValue.objects.create(report=report, value=value)
    return report, value


def since(moment):
    return {"since": moment.isoformat()}


def test_a_reopened_reports_figure_is_listed_as_deleted_with_what_identifies_it(approved, world, tree, period,
                                                                               personas, api_as):
    report, value = approved
    before = timezone.now()
    report_actions.return_school_report(report=report, by=personas["officer_a"], comment="Sửa số giáo viên",
                                        expected_version=report.version)
    client = api_as("officer_a")
    assert value.pk not in [row["id"] for row in client.get("/api/v1/values/").json()["results"]]
    body = client.get(DELETED, since(before)).json()
    assert body["results"] == [{
        "id": DeletedValue.objects.get().pk, "value": value.pk, "unit": tree["A-TH1"].pk, "unit_code": "A-TH1",
        "indicator": world["rate"].pk, "indicator_code": "gv-dat-chuan", "period": period.pk,
        "period_code": period.code, "target": None, "reason": "deleted",
        "deleted_at": body["results"][0]["deleted_at"]}]
    assert client.get(DELETED, since(timezone.now())).json()["results"] == []


def test_a_report_approved_again_lists_its_old_figure_deleted(approved, api_as):
    report, value = approved
    checkpoint = timezone.now()
    report_actions.write_report_values(report, is_demo=False)  # what a second approval does
    client = api_as("reviewer")
    assert [row["value"] for row in client.get(DELETED, since(checkpoint)).json()["results"]] == [value.pk]
    assert client.get(f"/api/v1/values/{value.pk}/").status_code == 404


def test_an_archived_value_is_listed_and_comes_back_in_changed_since_when_restored(world, personas, api_as):
    entered = world["entered"]
    checkpoint = timezone.now()
    target_actions.archive_values(values=[entered], by=personas["admin"])
    client = api_as("officer_a")
    rows = client.get(DELETED, since(checkpoint)).json()["results"]
    assert [(row["value"], row["reason"], row["target"]) for row in rows] == [
        (entered.pk, "archived", world["a_rooms"].pk)]
    restored_after = timezone.now()
    assert target_actions.restore_values(values=[entered]) == 1
    changed = client.get("/api/v1/values/", {"changed_since": restored_after.isoformat()}).json()["results"]
    assert [row["id"] for row in changed] == [entered.pk]


def test_a_value_archived_and_restored_within_one_sync_window_is_not_read_as_gone(world, personas, api_as):
    """A client syncing from before both reads the value in changed_since and not in values/deleted/, whichever it
    reads first: it keeps the value, which is listed (it was dropped when both lists named it)."""
    entered = world["entered"]
    checkpoint = timezone.now()
    target_actions.archive_values(values=[entered], by=personas["admin"])
    assert target_actions.restore_values(values=[entered]) == 1
    client = api_as("officer_a")
    assert client.get(DELETED, since(checkpoint)).json()["results"] == []
    changed = client.get("/api/v1/values/", {"changed_since": checkpoint.isoformat()}).json()["results"]
    assert [row["id"] for row in changed] == [entered.pk]


def test_deleted_values_are_scoped_like_every_list(approved, world, tree, period, personas, api_as):
    report, value = approved
    before = timezone.now()
    report_actions.return_school_report(report=report, by=personas["officer_a"], comment="Sửa",
                                        expected_version=report.version)
    assert api_as("officer_b").get(DELETED, since(before)).json()["results"] == []
    assert api_as("principal_b").get(DELETED, since(before)).json()["count"] == 0
    assert api_as("principal_a").get(DELETED, since(before)).json()["count"] == 1
    assert api_as("reviewer").get(DELETED, {**since(before), "unit": tree["B"].pk}).json()["count"] == 0
    assert api_as("officer_b").get(DELETED, {**since(before), "unit": tree["A"].pk}).status_code == 404


def test_since_is_required_and_refused_when_older_than_what_is_kept(world, api_as, settings):
    client = api_as("officer_a")
    missing = client.get(DELETED)
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_parameter"
    assert list(missing.json()["errors"]) == ["since"]
    settings.API_DELETED_VALUES_KEEP_DAYS = 30
    old = client.get(DELETED, since(timezone.now() - timedelta(days=31)))
    assert old.status_code == 400 and old.json()["code"] == "since_too_old"
    assert "đồng bộ lại toàn bộ" in old.json()["since"][0]
    assert client.get(DELETED, since(timezone.now() - timedelta(days=29))).status_code == 200


def test_the_sweep_forgets_what_is_older_than_kept(world, tree, period, settings):
    settings.API_DELETED_VALUES_KEEP_DAYS = 30
    now = timezone.now()
    for days, value_id in ((31, 1), (29, 2)):
        DeletedValue.objects.create(value_id=value_id, unit=tree["A-TH1"], indicator=world["rate"], period=period,
                                    reason="deleted", deleted_at=now - timedelta(days=days))
    assert sweep_deleted_values() == {"deleted": 1}
    assert list(DeletedValue.objects.values_list("value_id", flat=True)) == [2]


def test_nothing_is_recorded_when_the_deletion_is_rolled_back(world, tree, period):
    from django.db import transaction

    values = ProgressValue.objects.filter(unit=tree["A-TH1"])
    with pytest.raises(RuntimeError), transaction.atomic():
        target_actions.delete_values(values)
        raise RuntimeError
    assert values.exists() and not DeletedValue.objects.exists()


def test_the_list_reads_in_the_same_queries_with_more_rows(world, tree, period, personas, api_as,
                                                             django_assert_max_num_queries):
    client = api_as("reviewer")
    checkpoint = timezone.now()

    def delete_three(n):
        rows = [ProgressValue.objects.create(indicator=world["rooms"], unit=tree[code], period=period,
                                             value=Decimal(n), source=ValueSource.SCHOOL_REPORT)
                for code in ("A-TH1", "A-THCS", "B-MN")]
        target_actions.delete_values(ProgressValue.objects.filter(pk__in=[row.pk for row in rows]))

    delete_three(1)
    # the token, its touch, the count, the page (tombstones joined with their unit, indicator and period)
    with django_assert_max_num_queries(8) as three:
        assert client.get(DELETED, since(checkpoint)).json()["count"] == 3
    delete_three(2)
    delete_three(3)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert client.get(DELETED, since(checkpoint)).json()["count"] == 9


def test_celery_beat_sweeps_the_deleted_values_every_night(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-deleted-values"]
    assert entry["task"] == sweep_deleted_values.name and entry["task"] in app.tasks
    assert entry["schedule"].hour == {3}

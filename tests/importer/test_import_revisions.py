"""A plan created from an imported file records each target's values as the first entry of its history, through
the one writer of target revisions (targets.actions.record_target_revisions), as the admin's target form does."""

from importer import actions
from targets.models import TargetRevision
from tests.importer.test_plan_import import HIEN_THANH, decide, started


def test_creating_a_plan_from_a_file_records_each_targets_first_revision(client, personas, tree):
    plan_import = started(client, personas, tree, HIEN_THANH)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
        plan_import.refresh_from_db()

    document = actions.create_plan_from_import(plan_import=plan_import, by=personas["officer_a"])

    revisions = TargetRevision.objects.filter(target__document=document).select_related("target")
    assert revisions.count() == document.targets.count() > 0
    for revision in revisions:
        assert revision.before is None and revision.changed_by == personas["officer_a"]
        assert revision.reason == f"Tạo khi nhập kế hoạch từ tệp “{HIEN_THANH}”."
        assert revision.after == revision.target.values_snapshot()

from django.db import transaction

from plans.models import DocumentStatus

from .models import TargetRevision


def needs_revision_reason(target):
    """Once the plan is in force, a target's values change only with a recorded reason."""
    return target.pk is not None and target.document.status == DocumentStatus.IN_FORCE


@transaction.atomic
def record_target_revision(*, target, before, by, reason):
    """Keep the change of a target's values (before/after) with who made it and why; None if nothing changed."""
    after = target.values_snapshot()
    if before == after:
        return None
    return TargetRevision.objects.create(
        target=target, before=before, after=after, changed_by=by, reason=reason
    )


from django.db import transaction

from plans.models import DocumentStatus

from .fields import plain_decimal
from .models import Evidence, ProgressValue, ProgressValueChange, TargetRevision, ValueSource


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


class StaleValueError(Exception):
    """Someone saved this value since the user opened it: nothing was overwritten."""

    def __init__(self, current):
        super().__init__("Số liệu vừa được người khác cập nhật.")
        self.current = current


VALUE_FIELDS = ("numerator", "denominator", "value", "achieved", "status", "note")


def value_snapshot(value):
    return {field: plain_decimal(getattr(value, field)) for field in VALUE_FIELDS}


@transaction.atomic
def save_progress_value(*, target, period, values, by, expected_version):
    """Save one target's progress for a period; refused if someone else saved it in between."""
    unit = target.document.issuer
    current = ProgressValue.objects.select_for_update().filter(target=target, unit=unit, period=period).first()
    if (current.version if current else 0) != expected_version:
        raise StaleValueError(current)
    before = value_snapshot(current) if current else None
    if current is None:
        current = ProgressValue(indicator=target.indicator, target=target, unit=unit, period=period,
                                source=ValueSource.MANUAL, version=0)
    for field, value in values.items():
        setattr(current, field, value)
    current.version += 1
    current.entered_by = by
    current.save()
    ProgressValueChange.objects.create(value=current, changed_by=by, before=before, after=value_snapshot(current))
    return current


@transaction.atomic
def attach_evidence(*, value, uploaded, by):
    return Evidence.objects.create(
        value=value, file=uploaded, original_name=uploaded.name[:255], content_type=uploaded.sniffed_type,
        size=uploaded.size, uploaded_by=by,
    )


"""Writes of targets and their progress: the one writer of a target's revisions, saving a progress value
(versioned, refused after the period's lock), evidence, and archiving (nothing that holds entered figures or
their history is deleted)."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from periods.models import Period
from plans.actions import check_not_stale
from plans.models import Document, DocumentStatus
from units import stored_files
from units.evidence import already_attached, display_name, same_file

from .fields import plain_decimal
from .models import (
    DeletedValue,
    Evidence,
    ProgressValue,
    ProgressValueChange,
    Target,
    TargetRevision,
    ValueSource,
)


def needs_revision_reason(target):
    """Once the plan is in force, a target's values change only with a recorded reason."""
    return target.pk is not None and target.document.status == DocumentStatus.IN_FORCE


@transaction.atomic
def record_target_revisions(*, targets, by, reason, before=None):
    """The one writer of TargetRevision, used by every path that creates a target or changes its values (the
    admin's target form, the plan importer): keep each target's values before and after, who and why.

    `before`: target pk -> values_snapshot() read before the change; a target without an entry was just
    created (its revision has no "before"). Targets whose values did not change get no revision. The
    values after are read afresh (two queries, one insert, whatever the number of targets). Returns the
    revisions written.
    """
    before = before or {}
    fresh = Target.all_objects.filter(pk__in=[t.pk for t in targets]).prefetch_related("horizons").order_by("pk")
    revisions = []
    for target in fresh:
        after = target.values_snapshot()
        previous = before.get(target.pk)
        if previous == after:
            continue
        revisions.append(TargetRevision(target=target, before=previous, after=after, changed_by=by, reason=reason))
    return TargetRevision.objects.bulk_create(revisions)


@transaction.atomic
def revise_target(*, target, baseline_value, baseline_year, horizons, reason, by, seen):
    """Revise a target's baseline and its horizons' values from the plan's page ("Điều chỉnh"); `horizons`:
    {horizon pk: (value, value_max)}, a horizon not named keeps its values. Returns the revisions written.

    `seen`: the fingerprint (plans.actions.state_fingerprint) of the values_snapshot() the user's page was built
    from. If the target changed since, by this page or any other path, StaleEditError carries the target as it now
    stands and the revision that made it so: a revision from a page opened before another's would undo it unseen.
    """
    target = Target.objects.select_for_update().get(pk=target.pk)
    before = target.values_snapshot()
    check_not_stale(seen=seen, current=target, state=before,
                    history=target.revisions.select_related("changed_by").order_by("-changed_at", "-pk"))
    target.baseline_value, target.baseline_year = baseline_value, baseline_year
    target.save(update_fields=["baseline_value", "baseline_year"])
    for horizon in target.horizons.all():
        if horizon.pk in horizons:
            horizon.value, horizon.value_max = horizons[horizon.pk]
            horizon.save(update_fields=["value", "value_max"])
    return record_target_revisions(targets=[target], by=by, reason=reason, before={target.pk: before})


class StaleValueError(Exception):
    """Someone saved this value since the user opened it: nothing was overwritten."""

    def __init__(self, current):
        super().__init__("Số liệu vừa được người khác cập nhật.")
        self.current = current


class PeriodLockedError(Exception):
    """The period is locked for the unit and the user: nothing was saved. The message is shown as is."""


class AlreadyAttachedError(Exception):
    """The same file (name and content) is attached to the value already: nothing was kept. The message is shown
    as is; `evidence`: the file attached before."""

    def __init__(self, evidence):
        super().__init__(already_attached(evidence))
        self.evidence = evidence


VALUE_FIELDS = ("numerator", "denominator", "value", "achieved", "status", "note")


def value_snapshot(value):
    return {field: plain_decimal(getattr(value, field)) for field in VALUE_FIELDS}


def _entered_value(target, unit, period, *, lock=False):
    values = ProgressValue.objects.filter(target=target, unit=unit, period=period).select_related("entered_by")
    return (values.select_for_update(of=("self",)) if lock else values).first()


@transaction.atomic
def save_progress_value(*, target, period, values, by, expected_version):
    """Save one target's progress for a period; refused if the period is locked for the unit and `by`
    (PeriodLockedError), or if someone else saved it in between (StaleValueError, with their value).

    A first save has no row to lock: two of them race to the insert, and the unique constraint decides.
    The insert runs in a savepoint so that the loser gets the winner's value, as for a stale version.
    """
    unit = target.document.issuer
    if period.is_locked_for_user(by, unit):
        raise PeriodLockedError(period.lock_message(unit))
    current = _entered_value(target, unit, period, lock=True)
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
    if current.pk is None:
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            winner = _entered_value(target, unit, period)
            if winner is None:  # not the race of first saves: another constraint refused the row
                raise
            raise StaleValueError(winner) from None
    else:
        current.save()
    ProgressValueChange.objects.create(value=current, changed_by=by, before=before, after=value_snapshot(current))
    return current


class BatchRefusedError(Exception):
    """Some entries of a batch could not be saved: nothing was. `refusals` holds (index, StaleValueError or
    PeriodLockedError) for each, as save_progress_value would have raised them one by one."""

    def __init__(self, refusals):
        super().__init__(f"{len(refusals)} số liệu bị từ chối.")
        self.refusals = refusals


@transaction.atomic
def save_progress_values(*, entries, by):
    """save_progress_value for many (target, period, values, expected version) entries at once, all or nothing,
    under the same rules (lock date, versions, the race of first saves, a history row each), in a number of
    queries that does not depend on the number of entries. Raises BatchRefusedError listing every refused entry;
    returns the saved values in the order of the entries. Entries must name distinct (target, period) pairs."""
    entries = list(entries)
    keyed = [(target, period, target.document.issuer) for target, period, _values, _version in entries]
    locked = Period.locked_pairs(by, {(period, unit) for _target, period, unit in keyed})
    refusals = [(index, PeriodLockedError(period.lock_message(unit)))
                for index, (_target, period, unit) in enumerate(keyed) if (period, unit) in locked]
    current = _entered_values(keyed, lock=True)
    for index, ((target, period, unit), entry) in enumerate(zip(keyed, entries, strict=True)):
        row = current.get((target.pk, unit.pk, period.pk))
        if (row.version if row else 0) != entry[3] and not any(i == index for i, _ in refusals):
            refusals.append((index, StaleValueError(row)))
    if refusals:
        raise BatchRefusedError(sorted(refusals, key=lambda refusal: refusal[0]))
    now = timezone.now()
    saved, before, new = [], {}, {}
    for index, ((target, period, unit), (_target, _period, values, _version)) in enumerate(
            zip(keyed, entries, strict=True)):
        row = current.get((target.pk, unit.pk, period.pk))
        if row is None:
            row = ProgressValue(indicator=target.indicator, target=target, unit=unit, period=period,
                                source=ValueSource.MANUAL, version=0)
            new[index] = row
        else:
            before[index] = value_snapshot(row)
        for field, value in values.items():
            setattr(row, field, value)
        row.version += 1
        row.entered_by, row.entered_at = by, now
        saved.append(row)
    _update_values([row for index, row in enumerate(saved) if index not in new], by=by, now=now)
    if new:
        try:
            with transaction.atomic():
                ProgressValue.objects.bulk_create(new.values())
        except IntegrityError:
            # first saves raced with another writer: the winners' rows exist now, and are what the user gets
            winners = _entered_values([keyed[index] for index in new])
            lost = [(index, StaleValueError(winners[key])) for index in new
                    if (key := (keyed[index][0].pk, keyed[index][2].pk, keyed[index][1].pk)) in winners]
            if not lost:
                raise
            raise BatchRefusedError(lost) from None
    ProgressValueChange.objects.bulk_create(
        ProgressValueChange(value=row, changed_by=by, before=before.get(index), after=value_snapshot(row))
        for index, row in enumerate(saved))
    return saved


# the SQL type of each value field, for the VALUES list of one UPDATE (PostgreSQL cannot guess a NULL's type)
_SQL_TYPES = {"numerator": "numeric", "denominator": "numeric", "value": "numeric", "achieved": "boolean",
              "status": "text", "note": "text"}
_UPDATE_BATCH = 500


def _update_values(rows, *, by, now):
    """Write the value fields of locked rows, their version + 1, who and when: one UPDATE … FROM a VALUES list per
    500 rows (Django's bulk_update builds a CASE per field and row, seconds for a thousand rows). Runs on
    PostgreSQL and SQLite (3.33+) alike; the roll-up triggers see an ordinary UPDATE."""
    from django.db import connection

    table, fields = ProgressValue._meta.db_table, list(_SQL_TYPES)
    model_fields = [ProgressValue._meta.get_field(name) for name in fields]
    for start in range(0, len(rows), _UPDATE_BATCH):
        batch = rows[start:start + _UPDATE_BATCH]
        placeholder = "(" + ", ".join(["%s", *(f"CAST(%s AS {_SQL_TYPES[name]})" for name in fields)]) + ")"
        params = []
        for row in batch:
            params.append(row.pk)
            params.extend(field.get_db_prep_save(getattr(row, field.attname), connection) for field in model_fields)
        assignments = ", ".join(f"{name} = v.{name}" for name in fields)
        sql = (f"WITH v(id, {', '.join(fields)}) AS (VALUES {', '.join([placeholder] * len(batch))}) "
               f"UPDATE {table} SET {assignments}, version = {table}.version + 1, entered_by_id = %s, "
               f"entered_at = %s FROM v WHERE {table}.id = v.id")
        params.extend([by.pk if by is not None else None,
                       ProgressValue._meta.get_field("entered_at").get_db_prep_save(now, connection)])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _entered_values(keyed, *, lock=False):
    """{(target id, unit id, period id): the entered value} for (target, period, unit) triples: one query."""
    if not keyed:
        return {}
    values = ProgressValue.objects.filter(target_id__in={target.pk for target, _period, _unit in keyed},
                                          period_id__in={period.pk for _target, period, _unit in keyed})
    if lock:
        values = values.select_for_update(of=("self",))
    wanted = {(target.pk, unit.pk, period.pk) for target, period, unit in keyed}
    return {key: row for row in values.select_related("entered_by")
            if (key := (row.target_id, row.unit_id, row.period_id)) in wanted}


@stored_files.atomic
def attach_evidence(*, value, uploaded, by):
    """Keep a checked evidence file (EvidenceForm) under a generated name (Evidence.file's evidence_path); the
    name the user gave is kept, cleaned, only to be shown and offered as the download's name. Refused once the
    value's period is locked for its unit and `by` (PeriodLockedError), as the figure itself is. The file goes
    again if its row is not saved. The same file posted twice (a double tap) is kept once: AlreadyAttachedError,
    decided under the value's lock so that two posts at the same instant cannot both pass."""
    if value.period.is_locked_for_user(by, value.unit):
        raise PeriodLockedError(value.period.lock_message(value.unit))
    list(ProgressValue.objects.select_for_update().filter(pk=value.pk).values_list("pk"))  # the value's lock
    name = display_name(uploaded.name, uploaded.sniffed_type)
    if existing := same_file(Evidence.objects.filter(value=value, original_name=name, size=uploaded.size), uploaded):
        raise AlreadyAttachedError(existing)
    evidence = Evidence(value=value, original_name=name,
                        content_type=uploaded.sniffed_type, size=uploaded.size, uploaded_by=by)
    stored_files.store(evidence.file, uploaded.name, uploaded)
    evidence.save()
    return evidence


# --- archiving: nothing that holds entered figures or their history is deleted ----------------------------


@transaction.atomic
def archive_plans(*, documents, by):
    """Archive plans and their targets (one moment for all, so that restoring brings back exactly these)."""
    now = timezone.now()
    ids = [d.pk for d in documents]
    Target.objects.filter(document_id__in=ids).update(archived_at=now, archived_by=by, updated_at=now)
    return Document.objects.filter(pk__in=ids).update(archived_at=now, archived_by=by, updated_at=now)


@transaction.atomic
def restore_plans(*, documents):
    """Bring archived plans back, with the targets archived with them (not those archived on their own before)."""
    restored = 0
    for document in Document.all_objects.filter(pk__in=[d.pk for d in documents], archived_at__isnull=False):
        Target.all_objects.filter(document=document, archived_at=document.archived_at).update(
            archived_at=None, archived_by=None, updated_at=timezone.now())
        restored += Document.all_objects.filter(pk=document.pk).update(archived_at=None, archived_by=None,
                                                                        updated_at=timezone.now())
    return restored


@transaction.atomic
def archive_targets(*, targets, by):
    """Archive targets with their "trong đó" parts: kept with their values and history, shown nowhere."""
    ids = [t.pk for t in targets]
    now = timezone.now()
    return Target.objects.filter(Q(pk__in=ids) | Q(part_of_id__in=ids)).update(archived_at=now, archived_by=by,
                                                                                updated_at=now)


@transaction.atomic
def restore_targets(*, targets):
    ids = [t.pk for t in targets]
    return Target.all_objects.filter(Q(pk__in=ids) | Q(part_of_id__in=ids), document__archived_at__isnull=True).update(
        archived_at=None, archived_by=None, updated_at=timezone.now())


@transaction.atomic
def archive_values(*, values, by):
    """Archive progress values: they stop counting (lists, dashboards, roll-ups, the API) but keep their history and
    evidence; a new value may be entered in their place. Each leaves a DeletedValue, as a deletion does."""
    now = timezone.now()
    archived = ProgressValue.objects.filter(pk__in=[v.pk for v in values])
    record_gone_values(archived, reason=DeletedValue.Reason.ARCHIVED, at=now)
    return archived.update(archived_at=now, archived_by=by)


@transaction.atomic
def restore_values(*, values):
    """Bring archived values back, unless a value was entered in the place of one since (that one stays archived).
    A restored value counts as written now (entered_at), so that a client syncing changes (changed_since) reads it
    again, and the DeletedValue its archiving left goes in the same transaction: a client whose sync window holds
    both the archiving and the restoring must not read the value as gone while it is listed. Returns how many were
    restored."""
    restored = 0
    for value in ProgressValue.all_objects.filter(pk__in=[v.pk for v in values], archived_at__isnull=False):
        try:
            with transaction.atomic():
                if ProgressValue.all_objects.filter(pk=value.pk).update(archived_at=None, archived_by=None,
                                                                        entered_at=timezone.now()):
                    DeletedValue.objects.filter(value_id=value.pk).delete()
                    restored += 1
        except IntegrityError:
            continue
    return restored


# --- deletion: only values an approval of a school's report wrote, taken back when it is reopened or redone -------


def record_gone_values(values, *, reason, at):
    """A DeletedValue for each of `values` (a QuerySet about to be deleted or archived, in the caller's transaction):
    the API's incremental sync (values/deleted/) learns of it. One read, one insert."""
    rows = values.order_by("pk").values_list("pk", "unit_id", "indicator_id", "period_id", "target_id")
    DeletedValue.objects.bulk_create(
        DeletedValue(value_id=pk, unit_id=unit, indicator_id=indicator, period_id=period, target_id=target,
                     reason=reason, deleted_at=at) for pk, unit, indicator, period, target in rows)


@transaction.atomic
def delete_values(values):
    """Delete progress values (a QuerySet), each leaving a DeletedValue in the same transaction."""
    record_gone_values(values, reason=DeletedValue.Reason.DELETED, at=timezone.now())
    return values.delete()


def sweep_deleted_values(*, before):
    """Forget the DeletedValues older than `before` (settings.API_DELETED_VALUES_KEEP_DAYS); returns how many."""
    deleted, _ = DeletedValue.objects.filter(deleted_at__lt=before).delete()
    return deleted

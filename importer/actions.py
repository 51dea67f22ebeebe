"""Importing a plan from a file: the portal reads it and proposes, an officer reviews, then the plan is created.

    start_import                store the file and queue the job that reads it (importer.reading_job: extract
                                the plan, find each quote in the text, suggest the portal indicator and the
                                higher target of every proposal)
    retry_import                queue the reading again, after it failed or stalled
    review_proposal             accept (with the officer's edits), reject or reset one proposal
    discard_import              give up an import, whether read or not
    create_plan_from_import     the document, its targets, horizons and responsibilities, in one transaction

Until create_plan_from_import nothing of the plan exists: the proposals live in the PlanImport row's JSON
(the extract_plan dict, each target and projection with its review state). Rows become targets through
importer.gold, as the demo plans do.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from plans.models import Document, DocumentStatus, DocumentType, PlanImport, PlanImportStatus
from targets.actions import record_target_revisions
from targets.models import Indicator, ResponsibilityRole, Target, TargetHorizon, TargetResponsibility

from . import gold, reading_job, tasks
from .forms import DECISION_CHOICES, clean_proposal_fields, split_date

EDITABLE = ("indicator", "comparator", "value", "value_max", "unit", "level_label", "deadline", "category",
            "indicator_id", "parent_id")


@transaction.atomic
def start_import(*, unit, uploaded_file, by):
    """Store the file and an import in the reading state; its reading is queued once this commits.

    The file was checked by PlanUploadForm (kind, size); what is in it is the job's to read, so that a file
    that takes long or much memory to read costs a worker's child process, not the request.
    """
    source_name = Path(getattr(uploaded_file, "name", "") or "tệp tải lên").name[:255]
    plan_import = PlanImport(unit=unit, uploaded_by=by, source_name=source_name, status=PlanImportStatus.READING,
                             progress="Đang chờ đọc tệp", heartbeat_at=timezone.now())
    plan_import.source_file.save(source_name, uploaded_file, save=False)
    plan_import.save()
    tasks.enqueue_reading(plan_import)
    return plan_import


@transaction.atomic
def retry_import(*, plan_import):
    """Read the file again, after the reading failed or its job stopped answering."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.status != PlanImportStatus.FAILED and not reading_job.is_stalled(locked):
        raise ValidationError("Tệp của lần nhập này đang được đọc hoặc đã đọc xong: không cần đọc lại.")
    if not locked.source_file:
        raise ValidationError("Tệp tải lên không còn được lưu: hãy hủy lần nhập này và tải tệp lên lại.")
    locked.status, locked.error, locked.attempts = PlanImportStatus.READING, "", 0
    locked.progress, locked.heartbeat_at = "Đang chờ đọc lại tệp", timezone.now()
    locked.save(update_fields=["status", "error", "attempts", "progress", "heartbeat_at"])
    plan_import.status, plan_import.error = locked.status, locked.error
    tasks.enqueue_reading(locked)


def proposal_at(plan_import, index):
    """The proposal at ``index`` (targets first, then projections); a 404 if there is none."""
    items = plan_import.items()
    if not 0 <= index < len(items):
        raise Http404("Không có đề xuất này.")
    return items[index]


def _ensure_open(plan_import):
    if plan_import.status == PlanImportStatus.CREATED:
        raise ValidationError("Kế hoạch đã được tạo từ lần nhập này; không thể thay đổi hay tạo lại.")
    if plan_import.status == PlanImportStatus.DISCARDED:
        raise ValidationError("Lần nhập này đã bị hủy.")


def _ensure_reviewing(plan_import):
    _ensure_open(plan_import)
    if plan_import.status == PlanImportStatus.READING:
        raise ValidationError("Tệp của lần nhập này đang được đọc: hãy chờ đọc xong.")
    if plan_import.status == PlanImportStatus.FAILED:
        raise ValidationError("Không đọc được tệp của lần nhập này: không có đề xuất nào để xem xét.")


@transaction.atomic
def review_proposal(*, plan_import, index, decision, fields):
    """Accept (with the officer's edits), reject or reset one proposal. Returns the updated proposal."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    item = proposal_at(locked, index)
    if decision not in dict(DECISION_CHOICES):
        raise ValidationError("Chỉ có thể chấp nhận hoặc bỏ đề xuất.")
    if decision != "rejected":
        values, errors = clean_proposal_fields(fields, item)
        if errors:
            raise ValidationError(errors)
        original = item.setdefault("original", {})
        for key in EDITABLE:
            if item.get(key) != values[key]:
                original.setdefault(key, item.get(key))
                item[key] = values[key]
            if key in original and original[key] == item[key]:
                del original[key]
    item["decision"] = decision
    locked.save(update_fields=["proposals"])
    plan_import.proposals = locked.proposals
    return item


@transaction.atomic
def discard_import(*, plan_import):
    """Give up an import, read or not: nothing was created, nothing is; its stored file is deleted."""
    # locked as create_plan_from_import locks it, so that a plan being created is never marked discarded
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_open(locked)
    locked.status, locked.progress = PlanImportStatus.DISCARDED, ""
    reading_job.drop_file(locked)
    locked.save(update_fields=["status", "progress", "source_file"])
    plan_import.status = locked.status


@transaction.atomic
def create_plan_from_import(*, plan_import, by, metadata=None):
    """The document with a target (horizon, lead unit) per accepted proposal, in one transaction.

    Every proposal must have been accepted or rejected, and at least one accepted. ``metadata``: the
    particulars as corrected on the review page (PlanMetadataForm's cleaned data).
    """
    locked = PlanImport.objects.select_for_update().select_related("unit").get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    proposals = locked.proposals
    if metadata:
        proposals.update(
            doc_type=metadata["doc_type"], number=metadata["number"] or None, title=metadata["title"],
            date=metadata["date"] or None, issuer=metadata["issuer_name"] or None, place=metadata["place"] or None,
            signer_title=metadata["signer_title"] or None, signer_name=metadata["signer_name"] or None,
        )
    items = locked.items()
    pending = [item["id"] for item in items if item["decision"] == "pending"]
    if pending:
        raise ValidationError(
            f"Còn {len(pending)} đề xuất chưa xem xét ({', '.join(pending[:8])}{'…' if len(pending) > 8 else ''}): "
            "hãy chấp nhận hoặc bỏ từng đề xuất trước khi tạo kế hoạch."
        )
    accepted = [(item, index >= len(proposals["targets"])) for index, item in enumerate(items)
                if item["decision"] == "accepted"]
    if not accepted:
        raise ValidationError("Chưa chấp nhận đề xuất nào: kế hoạch cần ít nhất một chỉ tiêu.")
    document = _create_document(locked, proposals, by)
    new_indicators = _create_targets(document, accepted, locked.unit)
    # each target's values as imported are the first entry of its history (targets.actions is its one writer)
    record_target_revisions(targets=list(document.targets.all()), by=by,
                            reason=f"Tạo khi nhập kế hoạch từ tệp “{locked.source_name}”.")
    locked.status, locked.document = PlanImportStatus.CREATED, document
    proposals["result"] = {"targets": sum(1 for _, p in accepted if not p), "projections": sum(1 for _, p in accepted if p),
                           "rejected": len(items) - len(accepted), "indicators_created": new_indicators}
    locked.save(update_fields=["status", "document", "proposals"])
    plan_import.status, plan_import.document, plan_import.proposals = locked.status, document, proposals
    return document


def _create_document(plan_import, proposals, by):
    issued_on, issued_year = split_date(proposals["date"]) if proposals.get("date") else (None, None)
    doc_type = proposals.get("doc_type")
    document = Document(
        doc_type=doc_type if doc_type in DocumentType.values else DocumentType.KH,
        number=(proposals.get("number") or "")[:64], issuer=plan_import.unit,
        issuer_name=(proposals.get("issuer") or "")[:255], issued_on=issued_on, issued_year=issued_year,
        place=(proposals.get("place") or "")[:120], title=(proposals.get("title") or "")[:500],
        signer_name=(proposals.get("signer_name") or "")[:120], signer_title=(proposals.get("signer_title") or "")[:160],
        status=DocumentStatus.DRAFT, source_file=plan_import.source_name,
        note=f"Nhập từ tệp “{plan_import.source_name}” ({by.get_full_name() or by.username}).",
    )
    try:
        document.full_clean()
    except ValidationError as error:
        raise ValidationError(error.messages) from error
    document.save()
    cited = [parent["document_id"] for parent in proposals["parents"] if parent.get("document_id")]
    document.implements.set(Document.objects.filter(pk__in=cited))
    return document


def _create_targets(document, accepted, unit):
    """Targets, their horizons and lead responsibilities in three inserts; returns how many indicators were new."""
    existing = Indicator.objects.in_bulk([item["indicator_id"] for item, _ in accepted if item.get("indicator_id")])
    parents = Target.objects.in_bulk([item["parent_id"] for item, _ in accepted if item.get("parent_id")])
    made = {}
    targets = []
    for order, (item, is_projection) in enumerate(accepted, start=1):
        indicator = existing.get(item.get("indicator_id")) or _new_indicator(item, made)
        targets.append(Target(
            document=document, indicator=indicator, ref=item["id"], order=order, **gold.target_fields(item),
            is_projection=is_projection, parent=parents.get(item.get("parent_id")),
        ))
    Target.objects.bulk_create(targets)
    # the figures were checked when each proposal was accepted (clean_proposal_fields)
    TargetHorizon.objects.bulk_create(
        TargetHorizon(target=target, **gold.horizon_fields(item))
        for target, (item, _) in zip(targets, accepted, strict=True)
    )
    # as in the demo plans, the issuing unit leads each target; projections are figures, not commitments
    TargetResponsibility.objects.bulk_create(
        TargetResponsibility(target=target, unit=unit, role=ResponsibilityRole.LEAD)
        for target in targets if not target.is_projection
    )
    return sum(1 for created in made.values() if created[1])


def _new_indicator(item, made):
    """The indicator named by the proposal: found by its code (the slug of the name) or created."""
    code = gold.indicator_code(item)
    if code not in made:
        made[code] = Indicator.objects.get_or_create(code=code, defaults=gold.indicator_fields(item))
    return made[code][0]

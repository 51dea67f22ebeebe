"""Importing a plan from a file: the portal reads it and proposes, an officer reviews, then the plan is created.

    start_import                store the file and queue the job that reads it (importer.reading_job: extract
                                the plan, find each quote in the text, suggest the portal indicator and the
                                higher target of every proposal)
    retry_import                queue the reading again, after it failed or stalled
    review_proposal             accept (with the officer's edits), reject or reset one proposal
    arrange_proposal            merge a proposal with the next, split one in two, move one up or down
    review_tasks                keep or drop each task proposal, with its lead unit and deadline (and keep the
                                particulars typed beside them)
    change_cited                add a portal document the plan is based on, drop a cited one, or keep it again
    set_section_horizon         one deadline for every proposal under a heading
    discard_import              give up an import, whether read or not
    create_plan_from_import     the document, its targets, horizons and responsibilities, and the task groups
                                and tasks kept, in one transaction

Until create_plan_from_import nothing of the plan exists: the proposals live in the PlanImport row's JSON
(the extract_plan dict, each target and projection with its review state). Rows become targets through
importer.gold, as the demo plans do.
"""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from plans.actions import state_fingerprint
from plans.models import Document, DocumentStatus, DocumentType, PlanImport, PlanImportStatus, Task, TaskGroup
from targets.actions import record_target_revisions
from targets.models import Indicator, ResponsibilityRole, Target, TargetHorizon, TargetResponsibility
from units import stored_files
from units.models import Unit

from . import gold, matching, reading_job, tasks
from .forms import (
    DECISION_CHOICES,
    PROPOSAL_FIELDS,
    clean_proposal_fields,
    page_fingerprint,
    proposal_fingerprint,
    split_date,
    task_key,
)

EDITABLE = PROPOSAL_FIELDS


@stored_files.atomic
def start_import(*, unit, uploaded_file, by):
    """Store the file and an import in the reading state; its reading is queued once this commits (the file goes
    again if the import is not saved).

    The file was checked by PlanUploadForm (kind, size); what is in it is the job's to read, so that a file
    that takes long or much memory to read costs a worker's child process, not the request.
    """
    source_name = Path(getattr(uploaded_file, "name", "") or "tệp tải lên").name[:255]
    plan_import = PlanImport(unit=unit, uploaded_by=by, source_name=source_name, status=PlanImportStatus.READING,
                             progress="Đang chờ đọc tệp", heartbeat_at=timezone.now())
    stored_files.store(plan_import.source_file, source_name, uploaded_file)
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


class StaleProposalError(ValidationError):
    """The proposal at the place a decision was posted for is not the one the page showed (moved, merged, split)
    or not as it showed it (another officer decided it since): nothing was changed. `item`: the proposal there
    now."""

    def __init__(self, item):
        label = dict(DECISION_CHOICES)[item["decision"]]
        figure = "" if item.get("value") is None else f", giá trị {item['value']}" + (
            f"–{item['value_max']}" if item.get("value_max") is not None else "") + (
            f" {item['unit']}" if item.get("unit") else "")
        super().__init__(
            f"Đề xuất này đã được thay đổi sau khi bạn mở trang này (một cán bộ khác đã quyết định, sửa, gộp, tách "
            f"hoặc chuyển chỗ các đề xuất), nên quyết định của bạn chưa được lưu. Hiện nay: {label}; đề xuất "
            f"{item['id']}, chỉ số “{item['indicator']}”{figure}. Những gì bạn nhập vẫn còn trong các ô: hãy xem lại "
            "rồi bấm lại nếu vẫn muốn lưu.")
        self.item = item


def _repeats(item, decision, values):
    """Whether the proposal already stands as this decision would leave it (the same form posted twice)."""
    return item["decision"] == decision and (decision == "rejected" or all(
        item.get(key) == values[key] for key in EDITABLE))


@transaction.atomic
def review_proposal(*, plan_import, index, decision, fields, seen):
    """Accept (with the officer's edits), reject or reset one proposal. Returns the updated proposal.

    `seen`: the proposal's fingerprint (forms.proposal_fingerprint) on the page the decision was made from;
    StaleProposalError if the proposal at `index` is no longer that one, or changed since, unless it already
    stands as this decision would leave it (a double tap: nothing to do)."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    item = proposal_at(locked, index)
    if decision not in dict(DECISION_CHOICES):
        raise ValidationError("Chỉ có thể chấp nhận hoặc bỏ đề xuất.")
    values = {}
    if decision != "rejected":
        values, errors = clean_proposal_fields(fields, item)
        if errors and seen == proposal_fingerprint(item):
            raise ValidationError(errors)
    if seen != proposal_fingerprint(item):
        if not _repeats(item, decision, values):
            raise StaleProposalError(item)
        return item
    if decision != "rejected":
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


MAX_PROPOSALS = 1000  # splitting stops there: a plan read with more is not one to review by hand


def _list_of(proposals, index):
    """The list holding the proposal at ``index`` (targets, then projections) and its position there."""
    targets = proposals["targets"]
    return (targets, index) if index < len(targets) else (proposals["projections"], index - len(targets))


@transaction.atomic
def arrange_proposal(*, plan_import, index, proposal_id, operation):
    """Merge the proposal at ``index`` with the one below it, split it in two, or move it up or down among the
    proposals of its kind (targets, projections); the order is the order of the targets created. Merged and
    split proposals go back to pending, marked with what was done. ``proposal_id``: the id the page showed at
    ``index``, so that a page older than the last change acts on nothing. Returns the index to show."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    item = proposal_at(locked, index)
    if item["id"] != proposal_id:
        raise ValidationError("Danh sách đề xuất đã thay đổi từ khi trang được mở: hãy xem lại rồi làm lại.")
    rows, position = _list_of(locked.proposals, index)
    kind = "chỉ tiêu" if rows is locked.proposals["targets"] else "số liệu dự kiến"
    if operation in ("merge", "down") and position + 1 >= len(rows):
        raise ValidationError(f"Đề xuất {item['id']} là {kind} cuối cùng: không có đề xuất cùng loại bên dưới.")
    if operation == "up" and position == 0:
        raise ValidationError(f"Đề xuất {item['id']} là {kind} đầu tiên: không thể chuyển lên nữa.")
    if operation == "merge":
        below = rows.pop(position + 1)
        if below["quote"] not in item["quote"]:
            item["quote"] = f"{item['quote']} {below['quote']}" if item["quote"] not in below["quote"] else below["quote"]
        item["merged_from"] = [*item.get("merged_from", [item["id"]]), *below.get("merged_from", [below["id"]])]
        item["doubts"] = [*item.get("doubts", []), f"Gộp từ {', '.join(item['merged_from'])}: hãy kiểm tra lại "
                          "chỉ số, giá trị và thời hạn của chỉ tiêu đã gộp."]
        item["decision"] = "pending"
    elif operation == "split":
        if len(locked.items()) >= MAX_PROPOSALS:
            raise ValidationError(f"Lần nhập đã có {MAX_PROPOSALS} đề xuất: không tách thêm được.")
        used = {other["id"] for other in locked.items()}
        number = 2
        while f"{item['id']}-{number}" in used:
            number += 1
        copy = {**item, "id": f"{item['id']}-{number}", "original": dict(item.get("original", {})),
                "doubts": [*item.get("doubts", []), f"Tách từ {item['id']}: sửa chỉ số và giá trị của phần này."]}
        item["doubts"] = [*item.get("doubts", []), f"Đã tách thành {item['id']} và {copy['id']}: sửa chỉ số và giá "
                          "trị của phần này."]
        item["decision"] = copy["decision"] = "pending"
        rows.insert(position + 1, copy)
    elif operation in ("up", "down"):
        other = position - 1 if operation == "up" else position + 1
        rows[position], rows[other] = rows[other], rows[position]
        index += other - position
    else:
        raise ValidationError("Thao tác không hợp lệ.")
    # the marks of the text follow the proposals' new places
    matching.locate_quotes(locked.text, locked.items())
    locked.save(update_fields=["proposals"])
    plan_import.proposals = locked.proposals
    return index


@transaction.atomic
def set_section_horizon(*, plan_import, section, deadline):
    """Give every proposal under ``section`` (and its sub-headings) the deadline ``deadline``, keeping what the
    extractor read as the original; decisions stay as they are. Returns how many proposals changed."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    changed = 0
    for item in locked.items():
        under = item.get("section") == section or (item.get("section") or "").startswith(f"{section} > ")
        if not under or item.get("deadline") == deadline:
            continue
        original = item.setdefault("original", {})
        original.setdefault("deadline", item.get("deadline"))
        if original["deadline"] == deadline:
            del original["deadline"]
        item["deadline"] = deadline
        changed += 1
    locked.save(update_fields=["proposals"])
    plan_import.proposals = locked.proposals
    return changed


class StalePageError(ValidationError):
    """The particulars, cited documents or task review were saved by someone since the page was opened: nothing
    was saved."""

    def __init__(self):
        super().__init__("Thông tin văn bản, văn bản căn cứ hoặc nhiệm vụ của lần nhập này đã được một cán bộ khác lưu "
                         "sau khi bạn mở trang này, nên chưa lưu gì, để không ghi đè lên đó. Những gì bạn nhập vẫn còn "
                         "bên dưới: hãy xem lại rồi bấm lại nếu vẫn muốn lưu.")


class MissingPageError(ValidationError):
    """The post carries no page version (a form from an old page, a client that left it out): nothing was saved."""

    def __init__(self):
        super().__init__("Biểu mẫu không còn hợp lệ (thiếu phiên bản của trang đã mở), nên chưa lưu gì: hãy tải lại "
                         "trang rồi thao tác lại.")


def _check_page(locked, page_seen):
    """StalePageError unless `page_seen` is the page fingerprint of the locked import, MissingPageError if it is
    empty (a page always posts it); None: not checked, for callers that show no page."""
    if page_seen is None:
        return
    if not page_seen:
        raise MissingPageError()
    if page_seen != page_fingerprint(locked.proposals):
        raise StalePageError()


@transaction.atomic
def review_tasks(*, plan_import, decisions, metadata=None, page_seen=None):
    """Keep or drop each task proposal, with its lead unit and deadline (TaskReviewForm's decisions, by key).
    A lead must be one of the units listed for the import (proposals["task_units"]). ``metadata``: the
    particulars typed on the same page (PlanMetadataForm's cleaned data), kept so that they are not lost."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    _check_page(locked, page_seen)
    _apply_task_decisions(locked.proposals, decisions)
    if metadata:
        _apply_metadata(locked.proposals, metadata)
    locked.save(update_fields=["proposals"])
    plan_import.proposals = locked.proposals


MAX_BASIS = 30  # documents a plan is based on: a handful; the list is not a catalogue


@transaction.atomic
def change_cited(*, plan_import, add=None, drop=None, keep=None, metadata=None, task_decisions=None,
                 page_seen=None):
    """Change the documents the plan will be recorded as implementing: ``add`` a portal Document (one the
    officer may choose: PlanBasisForm), ``drop`` the cited document at that place in the list, or ``keep`` one
    dropped before (a citation read from the file stays listed, struck out, so that a wrong click is undone).
    Every proposal's higher-target suggestions follow (matching.resuggest_parents). The particulars and task
    review typed on the same page go with it, so that nothing typed is lost. Returns how many proposals lost a
    higher target chosen among the targets of a document now dropped.

    The same post sent again from the page the last one was made from (a double tap on "Bỏ", "Thêm", "Giữ lại") is
    done already: nothing changes (dropping again by place would drop the next document), 0 returned."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    post = state_fingerprint({"add": add.pk if add is not None else None, "drop": drop, "keep": keep,
                              "metadata": metadata, "tasks": task_decisions})
    try:
        _check_page(locked, page_seen)
    except StalePageError:
        if page_seen is not None and locked.proposals.get("cited_last") == {"from": page_seen, "post": post}:
            return 0
        raise
    proposals = locked.proposals
    parents = proposals.setdefault("parents", [])
    for place in (drop, keep):
        if place is not None and not 0 <= place < len(parents):
            raise ValidationError("Không có văn bản căn cứ này trong danh sách: hãy tải lại trang.")
    if drop is not None:
        if parents[drop].get("added"):
            parents.pop(drop)  # chosen on this page from the portal's documents: chosen again if wanted
        else:
            parents[drop]["dropped"] = True
    if keep is not None:
        parents[keep].pop("dropped", None)
    if add is not None:
        listed = next((parent for parent in parents if parent.get("document_id") == add.pk), None)
        if listed is not None and not listed.get("dropped"):
            raise ValidationError(f"{add.short_label} đã có trong danh sách văn bản căn cứ.")
        _add_cited(parents, add)
    if task_decisions:
        _apply_task_decisions(proposals, task_decisions)
    if metadata:
        _apply_metadata(proposals, metadata)
    lost = matching.resuggest_parents(proposals)
    if page_seen is not None:  # this post and the page it came from, to know it if it comes again (not in the page)
        proposals["cited_last"] = {"from": page_seen, "post": post}
    locked.save(update_fields=["proposals"])
    plan_import.proposals = locked.proposals
    return lost


def _add_cited(parents, document):
    """``document`` among the cited ones: kept again if it was dropped, else listed as added on the page."""
    listed = next((parent for parent in parents if parent.get("document_id") == document.pk), None)
    if listed is not None:
        listed.pop("dropped", None)
        return
    if sum(1 for parent in parents if not parent.get("dropped")) >= MAX_BASIS:
        raise ValidationError(f"Một kế hoạch căn cứ tối đa {MAX_BASIS} văn bản.")
    when = document.issued_on.isoformat() if document.issued_on else document.issued_year and str(document.issued_year)
    parents.append({"number": document.number or None, "issuer": document.issuer_name or document.issuer.name,
                    "date": when or None, "document_id": document.pk, "document_label": document.short_label,
                    "added": True})


def _apply_metadata(proposals, metadata):
    proposals.update(
        doc_type=metadata["doc_type"], number=metadata["number"] or None, title=metadata["title"],
        date=metadata["date"] or None, issuer=metadata["issuer_name"] or None, place=metadata["place"] or None,
        signer_title=metadata["signer_title"] or None, signer_name=metadata["signer_name"] or None,
    )


def _apply_task_decisions(proposals, decisions):
    allowed = {unit["id"] for unit in proposals.get("task_units", [])}
    for group_index, group in enumerate(proposals.get("tasks") or []):
        for task_index, task in enumerate(group["tasks"]):
            decision = decisions.get(task_key(group_index, task_index))
            if decision is None:
                continue
            if decision["lead_unit_id"] is not None and decision["lead_unit_id"] not in allowed:
                raise ValidationError(f"Đơn vị chủ trì của nhiệm vụ “{task['text'][:60]}” không nằm trong danh sách.")
            if not set(decision.get("coordinating_ids", [])) <= allowed:
                raise ValidationError(f"Đơn vị phối hợp của nhiệm vụ “{task['text'][:60]}” không nằm trong danh sách.")
            task["decision"] = "accepted" if decision["keep"] else "rejected"
            task["lead_unit_id"], task["due"] = decision["lead_unit_id"], decision["due"]
            # what the reader proposed is kept beside the officer's edits, as for the targets
            for key in ("text", "coordinating_ids"):
                if key in decision and decision[key] != task.get(key):
                    task.setdefault("original", {}).setdefault(key, task.get(key))
                    task[key] = decision[key]


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
def create_plan_from_import(*, plan_import, by, metadata=None, task_decisions=None, add_cited=None,
                            page_seen=None):
    """The document with a target (horizon, lead unit) per accepted proposal, in one transaction.

    Every proposal must have been accepted or rejected, and at least one accepted. ``metadata``: the
    particulars as corrected on the review page (PlanMetadataForm's cleaned data); ``task_decisions``: the
    task review as the page shows it when the plan is created (TaskReviewForm's decisions), so that edits
    not yet saved with "Lưu nhiệm vụ" are not lost; ``add_cited``: a document chosen on the page to add to
    those the plan is based on, without its "Thêm" pressed.
    """
    locked = PlanImport.objects.select_for_update().select_related("unit").get(pk=plan_import.pk)
    _ensure_reviewing(locked)
    _check_page(locked, page_seen)
    proposals = locked.proposals
    if metadata:
        _apply_metadata(proposals, metadata)
    if add_cited is not None:
        _add_cited(proposals.setdefault("parents", []), add_cited)
    if task_decisions is not None:
        _apply_task_decisions(proposals, task_decisions)
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
    created_tasks, created_groups = _create_tasks(document, proposals)
    # each target's values as imported are the first entry of its history (targets.actions is its one writer)
    record_target_revisions(targets=list(document.targets.all()), by=by,
                            reason=f"Tạo khi nhập kế hoạch từ tệp “{locked.source_name}”.")
    locked.status, locked.document = PlanImportStatus.CREATED, document
    proposals["result"] = {"targets": sum(1 for _, p in accepted if not p), "projections": sum(1 for _, p in accepted if p),
                           "rejected": len(items) - len(accepted), "indicators_created": new_indicators,
                           "tasks": created_tasks, "task_groups": created_groups}
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
    cited = [parent["document_id"] for parent in proposals["parents"]
             if parent.get("document_id") and not parent.get("dropped")]
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


def _create_tasks(document, proposals):
    """The groups and tasks kept, with their lead and coordinating units, in four inserts; returns how many
    tasks and groups. Units are those listed for the import that still exist; a name that matched none stays as written."""
    groups = [(group, [task for task in group["tasks"] if task.get("decision", "accepted") == "accepted"])
              for group in proposals.get("tasks") or []]
    groups = [(group, kept) for group, kept in groups if kept]
    if not groups:
        return 0, 0
    allowed = {unit["id"] for unit in proposals.get("task_units", [])}
    wanted = {pk for _group, kept in groups for task in kept
              for pk in [task.get("lead_unit_id"), *task.get("coordinating_ids", [])] if pk in allowed}
    units = Unit.objects.in_bulk(wanted)
    task_groups = TaskGroup.objects.bulk_create(
        TaskGroup(document=document, number=group["number"][:32], title=(group["title"] or "")[:500],
                  kind=group["kind"] if group["kind"] in TaskGroup.Kind.values else TaskGroup.Kind.TASK, order=order)
        for order, (group, _kept) in enumerate(groups, start=1))
    tasks, coordinating = [], []
    for task_group, (_group, kept) in zip(task_groups, groups, strict=True):
        for order, task in enumerate(kept, start=1):
            made = Task(document=document, group=task_group, number=task["number"][:32], text=task["text"],
                        lead_unit=units.get(task.get("lead_unit_id")), lead_text=(task.get("lead_text") or "")[:255],
                        due_date=date.fromisoformat(task["due"]) if task.get("due") else None, order=order)
            tasks.append(made)
            coordinating.append([units[pk] for pk in task.get("coordinating_ids", []) if pk in units])
    Task.objects.bulk_create(tasks)
    Through = Task.coordinating_units.through
    Through.objects.bulk_create(Through(task_id=task.pk, unit_id=unit.pk)
                                for task, others in zip(tasks, coordinating, strict=True) for unit in others)
    return len(tasks), len(task_groups)


# words that say how a figure is given, not what it measures: a name of these alone fits any target
def _new_indicator(item, made):
    """The indicator named by the proposal: found by its code (the slug of the name) or created. A name that is
    only generic words or holds a date is refused (ValidationError naming the proposal): the catalogue is shared,
    and the next plans would be offered it."""
    problem = matching.indicator_name_problem(item["indicator"])
    if problem:
        raise ValidationError(f"Đề xuất {item['id']}: tên chỉ số “{item['indicator'].strip()}” {problem}; hãy sửa tên chỉ số "
                              "(hoặc chọn một chỉ số có sẵn) trước khi tạo kế hoạch.")
    code = gold.indicator_code(item)
    if code not in made:
        made[code] = Indicator.objects.get_or_create(code=code, defaults=gold.indicator_fields(item))
    return made[code][0]

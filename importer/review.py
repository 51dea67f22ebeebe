"""What the import pages show: the text with its quotes marked, one row per proposal, the targets created.

    highlighted_text            the plan's text, escaped, each quoted sentence in a <mark>
    review_row, review_context  one proposal with its form and the reasons of its suggestions; the whole page
    reading_context             the page while the file is read, or why it could not be
    created_targets             the targets of the plan created, as the result page lists them
"""

from datetime import date

from django.db.models import Prefetch
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from plans.models import Document, PlanImportStatus
from targets.models import Target, TargetResponsibility

from .actions import proposal_at
from .forms import (
    DECISION_CHOICES,
    PlanBasisForm,
    PlanMetadataForm,
    ProposalForm,
    SectionHorizonForm,
    TaskReviewForm,
    page_fingerprint,
)
from .reading_job import NOT_SENT, is_stalled


def highlighted_text(text, items):
    """The text, escaped, with each marked sentence wrapped in <mark id="q-N"> (N: its first proposal)."""
    shown_by = {}
    for index, item in enumerate(items):
        if item.get("mark") is not None:
            shown_by.setdefault(item["mark"], []).append(str(index))
    parts, position = [], 0
    for mark in sorted(shown_by, key=lambda m: items[m]["span"][0]):
        start, end = items[mark]["span"]
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark id="q-{}" data-items="{}">{}</mark>', mark, " ".join(shown_by[mark]),
                                 text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(str(part) for part in parts))  # every part is escaped above


def review_row(plan_import, index, form=None):
    """One proposal as the review page shows it: its form, its kind, the reasons of the chosen suggestions."""
    item = proposal_at(plan_import, index)
    by_id = {c["id"]: c for c in item.get("indicator_candidates", [])}
    parents = {c["id"]: c for c in item.get("parent_candidates", [])}
    return {
        "index": index, "item": item, "form": form or ProposalForm(item=item, index=index),
        "is_projection": index >= len(plan_import.proposals.get("targets", [])),
        "decision_label": dict(DECISION_CHOICES)[item["decision"]],
        "indicator_choice": by_id.get(item.get("indicator_id")),
        "parent_choice": parents.get(item.get("parent_id")),
        "edited": ", ".join(str(ProposalForm.base_fields[key].label).lower() for key in item.get("original", {})),
    }


def _day(value):
    """A cited document's date as read ("2025-08-22"), written dd/mm/yyyy; what is not a date stays as read."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y") if value else value
    except (TypeError, ValueError):
        return value


def review_context(plan_import, *, user, metadata_form=None, forms=None, errors=None, task_form=None,
                   section_form=None, basis_form=None):
    """Everything the review page shows to ``user``. ``forms``: bound proposal forms with errors, by index;
    ``task_form``: the task review with its errors; ``basis_form``: a change of the cited documents refused."""
    if plan_import.status in (PlanImportStatus.READING, PlanImportStatus.FAILED):
        return {**reading_context(plan_import), "errors": errors or []}
    items = plan_import.items()
    forms = forms or {}
    return {
        "page_seen": page_fingerprint(plan_import.proposals),
        "plan_import": plan_import,
        "text_html": highlighted_text(plan_import.text, items),
        "rows": [review_row(plan_import, index, forms.get(index)) for index in range(len(items))],
        "counts": plan_import.counts(), "total": len(items),
        "metadata_form": metadata_form or PlanMetadataForm(plan_import=plan_import),
        "parents": [{**parent, "date": _day(parent.get("date"))} for parent in plan_import.proposals.get("parents", [])],
        "basis_form": basis_form or PlanBasisForm(plan_import=plan_import, user=user),
        "has_tasks": bool(plan_import.proposals.get("tasks")),
        "task_form": task_form or TaskReviewForm(proposals=plan_import.proposals),
        "section_form": section_form or SectionHorizonForm(proposals=plan_import.proposals),
        "task_count": sum(len(group["tasks"]) for group in plan_import.proposals.get("tasks") or []),
        "is_reviewing": plan_import.status == PlanImportStatus.REVIEWING,
        "errors": errors or [],
        "same_plans": same_plans(plan_import),
    }


def same_plans(plan_import):
    """The unit's plans already in the portal that this file may be again: the same number, or without a number
    the same title (any case). Creating it would make a second plan; the page says so before it is created."""
    number = (plan_import.proposals.get("number") or "").strip()
    title = (plan_import.proposals.get("title") or "").strip()
    if not number and not title:
        return []
    def same(document):  # compared here, not by the database: SQLite folds the case of ASCII letters only
        if number:
            return document.number.strip().casefold() == number.casefold()
        return not document.number and document.title.strip().casefold() == title.casefold()

    # a unit's own plans: a handful
    return [document for document in Document.objects.filter(issuer=plan_import.unit).order_by("-pk") if same(document)][:5]


def reading_context(plan_import):
    """The page of an import whose file is being read (polled until it is) or could not be read."""
    return {"plan_import": plan_import, "stalled": is_stalled(plan_import),
            "not_sent": plan_import.progress == NOT_SENT}


def created_targets(document):
    """The targets of a created plan with what the page shows of them (4 queries)."""
    return (Target.objects.filter(document=document)
            .select_related("indicator", "document", "parent__indicator", "parent__document")
            .prefetch_related("horizons", Prefetch("responsibilities", TargetResponsibility.objects.select_related("unit")))
            .order_by("order", "pk"))

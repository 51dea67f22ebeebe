"""Importing a plan from a file: the portal reads it and proposes, an officer reviews, then the plan is created.

    PlanUploadForm, start_import   read the file, extract the plan, find each quote in the text, suggest
                               the portal indicator and the higher target of every proposal
    ProposalForm, review_proposal   edit one proposal, accept or reject it; discard_import gives up
    PlanMetadataForm, create_plan_from_import   the document, its targets, horizons and responsibilities,
                               all in one transaction; created_targets what the result page lists
    review_context             what the review page shows: the text with its quotes marked, one row per proposal

Until create_plan_from_import nothing of the plan exists: the proposals live in the PlanImport row's JSON
(the extract_plan dict, each target and projection with its review state). The mapping of gold-format rows
to targets mirrors plans/demo.py.
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from targets.fields import format_number, parse_vietnamese_number
from targets.models import (
    Category,
    Indicator,
    IndicatorKind,
    ResponsibilityRole,
    Target,
    TargetHorizon,
    TargetResponsibility,
)
from units import access
from units.models import Unit

from .demo import COMPARATOR_BY_GOLD, UNIT_LABEL_BY_GOLD, horizon_deadline, slug
from .extraction import extract_plan, read_document
from .extraction.reading import MAX_BYTES
from .extraction.text import clean_text
from .models import Document, DocumentStatus, DocumentType, PlanImport, PlanImportStatus

COMPARATOR_CHOICES = [
    ("=", "bằng (=)"), (">=", "từ … trở lên (≥)"), ("<=", "không quá (≤)"),
    ("range", "trong khoảng"), ("maintain", "duy trì, giữ vững"), ("achieve", "đạt được (mốc)"),
]
UNIT_CHOICES = [("", "không có (mốc)"), ("%", "%"), ("count", "số lượng"), ("index", "chỉ số"), ("level", "mức độ")]
UNIT_WORDS = {"%": "%", "count": "số lượng", "index": "chỉ số", "level": "mức độ", None: "không có (mốc hoàn thành)"}
CATEGORY_BY_LABEL = {label.lower(): value for value, label in Category.choices}
DECISION_CHOICES = [("accepted", "Đã chấp nhận"), ("rejected", "Đã bỏ"), ("pending", "Chờ xem xét")]
EDITABLE = ("indicator", "comparator", "value", "value_max", "unit", "level_label", "deadline", "category",
            "indicator_id", "parent_id")
# How a new indicator is measured and rolled up, by the proposal's unit (as plans/demo.indicator_for_gold).
KIND_BY_UNIT = {
    "%": (IndicatorKind.RATE, "ratio_of_sums"),
    "count": (IndicatorKind.COUNT, "sum"),
    "index": (IndicatorKind.INDEX, "none"),
    "level": (IndicatorKind.LEVEL, "min"),
    None: (IndicatorKind.MILESTONE, "every_unit"),
}
_DEADLINE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$|^(\d{4})$")

# Name similarity (difflib ratio over accent-folded names) from which a match is listed, then suggested.
CANDIDATE_SCORE = 0.5
INDICATOR_SCORE = 0.65
PARENT_SCORE = 0.65
CANDIDATES = 3


# ---- reading ----------------------------------------------------------------------------------------


def changeable_units(user):
    """The current units the user may issue a plan for (access.can_change_unit), top-down."""
    units = access.visible_units(user).current().order_by("path")
    return Unit.objects.filter(pk__in=[unit.pk for unit in units if access.can_change_unit(user, unit)]).order_by("path")


class PlanUploadForm(forms.Form):
    """The file to read and the unit whose plan it is."""

    unit = forms.ModelChoiceField(label="Đơn vị ban hành kế hoạch", queryset=Unit.objects.none(), empty_label=None)
    # empty files reach read_document, whose message says what is wrong with the file
    file = forms.FileField(
        label="Tệp kế hoạch", allow_empty_file=True,
        help_text=f"Tệp .docx, .pdf có lớp văn bản (không phải bản quét) hoặc .txt, đến {MAX_BYTES // 1024 // 1024} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = changeable_units(user)


def start_import(*, unit, uploaded_file, by):
    """Read the file and store its proposals for review. Raises ExtractionError before saving anything."""
    text = read_document(uploaded_file)
    source_name = Path(getattr(uploaded_file, "name", "") or "tệp tải lên").name[:255]
    proposals = extract_plan(text, source_name)
    cleaned = clean_text(text)
    items = proposals["targets"] + proposals["projections"]
    cited = _match_cited(proposals["parents"], by)
    indicators = _indicator_rows()
    parent_targets = _parent_rows(cited)
    for item in items:
        item.update(decision="pending", original={})
        _suggest_indicator(item, indicators)
        _suggest_parent(item, parent_targets)
    _locate_quotes(cleaned, items)
    return PlanImport.objects.create(unit=unit, uploaded_by=by, source_name=source_name, text=cleaned,
                                     proposals=proposals)


def fold(name):
    """Lower-case ASCII words of a Vietnamese name, for comparing names whatever their accents."""
    text = (name or "").replace("đ", "d").replace("Đ", "D").rstrip("…")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


_GENERIC_HEAD = re.compile(r"^(?:ty le|ti le|so luong|so|chi so|muc do|cap do) ")


def core(folded):
    """A folded name without the words most names start with ("tỷ lệ", "số"), which inflate any ratio."""
    return _GENERIC_HEAD.sub("", folded)


def similarity(a, b):
    """difflib's ratio of two folded names, skipping the full comparison when it cannot reach a candidate."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < CANDIDATE_SCORE or matcher.quick_ratio() < CANDIDATE_SCORE:
        return 0.0
    return matcher.ratio()


def indicator_unit(indicator):
    """The gold-format unit an indicator is measured in: "%", "count", "index", "level" or None."""
    if indicator.kind == IndicatorKind.RATE or indicator.unit_label == "%":
        return "%"
    return {IndicatorKind.COUNT: "count", IndicatorKind.INDEX: "index", IndicatorKind.LEVEL: "level"}.get(
        indicator.kind)


def _score_text(score):
    return format_number(Decimal(str(round(score, 2))))


def _match_cited(parents, user):
    """Each cited document with the portal Document of the same number (visible to the user), if any."""
    numbers = {parent["number"] for parent in parents if parent.get("number")}
    found = {doc.number: doc for doc in Document.objects.visible_to(user).filter(number__in=numbers)
             .select_related("issuer").order_by("pk")}
    for parent in parents:
        doc = found.get(parent.get("number"))
        parent["document_id"] = doc.pk if doc else None
        parent["document_label"] = doc.short_label if doc else ""
    return list(found.values())


def _indicator_rows():
    return [(indicator, core(fold(indicator.name)), indicator_unit(indicator))
            for indicator in Indicator.objects.only("id", "name", "kind", "unit_label").order_by("pk")]


def _parent_rows(cited):
    targets = (Target.objects.filter(document__in=cited, is_projection=False)
               .select_related("indicator", "document").order_by("document", "order", "pk"))
    return [(target, core(fold(target.indicator.name)), indicator_unit(target.indicator)) for target in targets]


def _suggest_indicator(item, indicators):
    name = core(fold(item["indicator"]))
    scored = sorted(((similarity(name, folded), unit, indicator) for indicator, folded, unit in indicators),
                    key=lambda row: (-row[0], row[2].pk))
    candidates = []
    for score, unit, indicator in scored[:CANDIDATES]:
        if score < CANDIDATE_SCORE:
            break
        reason = f"trùng tên chỉ số “{indicator.name}” (độ giống {_score_text(score)})"
        if unit != item["unit"]:
            reason += f"; khác đơn vị tính: {UNIT_WORDS[unit]}"
        candidates.append({"id": indicator.pk, "name": indicator.name, "score": round(score, 2),
                           "same_unit": unit == item["unit"], "reason": reason})
    item["indicator_candidates"] = candidates
    chosen = next((c for c in candidates if c["same_unit"] and c["score"] >= INDICATOR_SCORE), None)
    item["indicator_id"] = chosen["id"] if chosen else None


def _suggest_parent(item, parent_targets):
    """Among the targets of the cited documents in the portal: same unit, the most similar indicator."""
    name = core(fold(item["indicator"]))
    scored = []
    for target, folded, unit in parent_targets:
        if unit != item["unit"]:
            continue
        same = target.indicator_id == item["indicator_id"]
        score = 1.0 if same else similarity(name, folded)
        if score >= CANDIDATE_SCORE:
            scored.append((score, same, target))
    scored.sort(key=lambda row: (-row[0], row[2].pk))
    candidates = []
    for score, same, target in scored[:CANDIDATES]:
        why = "đo bằng cùng chỉ số" if same else f"tên chỉ số giống {_score_text(score)}"
        unit = f"cùng đơn vị tính {UNIT_WORDS[item['unit']]}" if item["unit"] else "cùng là mốc hoàn thành"
        candidates.append({
            "id": target.pk, "label": f"{target.indicator.name} ({target.document.short_label})",
            "score": round(score, 2),
            "reason": f"cụ thể hóa chỉ tiêu “{target.indicator.name}” của {target.document.short_label} "
                      f"(văn bản được căn cứ): {unit}, {why}",
        })
    item["parent_candidates"] = candidates
    item["parent_id"] = candidates[0]["id"] if candidates and candidates[0]["score"] >= PARENT_SCORE else None


def _find(text, quote):
    """(start, end) of the quote in the text, whatever the white space between its words (table rows)."""
    for candidate in (quote, (quote or "").rstrip(" .;:,")):
        words = candidate.split()
        if words:
            match = re.search(r"\s+".join(map(re.escape, words)), text)
            if match:
                return match.span()
    return None


def _locate_quotes(text, items):
    """Give each proposal the span of its quote and the mark it is shown by: its own, or the mark of an
    earlier proposal whose sentence overlaps it (several figures of one table row, a clause of a sentence)."""
    spans = []
    for index, item in enumerate(items):
        span = _find(text, item["quote"])
        item["span"], item["mark"] = (list(span) if span else None), None
        if span:
            spans.append((span[0], -span[1], index))
    owner, owner_end = None, -1
    for start, negative_end, index in sorted(spans):
        if start < owner_end:
            items[index]["mark"] = owner
        else:
            owner, owner_end = index, -negative_end
            items[index]["mark"] = index


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


# ---- review -----------------------------------------------------------------------------------------


def proposal_at(plan_import, index):
    items = plan_import.items()
    if not 0 <= index < len(items):
        raise Http404("Không có đề xuất này.")
    return items[index]


def _number(raw):
    """A figure as the officer typed it ("0,9", "1.318", "95%") or as stored, into a Decimal."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, (Decimal, int, float)):
        number = Decimal(str(raw))
    else:
        number = parse_vietnamese_number(str(raw))
        if number is None:
            return None
    if number < 0:
        raise ValueError("Giá trị không được âm.")
    if number >= 10**12 or -number.normalize().as_tuple().exponent > 4:
        raise ValueError("Giá trị quá lớn hoặc có quá 4 chữ số thập phân.")
    return number


def _json_number(number):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _choice_id(raw, candidates, message):
    if raw in (None, ""):
        return None, None
    wanted = str(raw)
    match = next((c["id"] for c in candidates if str(c["id"]) == wanted), None)
    return (match, None) if match is not None else (None, message)


def clean_proposal_fields(fields, item):
    """The edited fields of a proposal checked and normalised: (values, errors by field)."""
    values, errors = {}, {}
    name = " ".join(str(fields.get("indicator") or "").split())
    values["indicator"] = name
    if not name:
        errors["indicator"] = "Cần nêu tên chỉ số."
    elif len(name) > 300:
        errors["indicator"] = "Tên chỉ số dài quá 300 ký tự."
    values["comparator"] = fields.get("comparator") or ""
    if values["comparator"] not in COMPARATOR_BY_GOLD:
        errors["comparator"] = "Chọn một trong sáu cách so sánh: =, ≥, ≤, trong khoảng, duy trì, đạt được."
    numbers = {}
    for key in ("value", "value_max"):
        try:
            numbers[key] = _number(fields.get(key))
        except ValueError as error:
            numbers[key], errors[key] = None, str(error)
    if values["comparator"] == "range" and "value_max" not in errors and "value" not in errors:
        if numbers["value"] is None or numbers["value_max"] is None:
            errors["value_max"] = "Chỉ tiêu trong khoảng cần cả giá trị tối thiểu và tối đa."
        elif numbers["value_max"] < numbers["value"]:
            errors["value_max"] = "Giá trị tối đa phải lớn hơn hoặc bằng giá trị tối thiểu."
    elif values["comparator"] != "range" and numbers["value_max"] is not None:
        errors["value_max"] = "Chỉ nhập giá trị tối đa cho chỉ tiêu trong khoảng."
    values.update((key, _json_number(number)) for key, number in numbers.items())
    values["unit"] = fields.get("unit") or None
    if values["unit"] not in KIND_BY_UNIT:
        errors["unit"] = "Đơn vị tính là %, số lượng, chỉ số, mức độ hoặc để trống."
    values["level_label"] = " ".join(str(fields.get("level_label") or "").split()) or None
    if values["level_label"] and len(values["level_label"]) > 40:
        errors["level_label"] = "Nhãn mức độ dài quá 40 ký tự."
    values["deadline"] = str(fields.get("deadline") or "").strip().replace("–", "-") or None
    match = _DEADLINE.match(values["deadline"] or "")
    if values["deadline"] and not (match and (match[2] is None or int(match[2]) == int(match[1]) + 1)):
        errors["deadline"] = "Thời hạn là một năm (2030) hoặc một năm học (2026-2027), hoặc để trống."
    values["category"] = fields.get("category") or ""
    if values["category"] not in CATEGORY_BY_LABEL:
        errors["category"] = "Chọn một nhóm tiêu chí trong danh sách."
    for key, candidates, message in (
        ("indicator_id", item.get("indicator_candidates", []), "Chỉ số này không nằm trong các gợi ý."),
        ("parent_id", item.get("parent_candidates", []), "Chỉ tiêu này không nằm trong các gợi ý."),
    ):
        values[key], error = _choice_id(fields.get(key), candidates, message)
        if error:
            errors[key] = error
    return values, errors


class ProposalForm(forms.Form):
    """One proposal as the officer edits it; a rejection needs no valid figures."""

    decision = forms.ChoiceField(choices=DECISION_CHOICES)
    indicator = forms.CharField(label="Chỉ số", max_length=300, required=False)
    comparator = forms.ChoiceField(label="So sánh", choices=COMPARATOR_CHOICES)
    value = forms.CharField(label="Giá trị", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    value_max = forms.CharField(label="Đến (khoảng)", max_length=30, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    unit = forms.ChoiceField(label="Đơn vị tính", choices=UNIT_CHOICES, required=False)
    level_label = forms.CharField(label="Mức độ", max_length=40, required=False)
    deadline = forms.CharField(label="Thời hạn", max_length=16, required=False,
                               widget=forms.TextInput(attrs={"placeholder": "2030 hoặc 2026-2027"}))
    category = forms.ChoiceField(label="Nhóm tiêu chí", choices=[(k, k[0].upper() + k[1:]) for k in CATEGORY_BY_LABEL])
    indicator_id = forms.ChoiceField(label="Chỉ số trên cổng", required=False)
    parent_id = forms.ChoiceField(label="Cụ thể hóa chỉ tiêu cấp trên", required=False)

    def __init__(self, data=None, *, item, index=0):
        super().__init__(data, initial=proposal_initial(item), auto_id=f"id_p{index}_%s")
        self.item = item
        self.fields["indicator_id"].choices = [("", "— tạo chỉ số mới theo tên ở trên —")] + [
            (str(c["id"]), f"{c['name']} (giống {_score_text(c['score'])})") for c in item.get("indicator_candidates", [])]
        self.fields["parent_id"].choices = [("", "— không gắn —")] + [
            (str(c["id"]), c["label"]) for c in item.get("parent_candidates", [])]

    def clean(self):
        data = super().clean()
        if self.errors or data.get("decision") == "rejected":
            return data
        values, errors = clean_proposal_fields(data, self.item)
        for field, message in errors.items():
            self.add_error(field, message)
        return {**data, **values}


def proposal_initial(item):
    def shown(number):
        return "" if number is None else format_number(Decimal(str(number)))

    return {
        "indicator": item["indicator"], "comparator": item["comparator"], "value": shown(item["value"]),
        "value_max": shown(item["value_max"]), "unit": item["unit"] or "", "level_label": item["level_label"] or "",
        "deadline": item["deadline"] or "", "category": item["category"],
        "indicator_id": item.get("indicator_id") or "", "parent_id": item.get("parent_id") or "",
    }


def _ensure_reviewing(plan_import):
    if plan_import.status == PlanImportStatus.CREATED:
        raise ValidationError("Kế hoạch đã được tạo từ lần nhập này; không thể thay đổi hay tạo lại.")
    if plan_import.status != PlanImportStatus.REVIEWING:
        raise ValidationError("Lần nhập này đã bị hủy.")


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


def discard_import(*, plan_import):
    """Give up an import under review: nothing was created, nothing is."""
    _ensure_reviewing(plan_import)
    plan_import.status = PlanImportStatus.DISCARDED
    plan_import.save(update_fields=["status"])


# ---- creating the plan ------------------------------------------------------------------------------


def _split_date(text):
    """"17/12/2025", "2025-12-17" or "2026" into (issued_on, issued_year); raises ValueError."""
    message = "Ngày ban hành ghi như 17/12/2025, hoặc chỉ năm (2026), hoặc để trống."
    match = _DATE.match((text or "").strip())
    if not match:
        raise ValueError(message)
    if match[7]:
        return None, int(match[7])
    day, month, year = (match[1], match[2], match[3]) if match[1] else (match[6], match[5], match[4])
    try:
        issued_on = date(int(year), int(month), int(day))
    except ValueError as error:  # 31/02: Python's message is English
        raise ValueError(f"Không có ngày {text.strip()}. {message}") from error
    return issued_on, issued_on.year


class PlanMetadataForm(forms.Form):
    """The particulars of the document as read, for the officer to correct before creating the plan."""

    doc_type = forms.ChoiceField(label="Loại văn bản", choices=DocumentType.choices)
    number = forms.CharField(label="Số, ký hiệu", max_length=64, required=False,
                             help_text="Để trống nếu văn bản không có số.")
    title = forms.CharField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.CharField(label="Ngày ban hành", max_length=10, required=False,
                           help_text="17/12/2025, hoặc chỉ năm (2026).")
    issuer_name = forms.CharField(label="Cơ quan ban hành (như ghi)", max_length=255, required=False)
    place = forms.CharField(label="Địa danh", max_length=120, required=False)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=160, required=False)
    signer_name = forms.CharField(label="Người ký", max_length=120, required=False)

    def __init__(self, data=None, *, plan_import):
        super().__init__(data, initial=metadata_initial(plan_import.proposals))
        for field in self.fields.values():
            field.widget.attrs["form"] = "plan-create"

    def clean_date(self):
        text = self.cleaned_data["date"].strip()
        if not text:
            return ""
        try:
            issued_on, year = _split_date(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        return issued_on.isoformat() if issued_on else str(year)


def metadata_initial(proposals):
    when = proposals.get("date") or ""
    if len(when) == 10:
        when = f"{when[8:10]}/{when[5:7]}/{when[:4]}"
    doc_type = proposals.get("doc_type")
    return {
        "doc_type": doc_type if doc_type in DocumentType.values else DocumentType.KH,
        "number": proposals.get("number") or "", "title": proposals.get("title") or "", "date": when,
        "issuer_name": proposals.get("issuer") or "", "place": proposals.get("place") or "",
        "signer_title": proposals.get("signer_title") or "", "signer_name": proposals.get("signer_name") or "",
    }


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
    locked.status, locked.document = PlanImportStatus.CREATED, document
    proposals["result"] = {"targets": sum(1 for _, p in accepted if not p), "projections": sum(1 for _, p in accepted if p),
                           "rejected": len(items) - len(accepted), "indicators_created": new_indicators}
    locked.save(update_fields=["status", "document", "proposals"])
    plan_import.status, plan_import.document, plan_import.proposals = locked.status, document, proposals
    return document


def _create_document(plan_import, proposals, by):
    issued_on, issued_year = _split_date(proposals["date"]) if proposals.get("date") else (None, None)
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
            document=document, indicator=indicator, ref=item["id"], order=order,
            text=item["quote"] or item["indicator"], section=(item.get("section") or "")[:500],
            category=CATEGORY_BY_LABEL.get(item["category"], Category.OTHER),
            comparator=COMPARATOR_BY_GOLD[item["comparator"]], level_label=(item.get("level_label") or "")[:40],
            scope_text=(item.get("scope") or "")[:300], is_projection=is_projection,
            parent=parents.get(item.get("parent_id")),
        ))
    Target.objects.bulk_create(targets)
    TargetHorizon.objects.bulk_create(
        TargetHorizon(target=target, label=item["deadline"] or "", deadline=horizon_deadline(item["deadline"] or ""),
                      value=_number(item["value"]), value_max=_number(item["value_max"]))
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
    code = slug(item["indicator"]) or "chi-so"
    if code not in made:
        kind, aggregation = KIND_BY_UNIT[item["unit"]]
        made[code] = Indicator.objects.get_or_create(code=code, defaults={
            "name": item["indicator"], "kind": kind, "aggregation": aggregation,
            "unit_label": "%" if item["unit"] == "%" else UNIT_LABEL_BY_GOLD[item["unit"]],
            "category": CATEGORY_BY_LABEL.get(item["category"], Category.OTHER),
        })
    return made[code][0]


def created_targets(document):
    """The targets of a created plan with what the page shows of them (4 queries)."""
    return (Target.objects.filter(document=document)
            .select_related("indicator", "document", "parent__indicator", "parent__document")
            .prefetch_related("horizons", Prefetch("responsibilities", TargetResponsibility.objects.select_related("unit")))
            .order_by("order", "pk"))


# ---- the review page --------------------------------------------------------------------------------


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


def review_context(plan_import, *, metadata_form=None, forms=None, errors=None):
    """Everything the review page shows. ``forms``: bound proposal forms with errors, by index."""
    items = plan_import.items()
    forms = forms or {}
    return {
        "plan_import": plan_import,
        "text_html": highlighted_text(plan_import.text, items),
        "rows": [review_row(plan_import, index, forms.get(index)) for index in range(len(items))],
        "counts": plan_import.counts(), "total": len(items),
        "metadata_form": metadata_form or PlanMetadataForm(plan_import=plan_import),
        "parents": plan_import.proposals.get("parents", []),
        "has_tasks": bool(plan_import.proposals.get("tasks")),
        "is_reviewing": plan_import.status == PlanImportStatus.REVIEWING,
        "errors": errors or [],
    }

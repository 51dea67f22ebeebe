"""The forms of the import pages: the file to read, one proposal as the officer edits it, the plan's particulars.

    PlanUploadForm              the file and the unit whose plan it is (a unit the officer may change)
    ProposalForm                one proposal: accept (with edits) or reject; clean_proposal_fields checks
                                the edits, also for importer.actions.review_proposal
    ArrangeForm                 merge, split or move one proposal
    PlanMetadataForm            the document's number, title, date, issuer and signer as read
    TaskReviewForm              the tasks proposed: kept or dropped, lead unit, deadline; its fields go with
                                the create form, so that creating the plan never drops unsaved task edits
    SectionHorizonForm          one deadline for every proposal under a heading
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from plans.models import DocumentType
from targets.fields import format_number, parse_vietnamese_number
from units.models import Unit
from units.search import unit_scope
from units.textfields import NulRefusedInVietnamese
from units.widgets import SearchesUnits, UnitSearchField

from .extraction import ExtractionError
from .extraction.reading import MAX_BYTES, file_kind
from .gold import CATEGORY_BY_GOLD, COMPARATOR_BY_GOLD, KIND_BY_UNIT
from .matching import indicator_name_problem, score_text

COMPARATOR_CHOICES = [
    ("=", "bằng (=)"), (">=", "từ … trở lên (≥)"), ("<=", "không quá (≤)"),
    ("range", "trong khoảng"), ("maintain", "duy trì, giữ vững"), ("achieve", "đạt được (mốc)"),
]
UNIT_CHOICES = [("", "không có (mốc)"), ("%", "%"), ("count", "số lượng"), ("index", "chỉ số"), ("level", "mức độ")]
DECISION_CHOICES = [("accepted", "Đã chấp nhận"), ("rejected", "Đã bỏ"), ("pending", "Chờ xem xét")]
_DEADLINE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$|^(\d{4})$")


class VietnameseTextField(NulRefusedInVietnamese, forms.CharField):
    """Every text input of the import's forms: a title or a task pasted from the Word file keeps its line breaks
    and brings no control character into the plan (units.textfields)."""


@unit_scope("ke-hoach")
def changeable_units(user):
    """The current units the user may issue a plan for (access.can_change_unit), top-down: one query."""
    return Unit.objects.current().writable_by(user).order_by("path")


class PlanUploadForm(SearchesUnits, forms.Form):
    """The file to read and the unit whose plan it is."""

    unit = UnitSearchField(label="Đơn vị ban hành kế hoạch", tree_labels=False, scope="ke-hoach", empty_label=None,
                           error_messages={"required": "Hãy chọn đơn vị ban hành kế hoạch.",
                                           "invalid_choice": "Bạn không được nhập kế hoạch cho đơn vị này."})
    # an empty file reaches clean_file, whose message says what is wrong with it
    file = forms.FileField(
        label="Tệp kế hoạch", allow_empty_file=True,
        help_text=f"Tệp .docx, .pdf có lớp văn bản (không phải bản quét) hoặc .txt, đến {MAX_BYTES // 1024 // 1024} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].for_user(user)

    def clean_file(self):
        """Refuse at once a file that is empty, too large or of a kind that is not read (by its name and first
        bytes); what is inside it is read by the job, after the upload."""
        upload = self.cleaned_data["file"]
        head = upload.read(8)
        upload.seek(0)
        try:
            file_kind(upload.name, upload.size, head)
        except ExtractionError as error:
            raise ValidationError(str(error)) from error
        return upload


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
    if values["category"] not in CATEGORY_BY_GOLD:
        errors["category"] = "Chọn một nhóm tiêu chí trong danh sách."
    for key, candidates, message in (
        ("indicator_id", item.get("indicator_candidates", []), "Chỉ số này không nằm trong các gợi ý."),
        ("parent_id", item.get("parent_candidates", []), "Chỉ tiêu này không nằm trong các gợi ý."),
    ):
        values[key], error = _choice_id(fields.get(key), candidates, message)
        if error:
            errors[key] = error
    problem = indicator_name_problem(values["indicator"]) if values["indicator_id"] is None else ""
    if problem and "indicator" not in errors:
        # accepted without a portal indicator, the name becomes a catalogue indicator every unit is offered
        errors["indicator"] = (f"Tên chỉ số “{values['indicator']}” {problem}: hãy ghi rõ chỉ số (ví dụ “Tỷ lệ trẻ 5 "
                               "tuổi ra lớp”) hoặc chọn một chỉ số có sẵn trên cổng.")
    return values, errors


PROPOSAL_FIELDS = ("indicator", "comparator", "value", "value_max", "unit", "level_label", "deadline", "category",
                   "indicator_id", "parent_id")
NO_VERSION = "Biểu mẫu không còn hợp lệ (thiếu phiên bản đề xuất đã mở): hãy tải lại trang rồi nhập lại."


def proposal_fingerprint(item):
    """A digest of a proposal as a page shows it (which one, its decision and its fields), posted back hidden with
    a decision: importer.actions.review_proposal refuses one made from a page that showed another proposal at that
    place (moved, merged, split) or this one before another officer's decision."""
    from plans.actions import state_fingerprint

    return state_fingerprint({"id": item["id"], "decision": item["decision"],
                              **{key: item.get(key) for key in PROPOSAL_FIELDS}})


PAGE_SEEN = "page-seen"  # the hidden input of the review page's create form, posted by every button that uses it
PAGE_PARTS = ("tasks", "parents", "doc_type", "number", "title", "date", "issuer", "place", "signer_title",
              "signer_name")


def page_fingerprint(proposals):
    """A digest of what the review page saves whole (the particulars, the cited documents, the task review): the
    page posts it with "Lưu nhiệm vụ", the cited documents' buttons and "Tạo kế hoạch", so that a page opened
    before another officer saved them is refused instead of putting back what they replaced."""
    from plans.actions import state_fingerprint

    return state_fingerprint({key: proposals.get(key) for key in PAGE_PARTS})


class ProposalForm(forms.Form):
    """One proposal as the officer edits it; a rejection needs no valid figures."""

    decision = forms.ChoiceField(choices=DECISION_CHOICES)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    indicator = VietnameseTextField(label="Chỉ số", max_length=300, required=False)
    comparator = forms.ChoiceField(label="So sánh", choices=COMPARATOR_CHOICES)
    value = VietnameseTextField(label="Giá trị", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    value_max = VietnameseTextField(label="Đến (khoảng)", max_length=30, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    unit = forms.ChoiceField(label="Đơn vị tính", choices=UNIT_CHOICES, required=False)
    level_label = VietnameseTextField(label="Mức độ", max_length=40, required=False)
    deadline = VietnameseTextField(label="Thời hạn", max_length=16, required=False,
                               widget=forms.TextInput(attrs={"placeholder": "2030 hoặc 2026-2027"}))
    category = forms.ChoiceField(label="Nhóm tiêu chí", choices=[(k, k[0].upper() + k[1:]) for k in CATEGORY_BY_GOLD])
    indicator_id = forms.ChoiceField(label="Chỉ số trên cổng", required=False)
    parent_id = forms.ChoiceField(label="Cụ thể hóa chỉ tiêu cấp trên", required=False)

    def __init__(self, data=None, *, item, index=0):
        super().__init__(data, initial=proposal_initial(item), auto_id=f"id_p{index}_%s")
        self.item = item
        self.fields["indicator_id"].choices = [("", "— tạo chỉ số mới theo tên ở trên —")] + [
            (str(c["id"]), f"{c['name']} (giống {score_text(c['score'])}{'; ' + c['differs'] if c.get('differs') else ''})")
            for c in item.get("indicator_candidates", [])]
        self.fields["parent_id"].choices = [("", "— không gắn —")] + [
            (str(c["id"]), c["label"]) for c in item.get("parent_candidates", [])]

    def clean(self):
        data = super().clean()
        if not data.get("seen"):
            raise ValidationError(NO_VERSION)
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
        "seen": proposal_fingerprint(item),
    }


ARRANGE_CHOICES = [("merge", "Gộp với đề xuất dưới"), ("split", "Tách làm hai"), ("up", "Chuyển lên"),
                   ("down", "Chuyển xuống")]


class ArrangeForm(forms.Form):
    """Merge a proposal with the one below, split it in two, move it up or down; ``proposal`` is the id the
    page showed, so that a stale page acts on nothing."""

    operation = forms.ChoiceField(choices=ARRANGE_CHOICES,
                                  error_messages={"invalid_choice": "Thao tác không hợp lệ.",
                                                  "required": "Chưa chọn thao tác."})
    proposal = VietnameseTextField(max_length=40, error_messages={"required": "Thiếu mã đề xuất."})


def split_date(text):
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
    number = VietnameseTextField(label="Số, ký hiệu", max_length=64, required=False,
                             help_text="Để trống nếu văn bản không có số.")
    title = VietnameseTextField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    date = VietnameseTextField(label="Ngày ban hành", max_length=10, required=False,
                           help_text="17/12/2025, hoặc chỉ năm (2026).")
    issuer_name = VietnameseTextField(label="Cơ quan ban hành (như ghi)", max_length=255, required=False)
    place = VietnameseTextField(label="Địa danh", max_length=120, required=False)
    signer_title = VietnameseTextField(label="Chức vụ người ký", max_length=160, required=False)
    signer_name = VietnameseTextField(label="Người ký", max_length=120, required=False)

    def __init__(self, data=None, *, plan_import):
        super().__init__(data, initial=metadata_initial(plan_import.proposals))
        for field in self.fields.values():
            field.widget.attrs["form"] = "plan-create"

    def clean_date(self):
        text = self.cleaned_data["date"].strip()
        if not text:
            return ""
        try:
            issued_on, year = split_date(text)
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



def task_key(group_index, task_index):
    return f"g{group_index}-t{task_index}"


MAX_TASK_TEXT = 4000

# sent by the review page with the task fields: the create step then takes the tasks as shown, saved or not
TASKS_SHOWN = "tasks-shown"


class TaskReviewForm(forms.Form):
    """The tasks proposed, each kept or dropped, with its lead unit (among the units the plan may assign) and
    its deadline (dd/mm/yyyy), its text and coordinating units, saved together. Fields are named keep-, lead-,
    due-, text-, coord- and the task's key. A text not sent stays as read; coordinating units are taken only
    from the page (TASKS_SHOWN sent), since a list with nothing chosen sends nothing."""

    def __init__(self, data=None, *, proposals):
        super().__init__(data)
        self.groups = proposals.get("tasks") or []
        units = [("", "— chưa xác định —")] + [(str(u["id"]), u["name"]) for u in proposals.get("task_units", [])]
        for group_index, group in enumerate(self.groups):
            for task_index, task in enumerate(group["tasks"]):
                key = task_key(group_index, task_index)
                name = f"{group['number']}.{task['number']}".lstrip(".")  # the table's columns are the labels
                self.fields[f"keep-{key}"] = forms.BooleanField(
                    label="Tạo nhiệm vụ này", required=False, initial=task.get("decision", "accepted") == "accepted",
                    widget=forms.CheckboxInput(attrs={"aria-label": f"Tạo nhiệm vụ {name}"}))
                self.fields[f"lead-{key}"] = forms.ChoiceField(
                    label="Đơn vị chủ trì", choices=units, required=False,
                    initial=str(task["lead_unit_id"]) if task.get("lead_unit_id") else "",
                    widget=forms.Select(attrs={"aria-label": f"Đơn vị chủ trì nhiệm vụ {name}"}))
                self.fields[f"due-{key}"] = VietnameseTextField(
                    label="Thời hạn", max_length=10, required=False, initial=_shown_date(task.get("due")),
                    widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10,
                                                  "aria-label": f"Thời hạn nhiệm vụ {name}"}))
                self.fields[f"text-{key}"] = VietnameseTextField(
                    label="Nội dung", max_length=MAX_TASK_TEXT, required=False, initial=task["text"],
                    widget=forms.Textarea(attrs={"rows": 2, "aria-label": f"Nội dung nhiệm vụ {name}"}))
                self.fields[f"coord-{key}"] = forms.MultipleChoiceField(
                    label="Đơn vị phối hợp", choices=units[1:], required=False,
                    initial=[str(pk) for pk in task.get("coordinating_ids", [])],
                    widget=forms.SelectMultiple(attrs={"size": 3, "aria-label": f"Đơn vị phối hợp nhiệm vụ {name}"}))
        # the task fields belong to the create form, so that "Tạo kế hoạch" carries them (PlanMetadataForm too)
        for field in self.fields.values():
            field.widget.attrs["form"] = "plan-create"

    def clean(self):
        data = super().clean()
        decisions = {}
        for group_index, group in enumerate(self.groups):
            for task_index, _task in enumerate(group["tasks"]):
                key = task_key(group_index, task_index)
                due = (data.get(f"due-{key}") or "").strip()
                parsed = None
                if due:
                    try:
                        parsed, _year = split_date(due)
                    except ValueError:
                        parsed = None
                    if parsed is None:
                        self.add_error(f"due-{key}", f"Thời hạn “{due}” phải là một ngày, ghi như 31/12/2026.")
                lead = data.get(f"lead-{key}")
                decisions[key] = {"keep": bool(data.get(f"keep-{key}")), "lead_unit_id": int(lead) if lead else None,
                                  "due": parsed.isoformat() if parsed else None}
                if f"text-{key}" in self.data:
                    text = " ".join((data.get(f"text-{key}") or "").split())
                    if not text and decisions[key]["keep"]:
                        self.add_error(f"text-{key}", "Cần nêu nội dung nhiệm vụ (hoặc bỏ chọn “Tạo”).")
                    decisions[key]["text"] = text
                if TASKS_SHOWN in self.data:
                    # the lead unit is not also one of the units that coordinate with it
                    decisions[key]["coordinating_ids"] = [int(pk) for pk in data.get(f"coord-{key}") or []
                                                          if int(pk) != decisions[key]["lead_unit_id"]]
        data["decisions"] = decisions
        return data

    def rows(self):
        """Each group with its tasks and their bound fields, as the review page lists them."""
        names = {}
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                names = {int(value): label for value, label in field.choices if value}
                break
        rows = []
        for group_index, group in enumerate(self.groups):
            tasks = []
            for task_index, task in enumerate(group["tasks"]):
                key = task_key(group_index, task_index)
                coordinating = [names[pk] for pk in task.get("coordinating_ids", []) if pk in names]
                tasks.append({"key": key, "task": task, "keep": self[f"keep-{key}"], "lead": self[f"lead-{key}"],
                              "due": self[f"due-{key}"], "text": self[f"text-{key}"], "coord": self[f"coord-{key}"],
                              "coordinating": coordinating})
            rows.append({"group": group, "tasks": tasks})
        return rows


def _shown_date(iso):
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso and len(iso) == 10 else ""


def proposal_sections(proposals):
    """The headings the target proposals stand under, in reading order, each with how many stand there."""
    counts = {}
    for item in proposals.get("targets", []) + proposals.get("projections", []):
        section = item.get("section") or ""
        if section:
            counts[section] = counts.get(section, 0) + 1
    return counts


class SectionHorizonForm(forms.Form):
    """One deadline for every proposal under a heading: "Giai đoạn 2 (2028 - 2030)" read without its year."""

    section = forms.ChoiceField(label="Mục")
    deadline = VietnameseTextField(label="Thời hạn", max_length=16,
                               widget=forms.TextInput(attrs={"placeholder": "2030 hoặc 2026-2027", "size": 12}))

    def __init__(self, data=None, *, proposals):
        super().__init__(data, auto_id="id_sh_%s")
        self.fields["section"].choices = [(section, f"{section} ({count})")
                                          for section, count in proposal_sections(proposals).items()]

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"].strip().replace("–", "-").replace(" ", "")
        match = _DEADLINE.match(deadline)
        if not (match and (match[2] is None or int(match[2]) == int(match[1]) + 1)):
            raise ValidationError("Thời hạn là một năm (2030) hoặc một năm học (2026-2027).")
        return deadline


CITED_ACTION = re.compile(r"^(add|drop|keep)(?:-(\d{1,4}))?$")


class PlanBasisForm(forms.Form):
    """The documents the plan is based on, as the officer corrects them: a portal document to add (one the plan's
    unit may implement, that the user sees: Document.basis_for), or the button pressed beside a cited one
    ("drop-3", "keep-3"). Its fields go with the create form, as the tasks' do. The documents offered are read
    once (one query), for the choice shown and for the check."""

    document = forms.ChoiceField(label="Thêm văn bản căn cứ có trên cổng", required=False)
    action = VietnameseTextField(required=False, max_length=16)

    def __init__(self, data=None, *, plan_import, user):
        super().__init__(data, prefix="cited")
        from plans.models import Document

        listed = [parent["document_id"] for parent in plan_import.proposals.get("parents", [])
                  if parent.get("document_id") and not parent.get("dropped")]
        self.documents = {document.pk: document for document in
                          Document.objects.visible_to(user).basis_for(plan_import.unit).exclude(pk__in=listed)}
        field = self.fields["document"]
        field.choices = [("", "— Chọn văn bản —")] + [(str(pk), basis_label(document))
                                                       for pk, document in self.documents.items()]
        field.error_messages["invalid_choice"] = "Văn bản này không có trong danh sách văn bản có thể căn cứ."
        field.widget.attrs["form"] = "plan-create"

    def clean_document(self):
        value = self.cleaned_data["document"]
        return self.documents[int(value)] if value else None

    def clean(self):
        data = super().clean()
        action = data.get("action") or ""
        match = CITED_ACTION.match(action)
        if action and not match:
            raise ValidationError("Thao tác không hợp lệ với văn bản căn cứ.")
        data["add"] = data.get("document")  # chosen, whichever button was pressed: added, never dropped
        data["drop"] = int(match[2]) if match and match[1] == "drop" and match[2] else None
        data["keep"] = int(match[2]) if match and match[1] == "keep" and match[2] else None
        if action == "add" and data["add"] is None and "document" not in self.errors:
            self.add_error("document", "Hãy chọn văn bản cần thêm.")
        return data


def basis_label(document):
    """“Kế hoạch 282/KH-UBND — UBND tỉnh Quảng Ninh, 30/10/2025”, as the choice of a document to base a plan on."""
    when = (document.issued_on.strftime("%d/%m/%Y") if document.issued_on
            else f"năm {document.issued_year}" if document.issued_year else "")
    label = f"{document.short_label} — {document.issuer.short_name or document.issuer.name}"
    return f"{label}, {when}" if when else label

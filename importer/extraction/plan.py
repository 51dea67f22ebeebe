"""The entry point: a plan's text in, its particulars and target proposals out (the gold JSON format)."""

import re

from .assignments import extract_tasks
from .errors import ExtractionError
from .metadata import extract_metadata
from .tables import extract_projections
from .targets import extract_targets, heading_horizon, plan_horizon, purpose_period
from .text import clean_text, outline

# What the officer reviews one by one, and what matching (a name comparison with every catalogue indicator)
# and the review page cost grow with. The sample plans propose 16 to 122.
MAX_PROPOSALS = 500
OPENING_LINES = 40  # of the first section, read for the documents the plan implements
FIELDS = ("id", "quote", "indicator", "comparator", "value", "value_max", "unit", "level_label", "deadline",
          "scope", "category", "section", "doubts")
_PLAN_WORDS = re.compile(
    r"mục tiêu|chỉ tiêu|nhiệm vụ|giải pháp|tổ chức thực hiện|lộ trình|kế hoạch|chương trình", re.IGNORECASE
)


def extract_plan(text, source_name):
    """The plan's metadata, targets and projections as a dict shaped like the gold annotation files.

    Raises ExtractionError when the text is neither structured like a plan nor states any target, or when it
    states more than MAX_PROPOSALS (reading stops there).
    """
    cleaned = clean_text(text)
    preamble, body = outline(cleaned)
    opening = [line for line in body if line.headings[:1] == body[0].headings[:1]][:OPENING_LINES] if body else []
    metadata = extract_metadata(preamble, cleaned, opening)
    ref_year = reference_year(metadata)
    # the title and opening lines, else the purpose section ("… nhằm cụ thể hóa … đến năm 2030"): the horizon of
    # the targets and of the projections that name none
    period = (plan_horizon([metadata["title"] or "", *(line.text for line in preamble)], ref_year)
              or purpose_period(body, ref_year))
    proposals = extract_targets(body, issuer=metadata["issuer"], ref_year=ref_year, limit=MAX_PROPOSALS,
                                period=period)
    if len(proposals) <= MAX_PROPOSALS:
        proposals += extract_projections(
            body, issuer=metadata["issuer"], limit=MAX_PROPOSALS - len(proposals),
            horizon_of=lambda headings: heading_horizon(headings, ref_year) or period,
        )
    if len(proposals) > MAX_PROPOSALS:
        raise ExtractionError(
            f"Văn bản nêu hơn {MAX_PROPOSALS} chỉ tiêu và số liệu dự kiến, quá nhiều để xem xét từng đề xuất "
            "(một kế hoạch thường có vài chục đến vài trăm). Hãy tách kế hoạch thành nhiều tệp, hoặc bỏ các "
            "bảng phụ lục số liệu, rồi tải lên lại."
        )
    if not proposals and not has_plan_structure(body):
        raise ExtractionError(
            "Văn bản không có cấu trúc của một kế hoạch (mục tiêu, nhiệm vụ, tổ chức thực hiện) "
            "và không nêu chỉ tiêu nào."
        )
    targets = [proposal for proposal in proposals if proposal["kind"] == "target"]
    projections = [proposal for proposal in proposals if proposal["kind"] == "projection"]
    return {
        "source": source_name,
        "title": metadata["title"],
        "issuer": metadata["issuer"],
        "number": metadata["number"],
        "date": metadata["date"],
        "parents": metadata["parents"],
        "targets": _numbered(targets, "T"),
        "projections": _numbered(projections, "P"),
        "doc_type": metadata["doc_type"],
        "place": metadata["place"],
        "signer_name": metadata["signer_name"],
        "signer_title": metadata["signer_title"],
        "tasks": extract_tasks(cleaned),
    }


def reference_year(metadata):
    """The year the plan speaks from: its own date, else the latest date it cites."""
    if metadata["date"]:
        return int(metadata["date"][:4])
    years = [int(parent["date"][:4]) for parent in metadata["parents"] if parent["date"]]
    return max(years) if years else None


def has_plan_structure(body):
    """Headings of a plan: at least two sections named like a plan's (objectives, tasks, organisation)."""
    headings = {heading for line in body for heading in line.headings}
    return sum(1 for heading in headings if _PLAN_WORDS.search(heading)) >= 2


def _numbered(proposals, prefix):
    return [{"id": f"{prefix}{index:02d}", **{field: proposal.get(field, []) if field == "doubts" else proposal[field]
                                              for field in FIELDS[1:]}}
            for index, proposal in enumerate(proposals, start=1)]

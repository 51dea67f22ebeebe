"""Reading plans: their particulars and the targets they state, proposed for an officer to review.

    reading.py     read_document(): .txt, .docx, .pdf to text, with the refusals users see
    text.py        cleaning of exported text, headings, sentences, clauses
    figures.py     Vietnamese numbers, Roman numerals, dates
    metadata.py    issuer, number, place and date, title, signer, cited documents
    targets.py     the sentence rules that find targets, their comparators and deadlines
    labels.py      readable indicator names and scopes of the proposals
    tables.py      projection and target tables
    assignments.py task groups of "Nhiệm vụ, giải pháp" and "Tổ chức thực hiện", with lead and coordinating units
    categories.py  keyword rules for the category of a target
    scoring.py     the gold README's matching rule
    plan.py        extract_plan(): the entry point
"""

from .errors import ExtractionError
from .plan import extract_plan
from .reading import read_document

__all__ = ["ExtractionError", "extract_plan", "read_document"]

"""The gold format mapped to the portal's model values.

The gold format is the JSON in which a plan's targets are annotated by hand (demo/seed_data/gold/,
a copy of ../shared/seeds/gold/) and in which the extractor proposes them (importer/extraction): one
row per figure, with its indicator's name, comparator, value, unit, deadline and category. The demo
loader and the plan importer both turn such rows into indicators, targets and horizons through this
module, so that a sample plan seeded and the same plan imported come out alike.
"""

import re
import unicodedata
import zlib
from datetime import date
from decimal import Decimal

from targets.models import Aggregation, Category, Comparator, IndicatorKind

CATEGORY_BY_GOLD = {
    "chuyển đổi số": Category.DIGITAL,
    "đội ngũ": Category.STAFF,
    "cơ sở vật chất": Category.FACILITIES,
    "chất lượng giáo dục": Category.QUALITY,
    "phổ cập - học tập suốt đời": Category.UNIVERSAL,
    "ngân sách - nguồn lực": Category.BUDGET,
    "khác": Category.OTHER,
}
COMPARATOR_BY_GOLD = {
    "=": Comparator.EQ,
    ">=": Comparator.GTE,
    "<=": Comparator.LTE,
    "range": Comparator.RANGE,
    "maintain": Comparator.MAINTAIN,
    "achieve": Comparator.ACHIEVE,
}
UNIT_LABEL_BY_GOLD = {"%": "%", "count": "", "index": "chỉ số", "level": "mức độ", None: ""}
# How an indicator made from a row's own name is measured and rolled up, by the row's unit.
KIND_BY_UNIT = {
    "%": (IndicatorKind.RATE, Aggregation.RATIO_OF_SUMS),
    "count": (IndicatorKind.COUNT, Aggregation.SUM),
    "index": (IndicatorKind.INDEX, Aggregation.NONE),
    "level": (IndicatorKind.LEVEL, Aggregation.MIN),
    None: (IndicatorKind.MILESTONE, Aggregation.EVERY_UNIT),
}


def slug(text, limit=70):
    """ASCII code from Vietnamese text (đ is not decomposed by NFKD, so map it first)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    if len(text) > limit:
        text = f"{text[: limit - 9]}-{zlib.crc32(text.encode()):08x}"
    return text


def horizon_deadline(label):
    """'2030' -> 31/12/2030; '2026-2027' -> 31/05/2027 (end of that school year); '' -> none."""
    if not label:
        return None
    if "-" in label:
        return date(int(label[-4:]), 5, 31)
    return date(int(label), 12, 31)


def indicator_unit(indicator):
    """The gold-format unit an indicator is measured in: "%", "count", "index", "level" or None."""
    if indicator.kind == IndicatorKind.RATE or indicator.unit_label == "%":
        return "%"
    return {IndicatorKind.COUNT: "count", IndicatorKind.INDEX: "index", IndicatorKind.LEVEL: "level"}.get(
        indicator.kind)


def indicator_code(row):
    """The code of the indicator a row names by its own name (the slug of that name)."""
    return slug(row["indicator"]) or "chi-so"


def indicator_fields(row, *, percent_is_rate=True):
    """The fields of an indicator made from a row's own name.

    A row in "%" is a rate of counts unless ``percent_is_rate`` is false (a share that is not a ratio
    of figures the units report), which makes it an index entered where it applies.
    """
    kind, aggregation = KIND_BY_UNIT[row["unit"]]
    if row["unit"] == "%" and not percent_is_rate:
        kind, aggregation = IndicatorKind.INDEX, Aggregation.NONE
    return {
        "name": row["indicator"], "kind": kind, "aggregation": aggregation,
        "unit_label": UNIT_LABEL_BY_GOLD[row["unit"]],
        "category": CATEGORY_BY_GOLD.get(row["category"], Category.OTHER),
    }


def target_fields(row):
    """The fields of a target that a row gives (its plan, indicator, order and links are the caller's)."""
    return {
        "text": row["quote"] or row["indicator"],
        "section": (row.get("section") or "")[:500],
        "category": CATEGORY_BY_GOLD.get(row["category"], Category.OTHER),
        "comparator": COMPARATOR_BY_GOLD[row["comparator"]],
        "level_label": (row.get("level_label") or "")[:40],
        "scope_text": (row.get("scope") or "")[:300],
    }


def horizon_fields(row):
    """The target's one horizon as a row gives it: its label, deadline and value(s)."""
    label = row.get("deadline") or ""
    return {
        "label": label, "deadline": horizon_deadline(label),
        "value": to_decimal(row.get("value")), "value_max": to_decimal(row.get("value_max")),
    }


def to_decimal(value):
    """A figure of a row (a JSON number or None) as a Decimal."""
    return None if value is None else Decimal(str(value))

"""importer.gold: the one mapping of the annotation format to model values, used by the importer and the demo."""

import json
from datetime import date
from decimal import Decimal

from demo.loader import GOLD_DIR
from importer import gold
from targets.models import Aggregation, Category, Comparator, Indicator, IndicatorKind


def gold_rows():
    for path in sorted(GOLD_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield from data["targets"] + data.get("projections", [])


def test_every_annotated_row_maps_to_model_values():
    rows = list(gold_rows())
    assert len(rows) == 29 + 18 + 48 + 37
    for row in rows:
        target, horizon = gold.target_fields(row), gold.horizon_fields(row)
        indicator = gold.indicator_fields(row)
        assert target["category"] in Category.values and target["category"] == gold.CATEGORY_BY_GOLD[row["category"]]
        assert target["comparator"] in Comparator.values
        assert target["text"] == row["quote"]
        assert indicator["kind"] in IndicatorKind.values and indicator["aggregation"] in Aggregation.values
        assert horizon["label"] == (row.get("deadline") or "")


def test_the_gold_categories_are_the_model_labels():
    assert {label.lower(): value for value, label in Category.choices} == gold.CATEGORY_BY_GOLD


def test_a_row_becomes_a_target_horizon_and_indicator():
    row = {"id": "x", "quote": "Phấn đấu 100% trường học có kết nối Internet.", "indicator": "Tỷ lệ trường có Internet",
           "comparator": ">=", "value": 0.9, "value_max": None, "unit": "%", "deadline": "2026-2027",
           "category": "chuyển đổi số", "level_label": None, "scope": "trên địa bàn phường"}
    assert gold.target_fields(row) == {
        "text": row["quote"], "section": "", "category": Category.DIGITAL, "comparator": Comparator.GTE,
        "level_label": "", "scope_text": "trên địa bàn phường",
    }
    assert gold.horizon_fields(row) == {"label": "2026-2027", "deadline": date(2027, 5, 31),
                                        "value": Decimal("0.9"), "value_max": None}
    assert gold.indicator_code(row) == "ty-le-truong-co-internet"
    assert gold.indicator_fields(row) == {"name": "Tỷ lệ trường có Internet", "kind": IndicatorKind.RATE,
                                          "aggregation": Aggregation.RATIO_OF_SUMS, "unit_label": "%",
                                          "category": Category.DIGITAL}
    # a share that is not a ratio of reported counts is entered where it applies
    assert gold.indicator_fields(row, percent_is_rate=False)["kind"] == IndicatorKind.INDEX


def test_a_deadline_is_the_end_of_the_year_or_of_the_school_year():
    assert gold.horizon_deadline("2030") == date(2030, 12, 31)
    assert gold.horizon_deadline("2025-2026") == date(2026, 5, 31)
    assert gold.horizon_deadline("") is None


def test_an_indicator_made_from_a_row_reads_back_in_the_row_unit():
    for unit in gold.KIND_BY_UNIT:
        fields = gold.indicator_fields({"indicator": "x", "unit": unit, "category": "khác"})
        indicator = Indicator(kind=fields["kind"], unit_label=fields["unit_label"])
        assert gold.indicator_unit(indicator) == unit


def test_a_long_name_gets_a_short_stable_code():
    code = gold.slug("Tỷ lệ " + "rất dài " * 20)
    assert len(code) == 70 and code == gold.slug("Tỷ lệ " + "rất dài " * 20)
    assert gold.slug("Đội ngũ giáo viên") == "doi-ngu-giao-vien"

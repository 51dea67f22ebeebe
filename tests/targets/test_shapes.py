"""Every shape of target the plans use, stored as the plan's sentence says it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from targets.models import (
    Aggregation,
    Category,
    Comparator,
    IndicatorKind,
    ProgressValue,
    Target,
    TargetHorizon,
    ValueKind,
)
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit


def by_year(year, value, value_max=None, floor_value=None):
    return (str(year), date(year, 12, 31), Decimal(value), value_max, floor_value)


def horizon_values(target):
    return [(h.label, h.deadline, h.value, h.value_max, h.floor_value) for h in target.horizons.all()]


def report(indicator, unit, period, **values):
    value = ProgressValue(indicator=indicator, unit=unit, period=period, **values)
    value.full_clean()
    value.save()
    value.refresh_from_db()
    return value


@pytest.fixture
def plan(tree):
    return make_document(tree["A"])


@pytest.fixture
def period(db):
    return make_period(code="2025-2026", kind="school_year", start=date(2025, 9, 1), end=date(2026, 5, 31),
                       deadline=date(2026, 6, 15))


@pytest.fixture
def rate(db):
    return make_indicator("gv-tren-chuan", unit_label="%", category=Category.STAFF)


def test_rate_at_least_keeps_both_horizons(plan, rate, period, tree):
    target = make_target(
        plan,
        rate,
        text="tỷ lệ giáo viên đạt trên chuẩn từ 35% trở lên vào năm 2030 và 50% vào năm 2035",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "35"), by_year(2035, "50")],
    )

    assert target.comparator == "gte"
    assert target.value_kind == ValueKind.ABSOLUTE
    assert horizon_values(target) == [
        ("2030", date(2030, 12, 31), Decimal("35"), None, None),
        ("2035", date(2035, 12, 31), Decimal("50"), None, None),
    ]
    assert target.unit_symbol == "%"
    # a rate comes from counts, never from a typed percentage
    value = report(rate, tree["A-TH1"], period, target=target, numerator=33, denominator=40)
    assert value.effective_value == Decimal("82.5")


def test_full_coverage_is_a_rate_equal_to_one_hundred(plan, period, tree):
    internet = make_indicator("truong-ket-noi-internet", category=Category.DIGITAL)
    target = make_target(
        plan,
        internet,
        text="100% trường học có kết nối Internet",
        comparator=Comparator.EQ,
        horizons=[by_year(2030, "100")],
    )

    assert target.indicator.kind == IndicatorKind.RATE
    assert target.indicator.aggregation == Aggregation.RATIO_OF_SUMS
    assert target.comparator == "eq"
    assert [h.value for h in target.horizons.all()] == [Decimal("100")]
    assert report(internet, tree["A"], period, numerator=8, denominator=8).effective_value == 100


def test_count_at_least_keeps_the_level_label(plan, period, tree):
    schools = make_indicator(
        "truong-chuan-qg-muc-2",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="trường",
        category=Category.FACILITIES,
    )
    target = make_target(
        plan,
        schools,
        text="xây dựng thêm ít nhất 01 trường đạt chuẩn quốc gia mức độ 2",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "1")],
        level_label="mức độ 2",
    )

    assert (target.comparator, target.level_label, target.each_unit) == ("gte", "mức độ 2", False)
    assert [h.value for h in target.horizons.all()] == [Decimal("1")]
    assert target.unit_symbol == "trường"
    assert report(schools, tree["A"], period, value=1).effective_value == Decimal("1")


def test_count_per_unit_applies_to_every_school(plan, tree):
    smart_rooms = make_indicator(
        "phong-hoc-thong-minh",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.EVERY_UNIT,
        unit_label="phòng",
        category=Category.DIGITAL,
    )
    target = make_target(
        plan,
        smart_rooms,
        text="mỗi trường có tối thiểu 01 phòng học thông minh",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "1")],
        each_unit=True,
        scope_text="các trường trên địa bàn phường",
    )
    target.scope_units.set([tree["A-TH1"], tree["A-THCS"]])

    assert target.each_unit is True
    assert target.comparator == "gte"
    assert [h.value for h in target.horizons.all()] == [Decimal("1")]
    assert set(target.scope_units.all()) == {tree["A-TH1"], tree["A-THCS"]}


def test_zero_dropouts_is_a_count_equal_to_zero(plan, period, tree):
    dropouts = make_indicator(
        "hoc-sinh-bo-hoc",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="học sinh",
    )
    target = make_target(
        plan,
        dropouts,
        text="không để học sinh bỏ học giữa chừng",
        comparator=Comparator.EQ,
        horizons=[by_year(2030, "0")],
    )

    assert target.indicator.kind == "count"
    assert target.comparator == "eq"
    assert [h.value for h in target.horizons.all()] == [Decimal("0")]
    # zero is a value, not a missing one
    assert report(dropouts, tree["A"], period, value=0).effective_value == Decimal("0")


def test_at_most_is_a_rate_below_a_ceiling(plan, period, tree):
    malnutrition = make_indicator("tre-suy-dinh-duong", category=Category.QUALITY)
    target = make_target(
        plan,
        malnutrition,
        text="trẻ suy dinh dưỡng dưới 2%",
        comparator=Comparator.LTE,
        horizons=[by_year(2030, "2")],
    )

    assert target.comparator == "lte"
    assert [(h.value, h.value_max) for h in target.horizons.all()] == [(Decimal("2"), None)]
    assert report(
        malnutrition, tree["B-MN"], period, numerator=3, denominator=200
    ).effective_value == Decimal("1.5")


def test_index_with_a_decimal_comma_is_stored_exactly(plan, period, tree):
    hdi = make_indicator(
        "hdi-giao-duc",
        kind=IndicatorKind.INDEX,
        aggregation=Aggregation.NONE,
        unit_label="chỉ số",
    )
    # the admin's Vietnamese input reads "0,82" the way the plan writes it
    typed = TargetHorizon._meta.get_field("value").formfield(localize=True).clean("0,82")
    target = make_target(
        plan,
        hdi,
        text="chỉ số giáo dục trong chỉ số phát triển con người HDI đạt từ 0,82 trở lên",
        comparator=Comparator.GTE,
        horizons=[("2030", date(2030, 12, 31), typed, None, None)],
    )

    assert typed == Decimal("0.82")
    assert target.indicator.kind == "index"
    assert target.comparator == "gte"
    assert [h.value for h in target.horizons.all()] == [Decimal("0.82")]
    assert report(hdi, tree["VN"], period, value=Decimal("0.79")).effective_value == Decimal("0.79")


def test_range_keeps_both_bounds(plan):
    grade_ten = make_indicator("vao-lop-10-cong-lap", category=Category.QUALITY)
    target = make_target(
        plan,
        grade_ten,
        text="tỷ lệ học sinh vào lớp 10 THPT công lập đạt từ 80 đến 85%",
        comparator=Comparator.RANGE,
        horizons=[by_year(2030, "80", value_max=Decimal("85"))],
    )

    assert target.comparator == "range"
    assert [(h.value, h.value_max) for h in target.horizons.all()] == [(Decimal("80"), Decimal("85"))]


def test_range_with_a_maximum_below_the_minimum_is_refused_by_the_database(plan):
    target = make_target(
        plan,
        make_indicator("vao-lop-10"),
        text="từ 80 đến 85%",
        comparator=Comparator.RANGE,
        horizons=[],
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        TargetHorizon.objects.create(
            target=target, label="2030", deadline=date(2030, 12, 31), value=85, value_max=80
        )
    assert not target.horizons.exists()


def test_range_without_a_maximum_is_refused(plan):
    target = make_target(
        plan,
        make_indicator("vao-lop-10"),
        text="từ 80 đến 85%",
        comparator=Comparator.RANGE,
        horizons=[],
    )
    horizon = TargetHorizon(target=target, label="2030", deadline=date(2030, 12, 31), value=80)

    with pytest.raises(ValidationError) as refused:
        horizon.full_clean()
    assert refused.value.message_dict["value_max"] == [
        "Chỉ tiêu trong khoảng cần cả giá trị tối thiểu và tối đa."
    ]


def test_a_maximum_on_a_target_that_is_not_a_range_is_refused(plan, rate):
    target = make_target(plan, rate, text="từ 35% trở lên", comparator=Comparator.GTE, horizons=[])
    horizon = TargetHorizon(target=target, label="2030", deadline=date(2030, 12, 31), value=35, value_max=50)

    with pytest.raises(ValidationError) as refused:
        horizon.full_clean()
    assert refused.value.message_dict["value_max"] == ["Chỉ nhập giá trị tối đa cho chỉ tiêu trong khoảng."]


def test_growth_over_a_baseline_year_is_a_percentage(plan):
    activities = make_indicator(
        "hoc-sinh-ngoai-khoa",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="học sinh",
        category=Category.QUALITY,
    )
    target = make_target(
        plan,
        activities,
        text="tăng ít nhất 20% số học sinh tham gia hoạt động ngoại khóa so với năm 2025",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "20")],
        value_kind=ValueKind.GROWTH,
        baseline_year=2025,
    )

    assert (target.value_kind, target.baseline_year, target.comparator) == ("growth", 2025, "gte")
    assert [h.value for h in target.horizons.all()] == [Decimal("20")]
    # the indicator counts pupils, but the target is a growth in percent
    assert target.indicator.unit_label == "học sinh"
    assert target.unit_symbol == "%"


def test_growth_without_a_baseline_year_is_refused_by_the_database(plan):
    activities = make_indicator(
        "hoc-sinh-ngoai-khoa",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="học sinh",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            document=plan,
            indicator=activities,
            text="tăng ít nhất 20% so với năm 2025",
            comparator=Comparator.GTE,
            value_kind=ValueKind.GROWTH,
        )
    assert not Target.objects.exists()


def test_a_level_to_keep_is_maintained(plan):
    universal = make_indicator(
        "pho-cap-th-thcs",
        kind=IndicatorKind.LEVEL,
        aggregation=Aggregation.NONE,
        unit_label="mức độ",
        category=Category.UNIVERSAL,
    )
    target = make_target(
        plan,
        universal,
        text="duy trì phổ cập giáo dục tiểu học và THCS mức độ 3",
        comparator=Comparator.MAINTAIN,
        horizons=[by_year(2030, "3")],
        level_label="mức độ 3",
    )

    assert (target.comparator, target.level_label) == ("maintain", "mức độ 3")
    assert [h.value for h in target.horizons.all()] == [Decimal("3")]


def test_a_level_to_reach_is_at_least_that_level(plan):
    digital = make_indicator(
        "nang-luc-so-hoc-sinh",
        kind=IndicatorKind.LEVEL,
        aggregation=Aggregation.NONE,
        unit_label="bậc",
        category=Category.DIGITAL,
    )
    target = make_target(
        plan,
        digital,
        text="năng lực số bậc 3 trở lên",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "3")],
        level_label="bậc 3",
    )

    assert (target.comparator, target.level_label) == ("gte", "bậc 3")
    assert [h.value for h in target.horizons.all()] == [Decimal("3")]


def test_a_nested_part_belongs_to_its_whole(plan, period, tree):
    whole = make_target(
        plan,
        make_indicator("gv-dat-chuan"),
        text="100% giáo viên đạt chuẩn trình độ đào tạo",
        comparator=Comparator.EQ,
        horizons=[by_year(2030, "100")],
    )
    above = make_indicator("gv-tren-chuan")
    part = make_target(
        plan,
        above,
        text="trong đó 33% trở lên đạt trên chuẩn",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "33")],
        part_of=whole,
    )

    assert part.part_of == whole
    assert list(whole.parts.all()) == [part]
    assert whole.part_of is None
    assert report(
        above, tree["A-TH1"], period, target=part, numerator=33, denominator=40
    ).effective_value == Decimal("82.5")


def test_a_part_of_another_document_is_refused(plan, tree):
    other = make_document(tree["HP"], number="01/KH-UBND")
    whole = make_target(
        other,
        make_indicator("gv-dat-chuan"),
        text="100% giáo viên đạt chuẩn",
        comparator=Comparator.EQ,
        horizons=[],
    )
    part = Target(
        document=plan,
        indicator=make_indicator("gv-tren-chuan"),
        text="trong đó 33% trở lên đạt trên chuẩn",
        comparator=Comparator.GTE,
        part_of=whole,
    )

    with pytest.raises(ValidationError) as refused:
        part.full_clean()
    assert refused.value.message_dict["part_of"] == ["Chỉ tiêu “trong đó” phải thuộc cùng văn bản."]


def test_a_milestone_of_a_named_school_is_achieved_once(plan, period, tree):
    hoa_nghia = make_unit("DK-MN-HOA-NGHIA", "Trường Mầm non Hòa Nghĩa", "school", tree["A"], levels=["mn"])
    recognised = make_indicator(
        "cong-nhan-chuan-qg",
        kind=IndicatorKind.MILESTONE,
        aggregation=Aggregation.NONE,
        unit_label="",
        category=Category.FACILITIES,
    )
    target = make_target(
        plan,
        recognised,
        text="Năm học 2026-2027: Trường Mầm non Hòa Nghĩa được công nhận trường đạt chuẩn quốc gia mức độ 2",
        comparator=Comparator.ACHIEVE,
        horizons=[("2026-2027", date(2027, 5, 31), None, None, None)],
        level_label="mức độ 2",
    )
    target.scope_units.set([hoa_nghia])

    assert target.comparator == "achieve"
    assert [(h.label, h.deadline, h.value) for h in target.horizons.all()] == [
        ("2026-2027", date(2027, 5, 31), None)
    ]
    assert list(target.scope_units.all()) == [hoa_nghia]
    value = report(recognised, hoa_nghia, period, target=target, achieved=True)
    assert value.effective_value == Decimal("1")
    value.achieved = False
    assert value.effective_value == Decimal("0")


def test_a_budget_share_nests_investment_in_the_total(plan):
    spending = make_indicator("chi-ngan-sach-giao-duc", category=Category.BUDGET)
    investment = make_indicator("chi-dau-tu-giao-duc", category=Category.BUDGET)
    total = make_target(
        plan,
        spending,
        text="chi ngân sách giáo dục đạt tối thiểu 20% tổng chi ngân sách nhà nước",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "20")],
    )
    part = make_target(
        plan,
        investment,
        text="trong đó chi đầu tư ít nhất 5%",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "5")],
        part_of=total,
    )

    assert {total.indicator.kind, part.indicator.kind} == {"rate"}
    assert (total.comparator, part.comparator) == ("gte", "gte")
    assert [h.value for h in total.horizons.all()] == [Decimal("20")]
    assert [h.value for h in part.horizons.all()] == [Decimal("5")]
    assert part.part_of == total
    assert list(total.parts.all()) == [part]


# Dương Kinh's table: preschool classes and pupils for each school year to 2030
DUONG_KINH_PRESCHOOL = {
    "2025-2026": (45, 1318),
    "2026-2027": (47, 1290),
    "2027-2028": (47, 1305),
    "2028-2029": (47, 1350),
    "2029-2030": (49, 1417),
}


def school_year_horizons(column):
    return [
        (year, date(int(year[5:]), 5, 31), Decimal(figures[column]), None, None)
        for year, figures in DUONG_KINH_PRESCHOOL.items()
    ]


def test_a_projection_table_is_kept_apart_from_the_targets(plan):
    classes = make_indicator(
        "so-lop-mn",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="lớp",
    )
    pupils = make_indicator(
        "so-hoc-sinh-mn",
        kind=IndicatorKind.COUNT,
        aggregation=Aggregation.SUM,
        unit_label="học sinh",
    )
    projected_classes = make_target(
        plan,
        classes,
        text="Mầm non: số lớp",
        comparator=Comparator.EQ,
        horizons=school_year_horizons(0),
        is_projection=True,
    )
    projected_pupils = make_target(
        plan,
        pupils,
        text="Mầm non: số học sinh",
        comparator=Comparator.EQ,
        horizons=school_year_horizons(1),
        is_projection=True,
    )
    real = make_target(
        plan,
        make_indicator("truong-chuan-qg"),
        text="tỷ lệ trường đạt chuẩn quốc gia đạt 80%",
        comparator=Comparator.GTE,
        horizons=[],
    )

    assert [(h.label, h.value) for h in projected_classes.horizons.all()] == [
        ("2025-2026", 45),
        ("2026-2027", 47),
        ("2027-2028", 47),
        ("2028-2029", 47),
        ("2029-2030", 49),
    ]
    assert [h.value for h in projected_pupils.horizons.all()] == [1318, 1290, 1305, 1350, 1417]
    assert projected_pupils.horizons.last().deadline == date(2030, 5, 31)
    assert {projected_classes.comparator, projected_pupils.comparator} == {"eq"}
    assert list(Target.objects.targets()) == [real]
    assert set(Target.objects.projections()) == {projected_classes, projected_pupils}


def test_a_floor_across_units_is_kept_with_the_national_value(tree):
    resolution = make_document(tree["VN"], number="71-NQ/TW", doc_type="NQ")
    upper_secondary = make_indicator("hoan-thanh-thpt", category=Category.UNIVERSAL)
    target = make_target(
        resolution,
        upper_secondary,
        text="ít nhất 85% người trong độ tuổi hoàn thành cấp trung học phổ thông, không có tỉnh nào dưới 60%",
        comparator=Comparator.GTE,
        horizons=[by_year(2030, "85", floor_value=Decimal("60"))],
    )

    assert target.comparator == "gte"
    assert [(h.value, h.floor_value, h.value_max) for h in target.horizons.all()] == [
        (Decimal("85"), Decimal("60"), None)
    ]


def test_a_ward_target_makes_a_national_target_concrete(tree):
    national_plan = make_document(tree["VN"], number="71-NQ/TW", doc_type="NQ")
    ward_plan = make_document(tree["A"])
    staff = make_indicator("gv-dat-chuan")
    national = make_target(
        national_plan,
        staff,
        text="100% giáo viên đạt chuẩn",
        comparator=Comparator.EQ,
        horizons=[by_year(2035, "100")],
    )
    ward = make_target(
        ward_plan,
        staff,
        text="100% giáo viên đạt chuẩn",
        comparator=Comparator.EQ,
        horizons=[by_year(2030, "100")],
        parent=national,
    )

    assert ward.parent == national
    assert list(national.children.all()) == [ward]
    # making concrete is across documents, unlike "trong đó"
    assert ward.document != national.document


def test_a_target_without_a_stated_deadline_has_a_blank_horizon(plan, rate):
    target = make_target(
        plan,
        rate,
        text="nâng tỷ lệ giáo viên đạt trên chuẩn",
        comparator=Comparator.GTE,
        horizons=[("", None, Decimal("40"), None, None)],
    )

    assert [(h.label, h.deadline, h.value) for h in target.horizons.all()] == [("", None, Decimal("40"))]


def test_a_horizon_label_without_a_deadline_is_refused(plan, rate):
    target = make_target(plan, rate, text="từ 35% trở lên", comparator=Comparator.GTE, horizons=[])
    horizon = TargetHorizon(target=target, label="2030", value=35)

    with pytest.raises(ValidationError) as refused:
        horizon.full_clean()
    assert refused.value.message_dict["deadline"] == [
        "Mốc và thời hạn phải cùng được nhập (hoặc cùng để trống)."
    ]


# Progress values: counts must be consistent before a rate is computed from them


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [(41, 40), (-1, 40), (0, 0)],
    ids=["numerator-above-denominator", "negative-numerator", "zero-denominator"],
)
def test_inconsistent_counts_are_refused_by_the_database(rate, period, tree, numerator, denominator):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressValue.objects.create(
            indicator=rate, unit=tree["A-TH1"], period=period, numerator=numerator, denominator=denominator
        )
    assert not ProgressValue.objects.exists()


def test_an_indicator_value_is_stored_once_per_unit_and_period(rate, period, tree):
    ProgressValue.objects.create(
        indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressValue.objects.create(
            indicator=rate, unit=tree["A-TH1"], period=period, numerator=31, denominator=40
        )
    assert ProgressValue.objects.count() == 1


def test_a_target_value_sits_beside_the_indicator_value_once_per_target(plan, rate, period, tree):
    target = make_target(plan, rate, text="từ 35% trở lên", comparator=Comparator.GTE, horizons=[])
    other = make_target(
        plan,
        rate,
        text="trong đó 20% trở lên",
        comparator=Comparator.GTE,
        horizons=[],
        part_of=target,
    )
    school = tree["A-TH1"]
    ProgressValue.objects.create(indicator=rate, unit=school, period=period, numerator=30, denominator=40)
    ProgressValue.objects.create(
        indicator=rate, target=target, unit=school, period=period, numerator=31, denominator=40
    )
    ProgressValue.objects.create(
        indicator=rate, target=other, unit=school, period=period, numerator=12, denominator=40
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressValue.objects.create(
            indicator=rate, target=target, unit=school, period=period, numerator=32, denominator=40
        )
    assert ProgressValue.objects.count() == 3


def test_a_numerator_without_a_denominator_is_refused(rate, period, tree):
    value = ProgressValue(indicator=rate, unit=tree["A-TH1"], period=period, numerator=33)

    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert refused.value.messages == ["Cần nhập cả tử số và mẫu số."]


def test_a_comparison_stated_without_a_figure_is_shown_in_words(plan):
    """“các chỉ số … vượt mức bình quân của nhóm xã, phường có thu nhập trung bình cao”: a comparison with a
    benchmark, no figure. Its goal says so in words, never a bare "≥"."""
    index = make_indicator("gii", "Chỉ số đóng góp vào GII", kind=IndicatorKind.INDEX, aggregation=Aggregation.NONE)
    benchmark = make_target(plan, index, comparator=Comparator.GTE,
                            horizons=[("2035", date(2035, 12, 31), None, None, None)],
                            text="các chỉ số vốn con người và nghiên cứu đóng góp vào GII vượt mức bình quân")
    horizon = benchmark.horizons.get()
    assert horizon.goal_display() == "theo nội dung chỉ tiêu"
    kept = make_target(plan, index, order=1, comparator=Comparator.MAINTAIN,
                       horizons=[("2030", date(2030, 12, 31), None, None, None)], text="Giữ vững tỉ lệ")
    assert kept.horizons.get().goal_display() == "duy trì"
    figure = make_target(plan, index, order=2, comparator=Comparator.GTE, horizons=[by_year(2030, "0.87")])
    assert figure.horizons.get().goal_display() == "≥ 0,87"


def test_a_whole_and_its_part_stated_in_two_sections_are_one_whole_and_one_part(plan, period, tree):
    """“100% học sinh hoàn thành chương trình THCS …, trong đó vào lớp 10 THPT công lập đạt từ 80 đến 85%” in
    section a) and again in d): the repeated part folds with its repeated whole, while a part of another whole
    stays a line of its own."""
    from targets.queries import fold_repeats, plan_statuses

    whole_rate = make_indicator("thcs-vao-dao-tao", "Tỷ lệ học sinh hoàn thành THCS vào các loại hình đào tạo",
                                unit_label="%")
    part_rate = make_indicator("thcs-vao-lop-10", "Tỷ lệ học sinh hoàn thành THCS vào lớp 10 công lập",
                               unit_label="%")
    made = []
    for order, section in ((0, "II > a) Mục tiêu phổ cập"), (10, "II > d) Mục tiêu về chất lượng")):
        whole = make_target(plan, whole_rate, order, horizons=[by_year(2030, 100)], section=section)
        part = make_target(plan, part_rate, order + 1, comparator=Comparator.RANGE, part_of=whole,
                           horizons=[by_year(2030, 80, Decimal(85))], section=section)
        made += [whole, part]
    other_whole = make_target(plan, whole_rate, 20, horizons=[by_year(2035, 100)], section="II > e) Khác")
    other_part = make_target(plan, part_rate, 21, comparator=Comparator.RANGE, part_of=other_whole,
                             horizons=[by_year(2030, 80, Decimal(85))], section="II > e) Khác")
    targets = Target.objects.filter(pk__in=[t.pk for t in [*made, other_whole, other_part]]).order_by("order")
    folded = fold_repeats(plan_statuses(targets.select_related("indicator", "document"), tree["A"], period))
    assert [(item.target.pk, item.sections) for item in folded] == [
        (made[0].pk, ["a) Mục tiêu phổ cập", "d) Mục tiêu về chất lượng"]),
        (made[1].pk, ["a) Mục tiêu phổ cập", "d) Mục tiêu về chất lượng"]),
        (other_whole.pk, ["e) Khác"]), (other_part.pk, ["e) Khác"])]

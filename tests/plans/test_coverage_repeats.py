"""A lower plan that states the same target in two sections (the ward's plan does) makes the higher target concrete
once on the coverage page, not twice (audit of 28/11/2026)."""

from decimal import Decimal

from targets.queries import plan_coverage
from tests.factories import make_document, make_indicator, make_target


def test_a_target_stated_twice_below_is_listed_once(tree):
    rate = make_indicator("nha-tre", "Tỷ lệ huy động trẻ nhà trẻ ra lớp")
    city = make_document(tree["HP"], "02-CTr/TU", "Chương trình hành động của Thành ủy", doc_type="CTr")
    whole = make_target(city, rate, 1, Decimal(35))
    ward = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    first = make_target(ward, rate, 1, Decimal(36), section="a) Mục tiêu phổ cập")
    second = make_target(ward, rate, 5, Decimal(36), section="d) Mục tiêu chất lượng")
    other = make_target(make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B"), rate, 1, Decimal(30))
    for target in (first, second, other):
        target.parent = whole
        target.save(update_fields=["parent"])

    coverage = plan_coverage(city)

    assert [(t, [c.pk for c in children], units) for t, children, units, _ in coverage.targets] == [
        (whole, [first.pk, other.pk], 2)]

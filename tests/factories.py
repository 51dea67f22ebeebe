"""Builders shared by the tests: one way to make a unit, a user, an indicator, a document, a target, a period."""

from datetime import date

from django.contrib.auth import get_user_model

from periods.models import Period
from plans.models import Document, DocumentStatus
from reports.models import IndicatorSource
from targets.models import Indicator, Target, TargetHorizon
from units.models import Membership, Unit


def make_unit(code, name, kind, parent=None, **extra):
    unit = Unit(code=code, name=name, kind=kind, parent=parent, **extra)
    unit.place()
    unit.full_clean()
    unit.save()
    return unit


def make_user(username, unit=None, role=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="Mat-khau-2026", **extra)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def make_indicator(code, name, kind, aggregation, unit_label="", numerator_item=None, denominator_item=None, **extra):
    """An indicator; with report items, one that the schools' approved reports supply."""
    indicator = Indicator.objects.create(code=code, name=name, kind=kind, aggregation=aggregation,
                                         unit_label=unit_label, collected_from_schools=numerator_item is not None,
                                         **extra)
    if numerator_item is not None:
        IndicatorSource.objects.create(indicator=indicator, numerator_item=numerator_item,
                                       denominator_item=denominator_item)
    return indicator


def make_document(issuer, number="12/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 71", **extra):
    fields = {"doc_type": "KH", "start_year": 2025, "end_year": 2030, "status": DocumentStatus.IN_FORCE, **extra}
    return Document.objects.create(number=number, issuer=issuer, title=title, **fields)


def make_target(document, indicator, order, value, comparator="gte", label="2030", deadline=None, **extra):
    """A target with one horizon: `value` by `label` (a year, or a school year such as 2026-2027)."""
    extra.setdefault("text", f"Phấn đấu đến năm {label}: {indicator.name.lower()}")
    target = Target.objects.create(document=document, indicator=indicator, order=order, comparator=comparator,
                                   **extra)
    TargetHorizon.objects.create(target=target, label=label, value=value,
                                 deadline=deadline or date(int(label[-4:]) if "-" in label else int(label), 12, 31))
    return target


def make_period(code="2025-2026-hk1", kind="semester_1", school_year="2025-2026", start=date(2025, 9, 5),
                end=date(2026, 1, 15), deadline=date(2026, 1, 20), **extra):
    return Period.objects.create(code=code, kind=kind, school_year=school_year, start=start, end=end,
                                 deadline=deadline, **extra)

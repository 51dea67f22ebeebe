"""Builders shared by the tests: one way to make a unit, a user, an indicator, a document, a target, a period.

Each row is validated (full_clean) as the admin would before it is saved, so that a test's data is data
the portal could hold.
"""

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


def make_indicator(code, name=None, kind="rate", aggregation="ratio_of_sums", unit_label="", numerator_item=None,
                   denominator_item=None, **extra):
    """An indicator (named by its code unless named); with report items, one the schools' approved reports supply."""
    indicator = Indicator(code=code, name=name or code, kind=kind, aggregation=aggregation, unit_label=unit_label,
                          collected_from_schools=numerator_item is not None, **extra)
    _save(indicator)
    if numerator_item is not None:
        IndicatorSource.objects.create(indicator=indicator, numerator_item=numerator_item,
                                       denominator_item=denominator_item)
    return indicator


def make_document(issuer, number="12/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 71", **extra):
    """A plan in force for 2025-2030 unless told otherwise (doc_type, status, years, issued_on...)."""
    fields = {"doc_type": "KH", "start_year": 2025, "end_year": 2030, "status": DocumentStatus.IN_FORCE, **extra}
    return _save(Document(number=number, issuer=issuer, title=title, **fields))


def make_target(document, indicator, order=0, value=None, comparator="gte", label="2030", deadline=None, *,
                horizons=None, **extra):
    """A target with one horizon: `value` by `label` (a year, or a school year such as 2026-2027), due at the
    end of that year unless `deadline` says; or with `horizons`, (label, deadline, value, value_max,
    floor_value) tuples, as many as given ([] for none)."""
    extra.setdefault("text", f"Phấn đấu đến năm {label}: {indicator.name.lower()}")
    target = _save(Target(document=document, indicator=indicator, order=order, comparator=comparator, **extra))
    if horizons is None:
        horizons = [(label, deadline or date(int(label[-4:]), 12, 31), value, None, None)]
    for h_label, h_deadline, h_value, value_max, floor_value in horizons:
        _save(TargetHorizon(target=target, label=h_label, deadline=h_deadline, value=h_value, value_max=value_max,
                            floor_value=floor_value))
    return target


def make_period(code="2025-2026-hk1", kind="semester_1", school_year="2025-2026", start=date(2025, 9, 5),
                end=date(2026, 1, 15), deadline=date(2026, 1, 20), **extra):
    return _save(Period(code=code, kind=kind, school_year=school_year, start=start, end=end, deadline=deadline,
                        **extra))


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def sign_in(client, username, password):
    """Sign in through the sign-in page, as a user does (the throttling backend needs the request)."""
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    return response

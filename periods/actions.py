"""What a system administrator does to the reporting periods from the portal (periods.views)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from .forms import NAMING_FIELDS, PeriodForm, fingerprint
from .models import Period, PeriodKind, _period_name


class StalePeriodError(Exception):
    """The period changed since the page that asked for the change was opened."""

    def __init__(self, period):
        super().__init__(f"{period.name} vừa được người khác sửa trong lúc bạn sửa: trang đã hiện lại số liệu mới "
                         "nhất, những gì bạn đã nhập được giữ trong ô để bạn đối chiếu và lưu lại.")
        self.period = period


class PeriodInUseError(Exception):
    pass


def school_year_specs(school_year):
    """The usual periods of a school year and of the calendar year it ends in, as (kind, school year, year, start,
    end, deadline): Học kỳ I 05/09–15/01 (report by 25/01), Học kỳ II 16/01–31/05 (by 10/06), the school year
    05/09–31/05 (by 20/06), the first six months of the year it ends in (by 20/06) and that year (by 15/12)."""
    first = int(school_year[:4])
    second = first + 1
    return [
        (PeriodKind.SEMESTER_1, school_year, None, date(first, 9, 5), date(second, 1, 15), date(second, 1, 25)),
        (PeriodKind.SEMESTER_2, school_year, None, date(second, 1, 16), date(second, 5, 31), date(second, 6, 10)),
        (PeriodKind.SCHOOL_YEAR, school_year, None, date(first, 9, 5), date(second, 5, 31), date(second, 6, 20)),
        (PeriodKind.HALF_YEAR, "", second, date(second, 1, 1), date(second, 6, 30), date(second, 6, 20)),
        (PeriodKind.YEAR, "", second, date(second, 1, 1), date(second, 12, 31), date(second, 12, 15)),
    ]


@transaction.atomic
def create_school_year(school_year):
    """Create the school year's usual periods that do not exist yet (an existing period of the same kind and school
    year, or year, is kept as it is): ([created], [kept]). Each new period passes the rules of the one-period form
    (PeriodForm: its code free, its dates inside its year, semesters not overlapping); Học kỳ II starts the day after
    a Học kỳ I kept with a later end. A period refused refuses them all (ValidationError, nothing created)."""
    created, kept, refusals = [], [], []
    for kind, named_year, year, start, end, deadline in school_year_specs(school_year):
        same = Period.objects.filter(kind=kind)
        existing = (same.filter(school_year=named_year) if named_year else same.filter(year=year)).first()
        if existing:
            kept.append(existing)
            continue
        if kind == PeriodKind.SEMESTER_2:
            first = next((p for p in kept + created if p.kind == PeriodKind.SEMESTER_1), None)
            if first is not None and first.end >= start:
                start = first.end + timedelta(days=1)
        form = PeriodForm({"kind": kind, "school_year": named_year, "year": year or "", "code": "",
                           "start": start.isoformat(), "end": end.isoformat(), "deadline": deadline.isoformat(),
                           "lock_after_days": 7})
        if not form.is_valid():
            name = _period_name(kind, named_year, year)
            refusals += [f"{name}: {message}" for errors in form.errors.values() for message in errors]
            continue
        created.append(form.save())
    if refusals:
        raise ValidationError(refusals)
    return created, kept


def in_use(period):
    """Whether figures, reports, builds or exceptions refer to the period (every relation to it, whichever app
    holds it: this app sits below them and names none)."""
    return any(relation.related_model._base_manager.filter(**{relation.field.name: period.pk}).exists()
               for relation in _relations())


def _relations():
    return [field for field in Period._meta.get_fields(include_hidden=True)
            if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)]


@transaction.atomic
def save_period(form, seen=None):
    """Save the period of a valid PeriodForm; `seen`: the fingerprint of the period the page showed, compared under
    the row's lock (StalePeriodError when someone else changed it since)."""
    period = form.instance
    if period.pk is not None:
        current = Period.objects.select_for_update().get(pk=period.pk)
        if seen is not None and fingerprint(current) != seen:
            raise StalePeriodError(current)
        renamed = [name for name in NAMING_FIELDS if getattr(current, name) != getattr(period, name)]
        if renamed and in_use(current):  # figures arrived since the page was opened
            raise PeriodInUseError(f"{current.name} vừa có số liệu hoặc báo cáo: không đổi được loại kỳ, năm học, "
                                   "năm hay mã; chỉ sửa được ngày.")
    period = form.save()
    return period


@transaction.atomic
def delete_period(period):
    """Delete a period nothing refers to yet (created by mistake); PeriodInUseError otherwise."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if in_use(period):
        raise PeriodInUseError(f"{period.name} đã có số liệu, báo cáo hoặc gia hạn: không xóa được. Hãy sửa ngày "
                               "của kỳ nếu cần.")
    period.delete()

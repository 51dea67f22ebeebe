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


# about three months: a new semester left shorter by the other semester of its year, kept, says that one's dates
# are wrong (a semester is four to five months)
MIN_SEMESTER_DAYS = 90


@transaction.atomic
def create_school_year(school_year):
    """Create the school year's usual periods that do not exist yet (an existing period of the same kind and school
    year, or year, is kept as it is): ([created], [kept]). Each new period passes the rules of the one-period form
    (PeriodForm: its code free, its dates inside its year, semesters not overlapping); a new semester gives way to
    the other semester of its year when that one is kept (_beside_kept_semester). A period refused refuses them all
    (ValidationError, nothing created)."""
    created, kept, refusals = [], [], []
    specs = school_year_specs(school_year)
    found = {kind: _existing(kind, named_year, year) for kind, named_year, year, *_dates in specs}
    for kind, named_year, year, start, end, deadline in specs:
        if found[kind]:
            kept.append(found[kind])
            continue
        name = _period_name(kind, named_year, year)
        try:
            start, end, deadline = _beside_kept_semester(kind, start, end, deadline, found)
        except ValidationError as refused:
            refusals += [f"{name}: {message}" for message in refused.messages]
            continue
        form = PeriodForm({"kind": kind, "school_year": named_year, "year": year or "", "code": "",
                           "start": start.isoformat(), "end": end.isoformat(), "deadline": deadline.isoformat(),
                           "lock_after_days": 7})
        if not form.is_valid():
            refusals += [f"{name}: {message}" for errors in form.errors.values() for message in errors]
            continue
        created.append(form.save())
    if refusals:
        raise ValidationError(refusals)
    return created, kept


def _existing(kind, school_year, year):
    same = Period.objects.filter(kind=kind)
    return (same.filter(school_year=school_year) if school_year else same.filter(year=year)).first()


def _beside_kept_semester(kind, start, end, deadline, found):
    """A new semester's (start, end, deadline) beside the other semester of its year when that one is kept and its
    usual dates would overlap it: Học kỳ II starts the day after a Học kỳ I that ends late, Học kỳ I ends the day
    before a Học kỳ II that starts early (its report due as many days after its end as usual). ValidationError,
    naming the kept semester, when that leaves less than MIN_SEMESTER_DAYS."""
    first, second = found[PeriodKind.SEMESTER_1], found[PeriodKind.SEMESTER_2]
    if kind == PeriodKind.SEMESTER_2 and first is not None and first.end >= start:
        kept, start = first, first.end + timedelta(days=1)
        squeezed = (f"phải bắt đầu sau ngày {first.end:%d/%m/%Y} nên không còn đủ {MIN_SEMESTER_DAYS} ngày đến "
                    f"{end:%d/%m/%Y}. Hãy sửa ngày kết thúc của {first.name}")
    elif kind == PeriodKind.SEMESTER_1 and second is not None and second.start <= end:
        report_days = deadline - end
        kept, end = second, second.start - timedelta(days=1)
        deadline = end + report_days
        squeezed = (f"phải kết thúc trước ngày {second.start:%d/%m/%Y} nên không còn đủ {MIN_SEMESTER_DAYS} ngày "
                    f"kể từ {start:%d/%m/%Y}. Hãy sửa ngày bắt đầu của {second.name}")
    else:
        return start, end, deadline
    if (end - start).days + 1 < MIN_SEMESTER_DAYS:
        raise ValidationError(f"Trùng thời gian với {kept.name} đã có (mã {kept.code}, từ {kept.start:%d/%m/%Y} đến "
                              f"{kept.end:%d/%m/%Y}): học kỳ này {squeezed} rồi tạo lại năm học.")
    return start, end, deadline


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

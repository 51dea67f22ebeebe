"""Build a synthetic province for benchmarks: communes, schools, indicators, periods and their values.

Not demo data for people to read: it gives queries the size of a real province (by default 120
communes, 1,200 schools, 60 indicators, 10 semesters, 720,000 progress values). Everything it creates
can be found again and removed: the units coded "SY" and "SY-…" (and anything placed under them),
indicators and periods whose code starts with "sy-", users whose name starts with "synth.".

Rows are written in bulk (bulk_create; PostgreSQL's COPY for the progress values), in one transaction:
an interrupted run leaves nothing behind. On PostgreSQL the foreign keys are checked as each statement
ends (SET CONSTRAINTS ALL IMMEDIATE) rather than all at the COMMIT, and the values are copied in
chunks, so that the final commit is short. The figures are drawn from one random generator seeded by
the caller, so the same options give the same data.

The national preset (Size.national) builds the country instead of one province: 34 provinces (codes
"SY-P01"…) under Trung ương, about 3,300 communes and 45,000 schools, one semester of about 3 million
values, a national plan issued by a synthetic Bộ GD&ĐT ("SY-BGDDT") that the provinces' plans
implement, and the schools' reports for the semester (most submitted or approved).
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from periods.models import Period, PeriodKind
from plans.models import Document, DocumentStatus, DocumentType
from reports.models import (
    ReportBuild,
    ReportEvent,
    ReportStatus,
    SchoolReport,
    SchoolReportAttachment,
    SchoolReportEntry,
    SchoolReportEntryChange,
)
from targets.fields import format_number
from targets.models import (
    Aggregation,
    Comparator,
    Evidence,
    Indicator,
    IndicatorKind,
    ProgressValue,
    ProgressValueChange,
    RollUp,
    Target,
    TargetHorizon,
    TargetResponsibility,
    TargetRevision,
    ValueSource,
)
from units.models import Membership, Role, Unit, UnitKind

ROOT_CODE = "VN"
PROVINCE_CODE = "SY"
CODE_PREFIX = "sy-"  # indicators and periods
USERNAME_PREFIX = "synth."
PASSWORD = "Demo@2026"
PLAN_TITLE = "Kế hoạch thực hiện Nghị quyết 71 (dữ liệu tổng hợp)"
NOTE = "Dữ liệu tổng hợp để đo hiệu năng (lệnh seed_synthetic)."
FIRST_SCHOOL_YEAR = 2021
BASELINE_YEAR = 2021
HORIZON = "2030"
BATCH = 5_000
LOG_EVERY = 100_000
COPY_CHUNK = 250_000  # rows per COPY statement: the foreign keys of each chunk are checked as it ends

# The levels of the schools of a commune, in turn: preschools, primary, lower secondary, and TH&THCS.
LEVEL_MIX = [["mn"], ["th"], ["thcs"], ["th", "thcs"], ["mn"], ["th"], ["thcs"], ["mn"], ["th"], ["th"]]
SCHOOL_NAME = {"mn": "Trường Mầm non", "th": "Trường Tiểu học", "thcs": "Trường THCS", "th+thcs": "Trường Tiểu học và THCS"}
PUPILS = {"mn": (150, 350), "th": (400, 950), "thcs": (350, 850)}


@dataclass(frozen=True)
class Size:
    """How large a province (or, with several provinces, a country) to build; `communes` in all."""

    communes: int = 120
    schools_per_commune: int = 10
    indicators: int = 60
    periods: int = 10
    seed: int = 71
    provinces: int = 1

    @classmethod
    def national(cls, scale=1.0, seed=71):
        """The country: 34 provinces, 3,300 communes, 46,200 schools, 65 indicators, one semester: 3,003,000
        values. `scale` shrinks the communes (at least one per province) and so everything below them."""
        return cls(communes=max(34, round(3_300 * scale)), schools_per_commune=14, indicators=65, periods=1,
                   seed=seed, provinces=34)

    @property
    def national_scope(self):
        return self.provinces > 1

    @property
    def schools(self):
        return self.communes * self.schools_per_commune

    @property
    def values(self):
        return self.schools * self.indicators * self.periods


@dataclass(frozen=True)
class Theme:
    """What a synthetic indicator measures and how the schools' figures move from the first period on."""

    kind: str
    category: str
    name: str
    comparator: str
    goal: float  # for counts: per school, multiplied by the schools of the plan's scope
    start: float = 0
    end: float = 0
    base: str = ""  # rates: the school figure used as denominator
    numerator_label: str = ""
    denominator_label: str = ""
    unit_label: str = ""


def _rate(category, name, numerator, denominator, base, start, end, comparator, goal):
    return Theme(IndicatorKind.RATE, category, name, comparator, goal, start, end, base, numerator, denominator, "%")


RATES = [
    _rate("digital", "Tỷ lệ cán bộ quản lý, giáo viên được bồi dưỡng năng lực số", "Số CBQL, GV được bồi dưỡng",
          "Tổng số CBQL, GV", "staff", 0.35, 0.95, Comparator.GTE, 100),
    _rate("staff", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", "Số giáo viên đạt chuẩn", "Tổng số giáo viên",
          "teachers", 0.88, 0.99, Comparator.GTE, 100),
    _rate("facilities", "Tỷ lệ phòng học kiên cố", "Số phòng học kiên cố", "Tổng số phòng học", "classes",
          0.78, 0.97, Comparator.GTE, 100),
    _rate("quality", "Tỷ lệ học sinh bỏ học", "Số học sinh bỏ học", "Tổng số học sinh", "pupils",
          0.012, 0.003, Comparator.LTE, 0.5),
    _rate("universal", "Tỷ lệ trẻ em trong độ tuổi được huy động đến trường", "Số trẻ đến trường",
          "Số trẻ trong độ tuổi", "age_group", 0.95, 0.995, Comparator.GTE, 99),
    _rate("other", "Tỷ lệ cán bộ, giáo viên, nhân viên được quán triệt Nghị quyết 71", "Số người được quán triệt",
          "Tổng số CB, GV, NV", "staff", 0.6, 1.0, Comparator.EQ, 100),
    _rate("digital", "Tỷ lệ giáo viên ứng dụng trí tuệ nhân tạo trong dạy học", "Số giáo viên ứng dụng AI",
          "Tổng số giáo viên", "teachers", 0.05, 0.6, Comparator.GTE, 70),
    _rate("staff", "Tỷ lệ giáo viên có trình độ trên chuẩn", "Số giáo viên trên chuẩn", "Tổng số giáo viên",
          "teachers", 0.25, 0.45, Comparator.GTE, 50),
    _rate("facilities", "Tỷ lệ lớp học 2 buổi/ngày", "Số lớp học 2 buổi/ngày", "Tổng số lớp", "classes",
          0.75, 0.98, Comparator.GTE, 100),
    _rate("quality", "Tỷ lệ học sinh hoàn thành chương trình lớp học", "Số học sinh hoàn thành",
          "Tổng số học sinh", "pupils", 0.96, 0.995, Comparator.GTE, 99),
    _rate("universal", "Tỷ lệ trẻ khuyết tật được học hòa nhập", "Số trẻ khuyết tật học hòa nhập",
          "Số trẻ khuyết tật", "disabled", 0.55, 0.85, Comparator.GTE, 90),
    _rate("other", "Tỷ lệ học sinh được khám sức khỏe định kỳ", "Số học sinh được khám", "Tổng số học sinh",
          "pupils", 0.97, 0.995, Comparator.MAINTAIN, 98),
    _rate("digital", "Tỷ lệ lớp học có thiết bị dạy học số", "Số lớp có thiết bị số", "Tổng số lớp", "classes",
          0.2, 0.8, Comparator.GTE, 80),
    _rate("staff", "Tỷ lệ giáo viên đạt chuẩn nghề nghiệp mức khá trở lên", "Số giáo viên mức khá trở lên",
          "Tổng số giáo viên", "teachers", 0.7, 0.9, Comparator.GTE, 90),
    _rate("facilities", "Tỷ lệ phòng học bộ môn đạt chuẩn", "Số phòng bộ môn đạt chuẩn", "Tổng số phòng học",
          "classes", 0.4, 0.75, Comparator.GTE, 80),
    _rate("quality", "Tỷ lệ trẻ suy dinh dưỡng", "Số trẻ suy dinh dưỡng", "Tổng số trẻ, học sinh", "pupils",
          0.05, 0.025, Comparator.LTE, 3),
    _rate("universal", "Tỷ lệ học sinh được học ngoại ngữ, tin học", "Số học sinh được học",
          "Tổng số học sinh", "pupils", 0.5, 0.9, Comparator.GTE, 95),
    _rate("other", "Tỷ lệ cha mẹ học sinh hài lòng với nhà trường", "Số ý kiến hài lòng", "Số ý kiến khảo sát",
          "pupils", 0.8, 0.93, Comparator.GTE, 90),
]
COUNTS = [
    Theme(IndicatorKind.COUNT, "digital", "Số phòng học thông minh", Comparator.GTE, 4, 0.2, 3.5, unit_label="phòng"),
    Theme(IndicatorKind.COUNT, "staff", "Số giáo viên được tuyển dụng bổ sung", Comparator.GTE, 2, 0.3, 1.8,
          unit_label="giáo viên"),
    Theme(IndicatorKind.COUNT, "facilities", "Số phòng học được xây mới, cải tạo", Comparator.GTE, 5, 0, 4,
          unit_label="phòng"),
    Theme(IndicatorKind.COUNT, "quality", "Số học sinh đạt giải học sinh giỏi cấp tỉnh", Comparator.GTE, 5, 1, 4,
          unit_label="học sinh"),
    Theme(IndicatorKind.COUNT, "other", "Số vụ bạo lực học đường", Comparator.LTE, 0, 0.6, 0, unit_label="vụ"),
    Theme(IndicatorKind.COUNT, "universal", "Số lớp bồi dưỡng kỹ năng cho cha mẹ học sinh", Comparator.GTE, 3,
          0.5, 3, unit_label="lớp"),
]
LEVELS = [
    Theme(IndicatorKind.LEVEL, "quality", "Mức đạt chuẩn quốc gia của trường", Comparator.ACHIEVE, 2, 1, 2,
          unit_label="mức độ"),
    Theme(IndicatorKind.LEVEL, "digital", "Mức độ chuyển đổi số của nhà trường", Comparator.ACHIEVE, 3, 1, 3,
          unit_label="mức độ"),
    Theme(IndicatorKind.LEVEL, "quality", "Cấp độ kiểm định chất lượng giáo dục", Comparator.ACHIEVE, 3, 1, 3,
          unit_label="cấp độ"),
    Theme(IndicatorKind.LEVEL, "universal", "Mức độ đạt chuẩn phổ cập giáo dục", Comparator.MAINTAIN, 3, 2, 3,
          unit_label="mức độ"),
]
MILESTONES = [
    Theme(IndicatorKind.MILESTONE, "digital", "Hoàn thành triển khai phần mềm quản trị nhà trường",
          Comparator.ACHIEVE, 1),
    Theme(IndicatorKind.MILESTONE, "other", "Ban hành kế hoạch thực hiện Nghị quyết 71 của nhà trường",
          Comparator.ACHIEVE, 1),
    Theme(IndicatorKind.MILESTONE, "facilities", "Có nhà vệ sinh đạt chuẩn ở tất cả các điểm trường",
          Comparator.ACHIEVE, 1),
]
THEMES = {IndicatorKind.RATE: RATES, IndicatorKind.COUNT: COUNTS, IndicatorKind.LEVEL: LEVELS,
          IndicatorKind.MILESTONE: MILESTONES}
AGGREGATION = {IndicatorKind.RATE: Aggregation.RATIO_OF_SUMS, IndicatorKind.COUNT: Aggregation.SUM,
               IndicatorKind.LEVEL: Aggregation.MIN, IndicatorKind.MILESTONE: Aggregation.EVERY_UNIT}
# Of every twenty indicators: 14 rates, 3 counts, 2 levels, 1 milestone; the first four show every kind.
KIND_PATTERN = "RCLMRRRCRRLRRRCRRRRR"
KIND_BY_LETTER = {"R": IndicatorKind.RATE, "C": IndicatorKind.COUNT, "L": IndicatorKind.LEVEL,
                  "M": IndicatorKind.MILESTONE}


class SyntheticDataExists(Exception):
    """An earlier synthetic province is there and the caller did not ask to replace it."""


def themes(count):
    """The themes of the first `count` synthetic indicators, with a unique name each."""
    used = defaultdict(int)
    result = []
    for position in range(count):
        kind = KIND_BY_LETTER[KIND_PATTERN[position % len(KIND_PATTERN)]]
        catalogue = THEMES[kind]
        theme = catalogue[used[kind] % len(catalogue)]
        round_ = used[kind] // len(catalogue)
        used[kind] += 1
        name = theme.name if round_ == 0 else f"{theme.name} (bộ {round_ + 1})"
        result.append((name, theme))
    return result


# ---- finding and removing an earlier run ------------------------------------------------------------


def _synthetic_units():
    roots = Unit.objects.filter(code=PROVINCE_CODE)
    return Unit.objects.filter(Q(code__startswith=f"{PROVINCE_CODE}-") | Q(pk__in=Unit.objects.in_subtrees(roots)))


def existing_synthetic():
    """What an earlier run left, as {label: count}; empty when there is nothing."""
    found = {
        "đơn vị": _synthetic_units().count(),
        "chỉ số": Indicator.objects.filter(code__startswith=CODE_PREFIX).count(),
        "kỳ báo cáo": Period.objects.filter(code__startswith=CODE_PREFIX).count(),
        "người dùng": get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).count(),
    }
    return {label: count for label, count in found.items() if count}


def delete_synthetic():
    """Remove every row of an earlier run, dependants first (units, indicators and periods are PROTECTed, and
    so is everything that holds figures or their history: this is the one place that deletes them, and only
    the generated rows, archived ones included)."""
    units = Unit.objects.filter(pk__in=list(_synthetic_units().values_list("pk", flat=True)))
    indicators = Indicator.objects.filter(code__startswith=CODE_PREFIX)
    periods = Period.objects.filter(code__startswith=CODE_PREFIX)
    values = ProgressValue.all_objects.filter(Q(unit__in=units) | Q(indicator__in=indicators) | Q(period__in=periods))
    ProgressValueChange.objects.filter(value__in=values).delete()
    Evidence.objects.filter(value__in=values).delete()  # its files go once this commits (units.stored_files)
    # The public delete() would load every value into memory because changes and evidence cascade from
    # them; both were removed just above, so one DELETE is enough.
    deleted = values._raw_delete(values.db)
    reports = SchoolReport.objects.filter(Q(school__in=units) | Q(period__in=periods))
    SchoolReportEntryChange.objects.filter(event__report__in=reports).delete()
    ReportEvent.objects.filter(report__in=reports).delete()
    SchoolReportAttachment.objects.filter(report__in=reports).delete()
    SchoolReportEntry.objects.filter(report__in=reports).delete()
    reports.delete()
    targets = Target.all_objects.filter(Q(indicator__in=indicators) | Q(document__issuer__in=units))
    TargetRevision.objects.filter(target__in=targets).delete()
    TargetHorizon.objects.filter(target__in=targets).delete()
    targets.filter(part_of__isnull=False).delete()
    targets.delete()
    # before their periods, which PROTECT them (the files of every row deleted here go once this commits)
    ReportBuild.objects.filter(Q(unit__in=units) | Q(document__issuer__in=units) | Q(period__in=periods)).delete()
    Document.all_objects.filter(issuer__in=units).delete()
    TargetResponsibility.objects.filter(unit__in=units).delete()
    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()
    # A unit's children are PROTECTed: the deepest first.
    for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
        Unit.objects.filter(pk__in=units, depth=depth).delete()
    indicators.delete()
    periods.delete()
    return deleted


# ---- building ---------------------------------------------------------------------------------------


@dataclass
class Progress:
    """Prints what was built and how long it has taken."""

    log: object
    started: float = 0.0

    def __post_init__(self):
        self.started = time.monotonic()

    @property
    def elapsed(self):
        return time.monotonic() - self.started

    def __call__(self, text):
        self.log(f"  {text} ({format_number(self.elapsed, 1)} s)")


@transaction.atomic
def seed_synthetic(size=None, *, replace=False, log=print):
    """Build the synthetic province; returns {label: rows created}. Refuses to run over an earlier run."""
    size = size or Size()
    progress = Progress(log)
    existing = existing_synthetic()
    if existing and not replace:
        found = ", ".join(f"{format_number(count)} {label}" for label, count in existing.items())
        raise SyntheticDataExists(
            f"Đã có dữ liệu tổng hợp của lần chạy trước ({found}). "
            "Chạy lại với --replace để xóa và tạo lại; không có gì thay đổi."
        )
    if existing:
        deleted = delete_synthetic()
        progress(f"Đã xóa dữ liệu tổng hợp cũ ({format_number(deleted)} số liệu tiến độ)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # foreign keys checked statement by statement, not at the COMMIT
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rng = random.Random(size.seed)
    if size.national_scope:
        return _seed_country(size, rng, progress)
    province, communes, schools = create_units(size)
    progress(f"Đơn vị: 1 tỉnh, {format_number(len(communes))} xã, {format_number(len(schools))} trường")
    users = create_users(province, communes)
    progress(f"Người dùng và phân quyền: {format_number(users)}")
    indicators = create_indicators(size.indicators)
    periods = create_periods(size.periods)
    progress(f"Chỉ số: {len(indicators)}; kỳ báo cáo: {len(periods)}")
    baselines = defaultdict(dict)
    rows = value_rows(rng, schools, indicators, periods, baselines)
    values = write_values(rows, size.values, progress)
    progress(f"Số liệu tiến độ: {format_number(values)}")
    documents, targets = create_plans(province, communes, schools, indicators, baselines)
    progress(f"Kế hoạch: {format_number(documents)}; chỉ tiêu và mốc 2030: {format_number(targets)}")
    _analyze(progress)
    return {
        "đơn vị": 1 + len(communes) + len(schools), "trường": len(schools), "người dùng": users,
        "chỉ số": len(indicators), "kỳ báo cáo": len(periods), "số liệu tiến độ": values,
        "kế hoạch": documents, "chỉ tiêu": targets, "mốc chỉ tiêu": targets,
    }


def _analyze(progress, models=(Unit, ProgressValue, RollUp, Target, TargetHorizon)):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        progress("ANALYZE")


def _seed_country(size, rng, progress):
    """The national preset: the provinces, their communes and schools, one semester of values and reports."""
    body, provinces, communes, schools = create_country_units(size)
    progress(f"Đơn vị: {len(provinces)} tỉnh, {format_number(len(communes))} xã, {format_number(len(schools))} trường")
    users = create_country_users(provinces, communes)
    progress(f"Người dùng và phân quyền: {format_number(users)}")
    indicators = create_indicators(size.indicators)
    periods = create_periods(size.periods)
    progress(f"Chỉ số: {len(indicators)}; kỳ báo cáo: {len(periods)}")
    baselines = defaultdict(dict)
    values = write_values(value_rows(rng, schools, indicators, periods, baselines), size.values, progress)
    progress(f"Số liệu tiến độ: {format_number(values)}")
    reports = create_reports(rng, schools, periods[-1])
    progress(f"Báo cáo của trường: {format_number(reports)}")
    documents, targets = create_country_plans(body, provinces, communes, schools, indicators, baselines)
    progress(f"Kế hoạch: {format_number(documents)}; chỉ tiêu và mốc 2030: {format_number(targets)}")
    _analyze(progress, (Unit, ProgressValue, Target, TargetHorizon, SchoolReport))
    return {
        "đơn vị": 1 + len(provinces) + len(communes) + len(schools), "tỉnh": len(provinces),
        "xã": len(communes), "trường": len(schools), "người dùng": users, "chỉ số": len(indicators),
        "kỳ báo cáo": len(periods), "số liệu tiến độ": values, "báo cáo của trường": reports,
        "kế hoạch": documents, "chỉ tiêu": targets,
    }


def _unit(parent, code, **fields):
    unit = Unit(parent=parent, code=code, is_demo=True, note=NOTE, **fields)
    unit.place()  # path and depth from the parent in memory: no query
    return unit


def _root():
    """Trung ương, created (not as synthetic data) when the database is empty."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = _unit(None, ROOT_CODE, name="Trung ương", short_name="Trung ương", kind=UnitKind.CENTRAL)
        root.is_demo, root.note = False, ""
        root.full_clean()
        root.save()
    return root


def _schools_of(communes, per_commune):
    width = max(2, len(str(per_commune)))
    schools = []
    for commune in communes:
        for n in range(1, per_commune + 1):
            levels = LEVEL_MIX[(n - 1) % len(LEVEL_MIX)]
            label = SCHOOL_NAME["+".join(levels)]
            schools.append(_unit(commune, f"{commune.code}-T{n:0{width}d}", kind=UnitKind.SCHOOL,
                                 levels=levels, name=f"{label} số {n} {commune.short_name.lower()}",
                                 short_name=f"{label} số {n}"))
    Unit.objects.bulk_create(schools, batch_size=BATCH)
    return list(Unit.objects.filter(parent__in=communes).order_by("path"))


def create_country_units(size):
    """The synthetic Bộ GD&ĐT and the provinces under Trung ương, the communes (in blocks, province by
    province) and their schools."""
    root = _root()
    body = _unit(root, f"{PROVINCE_CODE}-BGDDT", name="Bộ Giáo dục và Đào tạo (dữ liệu tổng hợp)",
                 short_name="Bộ GD&ĐT (tổng hợp)", kind=UnitKind.CENTRAL)
    body.full_clean()
    body.save()
    Unit.objects.bulk_create([
        _unit(root, f"{PROVINCE_CODE}-P{n:02d}", name=f"Ủy ban nhân dân tỉnh Tổng Hợp {n:02d}",
              short_name=f"Tỉnh Tổng Hợp {n:02d}", kind=UnitKind.PROVINCE, place_name=f"Tổng Hợp {n:02d}")
        for n in range(1, size.provinces + 1)
    ])
    provinces = list(Unit.objects.filter(parent=root, code__startswith=f"{PROVINCE_CODE}-P").order_by("path"))
    communes, numbers = [], defaultdict(int)
    for i in range(size.communes):
        province = provinces[i * len(provinces) // size.communes]
        numbers[province.pk] += 1
        number = numbers[province.pk]
        place = f"{province.place_name} - {number:03d}"
        communes.append(_unit(province, f"{province.code}-X{number:03d}", name=f"Ủy ban nhân dân xã {place}",
                              short_name=f"Xã {place}", kind=UnitKind.COMMUNE, place_name=place))
    Unit.objects.bulk_create(communes, batch_size=BATCH)
    communes = list(Unit.objects.filter(parent__in=provinces).order_by("path"))
    return body, provinces, communes, _schools_of(communes, size.schools_per_commune)


def create_units(size):
    root = _root()
    province = _unit(root, PROVINCE_CODE, name="Ủy ban nhân dân tỉnh Tổng Hợp (dữ liệu tổng hợp)",
                     short_name="Tỉnh Tổng Hợp", kind=UnitKind.PROVINCE, place_name="Tổng Hợp")
    province.full_clean()
    province.save()
    width = max(3, len(str(size.communes)))
    communes = []
    for n in range(1, size.communes + 1):
        number = f"{n:0{width}d}"
        communes.append(_unit(province, f"{PROVINCE_CODE}-X{number}", name=f"Ủy ban nhân dân xã Tổng Hợp {number}",
                              short_name=f"Xã Tổng Hợp {number}", kind=UnitKind.COMMUNE,
                              place_name=f"Tổng Hợp {number}"))
    Unit.objects.bulk_create(communes, batch_size=BATCH)
    communes = list(Unit.objects.filter(parent=province).order_by("path"))
    return province, communes, _schools_of(communes, size.schools_per_commune)


def create_users(province, communes):
    User = get_user_model()
    # One hash for every synthetic login: hashing 121 times would take a minute for throwaway accounts.
    password = make_password(PASSWORD)
    width = max(3, len(str(len(communes))))
    people = [(f"{USERNAME_PREFIX}leader", "Lãnh đạo", "tỉnh Tổng Hợp", province, Role.LEADER,
               "Phó Chủ tịch UBND tỉnh")]
    for n, commune in enumerate(communes, start=1):
        people.append((f"{USERNAME_PREFIX}officer.{n:0{width}d}", "Cán bộ", commune.short_name.lower(), commune,
                       Role.OFFICER, "Công chức Văn hóa - Xã hội"))
    User.objects.bulk_create(
        [User(username=username, first_name=first, last_name=last, email=f"{username}@example.vn", password=password)
         for username, first, last, *_ in people],
        batch_size=BATCH,
    )
    users = dict(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=users[username], unit=unit, role=role, title=title)
         for username, _first, _last, unit, role, title in people],
        batch_size=BATCH,
    )
    return len(people)


def create_country_users(provinces, communes):
    """A leader at Trung ương (synth.national: the national dashboard), one per province, an officer per
    commune; all with the one synthetic password."""
    User = get_user_model()
    password = make_password(PASSWORD)
    people = [(f"{USERNAME_PREFIX}national", "Lãnh đạo", "Bộ GD&ĐT", _root(), Role.LEADER, "Thứ trưởng")]
    people += [(f"{USERNAME_PREFIX}leader.{p.code[-3:].lower()}", "Lãnh đạo", p.short_name.lower(), p, Role.LEADER,
                "Phó Chủ tịch UBND tỉnh") for p in provinces]
    people += [(f"{USERNAME_PREFIX}officer.{c.code[3:].lower()}", "Cán bộ", c.short_name.lower(), c, Role.OFFICER,
                "Công chức Văn hóa - Xã hội") for c in communes]
    User.objects.bulk_create(
        [User(username=username, first_name=first, last_name=last, email=f"{username}@example.vn", password=password)
         for username, first, last, *_ in people],
        batch_size=BATCH,
    )
    users = dict(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=users[username], unit=unit, role=role, title=title)
         for username, _first, _last, unit, role, title in people],
        batch_size=BATCH,
    )
    return len(people)


# The schools' reports for the national semester: most in, some still under way or missing.
REPORT_MIX = [(ReportStatus.APPROVED, 0.62), (ReportStatus.SUBMITTED, 0.22), (ReportStatus.RETURNED, 0.04),
              (ReportStatus.DRAFT, 0.06), (None, 0.06)]


def create_reports(rng, schools, period):
    """Each school's report for the period, in a state drawn from REPORT_MIX (None: no report yet)."""
    states, weights = zip(*REPORT_MIX, strict=True)
    submitted = timezone.make_aware(datetime.combine(period.deadline, time_of_day(9)))
    rows = []
    for school, state in zip(schools, rng.choices(states, weights, k=len(schools)), strict=True):
        if state is not None:
            sent = state in (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED)
            rows.append(SchoolReport(school=school, period=period, status=state,
                                     submitted_at=submitted if sent else None,
                                     reviewed_at=submitted if state != ReportStatus.SUBMITTED and sent else None))
    SchoolReport.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def create_indicators(count):
    rows = []
    for position, (name, theme) in enumerate(themes(count), start=1):
        rows.append(Indicator(
            code=f"{CODE_PREFIX}{position:03d}", name=name, kind=theme.kind, unit_label=theme.unit_label,
            category=theme.category, aggregation=AGGREGATION[theme.kind], numerator_label=theme.numerator_label,
            denominator_label=theme.denominator_label, school_levels=["mn", "th", "thcs"],
            description=NOTE,
        ))
    Indicator.objects.bulk_create(rows, batch_size=BATCH)
    by_code = {i.code: i for i in Indicator.objects.filter(code__startswith=CODE_PREFIX)}
    return [(by_code[row.code], theme) for row, (_name, theme) in zip(rows, themes(count), strict=True)]


def period_specs(count):
    """Consecutive semesters from 2021-2022 HK I: (code, kind, school year, start, end, deadline)."""
    for k in range(count):
        first = FIRST_SCHOOL_YEAR + k // 2
        school_year = f"{first}-{first + 1}"
        if k % 2 == 0:
            yield (f"{CODE_PREFIX}{school_year}-hk1", PeriodKind.SEMESTER_1, school_year,
                   date(first, 9, 5), date(first + 1, 1, 15), date(first + 1, 1, 25))
        else:
            yield (f"{CODE_PREFIX}{school_year}-hk2", PeriodKind.SEMESTER_2, school_year,
                   date(first + 1, 1, 16), date(first + 1, 5, 31), date(first + 1, 6, 10))


def create_periods(count):
    rows = [Period(code=code, kind=kind, school_year=school_year, start=start, end=end, deadline=deadline)
            for code, kind, school_year, start, end, deadline in period_specs(count)]
    Period.objects.bulk_create(rows, batch_size=BATCH)
    return list(Period.objects.filter(code__startswith=CODE_PREFIX).order_by("start"))


# ---- progress values --------------------------------------------------------------------------------


def school_figures(rng, school):
    """The sizes a school's rates are counted against: pupils, teachers, staff, classes…"""
    pupils = sum(rng.randint(*PUPILS[level]) for level in school.levels)
    teachers = max(12, pupils // 20 + rng.randint(0, 6))
    return {
        "pupils": pupils,
        "teachers": teachers,
        "staff": teachers + rng.randint(4, 10),
        "classes": max(6, pupils // (25 if school.levels == ["mn"] else 32)),
        "age_group": pupils + rng.randint(0, pupils // 30 + 1),
        "disabled": max(1, pupils // 80 + rng.randint(0, 3)),
    }


def _clamp(share):
    return min(1.0, max(0.0, share))


def draw_series(rng, theme, figures):
    """One school's course for one indicator, drawn once so that its values move smoothly over the periods.

    Always (kind, a, b, c, d): a rate (denominator, start share, end share, lower is better); a count
    or a level (start, end, fixed jitter, unused); a milestone (share of the way at which it is reached).
    """
    if theme.kind == IndicatorKind.RATE:
        if theme.end < theme.start:  # lower is better: a small share that shrinks
            start = theme.start * rng.uniform(0.6, 1.5)
            return (IndicatorKind.RATE, figures[theme.base], start, min(start, theme.end * rng.uniform(0.5, 1.5)), True)
        start = _clamp(theme.start + rng.uniform(-0.08, 0.05))
        return (IndicatorKind.RATE, figures[theme.base], start, _clamp(max(start, theme.end + rng.uniform(-0.05, 0.03))),
                False)
    if theme.kind == IndicatorKind.COUNT:
        scale = rng.uniform(0.6, 1.4)
        return (IndicatorKind.COUNT, theme.start * scale, theme.end * scale, rng.random(), None)
    if theme.kind == IndicatorKind.LEVEL:
        start = int(min(theme.end, theme.start + (rng.random() < 0.3)))
        return (IndicatorKind.LEVEL, start, rng.randint(start, int(theme.end)), rng.uniform(0, 0.999), None)
    return (IndicatorKind.MILESTONE, rng.uniform(0, 1.25), None, None, None)


def value_rows(rng, schools, indicators, periods, baselines):
    """(indicator, unit, period, numerator, denominator, value, achieved) school by school, every period of
    one school before the next (so that only one school's courses are in memory: a country has 45,000).

    Rates improve along each school's course with a little noise (numerator never above denominator);
    counts and levels move monotonically; a milestone once reached stays reached. The first period's
    rate counts are summed into baselines[commune id][indicator id] for the plans' baseline values.
    """
    span = max(len(periods) - 1, 1)
    uniform = rng.uniform
    for school in schools:
        figures = school_figures(rng, school)
        unit_id, commune_id = school.pk, school.parent_id
        courses = [(indicator.pk, draw_series(rng, theme, figures)) for indicator, theme in indicators]
        for k, period in enumerate(periods):
            progress = k / span
            period_id = period.pk
            for indicator_id, (kind, a, b, c, d) in courses:
                if kind == IndicatorKind.RATE:
                    share = b + (c - b) * progress
                    share = share * uniform(0.7, 1.3) if d else share + uniform(-0.015, 0.015)
                    numerator = min(a, max(0, round(a * share)))
                    if k == 0:
                        counts = baselines[commune_id].setdefault(indicator_id, [0, 0])
                        counts[0] += numerator
                        counts[1] += a
                    yield (indicator_id, unit_id, period_id, numerator, a, None, None)
                elif kind == IndicatorKind.MILESTONE:
                    yield (indicator_id, unit_id, period_id, None, None, None, progress >= a)
                else:  # counts and levels: floor of a monotone course, so monotone too
                    yield (indicator_id, unit_id, period_id, None, None, int(a + (b - a) * progress + c), None)


COPY_COLUMNS = ["indicator", "unit", "period", "numerator", "denominator", "value", "achieved",
                "status", "note", "source", "entered_at", "version", "is_demo"]


def write_values(rows, total, progress):
    """Write the rows: COPY on PostgreSQL, bulk_create in batches elsewhere. Returns how many."""
    now = timezone.now()
    written = 0
    if connection.vendor == "postgresql":
        opts = ProgressValue._meta
        columns = ", ".join(connection.ops.quote_name(opts.get_field(name).column) for name in COPY_COLUMNS)
        sql = f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
        rows = iter(rows)
        with connection.cursor() as cursor:
            while True:  # one COPY per chunk: its foreign keys are checked as it ends (constraints immediate)
                chunk = written
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row((*row, "", "", ValueSource.DEMO, now, 1, True))
                        written += 1
                        if written % LOG_EVERY == 0:
                            progress(f"Số liệu tiến độ: {format_number(written)} / {format_number(total)}")
                        if written - chunk == COPY_CHUNK:
                            break
                if written - chunk < COPY_CHUNK:
                    return written
    batch = []
    for indicator_id, unit_id, period_id, numerator, denominator, value, achieved in rows:
        batch.append(ProgressValue(
            indicator_id=indicator_id, unit_id=unit_id, period_id=period_id, numerator=numerator,
            denominator=denominator, value=value, achieved=achieved, source=ValueSource.DEMO, is_demo=True,
        ))
        if len(batch) == BATCH:
            ProgressValue.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            batch = []
            if written % LOG_EVERY == 0:
                progress(f"Số liệu tiến độ: {format_number(written)} / {format_number(total)}")
    ProgressValue.objects.bulk_create(batch, batch_size=BATCH)
    return written + len(batch)


# ---- plans and targets ------------------------------------------------------------------------------


def _percent(counts):
    numerator, denominator = counts
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01")) if denominator else None


def goal_value(theme, schools_in_scope):
    if theme.kind == IndicatorKind.COUNT:
        return Decimal(theme.goal * schools_in_scope)
    return Decimal(str(theme.goal))


def target_text(name, theme, goal):
    what = name[0].lower() + name[1:]
    if theme.kind == IndicatorKind.MILESTONE:
        return f"Đến năm {HORIZON}, mọi trường: {what}."
    if theme.kind == IndicatorKind.LEVEL:
        figure = f"{theme.unit_label} {format_number(goal)}"
    else:
        figure = f"{format_number(goal)}{theme.unit_label if theme.unit_label == '%' else ' ' + theme.unit_label}"
    words = {
        Comparator.GTE: f"đạt từ {figure} trở lên", Comparator.LTE: f"không quá {figure}",
        Comparator.EQ: f"đạt {figure}", Comparator.MAINTAIN: f"duy trì {figure}", Comparator.ACHIEVE: f"đạt {figure}",
    }[theme.comparator]
    return f"Đến năm {HORIZON}, {what} {words}."


def create_plans(province, communes, schools, indicators, baselines):
    """One in-force plan for the province and one per commune, a target per indicator; returns the counts."""
    plans = [(province, "Ủy ban nhân dân tỉnh Tổng Hợp", len(schools), "Toàn tỉnh")]
    per_commune = defaultdict(int)
    for school in schools:
        per_commune[school.parent_id] += 1
    plans += [(c, c.name, per_commune[c.pk], f"Các trường trên địa bàn {c.short_name.lower()}") for c in communes]
    documents = [
        Document(doc_type=DocumentType.KH, number="71/KH-UBND", issuer=issuer, issuer_name=issuer_name,
                 issued_on=date(BASELINE_YEAR, 10, 15), place=issuer.place_name, title=PLAN_TITLE,
                 start_year=BASELINE_YEAR, end_year=int(HORIZON), status=DocumentStatus.IN_FORCE, is_demo=True,
                 note=NOTE)
        for issuer, issuer_name, _schools, _scope in plans
    ]
    Document.objects.bulk_create(documents, batch_size=BATCH)
    by_issuer = dict(Document.objects.filter(issuer__in=[p[0] for p in plans], title=PLAN_TITLE)
                     .values_list("issuer_id", "pk"))
    province_plan = by_issuer[province.pk]
    Implements = Document.implements.through
    Implements.objects.bulk_create(
        [Implements(from_document_id=by_issuer[c.pk], to_document_id=province_plan) for c in communes],
        batch_size=BATCH,
    )

    province_baselines = defaultdict(lambda: [0, 0])
    for per_indicator in baselines.values():
        for indicator_id, (numerator, denominator) in per_indicator.items():
            province_baselines[indicator_id][0] += numerator
            province_baselines[indicator_id][1] += denominator

    def targets_of(issuer, schools_in_scope, scope, parents, own_baselines):
        rows = []
        for order, (indicator, theme) in enumerate(indicators, start=1):
            goal = goal_value(theme, schools_in_scope)
            is_rate = theme.kind == IndicatorKind.RATE
            rows.append(Target(
                document_id=by_issuer[issuer.pk], indicator=indicator, ref=f"CT{order:03d}", order=order,
                text=target_text(indicator.name, theme, goal), section="II. Mục tiêu cụ thể",
                category=theme.category, comparator=theme.comparator,
                level_label=f"{theme.unit_label} {format_number(goal)}" if theme.kind == IndicatorKind.LEVEL else "",
                scope_text=scope, each_unit=theme.kind in (IndicatorKind.LEVEL, IndicatorKind.MILESTONE),
                baseline_value=_percent(own_baselines.get(indicator.pk, (0, 0))) if is_rate else None,
                baseline_year=BASELINE_YEAR if is_rate else None,
                parent_id=parents.get(indicator.pk),
            ))
        return rows

    Target.objects.bulk_create(targets_of(province, len(schools), plans[0][3], {}, province_baselines),
                               batch_size=BATCH)
    parents = dict(Target.objects.filter(document_id=province_plan).values_list("indicator_id", "pk"))
    commune_targets = []
    for commune, _name, schools_in_scope, scope in plans[1:]:
        commune_targets += targets_of(commune, schools_in_scope, scope, parents, baselines.get(commune.pk, {}))
    Target.objects.bulk_create(commune_targets, batch_size=BATCH)

    goals = {}
    for issuer, _name, schools_in_scope, _scope in plans:
        for indicator, theme in indicators:
            goals[by_issuer[issuer.pk], indicator.pk] = goal_value(theme, schools_in_scope)
    created = list(
        Target.objects.filter(document_id__in=by_issuer.values()).values_list("pk", "document_id", "indicator_id")
    )
    TargetHorizon.objects.bulk_create(
        [TargetHorizon(target_id=pk, label=HORIZON, deadline=date(int(HORIZON), 12, 31),
                       value=goals[document_id, indicator_id])
         for pk, document_id, indicator_id in created],
        batch_size=BATCH,
    )
    return len(documents), len(created)


def create_country_plans(body, provinces, communes, schools, indicators, baselines):
    """The national plan (issued by the synthetic Bộ GD&ĐT) and one per province implementing it, a target
    per indicator with its 2030 horizon; the communes follow the plans above them. Returns the counts."""
    province_of = {c.pk: c.parent_id for c in communes}
    per_province = defaultdict(int)
    for school in schools:
        per_province[province_of[school.parent_id]] += 1
    sums = {unit.pk: defaultdict(lambda: [0, 0]) for unit in [body, *provinces]}
    for commune_id, per_indicator in baselines.items():
        for indicator_id, (numerator, denominator) in per_indicator.items():
            for key in (body.pk, province_of[commune_id]):
                sums[key][indicator_id][0] += numerator
                sums[key][indicator_id][1] += denominator
    issuers = [(body, "Bộ Giáo dục và Đào tạo", len(schools), "Toàn quốc")]
    issuers += [(p, p.name, per_province[p.pk], f"Các trường trên địa bàn {p.short_name.lower()}") for p in provinces]
    Document.objects.bulk_create([
        Document(doc_type=DocumentType.KH, number="71/KH-BGDĐT" if issuer is body else "71/KH-UBND", issuer=issuer,
                 issuer_name=name, issued_on=date(BASELINE_YEAR, 10, 15), place=issuer.place_name or "Hà Nội",
                 title=PLAN_TITLE, start_year=BASELINE_YEAR, end_year=int(HORIZON), status=DocumentStatus.IN_FORCE,
                 is_demo=True, note=NOTE)
        for issuer, name, _schools, _scope in issuers
    ], batch_size=BATCH)
    by_issuer = dict(Document.objects.filter(issuer__in=[i[0] for i in issuers], title=PLAN_TITLE)
                     .values_list("issuer_id", "pk"))
    Implements = Document.implements.through
    Implements.objects.bulk_create([Implements(from_document_id=by_issuer[p.pk], to_document_id=by_issuer[body.pk])
                                    for p in provinces], batch_size=BATCH)
    rows, goals = [], {}
    for issuer, _name, in_scope, scope in issuers:
        for order, (indicator, theme) in enumerate(indicators, start=1):
            goal = goals[by_issuer[issuer.pk], indicator.pk] = goal_value(theme, in_scope)
            is_rate = theme.kind == IndicatorKind.RATE
            rows.append(Target(
                document_id=by_issuer[issuer.pk], indicator=indicator, ref=f"CT{order:03d}", order=order,
                text=target_text(indicator.name, theme, goal), section="II. Mục tiêu cụ thể",
                category=theme.category, comparator=theme.comparator,
                level_label=f"{theme.unit_label} {format_number(goal)}" if theme.kind == IndicatorKind.LEVEL else "",
                scope_text=scope, each_unit=theme.kind in (IndicatorKind.LEVEL, IndicatorKind.MILESTONE),
                baseline_value=_percent(sums[issuer.pk].get(indicator.pk, (0, 0))) if is_rate else None,
                baseline_year=BASELINE_YEAR if is_rate else None,
            ))
    Target.objects.bulk_create(rows, batch_size=BATCH)
    created = list(Target.objects.filter(document_id__in=by_issuer.values())
                   .values_list("pk", "document_id", "indicator_id"))
    TargetHorizon.objects.bulk_create(
        [TargetHorizon(target_id=pk, label=HORIZON, deadline=date(int(HORIZON), 12, 31),
                       value=goals[document_id, indicator_id]) for pk, document_id, indicator_id in created],
        batch_size=BATCH,
    )
    return len(issuers), len(created)

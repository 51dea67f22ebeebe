"""What a periodic progress report says, assembled once for the Excel and the PDF builders.

"Báo cáo kết quả thực hiện Kế hoạch …, Học kỳ II năm học 2025-2026": the official header, the
summary, the targets grouped by the four evaluation criteria, evaluated as on the dashboards (through
targets.queries.plan_statuses), the tasks, the schools' narratives, "Nơi nhận" and the signature block.
Each target's figure is kept as a number with its indicator's kind, so the builders write it without
reading text back, and a rate keeps the counts it comes from, so a parent pools them
(reports/consolidation.py). A content object is plain data: it can be frozen as JSON (a report sent
upward) and rebuilt from that snapshot, so a finalised report never changes.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from targets.fields import format_result
from targets.models import EVALUATION_CRITERIA, Category, IndicatorKind, ProgressValue, Target
from targets.queries import plan_statuses, status_counts, subtree_roots
from targets.status import STATUS_ORDER, Status
from units.models import UnitKind

from . import queries
from .models import ReportStatus, SchoolReport

VIETNAMESE_MONTH_DAY = "ngày {d:02d} tháng {m:02d} năm {y}"


@dataclass
class ReportRow:
    """A line of the target table (STT, chỉ tiêu, ĐVT, giá trị nền, chỉ tiêu theo mốc, kết quả, tỷ lệ
    hoàn thành, đánh giá, đơn vị chủ trì) and the trend the charts draw."""

    number: str
    indicator: str
    unit_label: str  # the indicator's unit (ĐVT): of the result and the baseline
    baseline: float | None
    goal: str
    result: float | None  # the figure judged, in the indicator's unit (a rate in percent, a milestone 1/0)
    kind: str  # the indicator's kind (targets.models.IndicatorKind): how the figure is written
    completion: float | None
    status: str
    status_label: str
    lead: str
    trend: list = field(default_factory=list)  # [[period label, value or None]]
    numerator: float | None = None  # the counts a rate comes from, for a parent to pool
    denominator: float | None = None
    each_unit: bool = False  # a target for every unit: the result is the lowest unit's figure

    @property
    def is_rate(self):
        return self.kind == IndicatorKind.RATE

    @property
    def result_text(self):
        return format_result(self.result, self.kind, self.unit_label)

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        text, is_rate = data.pop("result_text", ""), data.pop("is_rate", False)
        if "kind" not in data:  # a snapshot frozen before rows kept their kind
            data["kind"] = _kind_of_text(text, is_rate, data["result"])
        return cls(**data)


@dataclass
class ReportGroup:
    key: str
    label: str
    rows: list


@dataclass
class Narrative:
    school: str
    highlights: str
    difficulties: str
    proposals: str


@dataclass
class ReportContent:
    """Everything a report prints; plain values only, so it can be stored as a JSON snapshot."""

    unit_code: str
    unit_name: str
    issuer_lines: list  # ["ỦY BAN NHÂN DÂN", "PHƯỜNG DƯƠNG KINH"]
    is_party: bool
    number: str  # "Số: 45/BC-UBND" (blank number: "Số:      /BC-UBND")
    place_date: str  # "Dương Kinh, ngày 15 tháng 01 năm 2026"
    title: str
    subject: str
    opening: str
    plan_label: str
    period_code: str
    period_name: str
    summary: dict  # status key -> count
    summary_labels: list  # [(status key, label)]
    submitted: int  # schools that submitted (or had approved) their report for the period
    schools: int
    groups: list  # [ReportGroup]
    tasks: list  # [{"group", "text", "lead", "status"}]
    narratives: list  # [Narrative]
    recipients: list
    signer_title: list
    signer_name: str
    raw_values: list  # [{"unit", "indicator", "period", "numerator", "denominator", "value"}]
    generated_at: str = ""

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        data["groups"] = [ReportGroup(g["key"], g["label"], [ReportRow.from_json(r) for r in g["rows"]])
                          for g in data["groups"]]
        data["narratives"] = [Narrative(**n) for n in data["narratives"]]
        if "reporting_rate" in data:  # a snapshot frozen when the rate was kept rounded, not the count
            rate = data.pop("reporting_rate")
            data["submitted"] = round((rate or 0) * data["schools"] / 100)
        return cls(**data)

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    @property
    def reporting_rate(self):
        return queries.ReportingRate(self.submitted, self.schools)


def build_report_content(*, unit, document, period, number="", report_date=None, signer_title=None,
                         signer_name="", recipients=None, narratives=None):
    """Assemble the report of `unit` on `document` for `period` from the live data."""
    report_date = report_date or timezone.localdate()
    targets = (Target.objects.filter(document=document).targets().select_related("indicator", "document")
               .prefetch_related("horizons", "scope_units", "responsibilities__unit"))
    roots = subtree_roots([unit])
    statuses = plan_statuses(targets, unit, period, roots=roots)
    rate = queries.reporting_rate(unit, period) if unit.kind != UnitKind.SCHOOL else queries.ReportingRate(0, 0)
    return ReportContent(
        unit_code=unit.code, unit_name=unit.name,
        issuer_lines=issuer_lines(unit), is_party=unit.is_party_body,
        number=number or f"Số:       /BC-{_issuer_abbreviation(unit)}",
        place_date=f"{unit.place_name or unit.short_name or unit.name}, {_long_date(report_date)}",
        title="BÁO CÁO",
        subject=f"Kết quả thực hiện {document.short_label}, {period.name}",
        opening=_opening(unit, document, period),
        plan_label=document.short_label, period_code=period.code, period_name=period.name,
        summary={str(k): v for k, v in status_counts(statuses).items()},
        summary_labels=[[str(s), Status(s).label] for s in STATUS_ORDER],
        submitted=rate.submitted, schools=rate.schools,
        groups=_groups(statuses),
        tasks=[{"group": t.group.number if t.group else "", "text": t.text, "status": t.get_status_display(),
                "lead": t.lead_unit.name if t.lead_unit else t.lead_text}
               for t in document.tasks.select_related("group", "lead_unit")],
        narratives=narratives if narratives is not None else school_narratives(unit, period),
        recipients=recipients if recipients is not None else _recipients(unit),
        signer_title=signer_title or _signer_title(unit),
        signer_name=signer_name or _leader_name(unit),
        raw_values=raw_values([s.target for s in statuses], period, roots[unit.pk]),
        generated_at=timezone.localtime().strftime("%H:%M %d/%m/%Y"),
    )


def issuer_lines(unit):
    """The issuing body as the header prints it, upper case: a ward's People's Committee, a school."""
    name = unit.name.upper()
    for body in ("ỦY BAN NHÂN DÂN ", "ĐẢNG ỦY ", "HỘI ĐỒNG NHÂN DÂN "):
        if name.startswith(body):
            return [body.strip(), name[len(body):]]
    if unit.parent_id and unit.kind == UnitKind.SCHOOL:
        return [unit.parent.name.upper().replace("ỦY BAN NHÂN DÂN ", "UBND "), name]
    return [name]


def _issuer_abbreviation(unit):
    if unit.kind == UnitKind.SCHOOL:
        return "TR"
    return "ĐU" if unit.is_party_body else "UBND"


def _long_date(day: date):
    return VIETNAMESE_MONTH_DAY.format(d=day.day, m=day.month, y=day.year)


def _opening(unit, document, period):
    basis = f"{document.get_doc_type_display()} số {document.number}" if document.number else document.short_label
    issued = f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else ""
    return (f"Thực hiện {basis}{issued} của {document.issuer_name or document.issuer.name} về "
            f"{document.title[0].lower() + document.title[1:]}, {unit.name} báo cáo kết quả thực hiện "
            f"{period.name} như sau:")


def _groups(statuses):
    by_key = {key: ReportGroup(key, label, []) for key, label in Category.choices}
    for item in statuses:
        target, evaluation = item.target, item.evaluation
        leads = [r.unit.name for r in target.responsibilities.all() if r.role == "lead"]
        counted = item.figure is not None and item.figure.denominator
        by_key[target.category].rows.append(ReportRow(
            number="", indicator=target.indicator.name, unit_label=target.indicator.unit_label,
            baseline=_float(target.baseline_value),
            goal=f"{item.horizon.goal_display()} ({item.horizon.deadline_display()})" if item.horizon else "",
            result=_float(evaluation.value), kind=target.indicator.kind, completion=_float(evaluation.completion),
            status=str(evaluation.status), status_label=evaluation.label, lead="; ".join(leads),
            trend=[[p.name, _float(v)] for p, v in item.series],
            numerator=_float(item.figure.numerator) if counted else None,
            denominator=_float(item.figure.denominator) if counted else None, each_unit=target.each_unit,
        ))
    ordered = [by_key[c] for c in EVALUATION_CRITERIA] + [g for k, g in by_key.items() if k not in EVALUATION_CRITERIA]
    groups = [g for g in ordered if g.rows]
    number = 0
    for group in groups:
        for row in group.rows:
            number += 1
            row.number = str(number)
    return groups


def school_narratives(unit, period):
    """The narrative parts of the approved reports of the schools under the unit, by school."""
    reports = (SchoolReport.objects.in_subtree(unit).for_period(period).filter(status=ReportStatus.APPROVED)
               .select_related("school").order_by("school__path"))
    return [Narrative(r.school.name, r.highlights, r.difficulties, r.proposals) for r in reports
            if r.highlights or r.difficulties or r.proposals]


def raw_values(targets, period, roots):
    """The figures behind the table: one row per unit, indicator and period, from the same units as the
    table (the subtree and its predecessors', `roots`) and the values it reads (those of no target,
    and those entered for these targets)."""
    indicators = {t.indicator_id for t in targets}
    where = Q(pk__in=[])
    for root in roots:
        where |= Q(unit__path__startswith=root.path)
    values = (ProgressValue.objects.filter(where, Q(target__isnull=True) | Q(target__in=targets))
              .for_period(period).filter(indicator_id__in=indicators)
              .select_related("unit", "indicator", "period").order_by("unit__path", "indicator__name"))
    return [{"unit": v.unit.name, "unit_code": v.unit.code, "indicator": v.indicator.name, "period": v.period.name,
             "numerator": _float(v.numerator), "denominator": _float(v.denominator),
             "value": _float(v.effective_value)} for v in values]


def _recipients(unit):
    above = unit.parent.name if unit.parent_id else "Cấp trên"
    return [f"{above} (để báo cáo);", "Lãnh đạo đơn vị;", "Lưu: VT."]


def _signer_title(unit):
    if unit.kind == UnitKind.SCHOOL:
        return ["HIỆU TRƯỞNG"]
    if unit.is_party_body:
        return ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def _leader_name(unit):
    """The unit's leader as the signature block prints it (empty when the unit has none in the portal)."""
    from units.models import Membership, Role

    leader = Membership.objects.active().filter(unit=unit, role=Role.LEADER).select_related("user").first()
    return leader.user.get_full_name() if leader else ""


def _float(value):
    return None if value is None else float(value)


def _kind_of_text(text, is_rate, result):
    """The kind of a figure frozen as text only (snapshots from before rows kept their kind)."""
    if is_rate:
        return IndicatorKind.RATE
    if text in ("Đã đạt", "Chưa đạt"):
        return IndicatorKind.MILESTONE
    if text.startswith("mức "):
        return IndicatorKind.LEVEL
    return IndicatorKind.COUNT if result is None or float(result).is_integer() else IndicatorKind.INDEX

"""What a periodic progress report says, assembled once for the Excel and the PDF builders.

"Báo cáo kết quả thực hiện Kế hoạch …, Học kỳ II năm học 2025-2026": the official header, the
summary, the targets grouped by the four evaluation criteria with the same status logic as the
dashboards (targets.queries.plan_statuses), the tasks, the schools' narratives, "Nơi nhận" and the
signature block. A content object is plain data: it can be frozen as JSON (a report sent upward) and
rebuilt from that snapshot, so a finalised report never changes.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from targets.fields import format_number
from targets.models import EVALUATION_CRITERIA, Category, ProgressValue, Target
from targets.queries import plan_statuses, status_counts
from targets.status import STATUS_ORDER, Status
from units.models import UnitKind

from . import queries
from .dashboards import result_text, trend_periods
from .models import ReportStatus, SchoolReport

VIETNAMESE_MONTH_DAY = "ngày {d:02d} tháng {m:02d} năm {y}"


@dataclass
class ReportRow:
    """A line of the target table (STT, chỉ tiêu, ĐVT, giá trị nền, chỉ tiêu theo mốc, kết quả, tỷ lệ
    hoàn thành, đánh giá, đơn vị chủ trì) and the trend the charts draw."""

    number: str
    indicator: str
    unit_label: str
    baseline: float | None
    goal: str
    result: float | None
    result_text: str
    is_rate: bool
    completion: float | None
    status: str
    status_label: str
    lead: str
    trend: list = field(default_factory=list)  # [[period label, value or None]]


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
    reporting_rate: float | None
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
        data["groups"] = [ReportGroup(g["key"], g["label"], [ReportRow(**r) for r in g["rows"]]) for g in data["groups"]]
        data["narratives"] = [Narrative(**n) for n in data["narratives"]]
        return cls(**data)

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]


def build_report_content(*, unit, document, period, number="", report_date=None, signer_title=None,
                         signer_name="", recipients=None, narratives=None):
    """Assemble the report of `unit` on `document` for `period` from the live data."""
    report_date = report_date or timezone.localdate()
    targets = (Target.objects.filter(document=document).targets().select_related("indicator", "document")
               .prefetch_related("horizons", "scope_units", "responsibilities__unit"))
    statuses = plan_statuses(targets, unit, period, trend_periods(period))
    submitted, schools = (queries.reporting_counts(unit, period) if unit.kind != UnitKind.SCHOOL else (0, 0))
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
        reporting_rate=None if not schools else round(submitted * 100 / schools, 1), schools=schools,
        groups=_groups(statuses),
        tasks=[{"group": t.group.number if t.group else "", "text": t.text, "status": t.get_status_display(),
                "lead": t.lead_unit.name if t.lead_unit else t.lead_text}
               for t in document.tasks.select_related("group", "lead_unit")],
        narratives=narratives if narratives is not None else school_narratives(unit, period),
        recipients=recipients if recipients is not None else _recipients(unit),
        signer_title=signer_title or _signer_title(unit),
        signer_name=signer_name or _leader_name(unit),
        raw_values=raw_values(unit, [s.target for s in statuses], period),
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
        by_key[target.category].rows.append(ReportRow(
            number="", indicator=target.indicator.name, unit_label=target.unit_symbol or "",
            baseline=_float(target.baseline_value),
            goal=f"{item.horizon.goal_display()} ({item.horizon.deadline_display()})" if item.horizon else "",
            result=_float(evaluation.value), result_text=result_text(target, evaluation.value),
            is_rate=target.indicator.is_rate, completion=_float(evaluation.completion),
            status=str(evaluation.status), status_label=evaluation.label, lead="; ".join(leads),
            trend=[[p.name, _float(v)] for p, v in item.series],
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


def raw_values(unit, targets, period):
    """The figures behind the table, ready to consolidate: one row per unit, indicator and period."""
    indicators = {t.indicator_id for t in targets}
    values = (ProgressValue.objects.in_subtree(unit).for_period(period).filter(indicator_id__in=indicators)
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


def percent_text(value):
    return "—" if value is None else f"{format_number(Decimal(str(value)), 1)}%"

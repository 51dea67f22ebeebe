"""What a periodic progress report says, assembled once for the Excel and the PDF builders.

"Báo cáo kết quả thực hiện Kế hoạch …, Học kỳ II năm học 2025-2026": the official header, the
summary, the targets grouped by the four evaluation criteria, evaluated as on the dashboards (through
targets.queries.plan_statuses), the tasks, the schools' narratives, "Nơi nhận" and the signature block.
Each target's figure is kept as a number with its indicator's kind, so the builders write it without
reading text back, and a rate keeps the counts it comes from, so a parent pools them
(reports/consolidation.py). A content object is plain data: it can be frozen as JSON (a report sent
upward) and rebuilt from that snapshot, so a finalised report never changes.
"""

import gc
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from targets.details import attach_details
from targets.fields import format_floor, format_number, format_result, format_unreported
from targets.models import (
    EVALUATION_CRITERIA,
    Category,
    Comparator,
    Indicator,
    IndicatorKind,
    ProgressValue,
    ResponsibilityRole,
    Target,
    TargetResponsibility,
)
from targets.queries import (
    evaluate_pairs,
    fold_repeats,
    less_is_better_each,
    plan_statuses,
    status_counts,
    subtree_roots,
)
from targets.status import STATUS_ORDER, Status
from units.models import UnitKind

from . import queries
from .consolidation import short_commune_name
from .models import ReportSections, ReportStatus, SchoolReport

VIETNAMESE_MONTH_DAY = "ngày {d} tháng {m} năm {y}"
COMPLETION_NOTE = ("Tỷ lệ hoàn thành là kết quả kỳ báo cáo so với chỉ tiêu của mốc đang hướng tới, tối đa 100% "
                   "(với chỉ tiêu “không vượt quá”, là chỉ tiêu so với kết quả); không tính cho chỉ tiêu về mức độ, "
                   "mốc hoàn thành hoặc chỉ tiêu bằng 0.")


@dataclass
class ReportRow:
    """A line of the target table (STT, chỉ tiêu, ĐVT, giá trị nền, chỉ tiêu theo mốc, kết quả, cần đạt đến nay,
    tỷ lệ hoàn thành, đánh giá, đơn vị chủ trì) and the trend the charts draw."""

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
    # a target for every unit where less is better ("mỗi lớp không quá 35 học sinh"): the highest unit's figure
    ceiling: bool = False
    sections: list = field(default_factory=list)  # the plan's sections stating it, when it states it twice
    result_from: str = ""  # the period of the result when it is an earlier one's ("HK II 2025-2026"), else ""
    # how many units below reported the figure when it is added up from them (not entered for the target): a ward's
    # "100% Đạt" from one school of eight is read as such; None for a figure entered, or a school's own
    reporting_units: int | None = None
    # "Cần đạt đến nay", as the dashboard shows it: where the target should be by the end of the period on the straight
    # path from its baseline to its deadline (targets.status.Evaluation.expected), in the indicator's unit; None where
    # there is no path (a milestone, no baseline nor earlier figure) or the target is met. Snapshots frozen before
    # 28/11/2026 have none.
    expected: float | None = None
    # a target over every school judged without some of those that should report it: how many (of how many) had not
    # (targets.queries.TargetStatus.unreported); not met meanwhile. Snapshots frozen before 28/11/2026 have none.
    unreported: int = 0
    expected_units: int = 0
    # the result is the lowest ("thấp nhất trong") or the highest ("cao nhất trong") unit's figure, not theirs together:
    # how the target list and the dashboard say it; "" for a figure of them all. Snapshots before 28/11/2026: "".
    reporting_basis: str = ""
    # the year the baseline is of, when the plan names one ("so với năm 2025"): the pages print it beside the
    # baseline ("Giá trị nền: 100 học sinh (năm 2025)"), so do the reports. Snapshots before 28/11/2026: None.
    baseline_year: int | None = None

    @property
    def is_rate(self):
        return self.kind == IndicatorKind.RATE

    @property
    def result_note(self):
        """What every format prints beside the result: the earlier period it is of, and how many units below
        reported it ("số liệu HK II 2025-2026, từ 1 đơn vị báo cáo"); "" for a figure of this period entered."""
        if self.result is None:
            return ""
        parts = [f"số liệu {self.result_from}"] if self.result_from else []
        if self.reporting_units:
            parts.append(f"{self.reporting_basis or 'từ'} {format_number(self.reporting_units)} đơn vị báo cáo")
        if self.unreported:
            parts.append(format_unreported(self.unreported, self.expected_units))
        return ", ".join(parts)

    @property
    def result_text(self):
        return format_result(self.result, self.kind, self.unit_label)

    @property
    def baseline_text(self):
        """ "Giá trị nền" as the PDF and the Word file print it under the goal, written as the result is ("35%",
        "850 học sinh", "mức 2": a level's bare "2" read as a count), with its year where the plan names one ("100
        học sinh (năm 2025)", as the pages); "" without one."""
        if self.baseline is None:
            return ""
        text = format_result(self.baseline, self.kind, self.unit_label)
        return f"{text} (năm {self.baseline_year})" if self.baseline_year else text

    @property
    def expected_text(self):
        """ "Cần đạt đến nay" written as the result is ("50,4%", "1.250 người"); "" where there is none."""
        return "" if self.expected is None else format_result(self.expected, self.kind, self.unit_label)

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
    issuer_lines: list  # ["UBND THÀNH PHỐ HẢI PHÒNG", "ỦY BAN NHÂN DÂN", "PHƯỜNG DƯƠNG KINH"]
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
    projections: dict = field(default_factory=dict)  # projection_table(): the plan's table of scale
    own_sections: dict = field(default_factory=dict)  # {ReportSections field: text} the unit wrote itself
    issuer_bold: int = 1  # how many of the issuer's last lines are the issuing body (bold); those above: its parent

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


@dataclass
class ReportCover:
    """The official blocks of a consolidated report (a parent's across its communes): the same header, number,
    date, title, "Nơi nhận" and signature as a commune's report, and which communes sent theirs. Plain values."""

    issuer_lines: list
    issuer_bold: int
    is_party: bool
    number: str
    place_date: str
    title: str
    subject: str  # the period is in it, printed once
    opening: str
    period_name: str
    recipients: list
    signer_title: list
    signer_name: str
    communes: int  # the units directly below that the consolidation takes (communes, or the country's provinces)
    sent: list  # the names of those whose report was received
    missing: list  # the names of those that have not sent theirs
    preview: bool = False  # none sent: the figures are the live data's
    below: str = "xã, phường"  # how the report names the units it consolidates (Level.plural)
    below_one: str = "xã"  # one of them, in a count ("3 xã có số liệu")
    below_header: str = "Xã, phường"  # the column that names them

    def __str__(self):
        return self.subject

    @property
    def sent_line(self):
        """ "2/3 xã, phường đã gửi báo cáo: Phường A, Phường B. Chưa gửi: Phường C." """
        text = f"{len(self.sent)}/{self.communes} {self.below} đã gửi báo cáo"
        text += f": {', '.join(self.sent)}." if self.sent else "."
        if self.missing:
            text += f" Chưa gửi: {', '.join(self.missing)}."
        if self.preview:
            text += f" Số liệu dưới đây là bản xem trước lấy từ dữ liệu hiện có của các {self.below}."
        return text


@dataclass(frozen=True)
class Level:
    """The units a consolidation takes, by the kind of the unit consolidating, and how its report names them."""

    kind: str
    plural: str
    one: str
    header: str


# a province consolidates its communes; the country (Trung ương) its provinces
CONSOLIDATED_LEVELS = {
    UnitKind.PROVINCE: Level(UnitKind.COMMUNE, "xã, phường", "xã", "Xã, phường"),
    UnitKind.CENTRAL: Level(UnitKind.PROVINCE, "tỉnh, thành phố", "tỉnh", "Tỉnh, thành phố"),
}


def consolidated_level(unit):
    """The Level the unit consolidates, or None: only a province and the country make a consolidated report."""
    return CONSOLIDATED_LEVELS.get(unit.kind)


def consolidation_cover(*, unit, document, period, sent_codes, preview=False, report_date=None):
    """The cover of `unit`'s consolidation for the period: titled after the unit's own plan carrying out
    `document` (else `document`), the units below (consolidated_level) that sent their report (`sent_codes`) and
    those that did not."""
    report_date = report_date or timezone.localdate()
    level = consolidated_level(unit) or CONSOLIDATED_LEVELS[UnitKind.PROVINCE]
    own = own_plan(unit, document)
    # the units below in force at the period's end (today while it runs), and any that sent: a ward merged since
    # still shows what it sent, one created since is not missing for a period before it existed (as the inbox)
    children = unit.children.filter(kind=level.kind)
    in_force = children.valid_on(min(period.end, timezone.localdate()))
    below = list((in_force | children.filter(code__in=list(sent_codes))).distinct().order_by("name"))
    subject = f"Tổng hợp kết quả thực hiện {_plan_named(own)} của các {level.plural}, {period.name}"
    _leader_name, position = _leader(unit)
    return ReportCover(
        issuer_lines=issuer_lines(unit), issuer_bold=issuer_bold(unit), is_party=unit.is_party_body,
        number=_blank_number(unit),
        place_date=f"{_place(unit)}, {_long_date(report_date)}",
        title="BÁO CÁO", subject=subject + (" (bản xem trước)" if preview else ""),
        opening=_opening(unit, own, period, verb="tổng hợp", whose=f" của các {level.plural} trực thuộc"),
        period_name=period.name, recipients=_recipients(unit, below=level.plural),
        # no approval step for a consolidation: the signature's lines, the name left for the signer's hand
        signer_title=_signer_title(unit, position), signer_name="", communes=len(below),
        sent=[short_commune_name(c.name) for c in below if c.code in sent_codes],
        missing=[short_commune_name(c.name) for c in below if c.code not in sent_codes],
        preview=preview, below=level.plural, below_one=level.one, below_header=level.header,
    )


def own_plan(unit, document):
    """The unit's own plan carrying out `document`: the document if the unit issued it, else the unit's
    in-force plan implementing it (directly, or through a plan it implements), the latest; else `document`."""
    from plans.models import Document

    if document.issuer_id == unit.pk:
        return document
    mine = Document.objects.in_force().filter(issuer=unit).select_related("issuer")
    plan = (mine.filter(Q(implements=document) | Q(implements__implements=document)).distinct()
            .order_by("-issued_on", "-pk").first())
    return plan or document


def build_report_content(*, unit, document, period, number="", report_date=None, signer_title=None,
                         signer_name=None, recipients=None, narratives=None, own_sections=None, figures_only=False):
    """Assemble the report of `unit` on `document` for `period` from the live data. `figures_only`: what a
    consolidation reads of a commune's report (header, evaluation, summary), without the parts only the
    commune's own files print (the figures behind the table, tasks, schools' texts, its own sections);
    build_figures_contents makes those of many units at once."""
    # the targets and the projection figures in one read: the projections are printed, not evaluated
    everything = plan_targets([document])[document.pk]
    roots = subtree_roots([unit])
    statuses = fold_repeats(plan_statuses(_judged(everything), unit, period, roots=roots))
    if signer_name is None:  # a draft: the lines above the signature from the leader's title (a deputy: KT.), the
        # name left blank; it is printed only once the leader approves the report (outgoing.approve_report)
        _name, position = _leader(unit)
        signer_name, signer_title = "", signer_title or _signer_title(unit, position)
    return _content(
        unit=unit, document=document, period=period, everything=everything, statuses=statuses,
        leads=lead_names([document]),
        rate=queries.reporting_rate(unit, period) if unit.kind != UnitKind.SCHOOL else queries.ReportingRate(0, 0),
        number=number, report_date=report_date, signer_title=signer_title,
        signer_name=signer_name,  # "": left blank until approval
        recipients=recipients if recipients is not None else _recipients(unit),
        tasks=[] if figures_only else [
            {"group": t.group.number if t.group else "", "text": t.text, "status": t.get_status_display(),
             "lead": t.lead_unit.name if t.lead_unit else t.lead_text}
            for t in _reported_tasks(unit, document).select_related("group", "lead_unit")],
        narratives=narratives if narratives is not None else [] if figures_only else school_narratives(unit, period),
        raw=[] if figures_only or streams_raw_values(unit) else raw_values(statuses, period,
                                                                            roots[unit.pk]),
        own_sections=own_sections if own_sections is not None else {} if figures_only else unit_sections(
            unit, document, period),
    )


def build_figures_contents(*, pairs, period, report_date=None):
    """The figures-only contents (build_report_content(figures_only=True)) of several units' reports for the
    period, each on its plan: `pairs` [(unit, plan)], the communes of a consolidation (reports.builds.report_plans).

    The same contents as one by one, in a fixed number of queries whatever the number of units: the plans'
    targets with their horizons and named units (plan_targets) and the units leading them (lead_names), the
    units' predecessors, the periods of the trend, the entries and the roll-ups of every unit on its own targets
    (targets.queries.evaluate_pairs), the reporting rates (a grouped count by parent: one for the communes of a
    consolidation), the leaders who sign, the Sở GD&ĐT of "Nơi nhận"; and the issuer of a plan whose issuer's
    name is not kept, once per plan.
    """
    with _collector_paused():
        return _figures_contents(list(pairs), period, report_date)


@contextmanager
def _collector_paused():
    """Python's cycle collector paused: a province's communes are some 7,000 targets, each with its horizons and
    evaluation, about a million objects that all live until the files are written; the collector would walk them
    again and again as they are made, for nothing (a third of the time). It runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _figures_contents(pairs, period, report_date):
    units = [unit for unit, _plan in pairs]
    plans = {plan.pk: plan for _unit, plan in pairs}.values()
    targets, leads = plan_targets(plans), lead_names(plans)
    roots = subtree_roots(units)
    evaluated = evaluate_pairs([(unit, _judged(targets[plan.pk])) for unit, plan in pairs], period, roots=roots)
    rates = _reporting_rates(units, period)
    leaders = _leaders(units)
    departments = _departments(units)
    return [_content(unit=unit, document=plan, period=period, everything=targets[plan.pk], leads=leads,
                     statuses=fold_repeats([evaluated[(unit.pk, t.pk)] for t in _judged(targets[plan.pk])
                                            if not evaluated[(unit.pk, t.pk)].outside]),
                     rate=rates[unit.pk], report_date=report_date, signer_name="",  # a draft: no name
                     signer_title=_signer_title(unit, leaders.get(unit.pk, ("", ""))[1]),
                     recipients=_recipients(unit, departments=departments))
            for unit, plan in pairs]


def plan_targets(documents):
    """{plan id: [its targets]} of the plans, their projection figures among them, in the plan's order: one read
    with what the evaluation reads of them (indicator, horizons, named units; the plan is the one given), four
    queries whatever the number of plans."""
    plans = {document.pk: document for document in documents}
    by_plan = {pk: [] for pk in plans}
    every = list(Target.objects.filter(document__in=list(plans)))
    indicators = Indicator.objects.in_bulk({target.indicator_id for target in every})
    by_id = {target.pk: target for target in every}
    for target in every:  # one object per plan and per indicator, not one per target (7,200 on a province)
        target.document, target.indicator = plans[target.document_id], indicators[target.indicator_id]
        if target.part_of_id in by_id:  # the whole of a "trong đó" part: of the same plan, read already
            target.part_of = by_id[target.part_of_id]
        by_plan[target.document_id].append(target)
    attach_details(every)
    return by_plan


def lead_names(documents):
    """{target id: [names of the units leading it]} of the plans' targets ("Đơn vị chủ trì"), in one query."""
    leads = {}
    for target_id, name in (TargetResponsibility.objects.filter(target__document__in=list(documents),
                                                                role=ResponsibilityRole.LEAD)
                            .order_by("pk").values_list("target_id", "unit__name")):
        leads.setdefault(target_id, []).append(name)
    return leads


def _reported_tasks(unit, document):
    """The tasks a unit's report lists: every task of its own plan; of a plan issued above it, those it or a unit
    below it leads or coordinates (a school's report does not list the ward's sixty tasks)."""
    tasks = document.tasks.all() if document.issuer_id == unit.pk else document.tasks.responsible_in_subtree(unit)
    return tasks.order_by("group__order", "order", "pk")  # the plan's order, ties in the order they were entered


def _judged(targets):
    """The targets a report evaluates: all but the projection figures, which it prints (projection_table)."""
    return [t for t in targets if not t.is_projection]


def _content(*, unit, document, period, everything, statuses, leads, rate, signer_name, recipients, number="",
             report_date=None, signer_title=None, tasks=(), narratives=(), raw=(), own_sections=None):
    """The ReportContent of the unit's report from what was read for it: the plan's targets (`everything`,
    projections included), their evaluation at the unit (`statuses`, repeats folded) and leads (lead_names),
    its reporting rate."""
    report_date = report_date or timezone.localdate()
    return ReportContent(
        unit_code=unit.code, unit_name=unit.name,
        issuer_lines=issuer_lines(unit), issuer_bold=issuer_bold(unit), is_party=unit.is_party_body,
        number=number or _blank_number(unit),
        place_date=f"{_place(unit)}, {_long_date(report_date)}",
        title="BÁO CÁO",
        subject=f"Kết quả thực hiện {_plan_named(document)}, {period.name}",
        opening=_opening(unit, document, period),
        plan_label=document.short_label, period_code=period.code, period_name=period.name,
        summary={str(k): v for k, v in status_counts(statuses).items()},
        summary_labels=[[str(s), Status(s).label] for s in STATUS_ORDER],
        submitted=rate.submitted, schools=rate.schools,
        groups=_groups(statuses, leads, added_up=unit.kind != UnitKind.SCHOOL),
        tasks=list(tasks),
        narratives=list(narratives),
        recipients=recipients,
        signer_title=signer_title or _signer_title(unit),
        signer_name=signer_name,
        raw_values=list(raw),
        generated_at=timezone.localtime().strftime("%H:%M %d/%m/%Y"),
        projections=projection_table([t for t in everything if t.is_projection]),
        own_sections=own_sections if own_sections is not None else {},
    )


def projection_table(targets):
    """The plan's projection figures (Target.objects.projections(), horizons prefetched) as the plan prints
    them: {"years": ["2025-2026", …], "rows": [{"indicator", "unit_label", "values": [one per year]}],
    "scale": [{"indicator", "unit_label", "value", "label"}]}. A figure for a school year goes in that
    year's column, one row per indicator; a figure for a year or none ("08 trường công lập đến 2030")
    is a line of the scale. Empty when the plan has none. No query (indicator and horizons loaded): the
    plan page reads it too (reports/templatetags/report_tables.py)."""
    years, rows, scale = set(), {}, []
    for target in targets:
        indicator = target.indicator
        for horizon in target.rows_of("horizons"):
            if horizon.value is None:
                continue
            if "-" in horizon.label:
                years.add(horizon.label)
                row = rows.setdefault(indicator.name, {"indicator": indicator.name,
                                                       "unit_label": indicator.unit_label, "values": {}})
                row["values"][horizon.label] = float(horizon.value)
            else:
                scale.append({"indicator": indicator.name, "unit_label": indicator.unit_label,
                              "value": float(horizon.value), "label": horizon.deadline_display()})
    if not years and not scale:
        return {}
    years = sorted(years)
    return {"years": years, "scale": scale,
            "rows": [{**row, "values": [row["values"].get(year) for year in years]} for row in rows.values()]}


def projection_cells(table):
    """The projection table as text cells, numbers written the Vietnamese way (1.318): [header, *rows]."""
    header = ["Chỉ tiêu", *[f"Năm học {year}" for year in table.get("years", [])]]
    rows = [[row["indicator"], *["" if value is None else format_number(Decimal(str(value)))
                                 for value in row["values"]]] for row in table.get("rows", [])]
    return [header, *rows]


def projection_scale_lines(table):
    """The figures of the plan's scale that are not by school year: "Số trường công lập: 8 (đến năm 2030)"."""
    return [f"{item['indicator']}: {format_number(Decimal(str(item['value'])))}"
            f"{' ' + item['unit_label'] if item['unit_label'] else ''} ({item['label']})"
            for item in table.get("scale", [])]


# The country's reports (Trung ương: the figures of every province) are the Ministry's, which compiles them in Hà Nội.
MINISTRY = "Bộ Giáo dục và Đào tạo"
CAPITAL = "Hà Nội"


def _body_name(unit):
    """The body that issues the unit's report, as a sentence names it: the unit, or for the country the Ministry."""
    return MINISTRY if unit.kind == UnitKind.CENTRAL else unit.name


def _place(unit):
    """Where the report is dated: the unit's place, the capital for the country's; a school's is its commune's
    ("Dương Kinh, ngày …", not the school's own name)."""
    if not unit.place_name and unit.kind == UnitKind.SCHOOL and unit.parent_id:
        return _place(unit.parent)
    return unit.place_name or (CAPITAL if unit.kind == UnitKind.CENTRAL else unit.short_name or unit.name)


def issuer_lines(unit):
    """The issuing body as the header prints it, upper case, under the body it answers to (Nghị định 30/2020,
    Phụ lục I: "tên cơ quan chủ quản" in regular type above the issuing body in bold): a ward's People's
    Committee under the city's ("UBND THÀNH PHỐ HẢI PHÒNG" / "ỦY BAN NHÂN DÂN" / "PHƯỜNG DƯƠNG KINH"), a
    school under its ward. `issuer_bold` says how many of the last lines are the issuing body."""
    name = _body_name(unit).upper()
    parent = _parent_line(unit)
    for body in ("ỦY BAN NHÂN DÂN ", "ĐẢNG ỦY ", "HỘI ĐỒNG NHÂN DÂN "):
        if name.startswith(body):
            return [*parent, body.strip(), name[len(body):]]
    if unit.kind in (UnitKind.COMMUNE, UnitKind.PROVINCE) and not unit.is_party_body:
        return [*parent, "ỦY BAN NHÂN DÂN", name]  # "Phường A": the unit is its People's Committee
    return [*parent, name]


def issuer_bold(unit):
    """How many of issuer_lines(unit) are the issuing body itself (bold): all but the parent's line."""
    return len(issuer_lines(unit)) - len(_parent_line(unit))


def _parent_line(unit):
    """The body a state unit answers to, as the header's first line: a commune's province, a school's commune
    (a Party body's line is its own: "ĐẢNG BỘ …" is given by its name)."""
    if not unit.parent_id or unit.is_party_body or unit.kind not in (UnitKind.COMMUNE, UnitKind.SCHOOL):
        return []
    parent = unit.parent.name.upper()
    if parent.startswith("ỦY BAN NHÂN DÂN "):
        return [parent.replace("ỦY BAN NHÂN DÂN ", "UBND ", 1)]
    # a territorial name ("Thành phố Hải Phòng", "Phường A"): the body is its People's Committee
    return [f"UBND {parent}" if unit.parent.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE) else parent]


def number_line(unit, number):
    """The number line of a report numbered `number` ("45/BC-UBND"; a Party body's "12-BC/ĐU"): a state body writes
    "Số: 45/BC-UBND", a Party body "Số 12-BC/ĐU" (no colon, as Party documents write theirs)."""
    return f"Số {number}" if unit.is_party_body else f"Số: {number}"


def _blank_number(unit):
    """The number line left for the office to fill in: a state body's "Số:       /BC-UBND"; a Party body's
    "Số       -BC/ĐU", as Party documents write their numbers (number-TYPE/ISSUER: "Số 12-BC/ĐU")."""
    if unit.is_party_body:
        return f"Số       -BC/{_issuer_abbreviation(unit)}"
    return f"Số:       /BC-{_issuer_abbreviation(unit)}"


def _issuer_abbreviation(unit):
    if unit.kind == UnitKind.CENTRAL:
        return "BGDĐT"
    if unit.kind == UnitKind.SCHOOL:
        return "TR"
    return "ĐU" if unit.is_party_body else "UBND"


def _long_date(day: date):
    """“ngày 05 tháng 01 năm 2026”, “ngày 15 tháng 5 năm 2026”: Nghị định 30/2020, Phụ lục I, writes a 0 before a
    day below 10 and before the months 1 and 2 only."""
    return VIETNAMESE_MONTH_DAY.format(d=f"{day.day:02d}", m=f"{day.month:02d}" if day.month <= 2 else day.month,
                                       y=day.year)


def _opening(unit, document, period, *, verb="báo cáo", whose=""):
    """“Thực hiện Kế hoạch số 12/KH-UBND ngày … của … về <its title>, <unit> báo cáo …”; a plan without a number is
    named by its whole title, not named and then described by the same title again."""
    issued = f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else ""
    issuer = document.issuer_name or document.issuer.name
    if document.number:
        title = document.title[0].lower() + document.title[1:]
        kind = f"{document.get_doc_type_display().lower()} "
        if title.startswith(kind) and len(title) > len(kind):  # "Kế hoạch thực hiện …": named already, "về thực hiện …"
            title = title[len(kind):]
        about = title if title.startswith("về ") else f"về {title}"  # a title “Về việc …” says its own “về”
        basis = f"{document.get_doc_type_display()} số {document.number}{issued} của {issuer} {about}"
    else:
        basis = f"{document.name}{issued} của {issuer}"
    return f"Thực hiện {basis}, {_body_name(unit)} {verb} kết quả thực hiện {period.name}{whose} như sau:"


def _plan_named(document):
    """The plan as a report's subject names it: “Kế hoạch 12/KH-UBND”, or a plan without a number by its whole
    title (and period), never cut short."""
    return document.short_label if document.number else document.name


def _groups(statuses, leads, added_up=True):
    """The report's table by criterion; `added_up`: the unit's figures are added up from units below it (not a
    school's), whose number each row says (ReportRow.reporting_units)."""
    by_key = {key: ReportGroup(key, label, []) for key, label in Category.choices}
    periods = {p.pk: p for item in statuses for p, _value in item.series}
    names = {pk: p.name for pk, p in periods.items()}  # the trend's few periods, named once, not on every row
    for item in statuses:
        target, evaluation = item.target, item.evaluation
        counted = item.figure is not None and item.figure.denominator
        by_key[target.category].rows.append(ReportRow(
            number="", indicator=_row_name(target), unit_label=target.indicator.unit_label,
            baseline=_float(item.baseline),  # stated, or the baseline year's figure ("so với năm 2025")
            baseline_year=target.baseline_year if item.baseline is not None else None,
            goal=_goal(item.horizon, target),
            result=_float(evaluation.value), kind=target.indicator.kind, completion=_float(completion_rate(item)),
            status=str(evaluation.status), status_label=evaluation.label, lead="; ".join(leads.get(target.pk, [])),
            trend=[[names[p.pk], _float(v)] for p, v in item.series],
            numerator=_float(item.figure.numerator) if counted else None,
            denominator=_float(item.figure.denominator) if counted else None, each_unit=target.each_unit,
            ceiling=less_is_better_each(target, item.horizon),
            sections=item.sections if len(item.sections) > 1 else [],
            result_from=item.figure_from.name if item.figure_from else "",  # in full: an official document
            reporting_units=item.figure.reporting_units if (
                added_up and item.figure is not None and not item.figure.entered and item.figure.reporting_units)
            else None,
            expected=_float(evaluation.expected) if evaluation.status != Status.MET else None,
            unreported=item.unreported, expected_units=item.expected_units,
            reporting_basis="thấp nhất trong" if item.figure is not None and item.figure.lowest
            else "cao nhất trong" if item.figure is not None and item.figure.highest else "",
        ))
    ordered = [by_key[c] for c in EVALUATION_CRITERIA] + [g for k, g in by_key.items() if k not in EVALUATION_CRITERIA]
    groups = [g for g in ordered if g.rows]
    number = 0
    for group in groups:
        for row in group.rows:
            number += 1
            row.number = str(number)
    return groups


def _goal(horizon, target):
    """ "Chỉ tiêu theo mốc": the goal, its deadline, and the floor across the units below the status is judged on
    ("≥ 85% (đến năm 2030); không đơn vị nào dưới 60%": the target list's words); until 28/11/2026 the reports left the
    floor out, so a target past its goal read "Có nguy cơ" with nothing to say why."""
    if horizon is None:
        return ""
    goal = f"{horizon.goal_display()} ({horizon.deadline_display()})"
    return f"{goal}; {format_floor(horizon.floor_value, target.unit_symbol)}" if horizon.floor_value is not None else goal


def _row_name(target):
    """The target's line in the table: a "trong đó" part says which target it is part of, as the dashboard does,
    so that it does not read as a target of its own (the whole as read with the plan: plan_targets)."""
    whole = target.part_of if target.part_of_id and Target.part_of.is_cached(target) else None
    if whole is None:
        return target.display_name
    return f"{target.display_name} (trong đó, thuộc {whole.indicator.name})"


def completion_rate(item):
    """"Tỷ lệ hoàn thành": the result relative to the goal of the horizon worked towards, in percent,
    at most 100 (a result beyond the goal is complete). Lower-is-better targets ("dưới 2%") take the
    goal over the result. None where a ratio means nothing: no result or goal, a level or milestone
    (reached or not: the status says it), a goal of zero ("không để học sinh bỏ học")."""
    evaluation, target = item.evaluation, item.target
    value, goal = evaluation.value, evaluation.goal
    if value is None or goal is None or target.indicator.kind in (IndicatorKind.LEVEL, IndicatorKind.MILESTONE):
        return None
    if target.comparator == Comparator.ACHIEVE:
        return None
    lower = target.comparator == Comparator.LTE or (target.comparator == Comparator.EQ and goal == 0)
    if goal <= 0 or value < 0:
        return None
    if lower:
        return Decimal(100) if value <= goal else goal / value * 100
    return min(Decimal(100), value / goal * 100)


def unit_sections(unit, document, period):
    """{field: text} of what the unit wrote itself in this report (ReportSections), empty if nothing."""
    saved = ReportSections.objects.filter(unit=unit, document=document, period=period).first()
    return saved.texts() if saved else {}


def own_section_blocks(content):
    """[(label, text)] of the unit's own sections that say something, in the report's order."""
    return [(label, content.own_sections[name]) for name, label in ReportSections.FIELDS
            if content.own_sections.get(name)]


def school_narratives(unit, period):
    """The narrative parts of the approved reports of the schools under the unit, by school."""
    reports = (SchoolReport.objects.in_subtree(unit).for_period(period).filter(status=ReportStatus.APPROVED)
               .select_related("school").order_by("school__path"))
    return [Narrative(r.school.name, r.highlights, r.difficulties, r.proposals) for r in reports
            if r.highlights or r.difficulties or r.proposals]


def raw_values(statuses, period, roots):
    """The figures behind the table: one row per unit, indicator and period, from the same units as the
    table (the subtree and its predecessors', `roots`) and the values it reads (those of no target,
    and those entered for these targets), of the period each target's figure is from: the chosen period's, and
    an earlier one's for a target judged on an earlier figure (nothing yet, or too little, for the chosen period;
    until 28/11/2026 the sheet listed the chosen period's only, empty while the table showed earlier figures)."""
    by_period = {period.pk: (period, [])}
    for status in statuses:
        chosen = status.figure_from or period
        by_period.setdefault(chosen.pk, (chosen, []))[1].append(status.target)
    rows = []
    for each, targets in sorted(by_period.values(), key=lambda item: (item[0].pk != period.pk, -item[0].end.toordinal())):
        if targets:
            rows += _raw_rows(targets, each, _under(roots, each))
    return rows


def _under(roots, period=None):
    """The values under `roots`, less, for `period`, those its lineage leaves out (a merged ward's that sent its own
    report for it: targets/lineage.py), as the table's figures leave them out."""
    where = Q(pk__in=[])
    for root in roots:
        where |= Q(unit__path__startswith=root.path)
    for path in getattr(roots, "apart", {}).get(period.pk, ()) if period is not None else ():
        where &= ~Q(unit__path__startswith=path)
    return where


def _raw_rows(targets, period, where, *, chunk_size=None):
    """raw_values' rows of the values `where` holds, in the order of the units' paths; read in chunks of
    `chunk_size` rows as they are consumed (a server-side cursor on PostgreSQL) when it is given."""
    values = (_raw_query(targets, period, where).order_by("unit__path", "indicator__name")
              .values_list("unit__name", "unit__code", "indicator__name", "numerator", "denominator", "value",
                           "achieved"))
    effective, period_name = ProgressValue.effective, period.name
    for unit_name, unit_code, indicator, numerator, denominator, value, achieved in (
            values.iterator(chunk_size=chunk_size) if chunk_size else values):
        yield {"unit": unit_name, "unit_code": unit_code, "indicator": indicator, "period": period_name,
               "numerator": _float(numerator), "denominator": _float(denominator),
               "value": _float(effective(numerator, denominator, value, achieved))}


def streams_raw_values(unit):
    """Whether the unit's report lists its figures behind the table province by province, read while the workbook
    is written, instead of carrying them in its content: the country's (some 3 million values a semester, three
    times what an Excel sheet holds, and far more than a content should carry in memory or as JSON)."""
    return unit.kind == UnitKind.CENTRAL


RAW_CHUNK = 5000  # rows read at a time when the figures behind the table are streamed


def raw_value_sheets(unit, document, period):
    """The figures behind the table of `unit`'s report (streams_raw_values) by the provinces below it: [(name,
    rows)], each province's rows (raw_values' rows of its subtree and its predecessors') read only as they are
    consumed, in chunks; first, under the unit's own name, those of its units outside every province (the central
    bodies' own figures), if any. The targets are the plan's, as its report evaluates them; the values are the chosen
    period's only (raw_values, which a province's content carries, also lists an earlier period's values for the
    targets judged on them: at the country's size that would take the evaluation's periods here too)."""
    from units.models import Unit

    targets = _judged(plan_targets([document])[document.pk])
    provinces = list(Unit.objects.current().filter(parent=unit, kind=UnitKind.PROVINCE).with_lineage_mark()
                     .order_by("name"))
    roots = subtree_roots(provinces)
    outside = _under(subtree_roots([unit])[unit.pk])
    for province in provinces:
        outside &= ~_under(roots[province.pk])
    sheets = [(unit.short_name or unit.name, outside)] if _raw_query(targets, period, outside).exists() else []
    sheets += [(province.short_name or province.name, _under(roots[province.pk])) for province in provinces]
    return [(name, _raw_rows(targets, period, where, chunk_size=RAW_CHUNK)) for name, where in sheets]


def _raw_query(targets, period, where):
    """The values raw_values lists: of no target, or entered for one of `targets`, of their indicators."""
    return (ProgressValue.objects.filter(where, Q(target__isnull=True) | Q(target__in=[t.pk for t in targets]))
            .for_period(period).filter(indicator_id__in={t.indicator_id for t in targets}))


def _recipients(unit, *, below="", departments=None):
    """ "Nơi nhận": the level above and the Sở GD&ĐT (a commune's: to report to; a province's own: for information),
    the unit's leaders, the archive; a consolidation also goes back to the units it took (`below`: their name, "xã,
    phường"). `departments`: _departments() of several units, read once for all of them."""
    if unit.kind == UnitKind.CENTRAL:
        above = ["Chính phủ, Thủ tướng Chính phủ (để báo cáo);"]
    elif not unit.parent_id:
        above = []
    elif unit.parent.kind == UnitKind.CENTRAL:
        above = ["Bộ Giáo dục và Đào tạo (để báo cáo);"]
    else:
        name = unit.parent.name
        territorial = unit.parent.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE) and not name.lower().startswith("ủy ban")
        above = [f"{'UBND ' + name if territorial else name} (để báo cáo);"]
    departments = _departments([unit]) if departments is None else departments
    department = departments.get(_province_of(unit))
    # a commune reports to its province's Sở GD&ĐT; a province's People's Committee does not report to its own
    # department, which has it for information (until 28/11/2026 a city's reports went to its Sở "để báo cáo")
    purpose = "để biết" if unit.kind == UnitKind.PROVINCE else "để báo cáo"
    return [*above, *([f"{department.name} ({purpose});"] if department else []),
            *([f"UBND các {below};"] if below else []), "Lãnh đạo đơn vị;", "Lưu: VT."]


def _province_of(unit):
    """The province whose Sở GD&ĐT a unit's report goes to: a commune's, or the province itself; else None."""
    if unit.kind == UnitKind.PROVINCE:
        return unit.pk
    return unit.parent_id if unit.kind == UnitKind.COMMUNE else None


def _departments(units):
    """{province id: its Sở GD&ĐT (the first)} for the units' reports (_province_of): one query, none if no unit
    reports to one."""
    from units.models import Unit

    provinces = {_province_of(unit) for unit in units} - {None}
    if not provinces:
        return {}
    found = {}
    for department in (Unit.objects.current().filter(parent_id__in=provinces, kind=UnitKind.DEPARTMENT,
                                                      name__istartswith="Sở Giáo dục").order_by("pk")):
        found.setdefault(department.parent_id, department)
    return found


# how the title of the body's deputy head begins ("Phó Chủ tịch UBND phường", "PCT UBND xã"), by kind of body
_DEPUTY_TITLES = {"school": ("phó hiệu trưởng", "pht "), "party": ("phó bí thư",), "committee": ("phó chủ tịch", "pct "),
                  "ministry": ("thứ trưởng",)}


def _signer_title(unit, position=""):
    """The lines above the signer's name (Decree 30/2020/NĐ-CP; the Party's Instruction 36-HD/VPTW): the head
    signs for the body ("TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"); a deputy head of that body, as their `position`
    (their title in the portal) says it begins ("Phó Chủ tịch UBND phường"; not "Phó Bí thư Đảng ủy, Chủ tịch
    UBND phường", the chairman), signs in the head's place ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"), or in a Party
    committee for its standing committee with their own title ("PHÓ BÍ THƯ")."""
    body = ("school" if unit.kind == UnitKind.SCHOOL else "ministry" if unit.kind == UnitKind.CENTRAL
            else "party" if unit.is_party_body else "committee")
    title = unicodedata.normalize("NFC", position or "").strip().casefold() + " "
    deputy = title.startswith(_DEPUTY_TITLES[body])
    if body == "ministry":  # the country's report, the Ministry's: its minister, or a deputy minister in their place
        return ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"] if deputy else ["BỘ TRƯỞNG"]
    if unit.kind == UnitKind.SCHOOL:
        return ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"] if deputy else ["HIỆU TRƯỞNG"]
    if unit.is_party_body:
        return ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ" if deputy else "BÍ THƯ"]
    return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if deputy else ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def signer_title(unit, user):
    """The signature block's lines for `user` approving `unit`'s report as its leader: by their title there
    (_signer_title), read from the memberships loaded with the user."""
    from units import access
    from units.models import Role

    position = next((m.title for m in access.memberships(user)
                     if m.unit_id == unit.pk and m.role == Role.LEADER and m.title), "")
    return _signer_title(unit, position)


def _leader(unit):
    """(name, title) of the unit's leader as the signature block prints them (("", "") without one)."""
    return _leaders([unit]).get(unit.pk, ("", ""))


def _leaders(units):
    """{unit id: (name, title)} of the units' leaders in the portal (the first of each): one query."""
    from units.models import Membership, Role

    found = {}
    for leader in (Membership.objects.active().filter(unit__in=units, role=Role.LEADER).select_related("user")
                   .order_by("pk")):
        found.setdefault(leader.unit_id, (leader.user.get_full_name(), leader.title))
    return found


def _reporting_rates(units, period):
    """{unit id: reporting rate} as queries.reporting_rate counts it (a school has none), the units below one
    parent in one grouped count (queries.state_counts_by_child); a unit without a parent, by itself."""
    counts, parents = {}, {}
    for unit in units:
        if unit.kind != UnitKind.SCHOOL and unit.parent_id:
            parents.setdefault(unit.parent_id, unit.parent)
    for parent in parents.values():
        counts.update(queries.state_counts_by_child(parent, period))
    rates = {}
    for unit in units:
        if unit.kind == UnitKind.SCHOOL:
            rates[unit.pk] = queries.ReportingRate(0, 0)
        elif unit.parent_id:
            rates[unit.pk] = counts.get(unit.pk, queries.StateCounts()).rate
        else:
            rates[unit.pk] = queries.reporting_rate(unit, period)
    return rates


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

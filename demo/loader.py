"""Load the demo data: units, documents, the three sample plans, periods, people and progress.

Idempotent: every row is found by its natural key and created only when missing, so a second run
changes nothing and never overwrites what a user changed in the portal.
"""

import json
import random
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from importer import gold
from importer.gold import horizon_deadline, to_decimal
from periods.models import Period, PeriodKind
from plans.models import Document, DocumentStatus, Phase, Task, TaskGroup
from reports.actions import write_report_values
from reports.catalogue import ensure_report_items, link_indicators
from reports.models import ReportStatus, SchoolReport, SchoolReportEntry
from targets.actions import record_target_revisions
from targets.models import (
    Indicator,
    IndicatorKind,
    ProgressValue,
    Target,
    TargetHorizon,
    TargetResponsibility,
    ValueKind,
    ValueSource,
)
from units.models import Membership, Unit, UnitSuccession

from . import targets as T
from . import units as U

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
GOLD_DIR = SEED_DIR / "gold"

DEMO_SCHOOL_YEARS = ["2024-2025", "2025-2026"]
ALL_SCHOOL_YEARS = ["2024-2025", "2025-2026", "2026-2027"]


@dataclass
class Tally:
    """How many rows of each kind the run created (a second run creates none)."""

    created: dict = field(default_factory=dict)

    def add(self, label, created):
        if created:
            self.created[label] = self.created.get(label, 0) + 1

    @property
    def total(self):
        return sum(self.created.values())


def ensure(tally, model, lookup, defaults=None):
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults or {})
    tally.add(model._meta.verbose_name_plural, created)
    return obj


def load_gold(key):
    return json.loads((GOLD_DIR / f"{key}.json").read_text(encoding="utf-8"))


def load_tasks():
    return json.loads((SEED_DIR / "tasks.json").read_text(encoding="utf-8"))


@transaction.atomic
def seed_demo(*, with_progress=True):
    tally = Tally()
    units = seed_units(tally)
    documents = seed_documents(tally, units)
    indicators = seed_indicators(tally)
    link_indicators(indicators)
    nq71_targets = seed_nq71_targets(tally, documents["NQ71"], indicators)
    plans = {}
    for spec in U.PLANS:
        plans[spec["key"]] = seed_plan(tally, spec, units, documents, indicators, nq71_targets)
    # a target seeded now starts its history as one created in the admin or imported does
    seeded = Target.objects.filter(document__in=[documents["NQ71"], *plans.values()], revisions__isnull=True)
    record_target_revisions(targets=list(seeded), by=None, reason="Dữ liệu minh họa.")
    periods = seed_periods(tally)
    seed_users(tally, units)
    if with_progress:
        seed_progress(tally, units, indicators, plans, periods)
    return tally


def seed_units(tally):
    units = {}
    for code, parent_code, kind, name, short_name, extra in U.UNITS:
        extra = dict(extra)
        invented = extra.pop("invented", False)
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                parent=units.get(parent_code),
                is_demo=True,
                note="Trường/đơn vị bổ sung cho dữ liệu minh họa." if invented else "",
                **extra,
            )
            unit.place()
            unit.full_clean()
            unit.save()
            tally.add("đơn vị", True)
        units[code] = unit
    for old, new, kind in U.SUCCESSIONS:
        ensure(
            tally,
            UnitSuccession,
            {"predecessor": units[old], "successor": units[new]},
            {"kind": kind, "effective_on": U.REFORM_DAY, "legal_basis": U.SUCCESSION_BASIS},
        )
    return units


def seed_documents(tally, units):
    documents = {}
    for key, doc_type, number, issuer, issuer_name, issued_on, title, extra in U.DOCUMENTS:
        extra = dict(extra)
        implements = extra.pop("implements")
        doc = ensure(
            tally,
            Document,
            {"issuer": units[issuer], "number": number},
            {
                "doc_type": doc_type,
                "issuer_name": issuer_name,
                "issued_on": issued_on,
                "title": title,
                "status": DocumentStatus.IN_FORCE,
                "is_demo": True,
                **extra,
            },
        )
        documents[key] = doc
        if not doc.implements.exists() and implements:
            doc.implements.set([documents[k] for k in implements])
    return documents


def seed_indicators(tally):
    indicators = {}
    for code, (name, kind, unit_label, category, aggregation, num, den, levels) in T.INDICATORS.items():
        indicators[code] = ensure(
            tally,
            Indicator,
            {"code": code},
            {
                "name": name,
                "kind": kind,
                "unit_label": unit_label,
                "category": category,
                "aggregation": aggregation,
                "numerator_label": num,
                "denominator_label": den,
                "school_levels": levels,
            },
        )
    return indicators


def indicator_for_gold(tally, target, indicators):
    """The catalogue indicator the annotation's target measures, or one made from its own name."""
    code = T.GOLD_INDICATOR.get(target["id"])
    if code:
        return indicators[code]
    code = gold.indicator_code(target)
    fields = gold.indicator_fields(target, percent_is_rate=target["id"] not in T.NON_RATIO_PERCENT)
    indicator = ensure(tally, Indicator, {"code": code}, fields)
    indicators[code] = indicator
    return indicator


def seed_nq71_targets(tally, document, indicators):
    targets = {}
    for order, (ref, code, text, comparator, horizons, category, part_of) in enumerate(
        T.NQ71_TARGETS, start=1
    ):
        target = ensure(
            tally,
            Target,
            {"document": document, "ref": ref},
            {
                "indicator": indicators[code],
                "order": order,
                "text": text,
                "category": category,
                "comparator": comparator,
                "scope_text": "Toàn quốc",
                "part_of": targets.get(part_of),
                "section": "II. Mục tiêu",
                "note": "Theo tóm tắt các mục tiêu của Nghị quyết trong tài liệu nghiệp vụ.",
            },
        )
        targets[ref] = target
        for label, value, value_max, floor in horizons:
            ensure(
                tally,
                TargetHorizon,
                {"target": target, "label": label},
                {
                    "deadline": horizon_deadline(label),
                    "value": to_decimal(value),
                    "value_max": to_decimal(value_max),
                    "floor_value": to_decimal(floor),
                },
            )
    return targets


def seed_plan(tally, spec, units, documents, indicators, nq71_targets):
    gold = load_gold(spec["key"])
    issuer = units[spec["issuer"]]
    document = ensure(
        tally,
        Document,
        {"issuer": issuer, "title": gold["title"]},
        {
            "doc_type": spec["doc_type"],
            "number": spec["number"],
            "issuer_name": spec["issuer_name"],
            "issued_on": spec["issued_on"],
            "issued_year": spec["issued_year"],
            "place": spec["place"],
            "signer_title": spec["signer_title"],
            "signer_name": spec["signer_name"],
            "recipients": spec["recipients"],
            "start_year": spec["start_year"],
            "end_year": spec["end_year"],
            "status": DocumentStatus.IN_FORCE,
            "source_file": f"{spec['key']}.txt",
            "is_public": True,
            "is_demo": True,
        },
    )
    if not document.implements.exists():
        document.implements.set([documents[k] for k in spec["implements"]])

    lead = units[T.TARGET_LEAD[spec["key"]]]
    by_ref = {}
    rows = [(t, False) for t in gold["targets"]] + [(t, True) for t in gold.get("projections", [])]
    for order, (row, is_projection) in enumerate(rows, start=1):
        target = seed_gold_target(tally, document, row, order, is_projection, indicators, units, nq71_targets)
        by_ref[row["id"]] = target
        if not is_projection:
            ensure(tally, TargetResponsibility, {"target": target, "unit": lead}, {"role": "lead"})
    for part, whole in T.PART_OF.items():
        if part in by_ref and by_ref[part].part_of_id is None:
            by_ref[part].part_of = by_ref[whole]
            by_ref[part].save(update_fields=["part_of"])
    seed_tasks(tally, document, spec["key"], units)
    return document


def seed_gold_target(tally, document, row, order, is_projection, indicators, units, nq71_targets):
    indicator = indicator_for_gold(tally, row, indicators)
    growth_year = T.GROWTH_TARGETS.get(row["id"])
    target = ensure(
        tally,
        Target,
        {"document": document, "ref": row["id"]},
        {
            **gold.target_fields(row),
            "indicator": indicator,
            "order": order,
            "value_kind": ValueKind.GROWTH if growth_year else ValueKind.ABSOLUTE,
            "baseline_year": growth_year,
            "each_unit": row["id"] in T.EACH_UNIT_TARGETS,
            "is_projection": is_projection,
            "parent": nq71_targets.get(T.PARENT_TARGET.get(row["id"])),
        },
    )
    horizon = gold.horizon_fields(row)
    ensure(tally, TargetHorizon, {"target": target, "label": horizon.pop("label")}, horizon)
    scope_code = T.SCOPE_UNIT_BY_NAME.get(row.get("scope") or "")
    if scope_code and not target.scope_units.exists():
        target.scope_units.add(units[scope_code])
    return target


def seed_tasks(tally, document, key, units):
    data = load_tasks()[key]
    phases = {}
    for order, spec in enumerate(data.get("phases", []), start=1):
        phases[spec["name"]] = ensure(
            tally,
            Phase,
            {"document": document, "name": spec["name"]},
            {
                "start_year": spec["start_year"],
                "end_year": spec["end_year"],
                "order": order,
            },
        )
    schools_of = {
        placeholder: [u for u in units.values() if u.kind == "school" and u.parent_id == units[ward].pk]
        for placeholder, ward in (("KM-SCHOOLS", "KM"), ("DK-SCHOOLS", "DK"))
    }
    for g_order, spec in enumerate(data["groups"], start=1):
        group = ensure(
            tally,
            TaskGroup,
            {"document": document, "number": spec["number"], "title": spec["title"][:500]},
            {"kind": spec["kind"], "order": g_order},
        )
        for t_order, task_spec in enumerate(spec["tasks"], start=1):
            lead_code = task_spec.get("lead")
            lead_unit = units.get(lead_code) if lead_code not in schools_of else None
            task, created = Task.objects.get_or_create(
                document=document,
                group=group,
                order=t_order,
                defaults={
                    "number": task_spec.get("number") or "",
                    "text": task_spec["text"],
                    "lead_unit": lead_unit,
                    "lead_text": (task_spec.get("lead_text") or "")[:255],
                    "phase": phases.get(task_spec.get("phase")),
                    "due_date": date(task_spec["due_year"], 12, 31) if task_spec.get("due_year") else None,
                },
            )
            tally.add("nhiệm vụ", created)
            if created:
                coordinating = []
                for code in task_spec.get("coordinating", []) + (
                    [lead_code] if lead_code in schools_of else []
                ):
                    coordinating += schools_of.get(code) or ([units[code]] if code in units else [])
                task.coordinating_units.set(coordinating)


def seed_periods(tally):
    periods = {}
    for school_year in ALL_SCHOOL_YEARS:
        first, second = int(school_year[:4]), int(school_year[-4:])
        specs = [
            (
                f"{school_year}-hk1",
                PeriodKind.SEMESTER_1,
                date(first, 9, 5),
                date(second, 1, 15),
                date(second, 1, 25),
            ),
            (
                f"{school_year}-hk2",
                PeriodKind.SEMESTER_2,
                date(second, 1, 16),
                date(second, 5, 31),
                date(second, 6, 10),
            ),
            (
                f"{school_year}-nh",
                PeriodKind.SCHOOL_YEAR,
                date(first, 9, 5),
                date(second, 5, 31),
                date(second, 6, 20),
            ),
        ]
        for code, kind, start, end, deadline in specs:
            periods[code] = ensure(
                tally,
                Period,
                {"code": code},
                {
                    "kind": kind,
                    "school_year": school_year,
                    "start": start,
                    "end": end,
                    "deadline": deadline,
                },
            )
    for year in (2025, 2026):
        periods[f"{year}-6t"] = ensure(
            tally,
            Period,
            {"code": f"{year}-6t"},
            {
                "kind": PeriodKind.HALF_YEAR,
                "year": year,
                "start": date(year, 1, 1),
                "end": date(year, 6, 30),
                "deadline": date(year, 6, 20),
            },
        )
        periods[f"{year}"] = ensure(
            tally,
            Period,
            {"code": f"{year}"},
            {
                "kind": PeriodKind.YEAR,
                "year": year,
                "start": date(year, 1, 1),
                "end": date(year, 12, 31),
                "deadline": date(year, 12, 15),
            },
        )
    return periods


def seed_users(tally, units):
    User = get_user_model()
    users = {}
    for username, full_name, unit_code, role, title in U.USERS:
        # Django shows first_name + last_name: keep the Vietnamese order (family, middle, given name).
        family, _, given = full_name.rpartition(" ")
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=family,
                last_name=given,
                email=f"{username}@example.vn",
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            user.set_password(U.DEMO_PASSWORD)
            user.save()
            tally.add("người dùng", True)
        ensure(tally, Membership, {"user": user, "unit": units[unit_code], "role": role}, {"title": title})
        users[username] = user
    return users


# ---- progress -------------------------------------------------------------------------------------


def _rng(*key):
    return random.Random(zlib.crc32("|".join(map(str, key)).encode()))


def seed_progress(tally, units, indicators, plans, periods):
    """Two school years of invented but plausible figures, marked as demo data.

    Each school files an approved report every semester with raw counts (teachers, trained teachers,
    pupils…); approval turns them into progress values as in the real workflow, so a ward's rate is
    the sum of numerators over the sum of denominators. Ward-level figures (enrolment of the age
    group, trained labour…) are entered each school year; for 2024-2025 in Dương Kinh they stand under
    the former wards it was merged from.
    """
    items = ensure_report_items()
    schools = [u for u in units.values() if u.kind == "school"]
    semesters = [periods[f"{sy}-hk{n}"] for sy in DEMO_SCHOOL_YEARS for n in (1, 2)]
    for school in schools:
        applicable = [item for item in items.values() if item.applies_to(school)]
        for step, period in enumerate(semesters):
            report, created = SchoolReport.objects.get_or_create(school=school, period=period, defaults={
                "status": ReportStatus.APPROVED, "highlights": DEMO_NARRATIVE["highlights"],
                "difficulties": DEMO_NARRATIVE["difficulties"], "proposals": DEMO_NARRATIVE["proposals"],
                "submitted_at": timezone.make_aware(datetime.combine(period.deadline, time(9))),
                "reviewed_at": timezone.make_aware(datetime.combine(period.deadline, time(15))),
            })
            tally.add("báo cáo của trường", created)
            if not created:
                continue
            figures = _school_figures(school, step, period)
            SchoolReportEntry.objects.bulk_create(
                SchoolReportEntry(report=report, item=item, value=to_decimal(figures[item.code])) for item in applicable
            )
            write_report_values(report, is_demo=True)
            report.approved_snapshot = {code: str(figures[code]) for code in (i.code for i in applicable)}
            report.save(update_fields=["approved_snapshot"])

    ward_targets = Target.objects.filter(document__in=plans.values(), is_projection=False).select_related("indicator")
    ward_indicators = {t.indicator for t in ward_targets if not t.indicator.collected_from_schools}
    yearly = [periods[f"{sy}-nh"] for sy in DEMO_SCHOOL_YEARS]
    for ward_code in ("KM", "DK", "NDN"):
        ward = units[ward_code]
        for step, period in enumerate(yearly):
            reporters = [ward]
            if ward_code == "DK" and period.school_year == "2024-2025":
                reporters = [units[c] for c in ("P-HAITHANH", "P-TANTHANH", "P-HOANGHIA")]
            for indicator in ward_indicators:
                for reporter in reporters:
                    values = _ward_value(indicator, reporter, step, len(reporters))
                    if values is not None:
                        _ensure_value(tally, indicator, reporter, period, values)


DEMO_NARRATIVE = {
    "highlights": "Hoàn thành kế hoạch bồi dưỡng chuyển đổi số cho giáo viên; duy trì sĩ số, không có học sinh "
                  "bỏ học; tổ chức tốt các hoạt động trải nghiệm. (Dữ liệu minh họa)",
    "difficulties": "Thiết bị dạy học số còn thiếu ở một số lớp; đường truyền Internet chưa ổn định. (Dữ liệu minh họa)",
    "proposals": "Đề nghị phường hỗ trợ kinh phí trang bị phòng học thông minh. (Dữ liệu minh họa)",
}

NATIONAL_STANDARD_LEVEL = {"DK-MN-TANTHANH": 1, "DK-TH-HAITHANH": 2, "DK-THCS-HAITHANH": 1, "NDN-TH-HIENTHANH": 1,
                           "KM-MN-ANLUU": 2, "KM-TH-ANLUU": 2, "KM-THCS-ANLUU": 2, "KM-MN-HIEPAN": 1,
                           "KM-TH-HIEPAN": 1, "KM-THCS-HIEPAN": 1}
ACCREDITATION_LEVEL = {"DK-MN-TANTHANH": 2, "DK-TH-HAITHANH": 3, "DK-THCS-HAITHANH": 2}


def _school_figures(school, step, period):
    """Consistent raw figures for one school and semester, improving over the four demo semesters."""
    rng = _rng("figures", school.code, period.code)
    size = _rng("size", school.code)
    progress = (step + 1) / 4
    per_level = {"mn": size.randint(280, 420), "th": size.randint(600, 950), "thcs": size.randint(550, 900)}
    pupils = sum(per_level[level] for level in school.levels)
    teachers = max(18, pupils // 22) + size.randint(0, 6)
    managers = 3 if len(school.levels) == 1 else 4
    staff = teachers + managers + size.randint(5, 10)

    def share(low, high, of):
        return int(round(of * min(1.0, low + (high - low) * progress + rng.uniform(-0.03, 0.03))))

    standard = share(0.93, 0.99, teachers)
    classes = max(8, pupils // (30 if school.levels != ["mn"] else 25))
    grade5 = per_level["th"] // 5 if "th" in school.levels else 0
    grade9 = per_level["thcs"] // 4 if "thcs" in school.levels else 0
    return {
        "so-cbgvnv": staff, "so-cbgvnv-quan-triet": share(0.6, 1.0, staff), "so-cbql-gv": teachers + managers,
        "so-gv": teachers, "so-gv-dat-chuan": standard, "so-gv-tren-chuan": min(standard, share(0.25, 0.45, teachers)),
        "so-cbql-gv-boi-duong-cds": share(0.45, 0.93, teachers + managers), "so-gv-tap-huan-ai": share(0.15, 0.7, teachers),
        "so-cbql-gv-ung-dung-ai": share(0.1, 0.6, teachers + managers),
        "so-gv-boi-duong-nang-luc-so": share(0.35, 0.85, teachers),
        "so-hs": pupils, "so-hs-bo-hoc": rng.choice([0, 0, 0, 1, 2] if step < 2 else [0, 0, 0, 1]),
        "so-hs-2-buoi": share(0.88, 1.0, pupils), "so-hs-ngoai-khoa": share(0.30, 0.42, pupils),
        "so-tre-suy-dinh-duong": int(pupils * rng.uniform(0.018, 0.032) * (1.1 - 0.35 * progress)),
        "so-hs-hoan-thanh-th": share(0.985, 1.0, per_level["th"]) if "th" in school.levels else 0,
        "so-hs-lop5": grade5, "so-hs-lop5-vao-lop6": share(0.99, 1.0, grade5),
        "so-hs-lop9": grade9, "so-hs-lop9-hoan-thanh": share(0.975, 1.0, grade9),
        "so-lop": classes, "so-lop-2-buoi": share(0.85, 1.0, classes),
        "so-phong-hoc-thong-minh": int(progress * 2 + rng.random()),
        "ket-noi-internet": 1, "thiet-bi-day-hoc-so": int(rng.random() < 0.35 + 0.55 * progress),
        "ung-dung-ai": int(rng.random() < 0.25 + 0.6 * progress), "phan-mem-quan-tri": int(step > 0 or rng.random() < 0.7),
        "muc-chuan-quoc-gia": NATIONAL_STANDARD_LEVEL.get(school.code, 0),
        "cap-do-kiem-dinh": ACCREDITATION_LEVEL.get(school.code, 1),
        "so-vu-bao-luc": rng.choice([0, 0, 0, 0, 1]) if step < 2 else 0,
    }


WARD_RATES = {
    # indicator name fragment -> (start share, end share, population)
    "nhà trẻ": (0.42, 0.55, 600),
    "mẫu giáo": (0.975, 0.99, 1200),
    "hoàn thành cấp THPT": (0.88, 0.92, 900),
    "lao động qua đào tạo": (0.82, 0.87, 9000),
    "bằng cấp, chứng chỉ": (0.38, 0.44, 9000),
    "khuyết tật": (0.6, 0.75, 20),
    "6 tuổi vào lớp 1": (0.99, 1.0, 450),
    "quán triệt": (0.7, 0.96, 400),
    "dịch vụ công": (0.6, 0.85, 40),
    "trong độ tuổi": (0.985, 0.995, 3000),
    "hoàn cảnh khó khăn": (0.9, 0.97, 60),
    "vào lớp 10": (0.78, 0.82, 500),
    "vào các loại hình": (0.97, 0.99, 500),
    "thanh thiếu niên": (0.95, 0.98, 1800),
    "đạt mức độ 2 về chuyển đổi số": (0.5, 0.75, 4),
    "bảo đảm chất lượng": (0.6, 0.7, 8),
}


def _ward_value(indicator, reporter, step, n_reporters):
    rng = _rng("ward", indicator.code, reporter.code, step)
    kind = indicator.kind
    if kind == IndicatorKind.RATE:
        for fragment, (low, high, population) in WARD_RATES.items():
            if fragment in indicator.name:
                base = max(2, population // n_reporters)
                share = min(1.0, low + (high - low) * step + rng.uniform(-0.01, 0.01))
                return {"numerator": int(base * share), "denominator": base}
        return None
    if kind == IndicatorKind.MILESTONE:
        return {"achieved": False}
    if kind == IndicatorKind.LEVEL:
        return {"value": 3 if "phổ cập" in indicator.name.lower() else 2}
    if kind == IndicatorKind.INDEX and "HDI" in indicator.name:
        return {"value": Decimal("0.80") + Decimal(step) / 100}
    if kind == IndicatorKind.COUNT and "thiếu" in indicator.name:
        return {"value": 3 - step}
    return None


def _ensure_value(tally, indicator, unit, period, values):
    values = {k: (to_decimal(v) if k != "achieved" else v) for k, v in values.items()}
    ensure(
        tally,
        ProgressValue,
        {"indicator": indicator, "unit": unit, "period": period, "target": None},
        {
            **values,
            "source": ValueSource.DEMO,
            "is_demo": True,
            "note": "Số liệu minh họa.",
        },
    )

"""One dataset, built at any size, for the query-growth crawler (tests/test_query_growth_crawl.py).

At `n=1`: a province with its Sở, 2 wards of 2 schools each, a plan per level (the city's, each ward's, the first
school's) with a few targets of every shape, values for 2 periods, school reports in each state, tasks with
updates, evidence, notifications, outgoing reports, builds, plan imports and history rows. At `n=3`: 3× the wards,
3× the schools per ward, 3× the targets and tasks, 3× the periods, the history rows and notifications.

`build_dataset(n)` returns the objects by role ("the first ward", "the first school's report"...), the same roles
at every size, so that a page can be asked for the same thing in both datasets.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from importer import matching
from importer.extraction import extract_plan
from plans.models import (
    DocumentRevision,
    Phase,
    PlanImport,
    PlanImportStatus,
    Task,
    TaskGroup,
    TaskStatus,
    TaskUpdate,
)
from reports.content import build_report_content
from reports.models import (
    BuildState,
    Notification,
    NotificationKind,
    OutgoingReport,
    OutgoingReportEvent,
    OutgoingStatus,
    ReportBuild,
    ReportEvent,
    ReportItem,
    ReportStatus,
    SchoolReport,
    SchoolReportAttachment,
    SchoolReportEntry,
)
from reports.views_notifications import SHOWN as NOTIFICATIONS_SHOWN
from targets.actions import save_progress_value
from targets.models import (
    Evidence,
    ProgressValue,
    ProgressValueChange,
    Target,
    TargetHorizon,
    TargetResponsibility,
    TargetRevision,
    ValueSource,
)
from tests import evidence_files
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit, make_user
from units.models import AdminEvent, UnitSuccession
from units.views_units import EVENTS_SHOWN

LEVELS = [["th"], ["mn"], ["thcs"], ["th", "thcs"]]
STATES = [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED, ReportStatus.DRAFT]
OUTGOING_STATES = [OutgoingStatus.SENT, OutgoingStatus.PREPARED, OutgoingStatus.ACKNOWLEDGED, OutgoingStatus.RETURNED]


def _periods(n, today):
    """2n semesters, the last one in progress today (entry open), the others before it, newest last."""
    periods = []
    for back in range(2 * n - 1, -1, -1):
        start = today - timedelta(days=30 + 182 * back)
        end = start + timedelta(days=90)
        first = start.year if start.month >= 8 else start.year - 1
        kind = "semester_1" if start.month >= 8 or start.month == 1 else "semester_2"
        periods.append(make_period(code=f"ky-{back}", kind=kind, school_year=f"{first}-{first + 1}", start=start,
                                   end=end, deadline=end + timedelta(days=10)))
    return periods


def _tree(n):
    vn = make_unit("VN", "Trung ương", "central")
    hp = make_unit("HP", "Thành phố Hải Phòng", "province", vn, place_name="Hải Phòng")
    sgd = make_unit("HP-SGDDT", "Sở Giáo dục và Đào tạo Hải Phòng", "department", hp)
    wards, schools = [], {}
    for w in range(2 * n):
        ward = make_unit(f"P{w}", f"Phường Số {w + 1}", "commune", hp, valid_from=date(2025, 7, 1))
        make_unit(f"P{w}-VHXH", f"Phòng Văn hóa - Xã hội phường Số {w + 1}", "commune_office", ward)
        wards.append(ward)
        schools[ward.pk] = [make_unit(f"P{w}-T{s}", f"Trường Số {s + 1} phường Số {w + 1}", "school", ward,
                                      levels=LEVELS[s % len(LEVELS)])
                            for s in range(2 * n)]
    return {"VN": vn, "HP": hp, "SGDDT": sgd}, wards, schools


def _personas(hp_units, wards, schools):
    ward, school = wards[0], schools[wards[0].pk][0]
    personas = {
        "principal": make_user("hieutruong", school, "school_staff", first_name="Hà", last_name="Trần Thị"),
        "officer": make_user("canbo", ward, "officer", first_name="An", last_name="Nguyễn Văn"),
        "leader": make_user("lanhdao", ward, "leader", first_name="Bình", last_name="Lê Văn"),
        "ward_admin": make_user("quantri.phuong", ward, "unit_admin"),
        "so_officer": make_user("so.canbo", hp_units["SGDDT"], "reviewer"),
        "so_leader": make_user("so.lanhdao", hp_units["SGDDT"], "leader"),
        "admin": make_user("quantri", is_superuser=True, is_staff=True),
    }
    # the other accounts of the tree: an officer and a leader of every other ward, a principal of every school
    for w, other in enumerate(wards):
        if w:
            make_user(f"canbo.{w}", other, "officer")
            make_user(f"lanhdao.{w}", other, "leader")
        for s, each in enumerate(schools[other.pk]):
            if w or s:
                make_user(f"hieutruong.{w}.{s}", each, "school_staff")
    return personas


def _indicators(n):
    """Per copy k < n: a rate and a count the schools report, a ceiling, and the ward's own index, level and
    milestone. The schools' report items are the same at every size (the first copy's rate and count come from them:
    a report holds as many figures at both sizes); the other copies' school figures are written as values."""
    teachers = ReportItem.objects.create(code="so-gv", label="Tổng số giáo viên", section="Đội ngũ",
                                         levels=["mn", "th", "thcs"])
    trained = ReportItem.objects.create(code="so-gv-bd", label="Số giáo viên được bồi dưỡng", section="Đội ngũ",
                                        levels=["mn", "th", "thcs"])
    rooms = ReportItem.objects.create(code="so-phong", label="Số phòng học thông minh", section="Cơ sở vật chất",
                                      levels=["mn", "th", "thcs"])
    sets = []
    for k in range(n):
        sources = {"numerator_item": trained, "denominator_item": teachers} if k == 0 else {}
        sets.append({
            "rate": make_indicator(f"ty-le-bd-{k}", f"Tỷ lệ giáo viên được bồi dưỡng {k + 1}", "rate", "ratio_of_sums",
                                   "%", category="staff", **sources),
            "count": make_indicator(f"phong-tm-{k}", f"Số phòng học thông minh {k + 1}", "count", "sum", "phòng",
                                    numerator_item=rooms if k == 0 else None, category="digital"),
            "ceiling": make_indicator(f"hs-lop-{k}", f"Sĩ số học sinh một lớp {k + 1}", "count", "every_unit",
                                      "học sinh", category="facilities"),
            "index": make_indicator(f"chi-so-{k}", f"Chỉ số hài lòng {k + 1}", "index", "none", category="quality"),
            "level": make_indicator(f"muc-do-{k}", f"Mức độ phổ cập {k + 1}", "level", "none", "mức độ",
                                    category="quality"),
            "milestone": make_indicator(f"moc-{k}", f"Ban hành kế hoạch chuyển đổi số {k + 1}", "milestone", "none",
                                        category="digital"),
        })
    return sets


def _target(document, indicator, order, value, comparator="gte", *, horizons=None, **extra):
    """A target as tests.factories.make_target makes it, without its validation (which costs a query per constraint,
    most of the time of building the large dataset); the small dataset's are validated (_targets(validate=True))."""
    target = Target.objects.create(document=document, indicator=indicator, order=order, comparator=comparator,
                                   text=f"Phấn đấu đến năm 2030: {indicator.name.lower()}", **extra)
    for label, deadline, h_value, value_max, floor_value in horizons or [("2030", date(2030, 12, 31), value, None, None)]:
        TargetHorizon.objects.create(target=target, label=label, deadline=deadline, value=h_value, value_max=value_max,
                                     floor_value=floor_value)
    return target


def _targets(document, sets, baseline_year, parents=None, first_school=None, validate=False):
    """Every shape per copy: rate at least, full coverage, count, count per unit, at most, index, range, growth,
    level to keep, nested, milestone of a named unit."""
    made = []
    order = 0
    for k, ind in enumerate(sets):
        def add(key, indicator, value, k=k, **extra):
            nonlocal order
            order += 1
            parent = (parents or {}).get((k, key))
            make = make_target if validate else _target
            target = make(document, indicator, order, value, parent=parent, ref=str(order), **extra)
            made.append((k, key, target))
            return target

        rate = add("rate", ind["rate"], Decimal(80), category="staff")
        add("full", ind["rate"], Decimal(100), comparator="eq", category="staff")
        add("count", ind["count"], Decimal(12), category="digital")
        add("each", ind["count"], Decimal(1), each_unit=True, category="digital")
        add("ceiling", ind["ceiling"], Decimal(35), comparator="lte", category="facilities")
        add("index", ind["index"], Decimal("0.82"), category="quality")
        add("range", ind["rate"], None, comparator="range", category="staff",
            horizons=[("2030", date(2030, 12, 31), Decimal(80), Decimal(85), None)])
        add("growth", ind["count"], Decimal(20), value_kind="growth", baseline_year=baseline_year, category="digital")
        add("level", ind["level"], Decimal(3), comparator="maintain", level_label="mức độ", category="quality")
        add("nested", ind["rate"], Decimal(33), part_of=rate, category="staff")
        milestone = add("milestone", ind["milestone"], None, comparator="achieve", category="digital")
        if first_school is not None:
            milestone.scope_units.add(first_school)
    return made


def build_dataset(n, media_root):
    """The dataset at size n (1 or 3); `media_root` receives the evidence files. Returns the objects by role."""
    today = timezone.localdate()
    pdf = evidence_files.pdf()
    periods = _periods(n, today)
    current = periods[-1]
    hp_units, wards, schools = _tree(n)
    ward, school = wards[0], schools[wards[0].pk][0]
    personas = _personas(hp_units, wards, schools)
    officer = personas["officer"]
    sets = _indicators(n)

    city_plan = make_document(hp_units["HP"], "02-CTr/TU", "Chương trình hành động của Thành ủy", doc_type="CTr",
                              is_public=True)
    so_plan = make_document(hp_units["SGDDT"], "3261/KH-SGDĐT", "Kế hoạch của Sở Giáo dục và Đào tạo")
    so_plan.implements.add(city_plan)
    baseline_year = periods[0].end.year  # a growth target's baseline: a year with figures at every size
    city_targets = _targets(city_plan, sets, baseline_year, validate=n == 1)
    parents = {(k, key): target for k, key, target in city_targets}
    _targets(so_plan, sets, baseline_year, parents, validate=n == 1)
    ward_plans, ward_targets = [], {}
    for w, each in enumerate(wards):
        plan = make_document(each, f"{100 + w}/KH-UBND", f"Kế hoạch thực hiện Nghị quyết 71 của phường Số {w + 1}",
                             is_public=True)
        plan.implements.add(city_plan)
        ward_plans.append(plan)
        ward_targets[each.pk] = _targets(plan, sets, baseline_year, parents, first_school=schools[each.pk][0],
                                         validate=n == 1)
    school_plan = make_document(school, "1/KH-THPS1", "Kế hoạch của Trường Số 1")
    school_plan.implements.add(ward_plans[0])
    school_targets = _targets(school_plan, sets[:1], baseline_year, {(k, key): t for k, key, t in ward_targets[ward.pk]})
    for _, _, target in ward_targets[ward.pk]:
        TargetResponsibility.objects.create(target=target, unit=ward.children.get(kind="commune_office"),
                                            role="lead")
    record_revisions(ward_targets[ward.pk], officer, n)
    for step in range(n):
        DocumentRevision.objects.create(document=ward_plans[0], kind="amended", reason=f"Sửa đổi lần {step + 1}",
                                        after={"number": ward_plans[0].number}, created_by=officer)

    # n schools of the first ward merged into its first school as the current period began: their history (the
    # earlier periods' figures and reports) is added up under the first school
    merged = [make_unit(f"P0-CU{m}", f"Trường cũ số {m + 1} phường Số 1", "school", ward, levels=["th"],
                        valid_to=current.start - timedelta(days=1)) for m in range(n)]
    for old in merged:
        UnitSuccession.objects.create(predecessor=old, successor=school, effective_on=current.start,
                                      legal_basis="Quyết định sáp nhập trường")

    # the schools' figures, every period (the merged schools' until they closed): what an approved report writes
    all_schools = [s for w in wards for s in schools[w.pk]]
    rows = []
    for p, period in enumerate(periods):
        for s, each in enumerate(all_schools + (merged if period != current else [])):
            for ind in sets:
                rows.append(ProgressValue(indicator=ind["rate"], unit=each, period=period, numerator=20 + p + s % 5,
                                          denominator=40, source=ValueSource.SCHOOL_REPORT))
                rows.append(ProgressValue(indicator=ind["count"], unit=each, period=period, value=1 + p % 3,
                                          source=ValueSource.SCHOOL_REPORT))
                rows.append(ProgressValue(indicator=ind["ceiling"], unit=each, period=period, value=30 + s % 7,
                                          source=ValueSource.SCHOOL_REPORT))
    ProgressValue.objects.bulk_create(rows)

    # the ward's own figures (index, level, milestone) in every period, saved n times each: history rows
    evidence = []
    for w, each in enumerate(wards):
        for _, key, target in ward_targets[each.pk]:
            if key not in ("index", "level", "milestone"):
                continue
            figures = {"index": {"value": Decimal("0.7")}, "level": {"value": Decimal(2)},
                       "milestone": {"achieved": False}}[key]
            for period in periods[:-1]:  # locked now: written as they were entered then, with their history
                value = ProgressValue.objects.create(indicator=target.indicator, target=target, unit=each,
                                                     period=period, entered_by=officer, version=n, **figures)
                ProgressValueChange.objects.bulk_create(
                    ProgressValueChange(value=value, changed_by=officer, after={"note": f"Ghi chú {step + 1}"})
                    for step in range(n))
            for step in range(n):
                save_progress_value(target=target, period=current, by=officer, expected_version=step,
                                    values={**figures, "status": "in_progress", "note": f"Ghi chú {step + 1}"})
            if w == 0:
                value = ProgressValue.objects.get(target=target, period=current)
                evidence += [Evidence.objects.create(value=value, file=ContentFile(pdf, name="x.pdf"),
                                                     original_name=f"minh-chung-{i}.pdf", size=len(pdf),
                                                     content_type="application/pdf", uploaded_by=officer)
                             for i in range(n)]

    # the schools' reports for the current period, in every state, with their entries and history
    items = list(ReportItem.objects.all())
    reports = []
    for w in wards:
        for s, each in enumerate(schools[w.pk]):
            state = STATES[s % len(STATES)]
            report = SchoolReport.objects.create(school=each, period=current, status=state,
                                                 review_comment="Bổ sung số liệu" if state == ReportStatus.RETURNED
                                                 else "", highlights="Nổi bật")
            SchoolReportEntry.objects.bulk_create(SchoolReportEntry(report=report, item=item, value=10 + i)
                                                  for i, item in enumerate(items))
            ReportEvent.objects.bulk_create(ReportEvent(report=report, action="saved", by=personas["principal"],
                                                        version=i + 1) for i in range(n))
            reports.append(report)
    first_report = reports[0]
    attachments = [SchoolReportAttachment.objects.create(
        report=first_report, file=ContentFile(pdf, name="x.pdf"), original_name=f"bien-ban-{i}.pdf",
        content_type="application/pdf", size=len(pdf), uploaded_by=personas["principal"]) for i in range(n)]
    # the earlier periods' reports, approved
    for period in periods[:-1]:
        SchoolReport.objects.bulk_create(SchoolReport(school=each, period=period, status=ReportStatus.APPROVED)
                                         for each in all_schools + merged)

    # tasks of every plan in n groups and a phase, with their updates (the first with an evidence file); the
    # wards' and the Sở's tasks make the city's concrete, the school's the first ward's
    tasks, parents = [], {}
    for plan in [city_plan, so_plan, *ward_plans, school_plan]:
        groups = [TaskGroup.objects.create(document=plan, number=f"{g + 1}", title=f"Nhóm nhiệm vụ {g + 1}", order=g)
                  for g in range(n)]
        phase = Phase.objects.create(document=plan, name="Giai đoạn 2025-2030", start_year=2025, end_year=2030)
        parent_plan = ward_plans[0] if plan == school_plan else city_plan
        for t in range(3 * n):
            task = Task.objects.create(document=plan, number=str(t + 1), text=f"Nhiệm vụ {t + 1} của {plan.number}",
                                       lead_unit=plan.issuer, order=t, due_date=today + timedelta(days=30 * (t - 1)),
                                       status=TaskStatus.IN_PROGRESS, group=groups[t % n], phase=phase,
                                       parent=parents.get((parent_plan.pk, t)) if plan != city_plan else None)
            parents[(plan.pk, t)] = task
            if plan.issuer.kind == "commune":
                task.coordinating_units.add(*schools[plan.issuer.pk][:2])
            tasks.append(task)
            for u in range(n):
                TaskUpdate.objects.create(task=task, created_by=officer, status_before="not_started",
                                          status="in_progress", note=f"Báo cáo {u + 1}",
                                          evidence=ContentFile(pdf, name="x.pdf") if u == 0 else "",
                                          evidence_name="nv.pdf" if u == 0 else "",
                                          evidence_type="application/pdf" if u == 0 else "")
    ward_tasks = [t for t in tasks if t.document_id == ward_plans[0].pk]

    # builds and reports sent upward: every ward, every period
    snapshot = build_report_content(unit=ward, document=ward_plans[0], period=current).to_json()
    builds, outgoing = [], []
    for w, (each, plan) in enumerate(zip(wards, ward_plans, strict=True)):
        for p, period in enumerate(periods):
            build = ReportBuild.objects.create(unit=each, document=plan, period=period, formats=["xlsx"],
                                               state=BuildState.SUCCEEDED, requested_by=officer)
            builds.append(build)
            report = OutgoingReport.objects.create(
                unit=each, document=plan, period=period, recipient=hp_units["HP"], finalised_by=officer,
                snapshot=snapshot, number=f"{p + 1}/BC-UBND",
                # the first ward's report of the current period was returned: its finalise page opens again
                status=OutgoingStatus.RETURNED if (w, period) == (0, current)
                else OUTGOING_STATES[(w + p) % len(OUTGOING_STATES)])
            OutgoingReportEvent.objects.bulk_create(OutgoingReportEvent(report=report, action="prepared", by=officer,
                                                                        version=i + 1) for i in range(n))
            outgoing.append(report)
    ward_outgoing = next(o for o in outgoing if o.unit_id == ward.pk and o.period_id == current.pk)

    # plan imports under review, read by the importer from a plan of 4n targets and 3n tasks
    text = plan_text(n)
    proposals = extract_plan(text, "ke-hoach.txt")
    matching.suggest_all(proposals, text, officer)
    matching.suggest_task_units(proposals, ward)
    imports = [PlanImport.objects.create(unit=each, uploaded_by=officer, source_name="ke-hoach.txt", text=text,
                                         proposals=proposals, status=PlanImportStatus.REVIEWING)
               for each in wards for _ in range(n)]

    # notifications, read and unread, for every persona; the administration's history
    for user in personas.values():
        Notification.objects.bulk_create(
            Notification(user=user, kind=NotificationKind.REPORT_RECEIVED, title=f"Thông báo {i + 1}",
                         link="/bao-cao/", read_at=timezone.now() if i % 2 else None)
            for i in range(NOTIFICATIONS_SHOWN + 5 * n))  # more than the list shows, at every size
    AdminEvent.objects.bulk_create(AdminEvent(action="account_updated", account=personas["principal"], unit=school,
                                              by=personas["ward_admin"], detail=f"Sửa lần {i + 1}")
                                   for i in range(EVENTS_SHOWN + 5 * n))  # more than the unit list shows
    return {
        "personas": personas, "ward": ward, "school": school, "period": current, "province": hp_units["HP"],
        "sgd": hp_units["SGDDT"], "ward_plan": ward_plans[0], "city_plan": city_plan, "school_plan": school_plan,
        "ward_target": ward_targets[ward.pk][0][2], "city_target": city_targets[0][2],
        "school_target": school_targets[0][2],
        "evidence": evidence[0], "value": evidence[0].value,
        "value_target": evidence[0].value.target, "school_report": first_report, "attachment": attachments[0],
        "build": next(b for b in builds if b.unit_id == ward.pk and b.period_id == current.pk),
        "outgoing": ward_outgoing, "plan_import": next(i for i in imports if i.unit_id == ward.pk),
        "task": ward_tasks[0], "task_update": ward_tasks[0].updates.order_by("pk").first(),
        "account": personas["principal"], "membership": personas["principal"].memberships.get(),
        "notification": personas["officer"].notifications.order_by("pk").first(),
    }


def plan_text(n):
    """A ward plan as the importer reads it: its heading, 4n targets and 3n tasks."""
    targets = "\n".join(
        f"- Phấn đấu đến năm 2030: {95 - k}% giáo viên đạt chuẩn trình độ đào tạo; 100% trường học có kết nối "
        f"Internet; mỗi trường có tối thiểu 0{k + 1} phòng học thông minh; tỷ lệ trẻ suy dinh dưỡng dưới {k + 2}%."
        for k in range(n))
    tasks = "\n".join(f"{t + 1}. Tăng cường cơ sở vật chất trường học đợt {t + 1}. Phòng Văn hóa - Xã hội chủ trì."
                      for t in range(3 * n))
    return (f"ỦY BAN NHÂN DÂN\nPHƯỜNG SỐ 1\nSố: 102/KH-UBND\nKẾ HOẠCH\nThực hiện Nghị quyết số 71-NQ/TW\n"
            f"I. MỤC ĐÍCH, YÊU CẦU\nII. MỤC TIÊU\n{targets}\nIII. NHIỆM VỤ, GIẢI PHÁP\n{tasks}\n")


def record_revisions(targets, by, n):
    """n recorded changes of each of the ward's targets: the history on the target's page."""
    for step in range(n):
        TargetRevision.objects.bulk_create(
            TargetRevision(target=target, changed_by=by, reason=f"Điều chỉnh lần {step + 1}",
                           after=target.values_snapshot()) for _, _, target in targets)


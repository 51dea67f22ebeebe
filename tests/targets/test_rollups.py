"""The roll-up table (issue 13): kept equal to the live roll-up by every write, rebuilt by a command.

The property test runs seeded random sequences of the operations that write values (an approval's bulk
insert, a reopen's delete, a change of figures or of unit, a multi-row update, archive and restore, a
target's own value, a merge of wards, a school or a ward moved elsewhere in the tree) and checks after
each one that the table holds exactly what the values add up to for every unit and each of its
ancestors, computed here in Python from the unit paths; then that the pages' roll-up read
(targets.queries.rollups) gives what the old live aggregate gave.
"""

import random
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Min, Q, Sum

from periods.models import ReportedPeriod
from reports import actions as report_actions
from reports.catalogue import ensure_report_items
from reports.models import ReportValue, SchoolReport, SchoolReportEntry
from targets import rollups
from targets.actions import archive_values, restore_values, save_progress_value
from targets.models import ProgressValue, RollUp
from targets.queries import rollups as read_rollups
from targets.queries import subtree_condition
from tests.concurrency import POSTGRESQL_THREADS, run_together
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from units.models import Unit, UnitSuccession

FOUR = Decimal("0.0001")
SEEDS = (1, 2, 3, 4)
STEPS = 80


def _d(value):
    return None if value is None else Decimal(value).quantize(FOUR)


def expected_sums():
    """What the table must hold, from the values themselves: every in-use value without a target counted
    for its unit and for every unit whose path is a prefix of its unit's path."""
    units = list(Unit.objects.only("path"))
    sums = {}
    for value in ProgressValue.objects.filter(target__isnull=True).select_related("unit"):
        for ancestor in units:
            if not value.unit.path.startswith(ancestor.path):
                continue
            row = sums.setdefault((ancestor.pk, value.indicator_id, value.period_id),
                                  [0, 0, 0, Decimal(0), 0, Decimal(0), 0, Decimal(0), None])
            row[0] += 1
            row[1] += value.achieved is True
            for count, total, figure in ((2, 3, value.numerator), (4, 5, value.denominator), (6, 7, value.value)):
                if figure is not None:
                    row[count] += 1
                    row[total] += figure
            if value.value is not None and (row[8] is None or value.value < row[8]):
                row[8] = value.value
    return {key: (*row[:3], _d(row[3]), row[4], _d(row[5]), row[6], _d(row[7]), _d(row[8]))
            for key, row in sums.items()}


def stored_sums():
    rows = RollUp.objects.filter(reporting_units__gt=0).values_list("unit_id", "indicator_id", "period_id",
                                                                    *rollups.SUMS)
    return {row[:3]: tuple(_d(v) if isinstance(v, Decimal | float) else v for v in row[3:]) for row in rows}


def assert_table_is_live(step=""):
    assert stored_sums() == expected_sums(), step
    assert rollups.drift() == [], step


def live_rollup(indicator, unit, period):
    """The roll-up as the pages computed it before the table: one aggregate over the unit's subtree and
    those of its predecessors, less those of a predecessor that sent its own report for the period and the units
    its merge moved (counted in that report: targets/lineage.py)."""
    left_out = Q(pk__in=[])
    for predecessor in Unit.objects.filter(pk__in=unit.lineage_ids() - {unit.pk}):
        if ReportedPeriod.objects.filter(unit=predecessor, period=period).exists():
            moved = Unit.objects.filter(pk__in=UnitSuccession.moved.through.objects.filter(
                unitsuccession__predecessor=predecessor).values("unit_id"))
            for gone in [predecessor, *moved]:
                left_out |= Q(unit__path__startswith=gone.path)
    row = (ProgressValue.objects.filter(subtree_condition(unit), target__isnull=True, indicator=indicator,
                                        period=period).exclude(left_out)
           .aggregate(numerator=Sum("numerator"), denominator=Sum("denominator"), total=Sum("value"),
                      lowest=Min("value"), reporting=Count("id"), achieved=Count("id", filter=Q(achieved=True))))
    return row


@pytest.fixture
def world(tree, personas):
    """Indicators of every rule, two periods open for entry, report items for approvals, a ward plan."""
    items = ensure_report_items()
    indicators = {
        "rate": make_indicator("trained", kind="rate", aggregation="ratio_of_sums",
                               numerator_item=items["so-cbql-gv-boi-duong-cds"], denominator_item=items["so-cbql-gv"]),
        "count": make_indicator("teachers", kind="count", aggregation="sum", numerator_item=items["so-gv"]),
        "level": make_indicator("level", kind="level", aggregation="min"),
        "milestone": make_indicator("milestone", kind="milestone", aggregation="every_unit"),
    }
    periods = [make_period(code=f"p{n}", start=date(2026, 9, 1), end=date(2027, 1, 31), deadline=date(2027, 2, 15))
               for n in range(2)]
    extra = [make_unit("A-MN", "Trường Mầm non A3", "school", tree["A"], levels=["mn"]),
             make_unit("B-TH", "Trường Tiểu học B2", "school", tree["B"], levels=["th"])]
    make_unit("QN", "Tỉnh Quảng Ninh", "province", tree["VN"])
    old = make_unit("OLD", "Phường cũ", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    make_unit("OLD-TH", "Trường Tiểu học phường cũ", "school", old, levels=["th"])
    document = make_document(tree["A"])
    target = make_target(document, indicators["count"], value=10)
    return {"items": items, "indicators": indicators, "periods": periods, "target": target,
            "officer": personas["officer_a"], "extra": extra}


def _figures(rng, indicator):
    if indicator.kind == "rate":
        denominator = rng.randint(1, 40)
        return {"numerator": Decimal(rng.randint(0, denominator)), "denominator": Decimal(denominator)}
    if indicator.kind == "milestone":
        return {"achieved": rng.choice([True, False, None])}
    return {"value": Decimal(rng.randint(0, 300)) / rng.choice([1, 4])}


class Operations:
    """The writes a random sequence is made of, each through the code that does it in the portal."""

    def __init__(self, rng, world):
        self.rng, self.world = rng, world
        self.units = list(Unit.objects.exclude(kind__in=["central"]).order_by("path"))
        self.schools = [u for u in self.units if u.kind == "school"]
        self.indicators = list(world["indicators"].values())

    def _free(self):
        """A (unit, indicator, period) without an in-use value of no target, or None."""
        for _ in range(20):
            unit, indicator = self.rng.choice(self.units), self.rng.choice(self.indicators)
            period = self.rng.choice(self.world["periods"])
            if not ProgressValue.objects.filter(unit=unit, indicator=indicator, period=period,
                                                target__isnull=True).exists():
                return unit, indicator, period
        return None

    def _some(self, manager=ProgressValue.objects, **filters):
        values = list(manager.filter(target__isnull=True, **filters).order_by("pk"))
        return self.rng.choice(values) if values else None

    def insert(self):
        free = self._free()
        if free:
            unit, indicator, period = free
            ProgressValue.objects.create(unit=unit, indicator=indicator, period=period,
                                         **_figures(self.rng, indicator))

    def bulk_insert(self):
        rows, seen = [], set()
        for _ in range(self.rng.randint(2, 5)):
            free = self._free()
            if free and free not in seen:
                seen.add(free)
                unit, indicator, period = free
                rows.append(ProgressValue(unit=unit, indicator=indicator, period=period,
                                          **_figures(self.rng, indicator)))
        ProgressValue.objects.bulk_create(rows)

    def change(self):
        value = self._some()
        if value:
            for field, figure in _figures(self.rng, value.indicator).items():
                setattr(value, field, figure)
            value.save(update_fields=["numerator", "denominator", "value", "achieved"])

    def move_to_another_unit(self):
        value, free = self._some(), self._free()
        if value and free and free[1] == value.indicator:
            ProgressValue.objects.filter(pk=value.pk).update(unit=free[0], period=free[2])

    def update_many(self):
        ProgressValue.objects.filter(indicator=self.world["indicators"]["count"]).update(value=F("value") + 1)

    def delete(self):
        value = self._some()
        if value:
            ProgressValue.objects.filter(pk=value.pk).delete()

    def archive(self):
        value = self._some()
        if value:
            archive_values(values=[value], by=self.world["officer"])

    def restore(self):
        value = self._some(ProgressValue.all_objects, archived_at__isnull=False)
        if value:
            restore_values(values=[value])

    def approve(self):
        """An approval's write (reports.actions.write_report_values), re-approving replaces its values."""
        school, period = self.rng.choice(self.schools), self.rng.choice(self.world["periods"])
        report, _ = SchoolReport.objects.get_or_create(school=school, period=period)
        items = self.world["items"]
        total = self.rng.randint(1, 50)
        for code, figure in (("so-cbql-gv", total), ("so-cbql-gv-boi-duong-cds", self.rng.randint(0, total)),
                             ("so-gv", self.rng.randint(0, total))):
            SchoolReportEntry.objects.update_or_create(report=report, item=items[code], defaults={"value": figure})
        # the school may hold a value of these indicators written otherwise (moved here, say): make room
        ProgressValue.objects.filter(unit=school, period=period, indicator__in=self.indicators[:2],
                                     target__isnull=True).exclude(
            pk__in=ReportValue.objects.filter(report=report).values("value")).delete()
        report_actions.write_report_values(report, is_demo=False)

    def reopen(self):
        report = SchoolReport.objects.filter(pk__in=self.rng.sample(
            list(SchoolReport.objects.values_list("pk", flat=True)) or [0], 1)).first()
        if report:
            report_actions.remove_report_values(report)

    def target_value(self):
        """An officer's value for a target of the ward's plan: no part of any roll-up."""
        target, period = self.world["target"], self.rng.choice(self.world["periods"])
        current = ProgressValue.objects.filter(target=target, period=period).first()
        save_progress_value(target=target, period=period, values={"value": Decimal(self.rng.randint(0, 9))},
                            by=self.world["officer"], expected_version=current.version if current else 0)

    def merge(self):
        """The old ward merged into A or B: no value moves; the reads follow the lineage."""
        old = Unit.objects.get(code="OLD")
        successor = self.rng.choice([u for u in self.units if u.code in ("A", "B")])
        succession, _created = UnitSuccession.objects.get_or_create(predecessor=old, successor=successor,
                                                                    defaults={"effective_on": date(2025, 7, 1)})
        # a school of the successor as if the merge had moved it from the old ward (merge_communes records them)
        schools = list(Unit.objects.filter(parent=succession.successor, kind="school"))
        if schools:
            succession.moved.add(self.rng.choice(schools))

    def send_report(self):
        """The old ward sent its own report for a period (reports.outgoing.send_report records it): that period's
        figures of its subtree and of the schools its merge moved count there, not in its successor's."""
        ReportedPeriod.objects.get_or_create(unit=Unit.objects.get(code="OLD"),
                                             period=self.rng.choice(self.world["periods"]))


    def move_unit(self):
        """A school to another ward, or ward B (with its schools) to another province (Unit.move_to)."""
        if self.rng.random() < 0.5:
            school = Unit.objects.get(pk=self.rng.choice(self.schools).pk)
            school.move_to(self.rng.choice(list(Unit.objects.exclude(pk=school.parent_id).filter(code__in=["A", "B"]))))
        else:
            ward = Unit.objects.get(code="B")
            ward.move_to(Unit.objects.exclude(pk=ward.parent_id).get(code__in=["HP", "QN"]))


OPERATIONS = ["insert", "insert", "bulk_insert", "change", "move_to_another_unit", "update_many", "delete",
              "archive", "restore", "approve", "approve", "reopen", "target_value", "merge", "move_unit",
              "send_report"]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_table_always_equals_the_live_roll_up(world, tree, seed):
    rng = random.Random(seed)
    operations = Operations(rng, world)
    done = []
    for step in range(STEPS):
        name = rng.choice(OPERATIONS)
        getattr(operations, name)()
        done.append(name)
        assert_table_is_live(f"seed {seed}, step {step}: {' → '.join(done[-5:])}")
    assert set(done) == set(OPERATIONS)  # each kind of write was exercised
    assert ProgressValue.objects.filter(target__isnull=True).count() > 5  # and values remain to add up
    # the pages' read, with the lineage of merged wards, gives what the live aggregate gave
    for unit in Unit.objects.filter(code__in=["VN", "HP", "QN", "A", "B", "OLD", "A-TH1"]):  # paths as moved
        for period in world["periods"]:
            found = read_rollups(world["indicators"].values(), unit, period)
            for indicator in world["indicators"].values():
                live = live_rollup(indicator, unit, period)
                rolled = found.get(indicator.pk)
                if not live["reporting"]:
                    assert rolled is None
                    continue
                assert (rolled.reporting_units, rolled.achieved_units) == (live["reporting"], live["achieved"])
                assert (_d(rolled.numerator), _d(rolled.denominator)) == (_d(live["numerator"]),
                                                                          _d(live["denominator"]))
                if indicator.aggregation != "ratio_of_sums":
                    assert _d(rolled.lowest) == _d(live["lowest"])


def test_approving_and_reopening_a_school_report_moves_its_figures_in_and_out(world, tree, personas):
    from tests.reports.test_school_report_views import fill_and_submit

    period = world["periods"][0]
    rate = world["indicators"]["rate"]
    report = fill_and_submit(tree["A-TH1"], period, personas["principal_a"])
    report_actions.approve_school_report(report=report, by=personas["officer_a"], expected_version=report.version)
    row = RollUp.objects.get(unit=tree["HP"], indicator=rate, period=period)
    assert (row.reporting_units, row.numerator_sum, row.denominator_sum) == (1, 30, 40)
    assert_table_is_live()
    report.refresh_from_db()
    report_actions.return_school_report(report=report, by=personas["officer_a"], comment="Sửa số giáo viên",
                                        expected_version=report.version)
    assert not RollUp.objects.filter(unit=tree["HP"], indicator=rate, period=period, reporting_units__gt=0).exists()
    assert_table_is_live()


def test_the_command_reports_drift_and_rebuilds(world, tree):
    rate, period = world["indicators"]["rate"], world["periods"][0]
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=3, denominator=4)
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "không có dòng lệch" in out.getvalue()

    RollUp.objects.filter(unit=tree["A"], indicator=rate).update(numerator_sum=99)  # a lost write, say
    RollUp.objects.filter(unit=tree["VN"], indicator=rate).delete()
    with pytest.raises(CommandError, match="Có 2 dòng lệch"):
        call_command("rebuild_rollups", "--check", stdout=StringIO())
    assert RollUp.objects.get(unit=tree["A"], indicator=rate).numerator_sum == 99  # --check writes nothing

    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert f"Lệch: đơn vị {tree['A'].pk}, chỉ số {rate.pk}, kỳ {period.pk}" in out.getvalue()
    assert "2 dòng lệch đã được sửa" in out.getvalue()
    assert_table_is_live()
    assert RollUp.objects.get(unit=tree["A"], indicator=rate).numerator_sum == 3


def test_reading_a_roll_up_is_one_query_whatever_the_schools(world, tree, django_assert_max_num_queries):
    rate, period = world["indicators"]["rate"], world["periods"][0]
    for n in range(12):
        school = make_unit(f"A-S{n}", f"Trường {n}", "school", tree["A"], levels=["th"])
        ProgressValue.objects.create(indicator=rate, unit=school, period=period, numerator=n, denominator=12)
    # one query on the table (the lineage look-up skipped), the same for 12 schools as for one
    with django_assert_max_num_queries(1):
        found = read_rollups([rate], tree["HP"], period, follow_lineage=False)
    assert (found[rate.pk].numerator, found[rate.pk].denominator) == (66, 144)


@POSTGRESQL_THREADS[0]
@POSTGRESQL_THREADS[1]
def test_concurrent_writes_under_one_ancestor_lose_no_increment(tree):
    rate = make_indicator("trained", kind="rate", aggregation="ratio_of_sums")
    period = make_period()
    schools = [make_unit(f"A-C{n}", f"Trường C{n}", "school", tree["A"], levels=["th"]) for n in range(6)]

    def write(i, barrier):
        barrier.wait()
        ProgressValue.objects.create(indicator=rate, unit=schools[i], period=period, numerator=i, denominator=10)
        ProgressValue.objects.filter(unit=schools[i], indicator=rate).update(numerator=F("numerator") + 1)
        return True

    assert run_together(len(schools), write) == [True] * len(schools)
    row = RollUp.objects.get(unit=tree["HP"], indicator=rate, period=period)
    assert (row.reporting_units, row.numerator_sum, row.denominator_sum) == (6, 21, 60)
    assert_table_is_live()

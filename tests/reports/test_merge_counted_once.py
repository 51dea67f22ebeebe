"""A ward that sent its report for a period and was then merged into another: its figures of that period count once,
in the report it sent, not again in its successor's (the successor's school list now holds its schools, and its
lineage its history). A period it did not send counts in its successor's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.builds import assemble
from reports.consolidation import consolidate
from reports.content import ReportContent, build_report_content
from reports.models import OutgoingReport, ReportBuild
from targets.models import ProgressValue
from targets.queries import rollups
from tests.factories import make_document, make_indicator, make_period, make_target, make_user
from tests.reports.test_outgoing import finalise, send
from units.maintenance import merge_communes
from units.models import Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rate(db):
    return make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")


@pytest.fixture
def periods(db):
    today = timezone.localdate()
    year = f"{today.year}-{today.year + 1}"
    return {
        # the semester running now: phường B sends it, then is merged into A a week ago
        "now": make_period(code="hk-nay", school_year=year, start=today - timedelta(60), end=today + timedelta(30),
                           deadline=today + timedelta(40)),
        # the one before: phường B never sent it
        "before": make_period(code="hk-truoc", kind="semester_2", school_year=f"{today.year - 1}-{today.year}",
                              start=today - timedelta(200), end=today - timedelta(61),
                              deadline=today - timedelta(50)),
    }


@pytest.fixture
def city(tree, rate, periods):
    """The city's plan, the wards' plans carrying it out, and the schools' teachers for both periods:
    A1 30 of 40 trained, B1 (phường B) 9 of 10; in the earlier period A1 20 of 40, B1 5 of 10."""
    def plan_of(unit, number):
        document = make_document(unit, number, f"Kế hoạch của {unit.name}")
        make_target(document, rate, 0, Decimal(100), text="Giáo viên đạt chuẩn", category="staff")
        return document

    for period, (a, b) in ((periods["now"], (30, 9)), (periods["before"], (20, 5))):
        ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=a, denominator=40)
        ProgressValue.objects.create(indicator=rate, unit=tree["B-MN"], period=period, numerator=b, denominator=10)
    document = plan_of(tree["HP"], "10/KH-UBND")
    plans = {"HP": document, "A": plan_of(tree["A"], "12/KH-UBND"), "B": plan_of(tree["B"], "7/KH-UBND")}
    plans["A"].implements.add(document)
    plans["B"].implements.add(document)
    return plans


def merge_b_into_a(tree):
    admin = make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    merge_communes(predecessors=[tree["B"]], successor=tree["A"], effective_on=timezone.localdate() - timedelta(7),
                   legal_basis="NQ 1/NQ-HĐND", by=admin)


def figure(unit, document, period):
    row = build_report_content(unit=unit, document=document, period=period).rows[0]
    return row.numerator, row.denominator


def test_a_ward_that_sent_its_report_before_its_merge_is_counted_once_by_the_province(client, personas, tree, city,
                                                                                     periods, rate):
    now = periods["now"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], now)
    send(client, OutgoingReport.objects.get(unit=tree["B"]))
    merge_b_into_a(tree)
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], city["A"], now)
    send(client, OutgoingReport.objects.get(unit=tree["A"]))

    contents, _title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city["HP"], period=now)
    figures = {c.unit_code: (c.rows[0].numerator, c.rows[0].denominator) for c in contents}
    # B sent 9 of 10; A (its school A1 only: B1's figures of the semester are in B's report) 30 of 40
    assert figures == {"B": (9, 10), "A": (30, 40)}
    [(_label, [target])] = consolidate(contents)
    assert target.value == Decimal(39) * 100 / 50  # 78%, not (30 + 9 + 9) / (40 + 10 + 10) = 80%
    # A's dashboard and the API's roll-up say the same as its report for the semester
    assert figure(tree["A"], city["A"], now) == (30, 40)
    found = rollups([rate], tree["A"], now)[rate.pk]
    assert (found.numerator, found.denominator) == (30, 40)
    [row] = client.get("/api/v1/rollups/", {"unit": tree["A"].pk, "period": now.pk}).json()
    assert (Decimal(row["numerator"]), Decimal(row["denominator"]), row["reporting_units"]) == (30, 40, 1)
    # the city's own figure counts every school once
    assert figure(tree["HP"], city["HP"], now) == (39, 50)


def test_a_period_the_merged_ward_did_not_send_counts_in_its_successor(client, personas, tree, city, periods):
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], periods["now"])  # finalised, never sent: the province has nothing of B
    merge_b_into_a(tree)
    # A's report adds B1's 9 of 10 to A1's 30 of 40, and for the earlier semester 5 of 10 to 20 of 40
    assert figure(tree["A"], city["A"], periods["now"]) == (39, 50)
    assert figure(tree["A"], city["A"], periods["before"]) == (25, 50)


def test_only_the_period_the_merged_ward_sent_is_left_out_of_its_successor(client, personas, tree, city, periods):
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], periods["now"])
    send(client, OutgoingReport.objects.get(unit=tree["B"]))
    merge_b_into_a(tree)
    assert figure(tree["A"], city["A"], periods["now"]) == (30, 40)
    assert figure(tree["A"], city["A"], periods["before"]) == (25, 50)  # B sent nothing for it
    # the figures behind A's table (its workbook's "Số liệu gốc") are those the table adds up
    for period, schools in ((periods["now"], ["A-TH1"]), (periods["before"], ["A-TH1", "B-MN"])):
        content = build_report_content(unit=tree["A"], document=city["A"], period=period)
        assert [row["unit_code"] for row in content.raw_values] == schools


def test_the_frozen_report_of_the_merged_ward_keeps_its_own_figures(client, personas, tree, city, periods):
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], periods["now"])
    report = OutgoingReport.objects.get(unit=tree["B"])
    send(client, report)
    merge_b_into_a(tree)
    report.refresh_from_db()
    row = ReportContent.from_json(report.snapshot).rows[0]
    assert (row.numerator, row.denominator) == (9, 10)


def test_a_merged_ward_cannot_send_a_period_its_successor_has_finalised_with_its_figures(client, personas, tree,
                                                                                          city, periods):
    """Merged a week ago, phường B may still send the semester before (it existed all of it), unless phường A has
    finalised that semester first: having nothing from B, A's report added up B1's figures, and B's would count
    them again."""
    before = periods["before"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], before)
    prepared = OutgoingReport.objects.get(unit=tree["B"])
    merge_b_into_a(tree)
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], city["A"], before)
    row = ReportContent.from_json(OutgoingReport.objects.get(unit=tree["A"]).snapshot).rows[0]
    assert (row.numerator, row.denominator) == (25, 50)
    client.force_login(personas["officer_b"])
    page = send(client, prepared, follow=True).content.decode()
    assert (f"Phường B đã sáp nhập vào Phường A từ ngày {timezone.localdate() - timedelta(7):%d/%m/%Y} và Phường A đã "
            f"chốt báo cáo {before.name}, có cộng số liệu của Phường B") in page
    prepared.refresh_from_db()
    assert prepared.sent_at is None


def test_the_schools_expected_at_the_successor_leave_out_those_the_merged_ward_reported(client, personas, tree, city,
                                                                                        periods, rate):
    """A target over every school (100% trained) at A says how many of its schools have not given the figure: for the
    semester B sent, B1's figure is in B's report, so A expects A1 and A2 (A2 has not reported), not B1 too."""
    from targets.queries import evaluate_targets

    rate.collected_from_schools = True  # the schools' reports give it
    rate.save(update_fields=["collected_from_schools"])
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], periods["now"])
    send(client, OutgoingReport.objects.get(unit=tree["B"]))
    merge_b_into_a(tree)
    target = city["A"].targets.select_related("indicator").get()
    for period, expected, missing in ((periods["now"], 2, 1), (periods["before"], 3, 1)):
        status = evaluate_targets([target], [tree["A"]], period)[(tree["A"].pk, target.pk)]
        assert (status.expected_units, status.unreported) == (expected, missing), period.name


def test_a_merged_ward_no_longer_finalises_a_period_before_its_merge(client, personas, tree, city, periods):
    """Merged a week ago, phường B's schools are under A now: a report B finalised today would read none of their
    figures for the semester before (None of None), and once sent would take them out of A's too, counted nowhere.
    B is refused, naming A; A reports the semester with B1's 5 of 10, and the city counts 25 of 50."""
    before = periods["before"]
    merge_b_into_a(tree)
    client.force_login(personas["officer_b"])
    page = finalise(client, tree["B"], city["B"], before, follow=True).content.decode()
    assert ("Phường B đã sáp nhập vào Phường A từ ngày "
            f"{timezone.localdate() - timedelta(7):%d/%m/%Y}, các trường của Phường B đã chuyển về Phường A: Phường B "
            f"không chốt báo cáo được nữa. Báo cáo {before.name} do Phường A lập và gửi") in page
    assert not OutgoingReport.objects.filter(unit=tree["B"]).exists()
    assert figure(tree["A"], city["A"], before) == (25, 50)
    assert figure(tree["HP"], city["HP"], before) == (25, 50)


def test_a_report_the_merged_ward_finalised_before_its_merge_may_still_be_sent(client, personas, tree, city, periods):
    """Finalised before the merge, B's report of the semester before holds B1's 5 of 10: sent after the merge, it
    counts there, and A's figure leaves B1 out (20 of 40): the city still counts 25 of 50, once."""
    before = periods["before"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], before)
    merge_b_into_a(tree)
    report = OutgoingReport.objects.get(unit=tree["B"])
    send(client, report)
    report.refresh_from_db()
    assert report.sent_at is not None
    row = ReportContent.from_json(report.snapshot).rows[0]
    assert (row.numerator, row.denominator) == (5, 10)
    assert figure(tree["A"], city["A"], before) == (20, 40)
    assert figure(tree["HP"], city["HP"], before) == (25, 50)


def test_a_report_returned_to_the_merged_ward_hands_its_period_to_the_successor(client, personas, tree, city, periods):
    """B sent the semester, then was merged; the city returns B's report: B may no longer finalise it again, so its
    figures of the semester count in A's (30 + 9 of 40 + 10), not nowhere."""
    from reports.outgoing import answer_report

    now = periods["now"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], now)
    send(client, OutgoingReport.objects.get(unit=tree["B"]))
    merge_b_into_a(tree)
    assert figure(tree["A"], city["A"], now) == (30, 40)
    report = OutgoingReport.objects.get(unit=tree["B"])
    answer_report(report=report, by=personas["reviewer"], expected_version=report.version, acknowledge=False,
                  reason="Thiếu số liệu trường Mầm non.")
    assert figure(tree["A"], city["A"], now) == (39, 50)
    assert figure(tree["HP"], city["HP"], now) == (39, 50)


def test_the_city_drilldown_lists_the_merged_ward_for_the_period_it_sent(client, personas, tree, city, periods):
    """B sent the semester (9 of 10) and was then merged into A: the city's rows by ward are A (A1's 30 of 40: 75%)
    and B, marked as merged, with its report's 9 of 10 (90%), adding up to the city's 39 of 50; for the semester
    before, which B never sent, A alone holds the whole 25 of 50 (50%)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.test_dashboards import DRILLDOWN, drill_rows

    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], periods["now"])
    send(client, OutgoingReport.objects.get(unit=tree["B"]))
    merge_b_into_a(tree)
    client.force_login(personas["reviewer"])
    counts = {}
    for key in ("now", "before"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DRILLDOWN, {"unit": tree["HP"].pk, "plan": city["HP"].pk, "period": periods[key].pk})
        counts[key] = len(captured)
        counts[key, "rows"] = [(name, cells[0].split(" ")[0]) for name, _, cells in drill_rows(response)]
    merged = "Phường B Đã sáp nhập vào Phường A; số liệu kỳ này theo báo cáo đơn vị đã gửi"
    assert counts["now", "rows"] == [("Phường A", "75%"), (merged, "90%")]
    assert figure(tree["HP"], city["HP"], periods["now"]) == (39, 50)
    assert counts["before", "rows"] == [("Phường A", "50%")]
    # two queries more for the semester B sent: the schools its merge moved (B's row takes them in), and A's figures
    # read from the values less what B reported (targets.lineage.apart_rows, as on A's own dashboard)
    assert counts["now"] == counts["before"] + 2


def test_a_report_the_merged_ward_finalised_after_its_merge_is_not_sent(client, personas, tree, city, periods):
    """Before 28/11/2026 a merged ward could still finalise: such a report of the semester before has none of the
    schools its merge moved, and sent it would take them out of A's figure too. Sending it is refused; A keeps
    counting B1's 5 of 10 (25 of 50)."""
    before = periods["before"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], before)
    merge_b_into_a(tree)
    # as if finalised after the merge was recorded, by the code before this rule
    OutgoingReport.objects.filter(unit=tree["B"]).update(finalised_at=timezone.now() + timedelta(minutes=1))
    report = OutgoingReport.objects.get(unit=tree["B"])
    page = send(client, report, follow=True).content.decode()
    assert (f"Báo cáo này được chốt sau khi Phường B đã sáp nhập vào Phường A (từ ngày "
            f"{timezone.localdate() - timedelta(7):%d/%m/%Y}), khi các trường của Phường B đã chuyển về Phường A") in page
    report.refresh_from_db()
    assert report.sent_at is None
    assert figure(tree["A"], city["A"], before) == (25, 50)

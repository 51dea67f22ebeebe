"""The reports sent upward (with their files) and the roll-ups, read through the API under the same scope rules as
the pages: the sender's subtree and the recipient see a report, nobody else finds it; a roll-up is the dashboard's
figure."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.content import build_report_content
from reports.models import OutgoingReport, OutgoingReportEvent, OutgoingStatus
from targets.queries import rollup
from tests.factories import make_document, make_unit

OUTGOING = "/api/v1/outgoing-reports/"
ROLLUPS = "/api/v1/rollups/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sent_report(unit, document, period, by, recipient, number="7/BC-UBND"):
    content = build_report_content(unit=unit, document=document, period=period)
    report = OutgoingReport.objects.create(unit=unit, document=document, period=period, number=number,
                                           snapshot=content.to_json(), finalised_by=by, recipient=recipient,
                                           sent_at=timezone.now(), sent_by=by, status=OutgoingStatus.SENT)
    OutgoingReportEvent.objects.bulk_create(OutgoingReportEvent(report=report, action=action, by=by, version=i + 1)
                                            for i, action in enumerate(["prepared", "approved", "sent"]))
    report.xlsx_file.save(f"bao-cao-{unit.code}.xlsx", ContentFile(b"PK\x03\x04 workbook"), save=True)
    return report


def test_the_sender_and_the_recipient_read_a_sent_report_and_its_file(world, tree, personas, period, api_as, media):
    report = sent_report(tree["A"], world["plan_a"], period, personas["officer_a"], tree["HP"])
    for persona in ("officer_a", "leader_a", "reviewer", "admin"):
        client = api_as(persona)
        listed = client.get(OUTGOING).json()["results"]
        assert [row["id"] for row in listed] == [report.pk], persona
        detail = client.get(f"{OUTGOING}{report.pk}/").json()
        assert detail["number"] == "7/BC-UBND" and detail["unit_code"] == "A"
        assert detail["recipient_code"] == "HP" and detail["sent_by"] and detail["status"] == "sent"
        assert [event["action"] for event in detail["events"]] == ["prepared", "approved", "sent"]
        assert detail["snapshot"] == report.snapshot, "the frozen figures, as in the files"
        assert set(detail["files"]) == {"xlsx"}, "only the files that exist are offered"
        download = client.get(detail["files"]["xlsx"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"PK")


@pytest.mark.parametrize("persona", ["officer_b", "principal_b"])
def test_another_wards_people_neither_list_nor_find_nor_download_it(world, tree, personas, period, api_as, media,
                                                                    persona):
    report = sent_report(tree["A"], world["plan_a"], period, personas["officer_a"], tree["HP"])
    client = api_as(persona)
    assert client.get(OUTGOING).json()["results"] == []
    assert client.get(f"{OUTGOING}{report.pk}/").status_code == 404
    assert client.get(f"{OUTGOING}{report.pk}/files/xlsx/").status_code == 404


def test_a_missing_file_or_format_is_404(world, tree, personas, period, api_as, media):
    report = sent_report(tree["A"], world["plan_a"], period, personas["officer_a"], tree["HP"])
    client = api_as("officer_a")
    assert client.get(f"{OUTGOING}{report.pk}/files/pdf/").status_code == 404
    assert client.get(f"{OUTGOING}{report.pk}/files/exe/").status_code == 404


def test_reports_filter_by_unit_period_and_sent(world, tree, personas, period, api_as, media):
    report = sent_report(tree["A"], world["plan_a"], period, personas["officer_a"], tree["HP"])
    kept = sent_report(tree["B"], world["plan_b"], period, personas["officer_b"], tree["HP"], number="3/BC-UBND")
    kept.sent_at, kept.status = None, OutgoingStatus.APPROVED
    kept.save(update_fields=["sent_at", "status"])
    client = api_as("reviewer")
    assert [r["id"] for r in client.get(OUTGOING, {"unit": tree["A"].pk}).json()["results"]] == [report.pk]
    assert [r["id"] for r in client.get(OUTGOING, {"sent": "false"}).json()["results"]] == [kept.pk]
    assert [r["id"] for r in client.get(OUTGOING, {"sent": "true"}).json()["results"]] == [report.pk]
    assert [r["id"] for r in client.get(OUTGOING, {"status": "approved"}).json()["results"]] == [kept.pk]
    assert client.get(OUTGOING, {"status": "gui-roi"}).status_code == 400
    assert client.get(OUTGOING, {"period_code": "khong-co"}).status_code == 404


def test_the_report_list_takes_the_same_queries_for_more_reports(world, tree, personas, period, api_as, media,
                                                                 django_assert_max_num_queries):
    client = api_as("reviewer")
    sent_report(tree["A"], world["plan_a"], period, personas["officer_a"], tree["HP"])
    with django_assert_max_num_queries(8) as first:
        assert client.get(OUTGOING).status_code == 200
    for i in range(4):
        commune = make_unit(f"P{i}", f"Phường số {i}", "commune", tree["HP"])
        plan = make_document(commune, f"{i}/KH-UBND", f"Kế hoạch {i}")
        sent_report(commune, plan, period, personas["officer_a"], tree["HP"], number=f"{i}/BC-UBND")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get(OUTGOING).json()["results"]) == 5


def test_a_rollup_is_the_dashboards_figure(world, tree, period, api_as):
    response = api_as("officer_a").get(ROLLUPS, {"unit": tree["A"].pk, "period": period.pk})
    assert response.status_code == 200
    rows = {row["indicator_code"]: row for row in response.json()}
    rate = rows["gv-dat-chuan"]
    # A-TH1 30/40 and A-THCS 45/50: the ratio of the sums, not the mean of the ratios
    assert Decimal(rate["numerator"]) == 75 and Decimal(rate["denominator"]) == 90
    assert rate["reporting_units"] == 2
    expected = rollup(world["rate"], tree["A"], period).value
    assert Decimal(rate["value"]) == expected.quantize(Decimal("0.0001"))
    evaluation = api_as("officer_a").get("/api/v1/evaluation/", {"unit": tree["A"].pk, "plan": world["plan_a"].pk,
                                                                 "period": period.pk}).json()
    by_target = {row["target"]: row for row in evaluation["targets"]}
    assert Decimal(by_target[world["a_rate"].pk]["value"]).quantize(Decimal("0.01")) == \
        Decimal(rate["value"]).quantize(Decimal("0.01"))


def test_a_rollup_of_the_city_counts_every_ward(world, tree, period, api_as):
    rows = {r["indicator_code"]: r for r in api_as("reviewer").get(
        ROLLUPS, {"unit": tree["HP"].pk, "period": period.pk, "indicator": "gv-dat-chuan"}).json()}
    assert set(rows) == {"gv-dat-chuan"}
    assert Decimal(rows["gv-dat-chuan"]["numerator"]) == 85 and rows["gv-dat-chuan"]["reporting_units"] == 3


def test_a_rollup_outside_the_scope_is_404_and_needs_unit_and_period(world, tree, period, api_as):
    client = api_as("officer_b")
    assert client.get(ROLLUPS, {"unit": tree["A"].pk, "period": period.pk}).status_code == 404
    missing = client.get(ROLLUPS, {"unit": tree["B"].pk})
    assert missing.status_code == 400 and "period" in missing.json()

"""Reports sent upward: an officer finalises (figures and files frozen), sends to the parent; the parent's
inbox lists who has and has not sent; consolidation reads the frozen snapshots."""

import re
import subprocess
import tempfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.builds import assemble
from reports.content import ReportContent, build_report_content
from reports.models import OutgoingReport, ReportBuild
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit

FINALISE = reverse("reports:report_finalise")
INBOX = reverse("reports:report_inbox")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(30), deadline=today + timedelta(40))


@pytest.fixture
def rate(db):
    return make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")


def plan_of(unit, rate, number):
    document = make_document(unit, number, f"Kế hoạch của {unit.name}")
    make_target(document, rate, 0, Decimal(100), text="…", category="staff")
    return document


@pytest.fixture
def plans(tree, rate, period):
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    ProgressValue.objects.create(indicator=rate, unit=tree["B-MN"], period=period, numerator=9, denominator=10)
    return {"A": plan_of(tree["A"], rate, "12/KH-UBND"), "B": plan_of(tree["B"], rate, "7/KH-UBND")}


def finalise(client, unit, document, period, **extra):
    """The finalise form as its page posts it, with the fingerprint of the schools' narratives it offered."""
    chosen = {"unit": unit.pk, "plan": document.pk, "period": period.pk}
    seen = re.search(r'name="seen" value="(\w*)"', client.get(FINALISE, chosen).content.decode())
    return client.post(FINALISE, {**chosen, "number": "45/BC-UBND", "seen": seen.group(1) if seen else "", **extra})


def send(client, report, **kwargs):
    """The send button as the report's page posts it, with the version the page shows, once the unit's leader
    has approved the report (tests/reports/test_outgoing_signoff.py tests the approval itself)."""
    from django.contrib.auth import get_user_model

    from reports.models import OutgoingStatus
    from reports.outgoing import approve_report
    from units.models import Membership

    report = OutgoingReport.objects.get(pk=report.pk)
    if report.status == OutgoingStatus.PREPARED:
        membership = Membership.objects.filter(unit=report.unit, role="leader").first()  # phường B has none
        leader = membership.user if membership else get_user_model().objects.get(is_superuser=True)
        report = approve_report(report=report, by=leader, expected_version=report.version)
    version = report.version
    return client.post(reverse("reports:outgoing_send", args=[report.pk]), {"version": version}, **kwargs)


def test_an_officer_finalises_and_the_figures_and_files_are_frozen(client, personas, tree, plans, period, rate):
    client.force_login(personas["officer_a"])
    response = finalise(client, tree["A"], plans["A"], period)
    report = OutgoingReport.objects.get()
    assert response.status_code == 302
    content = ReportContent.from_json(report.snapshot)
    assert content.rows[0].result == 75.0
    assert content.number == "Số: 45/BC-UBND"
    # figures entered later do not change what was finalised
    ProgressValue.objects.filter(unit=tree["A-TH1"]).update(numerator=40)
    report.refresh_from_db()
    assert ReportContent.from_json(report.snapshot).rows[0].result == 75.0
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(report.pdf_file.read())
        pdf.flush()
        text = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "45/BC-UBND" in text and "75%" in text.replace(",0%", "%")
    assert report.xlsx_file.name.endswith(".xlsx")


def test_finalising_twice_shows_the_report_already_finalised(client, personas, tree, plans, period):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    response = client.get(FINALISE, {"unit": tree["A"].pk, "plan": plans["A"].pk, "period": period.pk})
    assert response.status_code == 302
    assert OutgoingReport.objects.count() == 1


def test_the_officer_can_edit_the_schools_narratives_before_finalising(client, personas, tree, plans, period):
    from reports.models import ReportStatus, SchoolReport

    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.APPROVED,
                                highlights="Hoàn thành bồi dưỡng", difficulties="Thiếu phòng", proposals="Hỗ trợ")
    client.force_login(personas["officer_a"])
    page = client.get(FINALISE, {"unit": tree["A"].pk, "plan": plans["A"].pk, "period": period.pk}).content.decode()
    assert "Trường Tiểu học A1" in page and "Hoàn thành bồi dưỡng" in page
    finalise(client, tree["A"], plans["A"], period, **{"n0-highlights": "Đã sửa: hoàn thành 100% bồi dưỡng"})
    narrative = ReportContent.from_json(OutgoingReport.objects.get().snapshot).narratives[0]
    assert narrative.school == "Trường Tiểu học A1"
    assert narrative.highlights == "Đã sửa: hoàn thành 100% bồi dưỡng"


def test_sending_goes_to_the_parent_once(client, personas, tree, plans, period):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    report = OutgoingReport.objects.get()
    send(client, report)
    report.refresh_from_db()
    assert report.recipient == tree["HP"] and report.sent_at is not None
    response = send(client, report, follow=True)
    assert "Báo cáo đã được gửi lúc" in response.content.decode()


def test_the_parent_inbox_lists_who_sent_and_who_did_not(client, personas, tree, plans, period):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    send(client, OutgoingReport.objects.get())
    client.force_login(personas["reviewer"])
    page = client.get(INBOX, {"period": period.pk}).content.decode()
    assert "1/2" in page
    assert "Phường A" in page and "12/KH-UBND" in page
    assert "Chưa gửi báo cáo" in page  # phường B


def test_consolidation_reads_the_frozen_snapshots(client, personas, tree, plans, period, rate):
    city = plan_of(tree["HP"], rate, "3/KH-UBND")
    plans["A"].implements.add(city)
    plans["B"].implements.add(city)
    for officer, unit in (("officer_a", "A"), ("officer_b", "B")):
        client.force_login(personas[officer])
        finalise(client, tree[unit], plans[unit], period)
        send(client, OutgoingReport.objects.get(unit=tree[unit]))
    ProgressValue.objects.update(numerator=0)  # live data changed after sending: consolidation must not see it
    contents, title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city, period=period)
    assert [c.unit_code for c in contents] == ["A", "B"]
    assert [c.rows[0].result for c in contents] == [75.0, 90.0]
    assert "bản xem trước" not in str(title)


def test_consolidation_takes_only_the_reports_on_plans_carrying_out_the_one_chosen(client, personas, tree, plans,
                                                                                   period, rate):
    # B's report is on a plan that carries out another directive: not consolidated with A's (until 28/11/2026
    # every report received for the period was, whatever the plan chosen)
    resolution = plan_of(tree["VN"], rate, "71-NQ/TW")
    city = plan_of(tree["HP"], rate, "3/KH-UBND")
    city.implements.add(resolution)
    plans["A"].implements.add(city)
    plans["B"].implements.add(plan_of(tree["HP"], rate, "9/KH-UBND"))
    for officer, unit in (("officer_a", "A"), ("officer_b", "B")):
        client.force_login(personas[officer])
        finalise(client, tree[unit], plans[unit], period)
        send(client, OutgoingReport.objects.get(unit=tree[unit]))
    for chosen in (city, resolution):  # directly, and through the city's plan
        contents, _title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=chosen,
                                    period=period)
        assert [c.unit_code for c in contents] == ["A"], chosen


def test_another_wards_officer_cannot_finalise_or_see_the_report(client, personas, tree, plans, period):
    client.force_login(personas["officer_b"])
    assert finalise(client, tree["A"], plans["A"], period).status_code == 404
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    report = OutgoingReport.objects.get()
    client.force_login(personas["officer_b"])
    assert client.get(reverse("reports:outgoing_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:outgoing_download", args=[report.pk, "pdf"])).status_code == 404
    assert send(client, report).status_code == 404


def test_a_principal_cannot_finalise_the_ward_report_and_a_leader_of_a_can(client, personas, tree, plans, period):
    client.force_login(personas["principal_a"])
    assert finalise(client, tree["A"], plans["A"], period).status_code == 404
    client.force_login(personas["leader_a"])
    assert finalise(client, tree["A"], plans["A"], period).status_code == 302


def test_the_reviewer_reads_a_sent_report_but_cannot_send_it(client, personas, tree, plans, period):
    client.force_login(personas["officer_a"])
    finalise(client, tree["A"], plans["A"], period)
    report = OutgoingReport.objects.get()
    client.force_login(personas["reviewer"])
    assert client.get(reverse("reports:outgoing_detail", args=[report.pk])).status_code == 200
    assert send(client, report).status_code == 403


# --- the queries of the inbox and of a report's page -------------------------------------------


def add_senders(tree, rate, period, officer, n):
    """n more communes of the city, each with a plan and the report it finalised and sent for the period."""
    start = OutgoingReport.objects.count()
    for i in range(start, start + n):
        commune = make_unit(f"P{i}", f"Phường số {i}", "commune", tree["HP"])
        plan = plan_of(commune, rate, f"{i}/KH-UBND")
        content = build_report_content(unit=commune, document=plan, period=period)
        OutgoingReport.objects.create(unit=commune, document=plan, period=period, number=f"{i}/BC-UBND",
                                      snapshot=content.to_json(), finalised_by=officer, recipient=tree["HP"],
                                      sent_at=timezone.now())


def test_the_inbox_takes_the_same_queries_whatever_the_number_of_reports(
        client, personas, tree, plans, rate, period, django_assert_num_queries):
    client.force_login(personas["reviewer"])
    add_senders(tree, rate, period, personas["officer_a"], 3)
    # session, the user with its memberships, the unread notifications (top bar), the periods, the city's communes,
    # the keys of the reports they sent, the page's reports (with plan), the plans that apply to the city, the
    # city's own finalised reports (with plan)
    with django_assert_num_queries(9):
        client.get(INBOX, {"period": period.pk})
    add_senders(tree, rate, period, personas["officer_a"], 4)
    with django_assert_num_queries(9):
        response = client.get(INBOX, {"period": period.pk})
    page = response.content.decode()
    assert '<strong id="received-count">7/9</strong>' in page
    assert "Kế hoạch 6/KH-UBND — số 6/BC-UBND" in page


@pytest.mark.parametrize("n_targets", [3, 8])
def test_a_reports_page_takes_the_same_queries_whatever_the_number_of_targets(
        client, personas, tree, rate, period, n_targets, django_assert_num_queries):
    plan = plan_of(tree["A"], rate, "12/KH-UBND")
    for i in range(1, n_targets):
        make_target(plan, make_indicator(f"chi-so-{i}", f"Chỉ số số {i}", "count", "sum", "phòng"), i, Decimal(i))
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    report = OutgoingReport.objects.create(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                           snapshot=content.to_json(), finalised_by=personas["officer_a"])
    client.force_login(personas["leader_a"])
    # session, the user with its memberships, the unread notifications (top bar), the report (with unit, parent,
    # plan, period, recipient, who took each step), its steps (with who): the figures are in its snapshot
    with django_assert_num_queries(5):
        response = client.get(reverse("reports:outgoing_detail", args=[report.pk]))
    assert "Báo cáo đã chốt: Phường A" in response.content.decode()
    assert "Phê duyệt báo cáo</button>" in response.content.decode()  # the leader approves before it is sent


def test_a_commune_that_sent_on_the_plan_and_on_its_own_plan_is_consolidated_once(client, personas, tree, plans,
                                                                                  period, rate):
    # the review of 28/11/2026: one report per plan and period, so a commune could be counted twice; and a plan
    # four steps from the resolution (ward → city → Party committee → resolution) was left out
    resolution = plan_of(tree["VN"], rate, "71-NQ/TW")
    party = plan_of(tree["HP"], rate, "02-CTr/TU")
    party.implements.add(resolution)
    city = plan_of(tree["HP"], rate, "10697/VP-VX")
    city.implements.add(party)
    plans["A"].implements.add(city)
    client.force_login(personas["officer_a"])
    for document in (plans["A"], resolution):
        finalise(client, tree["A"], document, period)
        send(client, OutgoingReport.objects.get(unit=tree["A"], document=document))
    contents, _title = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=resolution,
                                period=period)
    assert [c.unit_code for c in contents] == ["A"]
    assert "12/KH-UBND" in contents[0].plan_label  # its report on its own plan, not the one on the resolution


def test_a_ward_merged_into_another_neither_finalises_nor_sends_the_period(client, personas, tree, plans, period):
    """Phường B merged into A a week ago: A reports the semester with B's figures added up, so B's own report (one
    finalised before the merge and not sent, or one finalised after) would count them twice: both refused in
    Vietnamese, naming who reports instead."""
    from tests.factories import make_user
    from units.maintenance import merge_communes
    from units.models import Role

    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], plans["B"], period)
    prepared = OutgoingReport.objects.get(unit=tree["B"])
    admin = make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    merge_communes(predecessors=[tree["B"]], successor=tree["A"], effective_on=timezone.localdate() - timedelta(7),
                   legal_basis="NQ 1", by=admin)
    page = send(client, prepared, follow=True).content.decode()
    assert "Phường B đã sáp nhập vào Phường A từ ngày" in page and f"báo cáo {period.name} do Phường A lập và gửi" in page
    prepared.refresh_from_db()
    assert prepared.sent_at is None and prepared.recipient is None
    OutgoingReport.objects.all().delete()
    page = finalise(client, tree["B"], plans["B"], period, follow=True).content.decode()
    assert f"báo cáo {period.name} do Phường A lập và gửi" in page
    assert not OutgoingReport.objects.exists()

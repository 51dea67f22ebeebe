"""Integrity of the workflow (issue 10): every step on a school report or a report sent upward carries the
version the user's page showed and is refused, saying who changed what and when, if the report moved on;
each save keeps its figures before and after; nothing of a report's history can be deleted."""

import re
from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reports import actions, outgoing
from reports.catalogue import ensure_report_items
from reports.forms import STALE_PAGE
from reports.models import (
    OutgoingReport,
    ReportEvent,
    ReportStatus,
    ReportValue,
    SchoolReport,
    SchoolReportEntryChange,
)
from tests.factories import make_document, make_indicator, make_period, make_target, make_user
from tests.reports.test_school_report_views import (
    FIGURES,
    detail_url,
    fill_and_submit,
    post_report,
    report_data,
)


@pytest.fixture
def items(db):
    return ensure_report_items()


@pytest.fixture
def period(db):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def trained_rate(items):
    return make_indicator("cbql-gv-boi-duong-cds", "Tỷ lệ CBQL, GV được bồi dưỡng CĐS", "rate", "ratio_of_sums", "%",
                          numerator_item=items["so-cbql-gv-boi-duong-cds"], denominator_item=items["so-cbql-gv"])


@pytest.fixture
def officer_a2(tree):
    # a second officer of phường A: the two review the same reports
    return make_user("officer_a2", tree["A"], "officer")


@pytest.fixture
def submitted(tree, personas, items, period, trained_rate):
    """A1's report as submitted by its principal: 36 teachers, 30 of 40 trained."""
    return fill_and_submit(tree["A-TH1"], period, personas["principal_a"])


def review_buttons(page):
    """The versions the page's review forms (approve, return) carry."""
    section = re.search(r'<section class="card" id="review">(.*?)</section>', page.content.decode(), re.S).group(1)
    return [int(v) for v in re.findall(r'name="version" value="(\d+)"', section)]


def report_values(report):
    return ReportValue.objects.filter(report=report).count()


def resubmit(report, principal, **figures):
    """The principal corrects a returned report and submits it again (through the workflow's actions)."""
    entries = {code: None for code in report.entries_by_code()}
    entries.update({item.code: FIGURES[item.code].replace(".", "") for item in actions.applicable_items(report.school)})
    entries.update(figures)
    report = actions.save_school_report(report=report, entries={k: v and int(v) for k, v in entries.items()},
                                        narrative={}, by=principal, expected_version=report.version)
    return actions.submit_school_report(report=report, by=principal, expected_version=report.version)


# --- school reports: approve, return, reopen carry the version --------------------------------------


def test_the_review_buttons_carry_the_version_the_page_shows(client, personas, tree, period, submitted):
    client.force_login(personas["officer_a"])
    page = client.get(detail_url(tree["A-TH1"], period))
    assert review_buttons(page) == [submitted.version, submitted.version]


def test_approving_figures_resubmitted_since_the_page_was_shown_is_refused(
        client, personas, tree, period, submitted, officer_a2):
    # officer A opens the report: 36 teachers
    client.force_login(personas["officer_a"])
    seen = review_buttons(client.get(detail_url(tree["A-TH1"], period)))[0]
    # meanwhile officer A2 returns it and the principal resubmits 40 teachers
    returned = actions.return_school_report(report=submitted, by=officer_a2, comment="Kiểm tra số giáo viên",
                                            expected_version=seen)
    resubmit(returned, personas["principal_a"], **{"so-gv": "40"})

    response = client.post(reverse("reports:school_report_approve", args=[submitted.pk]), {"version": seen},
                           follow=True)

    report = SchoolReport.objects.get(pk=submitted.pk)
    assert report.status == ReportStatus.SUBMITTED and report_values(report) == 0
    text = response.content.decode()
    assert "Báo cáo đã thay đổi từ khi bạn mở trang, thao tác chưa được thực hiện." in text
    assert "officer_a2 — trả lại lúc" in text and "“Kiểm tra số giáo viên”" in text
    assert "principal_a — nộp báo cáo lúc" in text
    assert "Trạng thái hiện tại: Đã nộp, chờ duyệt." in text
    assert "Tổng số giáo viên: 36 → 40" in text
    # the page now shows the figures resubmitted, and buttons with their version
    assert review_buttons(response) == [report.version, report.version]


def test_returning_a_report_approved_since_the_page_was_shown_is_refused_and_keeps_its_figures(
        client, personas, tree, period, submitted, officer_a2):
    seen = submitted.version
    actions.approve_school_report(report=submitted, by=officer_a2, expected_version=seen)
    assert report_values(submitted) == 1

    client.force_login(personas["officer_a"])
    response = client.post(reverse("reports:school_report_return", args=[submitted.pk]),
                           {"version": seen, "comment": "Sửa số giáo viên"}, follow=True)

    report = SchoolReport.objects.get(pk=submitted.pk)
    assert report.status == ReportStatus.APPROVED and report_values(report) == 1
    # the report's page again, refused (400), with the comment typed kept (28/11: it was a redirect that dropped it)
    assertContains(response, "officer_a2 — duyệt lúc", status_code=400)
    assertContains(response, "Trạng thái hiện tại: Đã duyệt.", status_code=400)
    assertContains(response, "Sửa số giáo viên</textarea>", status_code=400)
    assert not ReportEvent.objects.filter(report=report, action__in=["returned", "reopened"]).exists()


def test_reopening_with_the_version_of_an_approved_page_works_once(client, personas, tree, period, submitted):
    approved = actions.approve_school_report(report=submitted, by=personas["officer_a"],
                                             expected_version=submitted.version)
    client.force_login(personas["officer_a"])
    url = reverse("reports:school_report_return", args=[submitted.pk])

    first = client.post(url, {"version": approved.version, "comment": "Mở lại để sửa"}, follow=True)
    again = client.post(url, {"version": approved.version, "comment": "Mở lại để sửa"}, follow=True)

    assertContains(first, "Đã trả lại báo cáo của Trường Tiểu học A1 để chỉnh sửa.")
    assertContains(again, "officer_a — mở lại để chỉnh sửa lúc", status_code=400)  # refused, said on the page
    assertContains(again, "Ý kiến bạn đã viết (chưa gửi): “Mở lại để sửa”", status_code=400)  # and not lost
    assert ReportEvent.objects.filter(report=submitted, action="reopened").count() == 1


@pytest.mark.parametrize("step", ["approve", "return"])
def test_a_review_without_the_version_is_refused(client, personas, tree, period, submitted, step):
    client.force_login(personas["officer_a"])
    response = client.post(reverse(f"reports:school_report_{step}", args=[submitted.pk]), {"comment": "Sửa lại"},
                           follow=True)
    # an approval is refused with a redirect to the page, a return with the page itself (its comment kept)
    assertContains(response, STALE_PAGE, status_code=400 if step == "return" else 200)
    assert SchoolReport.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


def test_submitting_with_an_older_version_is_refused(tree, personas, items, period):
    principal = personas["principal_a"]
    report = actions.get_or_start_report(school=tree["A-TH1"], period=period)
    entries = {item.code: int(FIGURES[item.code].replace(".", "")) for item in actions.applicable_items(tree["A-TH1"])}
    saved = actions.save_school_report(report=report, entries=entries, narrative={}, by=principal,
                                       expected_version=report.version)
    with pytest.raises(actions.StaleReportError):
        actions.submit_school_report(report=saved, by=principal, expected_version=report.version)
    assert SchoolReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_a_stale_save_says_who_changed_which_figures(client, personas, tree, items, period):
    client.force_login(personas["principal_a"])
    post_report(client, tree["A-TH1"], period)
    page_version = SchoolReport.objects.get().version
    # a colleague of the same school saves 40 teachers meanwhile
    colleague = make_user("pho_hieu_truong_a1", tree["A-TH1"], "school_staff")
    client.force_login(colleague)
    post_report(client, tree["A-TH1"], period, figures={"so-gv": "40"})

    client.force_login(personas["principal_a"])
    response = client.post(detail_url(tree["A-TH1"], period),
                           report_data(tree["A-TH1"], page_version, figures={"so-gv": "38"}, save=""))

    assert SchoolReport.objects.get().entries_by_code()["so-gv"] == 40
    assertContains(response, "pho_hieu_truong_a1 — lưu nháp lúc")
    assertContains(response, "Tổng số giáo viên: 36 → 40")
    assertContains(response, "bấm “Lưu nháp” lần nữa để ghi đè")


# --- school reports: every figure changed by a save is kept -----------------------------------------


def test_each_save_keeps_the_figures_it_changed_before_and_after(client, personas, tree, items, period):
    client.force_login(personas["principal_a"])
    post_report(client, tree["A-TH1"], period, only={"so-gv", "so-hs"})
    response = post_report(client, tree["A-TH1"], period, only={"so-gv", "so-hs"}, figures={"so-gv": "37"})

    first, second = ReportEvent.objects.filter(action="saved").order_by("pk")
    assert sorted((c.item.code, c.before, c.after) for c in first.changes.all()) == [
        ("so-gv", None, 36), ("so-hs", None, 1318)]
    assert [(c.item.code, c.before, c.after) for c in second.changes.all()] == [("so-gv", 36, 37)]
    assert (second.by, second.version) == (personas["principal_a"], SchoolReport.objects.get().version)
    history = response.content.decode().split('<ul id="report-history">')[1]
    assert "Tổng số giáo viên: 36 → 37" in history
    assert "Tổng số học sinh (trẻ): — → 1.318" in history


def test_an_uploaded_workbook_keeps_its_changes_too(tree, personas, items, period):
    report = actions.get_or_start_report(school=tree["A-TH1"], period=period)
    actions.save_school_report(report=report, entries={"so-gv": 12}, narrative={}, by=personas["principal_a"],
                               expected_version=report.version, action=ReportEvent.Action.UPLOADED)
    change = SchoolReportEntryChange.objects.get()
    assert (change.event.action, change.item.code, change.before, change.after) == ("uploaded", "so-gv", None, 12)


def test_a_school_report_and_its_history_cannot_be_deleted(tree, personas, period, submitted):
    with pytest.raises(ProtectedError):
        SchoolReport.objects.get(pk=submitted.pk).delete()
    assert SchoolReportEntryChange.objects.filter(event__report=submitted).count() == len(
        actions.applicable_items(tree["A-TH1"]))


# --- reports sent upward: finalise and send carry what the page showed --------------------------------


@pytest.fixture
def plan(tree, trained_rate):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    make_target(document, trained_rate, 0, 100, text="100% CBQL, GV được bồi dưỡng", category="digital")
    return document


@pytest.fixture
def pdf_stub(monkeypatch):
    # the PDF's text is tested elsewhere (test_outgoing); here only who may finalise and send matters
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")


FINALISE = reverse("reports:report_finalise")


def finalise_page(client, unit, document, period):
    chosen = {"unit": unit.pk, "plan": document.pk, "period": period.pk}
    page = client.get(FINALISE, chosen)
    return {**chosen, "seen": re.search(r'name="seen" value="(\w+)"', page.content.decode()).group(1)}


def test_finalising_a_report_finalised_meanwhile_is_refused_with_who_and_when(
        client, personas, tree, period, plan, pdf_stub, officer_a2):
    client.force_login(personas["officer_a"])
    form = finalise_page(client, tree["A"], plan, period)
    first = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                     narratives=[], by=officer_a2)

    response = client.post(FINALISE, {**form, "number": "46/BC-UBND"}, follow=True)

    assert list(OutgoingReport.objects.values_list("pk", "number", "finalised_by")) == [
        (first.pk, "45/BC-UBND", officer_a2.pk)]
    assertContains(response, "Báo cáo đã được officer_a2 chốt lúc")
    assertContains(response, "Trang bạn đang xem đã cũ, thao tác chưa được thực hiện.")


def test_finalising_after_the_schools_narratives_changed_is_refused(
        client, personas, tree, period, plan, pdf_stub, submitted):
    client.force_login(personas["officer_a"])
    form = finalise_page(client, tree["A"], plan, period)  # no school report approved yet: no narrative offered
    SchoolReport.objects.filter(pk=submitted.pk).update(highlights="Hoàn thành bồi dưỡng chuyển đổi số")
    actions.approve_school_report(report=submitted, by=personas["officer_a"], expected_version=submitted.version)

    response = client.post(FINALISE, {**form, "n0-highlights": "Ý kiến viết cho một trường khác"})

    assert not OutgoingReport.objects.exists()
    assertContains(response, "Ý kiến của các trường đã thay đổi từ khi bạn mở trang")
    assertContains(response, "Trường Tiểu học A1")  # the page offers the narrative now there


def test_sending_with_the_version_of_an_older_page_is_refused_with_who_sent_it(
        client, personas, tree, period, plan, pdf_stub):
    report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                      narratives=[], by=personas["officer_a"])
    report = outgoing.approve_report(report=report, by=personas["leader_a"], expected_version=report.version)
    client.force_login(personas["leader_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk]))
    seen = int(re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1))
    outgoing.send_report(report=report, by=personas["officer_a"], expected_version=seen)

    response = client.post(reverse("reports:outgoing_send", args=[report.pk]), {"version": seen}, follow=True)

    report.refresh_from_db()
    assert (report.sent_by, report.version) == (personas["officer_a"], seen + 1)
    assertContains(response, f"officer_a gửi lên {tree['HP'].name} lúc")
    assertContains(response, "Trang bạn đang xem đã cũ")
    assertNotContains(response, "Đã gửi báo cáo lên")


def test_sending_without_the_version_is_refused(client, personas, tree, period, plan, pdf_stub):
    report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                      narratives=[], by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    response = client.post(reverse("reports:outgoing_send", args=[report.pk]), follow=True)
    assertContains(response, STALE_PAGE)
    assert OutgoingReport.objects.get().sent_at is None

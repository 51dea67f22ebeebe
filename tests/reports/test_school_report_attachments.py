"""Evidence a school attaches to its semester report (the phone audit of 28/11/2026: a principal had no way to back
"Mức độ trường đạt chuẩn quốc gia" with the recognition decision): added and removed by the school's staff while the
report is a draft or returned and entry is open, checked by content as every evidence file, read by whoever reads
the report, refused to everyone else; a refused file keeps nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from reports import actions
from reports.actions import MAX_ATTACHMENTS
from reports.models import ReportStatus, SchoolReport, SchoolReportAttachment
from tests import evidence_files
from tests.factories import make_period
from tests.failed_writes import media_files


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def period(db):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


def attach(client, school, period, content=None, name="quyet-dinh-cong-nhan.pdf"):
    upload = SimpleUploadedFile(name, content if content is not None else evidence_files.pdf(),
                                content_type="application/pdf")
    return client.post(reverse("reports:school_report_attach", args=[school.pk, period.pk]), {"file": upload},
                       follow=True)


def test_the_principal_attaches_a_decision_and_the_officer_reads_it(client, personas, tree, period):
    client.force_login(personas["principal_a"])
    response = attach(client, tree["A-TH1"], period)
    assertContains(response, "Đã đính kèm “quyet-dinh-cong-nhan.pdf”.")
    attachment = SchoolReportAttachment.objects.get()
    assert attachment.report.school == tree["A-TH1"] and attachment.report.status == ReportStatus.DRAFT
    assert attachment.uploaded_by == personas["principal_a"]
    assert "quyet-dinh" not in attachment.file.name  # a generated name on disk
    client.force_login(personas["officer_a"])
    page = client.get(reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk]))
    assertContains(page, "quyet-dinh-cong-nhan.pdf")
    assert 'id="attach-form"' not in page.content.decode()  # the officer reviews, it does not attach
    download = client.get(reverse("reports:school_report_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<html><script>alert(1)</script></html>", "quyet-dinh.pdf", "Loại tệp không được chấp nhận"),
    (b"", "rong.pdf", "Tệp rỗng"),
])
def test_a_refused_file_keeps_nothing_not_even_an_empty_report(client, personas, tree, period, content, name,
                                                                message):
    client.force_login(personas["principal_a"])
    response = attach(client, tree["A-TH1"], period, content=content, name=name)
    assertContains(response, message)
    assert not SchoolReportAttachment.objects.exists() and not SchoolReport.objects.exists()


def test_a_file_refused_once_it_is_written_is_not_kept(client, personas, tree, period, monkeypatch):
    def refused(*args, **kwargs):  # the step that follows the file's row: a refusal after the file is written
        raise actions.WorkflowError("Báo cáo vừa thay đổi.")

    monkeypatch.setattr(actions, "_step", refused)
    client.force_login(personas["principal_a"])
    assertContains(attach(client, tree["A-TH1"], period), "Chưa đính kèm: Báo cáo vừa thay đổi.")
    assert not SchoolReportAttachment.objects.exists() and media_files() == []


def test_a_submitted_report_takes_no_file_and_loses_none(client, personas, tree, period):
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    SchoolReport.objects.update(status=ReportStatus.SUBMITTED)
    response = attach(client, tree["A-TH1"], period, name="them.pdf")
    assertContains(response, "Chưa đính kèm: Báo cáo đang ở trạng thái “Đã nộp, chờ duyệt”, không thể sửa.")
    attachment = SchoolReportAttachment.objects.get()
    removed = client.post(reverse("reports:school_report_attachment_remove", args=[attachment.pk]), follow=True)
    assertContains(removed, "Chưa gỡ được tệp")
    assert SchoolReportAttachment.objects.count() == 1


def test_the_principal_removes_a_file_while_the_report_is_a_draft(client, personas, tree, period,
                                                                  django_capture_on_commit_callbacks):
    import os

    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    attachment = SchoolReportAttachment.objects.get()
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal commits
        response = client.post(reverse("reports:school_report_attachment_remove", args=[attachment.pk]), follow=True)
    assertContains(response, "Đã gỡ tệp “quyet-dinh-cong-nhan.pdf” khỏi báo cáo.")
    assert not SchoolReportAttachment.objects.exists()
    assert not os.path.exists(path)


def test_a_report_takes_at_most_its_number_of_files(client, personas, tree, period):
    client.force_login(personas["principal_a"])
    for n in range(MAX_ATTACHMENTS):
        attach(client, tree["A-TH1"], period, name=f"tep-{n}.pdf")
    response = attach(client, tree["A-TH1"], period, name="qua-nhieu.pdf")
    assertContains(response, f"Báo cáo đã có {MAX_ATTACHMENTS} tệp minh chứng, không thêm được nữa")
    assert SchoolReportAttachment.objects.count() == MAX_ATTACHMENTS


@pytest.mark.parametrize(("persona", "status"), [("officer_a", 403), ("leader_a", 403), ("principal_b", 404),
                                                 ("officer_b", 404)])
def test_only_the_schools_staff_attach_or_remove(client, personas, tree, period, persona, status):
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    attachment = SchoolReportAttachment.objects.get()
    client.force_login(personas[persona])
    upload = SimpleUploadedFile("x.pdf", evidence_files.pdf(), content_type="application/pdf")
    assert client.post(reverse("reports:school_report_attach", args=[tree["A-TH1"].pk, period.pk]),
                       {"file": upload}).status_code == status
    assert client.post(reverse("reports:school_report_attachment_remove",
                               args=[attachment.pk])).status_code == status
    assert SchoolReportAttachment.objects.count() == 1


@pytest.mark.parametrize("persona", ["principal_b", "officer_b"])
def test_another_wards_people_do_not_read_the_file(client, personas, tree, period, persona):
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    attachment = SchoolReportAttachment.objects.get()
    client.force_login(personas[persona])
    assert client.get(reverse("reports:school_report_attachment", args=[attachment.pk])).status_code == 404


def test_the_reports_page_reads_its_files_in_one_query(client, personas, tree, period, django_assert_max_num_queries):
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    url = reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    first = len(one.captured_queries)
    for n in range(4):
        attach(client, tree["A-TH1"], period, name=f"them-{n}.pdf")
    with django_assert_max_num_queries(first):
        page = client.get(url)
    assert page.content.decode().count('href="/bao-cao/minh-chung/') == 5


def test_attaching_and_removing_are_steps_of_the_report_in_its_history(client, personas, tree, period):
    # the review of 28/11/2026: a file removed left no trace, and a page opened before it still submitted
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    report = SchoolReport.objects.get()
    seen = report.version
    attachment = SchoolReportAttachment.objects.get()
    client.post(reverse("reports:school_report_attachment_remove", args=[attachment.pk]))
    report.refresh_from_db()
    assert report.version == seen + 1
    assert list(report.events.order_by("pk").values_list("action", "comment")) == [
        ("attached", "quyet-dinh-cong-nhan.pdf"), ("detached", "quyet-dinh-cong-nhan.pdf")]
    page = client.get(reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, period.pk]))
    assertContains(page, "Gỡ minh chứng")


def test_a_school_not_open_during_the_period_gets_no_report_by_an_attachment(client, personas, tree, period):
    school = tree["A-TH1"]
    school.valid_from = period.end + timedelta(days=1)
    school.save()
    client.force_login(personas["principal_a"])
    upload = SimpleUploadedFile("x.pdf", evidence_files.pdf(), content_type="application/pdf")
    response = client.post(reverse("reports:school_report_attach", args=[school.pk, period.pk]), {"file": upload})
    assert response.status_code == 404
    assert not SchoolReport.objects.exists()


def test_a_download_is_kept_by_no_shared_cache(client, personas, tree, period):
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    download = client.get(reverse("reports:school_report_attachment", args=[SchoolReportAttachment.objects.get().pk]))
    assert download["Cache-Control"] == "private, no-store"

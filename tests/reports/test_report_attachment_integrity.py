"""A school's evidence file posted twice (a double tap on a phone) is attached to its report once: the second post
is refused, saying the file is there already, with no second row, file or step in the report's history."""

from pytest_django.asserts import assertContains

from reports.models import ReportEvent, SchoolReportAttachment
from tests import evidence_files
from tests.failed_writes import media_files

from .test_school_report_attachments import attach, media, period  # noqa: F401 (fixtures)


def test_the_same_file_posted_twice_is_attached_once(client, personas, tree, period):  # noqa: F811
    client.force_login(personas["principal_a"])
    assertContains(attach(client, tree["A-TH1"], period), "Đã đính kèm “quyet-dinh-cong-nhan.pdf”.")

    again = attach(client, tree["A-TH1"], period)

    assertContains(again, "Tệp “quyet-dinh-cong-nhan.pdf” đã được đính kèm lúc")
    assert SchoolReportAttachment.objects.count() == 1 and len(media_files()) == 1
    assert ReportEvent.objects.filter(action=ReportEvent.Action.ATTACHED).count() == 1


def test_another_file_under_the_same_name_is_attached(client, personas, tree, period):  # noqa: F811
    client.force_login(personas["principal_a"])
    attach(client, tree["A-TH1"], period)
    attach(client, tree["A-TH1"], period, content=evidence_files.pdf(pages=2))
    assert SchoolReportAttachment.objects.count() == 2

"""Sign-off and acknowledgement of a report sent upward: the officer prepares (finalises) it, the unit's leader
approves it as it will be sent (only then does the signature carry their name), it is sent, and the unit above
acknowledges it or returns it with a reason; every step with who and when is on the report's page."""

import re
import subprocess
import tempfile
import unicodedata
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from periods.models import PeriodException
from reports import forms as reports_forms
from reports import outgoing
from reports.content import ReportContent
from reports.forms import ExceptionForm, ReturnForm
from reports.models import OutgoingReport, OutgoingReportEvent, OutgoingStatus, ReportSections
from tests.factories import make_document, make_indicator, make_period, make_target
from tests.failed_writes import media_files


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(30), deadline=today + timedelta(40))


@pytest.fixture
def plan(tree):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    make_target(document, make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 0, Decimal(100))
    return document


@pytest.fixture
def named(personas):
    """The leader of phường A and the officer with their full names, as a signature prints them."""
    for key, (first, last) in {"leader_a": ("Trần Văn", "Hùng"), "officer_a": ("Nguyễn Thị", "Lan")}.items():
        personas[key].first_name, personas[key].last_name = first, last
        personas[key].save(update_fields=["first_name", "last_name"])
    return personas


@pytest.fixture
def pdf_stub(monkeypatch):
    # the text of the PDF is read in the tests that need it; the others only follow the steps
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")


def prepared(tree, plan, period, personas):
    return outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                    narratives=[], by=personas["officer_a"])


def sent(tree, plan, period, personas):
    report = prepared(tree, plan, period, personas)
    report = outgoing.approve_report(report=report, by=personas["leader_a"], expected_version=report.version)
    return outgoing.send_report(report=report, by=personas["officer_a"], expected_version=report.version)


def post(client, name, report, **data):
    version = data.pop("version", OutgoingReport.objects.get(pk=report.pk).version)
    return client.post(reverse(f"reports:{name}", args=[report.pk]), {"version": version, **data}, follow=True)


def pdf_text(report):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(report.pdf_file.read())
        pdf.flush()
        return subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout


# --- the leader's approval -----------------------------------------------------------------------------------


def test_the_signature_carries_the_leaders_name_only_after_approval(client, named, tree, plan, period):
    report = prepared(tree, plan, period, named)
    assert report.status == OutgoingStatus.PREPARED
    assert "Trần Văn Hùng" not in pdf_text(report)
    assert ReportContent.from_json(report.snapshot).signer_name == ""

    client.force_login(named["leader_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "Phê duyệt báo cáo</button>" in page and "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH — Trần Văn Hùng" in page
    assert "?xem=1" in page  # the PDF as it will be sent, opened in the browser
    inline = client.get(reverse("reports:outgoing_download", args=[report.pk, "pdf"]), {"xem": "1"})
    assert inline["Content-Disposition"].startswith("inline")
    response = post(client, "outgoing_approve", report)

    assert "Đã phê duyệt báo cáo: khối chữ ký ghi tên Trần Văn Hùng" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.approved_by) == (OutgoingStatus.APPROVED, named["leader_a"])
    assert "Trần Văn Hùng" in pdf_text(report)
    with zipfile.ZipFile(report.docx_file.open("rb")) as docx:  # the Word file is written again too
        assert "Trần Văn Hùng" in docx.read("word/document.xml").decode()
    content = ReportContent.from_json(report.snapshot)
    assert content.signer_name == "Trần Văn Hùng" and content.number == "Số: 45/BC-UBND"


def test_a_deputy_approving_signs_in_the_chairs_place(client, named, tree, plan, period):
    """Decree 30/2020: a deputy chair signs "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", not as the chair."""
    from units.models import Membership

    Membership.objects.filter(user=named["leader_a"], unit=tree["A"]).update(title="Phó Chủ tịch UBND phường")
    report = prepared(tree, plan, period, named)
    client.force_login(named["leader_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Trần Văn Hùng" in page

    post(client, "outgoing_approve", report)

    report.refresh_from_db()
    content = ReportContent.from_json(report.snapshot)
    assert content.signer_title == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    text = pdf_text(report)
    assert re.search(r"KT\. CHỦ TỊCH\s+PHÓ CHỦ TỊCH", text) and "Trần Văn Hùng" in text
    with zipfile.ZipFile(report.docx_file.open("rb")) as docx:
        assert "KT. CHỦ TỊCH" in docx.read("word/document.xml").decode()
    # the files are offered under the report's own name, not the one storage gave the files written again
    download = client.get(reverse("reports:outgoing_download", args=[report.pk, "docx"]))
    assert 'filename="bao-cao-A-12kh-ubnd-hk-nay.docx"' in download["Content-Disposition"]


@pytest.mark.parametrize("position, unit_key, lines", [
    ("Chủ tịch UBND phường", "A", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("", "A", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("phó chủ tịch", "A", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("PCT UBND phường", "A", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    # typed in decomposed Unicode (pasted from Word): the same title
    (unicodedata.normalize("NFD", "Phó Chủ tịch UBND phường"), "A", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    # the Party's deputy secretary who chairs the committee signs as its chairman
    ("Phó Bí thư Đảng ủy, Chủ tịch UBND phường", "A", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("Hiệu trưởng", "A-TH1", ["HIỆU TRƯỞNG"]),
    ("Phó Hiệu trưởng", "A-TH1", ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]),
    ("Bí thư Đảng ủy phường", "party", ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]),
    ("Phó Bí thư Thường trực Đảng ủy phường", "party", ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]),
])
def test_the_signature_lines_follow_the_signers_position(tree, position, unit_key, lines):
    from reports.content import _signer_title
    from tests.factories import make_unit

    unit = tree[unit_key] if unit_key in tree else make_unit("DU-A", "Đảng ủy phường A", "commune", tree["HP"],
                                                             is_party_body=True)
    assert _signer_title(unit, position) == lines


def test_a_report_built_for_a_unit_led_by_a_deputy_prints_the_deputys_lines(named, tree, plan, period):
    """A build from the dashboard (not yet through approval): a deputy chair's title gives the KT. lines there too,
    as the approval would, but no name (until 28/11/2026 a draft printed the leader's name, as if approved)."""
    from reports.content import build_report_content
    from units.models import Membership

    Membership.objects.filter(user=named["leader_a"], unit=tree["A"]).update(title="Phó Chủ tịch UBND phường")
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    assert (content.signer_title, content.signer_name) == (
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "")


def test_a_report_cannot_be_sent_before_the_leader_approves_it(client, personas, tree, plan, period, pdf_stub):
    report = prepared(tree, plan, period, personas)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "Gửi lên" not in page and "Báo cáo chờ lãnh đạo Phường A phê duyệt" in page

    response = post(client, "outgoing_send", report)

    assert "Báo cáo chưa được lãnh đạo đơn vị phê duyệt nên chưa gửi được." in response.content.decode()
    report.refresh_from_db()
    assert report.sent_at is None and report.status == OutgoingStatus.PREPARED


@pytest.mark.parametrize("persona, status", [("officer_a", 403), ("reviewer", 403), ("principal_a", 404),
                                             ("officer_b", 404), ("nobody", 404)])
def test_only_the_units_leader_approves(client, personas, tree, plan, period, pdf_stub, persona, status):
    report = prepared(tree, plan, period, personas)
    client.force_login(personas[persona])
    assert post(client, "outgoing_approve", report).status_code == status
    report.refresh_from_db()
    assert report.status == OutgoingStatus.PREPARED and report.approved_by is None


def test_approving_with_the_version_of_an_older_page_is_refused(client, personas, tree, plan, period, pdf_stub):
    report = prepared(tree, plan, period, personas)
    seen = report.version
    outgoing.approve_report(report=report, by=personas["admin"], expected_version=seen)
    client.force_login(personas["leader_a"])

    response = post(client, "outgoing_approve", report, version=seen)

    page = response.content.decode()
    assert "Trang bạn đang xem đã cũ, thao tác chưa được thực hiện." in page and "admin phê duyệt lúc" in page
    report.refresh_from_db()
    assert report.approved_by == personas["admin"]


def test_a_finalising_that_fails_after_its_files_are_written_keeps_none(tree, plan, period, personas, pdf_stub,
                                                                          monkeypatch):
    def unsent(report):  # the last step of finalising, after the files
        raise RuntimeError("thông báo không gửi được")

    monkeypatch.setattr(outgoing.notifications, "notify_report_to_approve", unsent)
    with pytest.raises(RuntimeError):
        prepared(tree, plan, period, personas)
    assert not OutgoingReport.objects.exists() and media_files() == []


def test_the_files_the_approval_writes_again_replace_the_old_ones_once_it_commits(
        tree, plan, period, personas, pdf_stub, django_capture_on_commit_callbacks):
    report = prepared(tree, plan, period, personas)
    finalised = media_files()
    with django_capture_on_commit_callbacks() as callbacks:
        report = outgoing.approve_report(report=report, by=personas["leader_a"], expected_version=report.version)
    assert len(finalised) == 3 and set(finalised) < set(media_files())  # the old ones kept until it commits
    for callback in callbacks:
        callback()
    assert media_files() == sorted([report.xlsx_file.name, report.pdf_file.name, report.docx_file.name])


# --- the unit above acknowledges or returns -------------------------------------------------------------------


def test_the_reviewer_acknowledges_and_the_sender_sees_it(client, named, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, named)
    client.force_login(named["reviewer"])
    assert "Xác nhận hoặc trả lại" in client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    response = post(client, "outgoing_answer", report, decision="acknowledge")
    assert "Đã xác nhận đã nhận báo cáo." in response.content.decode()

    client.force_login(named["officer_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "Cấp trên đã xác nhận đã nhận" in page
    # every step, who took it and when
    steps = re.search(r'id="outgoing-steps">(.*?)</section>', page, re.S).group(1)
    for action, who in (("Chốt báo cáo", "Nguyễn Thị Lan"), ("Lãnh đạo phê duyệt", "Trần Văn Hùng"),
                        ("Gửi lên cấp trên", "Nguyễn Thị Lan"), ("Cấp trên xác nhận đã nhận", "reviewer")):
        assert re.search(rf"<td>{action}</td><td>{who}</td><td>\d\d:\d\d \d\d/\d\d/\d{{4}}</td>", steps), action
    assert list(report.events.values_list("action", "version")) == [
        ("prepared", 1), ("approved", 2), ("sent", 3), ("acknowledged", 4)]


def test_the_reviewer_returns_with_a_reason_and_the_officer_prepares_it_again(
        client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["reviewer"])
    response = post(client, "outgoing_answer", report, decision="return", reason="")
    assert "Hãy ghi lý do trả lại để đơn vị gửi biết cần chỉnh sửa gì." in response.content.decode()
    assert OutgoingReport.objects.get().status == OutgoingStatus.SENT  # nothing saved

    post(client, "outgoing_answer", report, decision="return", reason="Thiếu số liệu trường Mầm non.")

    client.force_login(personas["officer_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "Cấp trên đã trả lại" in page and "Thiếu số liệu trường Mầm non" in page and "Chốt lại báo cáo" in page
    finalise = reverse("reports:report_finalise")
    chosen = {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk}
    form = client.get(finalise, chosen).content.decode()
    # the reason quoted in a sentence of its own: one full stop, not two
    assert "đã trả lại báo cáo: Thiếu số liệu trường Mầm non. Chốt lại sẽ" in form
    seen = re.search(r'name="seen" value="(\w*)"', form).group(1)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    client.post(finalise, {**chosen, "number": "46/BC-UBND", "seen": seen, "version": version})

    report.refresh_from_db()
    assert (report.status, report.number, report.sent_at, report.recipient) == (
        OutgoingStatus.PREPARED, "46/BC-UBND", None, None)
    assert [e.action for e in report.events.all()] == ["prepared", "approved", "sent", "returned", "prepared"]
    assert report.events.get(action="returned").comment == "Thiếu số liệu trường Mầm non."


@pytest.mark.parametrize("persona, status", [("officer_a", 403), ("leader_a", 403), ("principal_a", 404),
                                             ("officer_b", 404), ("principal_b", 404), ("nobody", 404)])
def test_only_the_unit_above_acknowledges(client, personas, tree, plan, period, pdf_stub, persona, status):
    # the sender's own people read the report but may not answer for the city (403); phường B reads nothing
    # of A's (404)
    report = sent(tree, plan, period, personas)
    client.force_login(personas[persona])
    assert post(client, "outgoing_answer", report, decision="acknowledge").status_code == status
    assert OutgoingReport.objects.get().status == OutgoingStatus.SENT


def test_answering_with_the_version_of_an_older_page_is_refused(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    seen = report.version
    outgoing.answer_report(report=report, by=personas["admin"], expected_version=seen, acknowledge=False,
                           reason="Sai số báo cáo")
    client.force_login(personas["reviewer"])

    response = post(client, "outgoing_answer", report, version=seen, decision="acknowledge")

    assert "Trang bạn đang xem đã cũ" in response.content.decode()
    assert OutgoingReport.objects.get().status == OutgoingStatus.RETURNED


def test_each_step_is_kept_with_who_and_the_version_it_made(personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    events = list(OutgoingReportEvent.objects.filter(report=report).values_list("action", "by__username", "version"))
    assert events == [("prepared", "officer_a", 1), ("approved", "leader_a", 2), ("sent", "officer_a", 3)]


def test_reports_finalised_before_sign_off_keep_their_steps(personas, tree, plan, period, pdf_stub):
    """The migration: a report sent under the old rule stays sent, an unsent one waits for its leader; their
    finalising and sending become events at the moments they were taken."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reports.migrations.0010_outgoing_signoff_and_notifications")
    content = ReportContent.from_json(prepared(tree, plan, period, personas).snapshot).to_json()
    OutgoingReport.objects.all().delete()
    sent_at = timezone.now() - timedelta(days=3)
    old = OutgoingReport.objects.create(unit=tree["A"], document=plan, period=period, snapshot=content,
                                        finalised_by=personas["officer_a"], recipient=tree["HP"], sent_at=sent_at,
                                        sent_by=personas["leader_a"], version=2)
    OutgoingReport.objects.filter(pk=old.pk).update(finalised_at=sent_at - timedelta(hours=1))
    other = make_document(tree["B"], "7/KH-UBND", "Kế hoạch của Phường B")
    unsent = OutgoingReport.objects.create(unit=tree["B"], document=other, period=period, snapshot=content,
                                           finalised_by=personas["officer_b"])

    migration.record_earlier_steps(apps, None)

    old.refresh_from_db()
    unsent.refresh_from_db()
    assert (old.status, unsent.status) == (OutgoingStatus.SENT, OutgoingStatus.PREPARED)
    assert [(e.action, e.by, e.at) for e in old.events.all()] == [
        ("prepared", personas["officer_a"], old.finalised_at), ("sent", personas["leader_a"], sent_at)]
    assert [e.action for e in unsent.events.all()] == ["prepared"]


def test_an_answer_without_a_decision_is_refused_in_vietnamese(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["reviewer"])
    response = post(client, "outgoing_answer", report, decision="ok")
    assert "Hãy chọn xác nhận hoặc trả lại." in response.content.decode()
    assert OutgoingReport.objects.get().status == OutgoingStatus.SENT


def test_a_leader_who_finalises_is_not_told_to_approve_their_own_report(personas, tree, plan, period, pdf_stub):
    from reports.models import Notification

    outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="", narratives=[],
                             by=personas["leader_a"])
    assert not Notification.objects.exists()
    outgoing.finalise_report(unit=tree["B"], document=make_document(tree["B"], "7/KH-UBND", "Kế hoạch B"),
                             period=period, number="", narratives=[], by=personas["officer_b"])
    assert not Notification.objects.exists()  # phường B has no leader in the portal


# --- what a reviewer or an officer typed is never lost or turned into another decision (audit of 28/11/2026) -----
# the answer refused is shown again as it was left; a reason typed under "Xác nhận đã nhận" is no acknowledgement;
# the finalise page keeps the number and the schools' texts after saving a draft; a number too long is refused,
# not cut; a reopening in the past, a return comment too long or holding NUL are refused.

FINALISE = reverse("reports:report_finalise")


def textarea(page, name):
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return found.group(1) if found else None


def checked(page):
    return re.findall(r'name="decision" value="(\w+)" checked', page)


def test_a_return_without_reason_comes_back_with_return_still_chosen(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["reviewer"])
    response = client.post(reverse("reports:outgoing_answer", args=[report.pk]),
                           {"version": report.version, "decision": "return", "reason": "  "})
    page = response.content.decode()
    assert response.status_code == 400
    assert checked(page) == ["return"]  # not back on "Xác nhận đã nhận", where the next click would acknowledge
    assert 'id="reason-error">Hãy ghi lý do trả lại' in page
    assert OutgoingReport.objects.get().status == OutgoingStatus.SENT


def test_a_reason_typed_under_acknowledge_is_refused_and_kept(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["reviewer"])
    response = client.post(reverse("reports:outgoing_answer", args=[report.pk]),
                           {"version": report.version, "decision": "acknowledge", "reason": "Thiếu số liệu trường MN"})
    page = response.content.decode()
    assert response.status_code == 400 and OutgoingReport.objects.get().status == OutgoingStatus.SENT
    assert "Bạn đã ghi lý do trả lại nhưng đang chọn “Xác nhận đã nhận”" in page
    assert textarea(page, "reason") == "Thiếu số liệu trường MN" and checked(page) == ["acknowledge"]
    # chosen right, it is a return with that reason
    post(client, "outgoing_answer", report, decision="return", reason="Thiếu số liệu trường MN")
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (OutgoingStatus.RETURNED, "Thiếu số liệu trường MN")


def test_the_answer_form_of_another_provinces_reviewer_is_still_refused(client, personas, tree, plan, period,
                                                                       pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["officer_b"])  # not the level above phường A
    response = client.post(reverse("reports:outgoing_answer", args=[report.pk]),
                           {"version": report.version, "decision": "return", "reason": ""})
    assert response.status_code == 404 and OutgoingReport.objects.get().status == OutgoingStatus.SENT


def finalise_page(client, tree, plan, period):
    chosen = {"unit": tree["A"].pk, "plan": plan.pk, "period": period.pk}
    page = client.get(FINALISE, chosen).content.decode()
    return chosen, re.search(r'name="seen" value="(\w*)"', page).group(1)


def test_saving_the_wards_sections_keeps_the_number_typed(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    chosen, seen = finalise_page(client, tree, plan, period)
    response = client.post(FINALISE, {**chosen, "seen": seen, "number": "45/BC-UBND", "save_sections": "1",
                                      "achievements": "Hoàn thành bồi dưỡng giáo viên."})
    page = response.content.decode()
    assert response.status_code == 200 and "Đã lưu các phần báo cáo do đơn vị viết" in page
    assert 'name="number" value="45/BC-UBND"' in page
    assert ReportSections.objects.get().achievements == "Hoàn thành bồi dưỡng giáo viên."
    assert not OutgoingReport.objects.exists()


def test_the_finalise_page_back_with_what_only_finalising_keeps_counts_as_unsaved(client, personas, tree, plan,
                                                                                  period):
    # the number typed and the schools' texts edited are kept by "Chốt báo cáo" alone: back from saving the ward's
    # sections (or refused), the page asks before it is left or signed out of, as the school's report does
    client.force_login(personas["officer_a"])
    chosen, seen = finalise_page(client, tree, plan, period)
    assert 'data-dirty="true"' not in client.get(FINALISE, chosen).content.decode()
    sections_only = client.post(FINALISE, {**chosen, "seen": seen, "number": "", "save_sections": "1",
                                           "achievements": "Hoàn thành bồi dưỡng giáo viên."}).content.decode()
    assert "Đã lưu các phần báo cáo do đơn vị viết" in sections_only and 'data-dirty="true"' not in sections_only
    with_number = client.post(FINALISE, {**chosen, "seen": seen, "number": "45/BC-UBND", "save_sections": "1",
                                         "achievements": "Hoàn thành bồi dưỡng giáo viên."}).content.decode()
    assert 'id="finalise-form"' in with_number and 'data-dirty="true"' in with_number
    refused = client.post(FINALISE, {**chosen, "seen": seen, "number": "x" * 61,
                                     "achievements": "Không được lưu nửa chừng."}).content.decode()
    assert 'data-dirty="true"' in refused and "chỉ được giữ khi bấm “Chốt báo cáo”" in refused


def test_a_number_too_long_is_refused_not_cut_and_nothing_is_saved(client, personas, tree, plan, period):
    client.force_login(personas["officer_a"])
    chosen, seen = finalise_page(client, tree, plan, period)
    number = "45/BC-UBND " + "x" * 60
    response = client.post(FINALISE, {**chosen, "seen": seen, "number": number,
                                      "achievements": "Không được lưu nửa chừng."})
    page = response.content.decode()
    assert f"Số báo cáo dài quá 60 ký tự ({len(number)})" in page and f'value="{number}"' in page
    assert not OutgoingReport.objects.exists() and not ReportSections.objects.exists()


def test_the_schools_texts_being_edited_survive_a_refusal(client, personas, tree, plan, period, monkeypatch):
    from reports.content import Narrative

    monkeypatch.setattr("reports.views_outgoing.school_narratives", lambda unit, period: [
        Narrative("Trường Tiểu học A1", "Nổi bật gốc", "Khó khăn gốc", "Đề xuất gốc")])
    client.force_login(personas["officer_a"])
    chosen, seen = finalise_page(client, tree, plan, period)
    response = client.post(FINALISE, {**chosen, "seen": seen, "number": "x" * 61, "n0-highlights": "Đã sửa nổi bật"})
    page = response.content.decode()
    assert textarea(page, "n0-highlights") == "Đã sửa nổi bật" and textarea(page, "n0-difficulties") == "Khó khăn gốc"


def test_a_sent_report_offers_its_pdf_without_saying_it_will_be_sent(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("reports:outgoing_detail", args=[report.pk])).content.decode()
    assert "Xem bản PDF sẽ gửi" not in page and ">Xem bản PDF</a>" in page


def test_a_reopening_cannot_end_in_the_past(tree):
    yesterday = timezone.localdate() - timedelta(days=1)
    form = ExceptionForm({"unit": tree["A-TH1"].pk, "open_until": yesterday.isoformat(), "reason": "Bổ sung"})
    assert not form.is_valid()
    assert form.errors["open_until"] == ["Ngày mở nhập đến đã qua: hãy chọn hôm nay hoặc một ngày sau."]
    assert ExceptionForm({"unit": tree["A-TH1"].pk, "open_until": timezone.localdate().isoformat(),
                          "reason": "Bổ sung"}).is_valid()


def test_a_reopening_in_the_past_leaves_the_one_granted(client, personas, tree, period):
    from datetime import date

    later = timezone.localdate() + timedelta(days=30)
    PeriodException.objects.create(period=period, unit=tree["A-TH1"], open_until=later, reason="Bổ sung",
                                   granted_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    client.post(reverse("reports:period_exception", args=[period.pk]),
                {"unit": tree["A-TH1"].pk, "open_until": "01/01/2020", "reason": "nhầm"})
    assert PeriodException.objects.get().open_until == later and date(2020, 1, 1) != later


@pytest.mark.parametrize(("comment", "message"), [
    ("a" * 2001, "Ý kiến trả lại dài quá 2.000 ký tự."),
    ("thiếu\x00số liệu", "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."),
])
def test_a_return_comment_too_long_or_with_nul_is_refused_in_vietnamese(comment, message):
    form = ReturnForm({"version": 1, "comment": comment})
    assert not form.is_valid() and form.errors["comment"] == [message]


def test_a_stale_answer_still_redirects_with_the_stale_message(client, personas, tree, plan, period, pdf_stub):
    report = sent(tree, plan, period, personas)
    seen = report.version
    outgoing.answer_report(report=report, by=personas["admin"], expected_version=seen, acknowledge=False, reason="x")
    client.force_login(personas["reviewer"])
    response = post(client, "outgoing_answer", report, version="", decision="acknowledge")
    assert "Trang bạn đang xem đã cũ" in response.content.decode()


def test_a_reopening_ends_within_a_year(client, personas, tree, period):
    # 31/12/9999 reopened entry for ever (audit): one year after today at the latest, said in Vietnamese
    today = timezone.localdate()
    latest = reports_forms.latest_reopening(today)
    assert (latest - today).days in (365, 366)
    form = ExceptionForm({"unit": tree["A-TH1"].pk, "open_until": "9999-12-31", "reason": "Bổ sung"})
    assert not form.is_valid()
    assert form.errors["open_until"] == [f"Chỉ mở nhập được tối đa một năm: hãy chọn một ngày đến hết "
                                         f"{latest:%d/%m/%Y}."]
    assert not ExceptionForm({"unit": tree["A-TH1"].pk, "open_until": (latest + timedelta(days=1)).isoformat(),
                              "reason": "Bổ sung"}).is_valid()
    assert ExceptionForm({"unit": tree["A-TH1"].pk, "open_until": latest.isoformat(), "reason": "Bổ sung"}).is_valid()
    assert f'max="{latest.isoformat()}"' in str(ExceptionForm()["open_until"])
    client.force_login(personas["officer_a"])
    response = client.post(reverse("reports:period_exception", args=[period.pk]),
                           {"unit": tree["A-TH1"].pk, "open_until": "31/12/9999", "reason": "Mở mãi"})
    assert response.status_code == 400
    assert "Chỉ mở nhập được tối đa một năm" in response.content.decode()
    assert not PeriodException.objects.exists()


def test_the_latest_reopening_of_a_29_february_is_the_28th():
    from datetime import date

    assert reports_forms.latest_reopening(date(2028, 2, 29)) == date(2029, 2, 28)
    assert reports_forms.latest_reopening(date(2026, 6, 30)) == date(2027, 6, 30)

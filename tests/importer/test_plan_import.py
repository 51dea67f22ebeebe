"""Issue 5: an officer uploads a plan, reviews what the portal proposes against the text, then creates it at once."""

import io
import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfWriter
from pytest_django.asserts import assertContains, assertNotContains

from demo.loader import SEED_DIR
from importer import actions, forms, matching, review
from importer.extraction.reading import MAX_BYTES
from periods.models import Period
from plans.models import Document, DocumentStatus, PlanImport, PlanImportStatus
from targets.models import Indicator, Target, TargetHorizon, TargetResponsibility
from tests.factories import make_document
from tests.failed_writes import insert_refused, media_files

SAMPLES = ["ke-hoach-truong-th-hien-thanh.txt", "ke-hoach-phuong-kinh-mon.txt", "ke-hoach-phuong-duong-kinh.txt"]
HIEN_THANH = "ke-hoach-truong-th-hien-thanh.txt"


@pytest.fixture
def briefing(db):
    """A catalogue indicator that the Hiến Thành plan's first target measures."""
    return Indicator.objects.create(code="quan-triet", name="Tỷ lệ cán bộ, giáo viên, nhân viên được quán triệt Nghị quyết 71",
                                    kind="rate", aggregation="ratio_of_sums", unit_label="%")


def sample(name):
    return SimpleUploadedFile(name, (SEED_DIR / name).read_bytes(), content_type="text/plain")


def upload(client, unit, file):
    """Post the file; the reading job, queued on commit, runs in this process (tests/importer/conftest.py)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("importer:plan_import_upload"), {"unit": unit.pk, "file": file})


def started(client, personas, tree, name=HIEN_THANH):
    client.force_login(personas["officer_a"])
    response = upload(client, tree["A"], sample(name))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PlanImport.objects.latest("pk")


def decide(client, plan_import, index, decision, htmx=True, **changes):
    item = plan_import.items()[index]
    data = {key: "" if value is None else value for key, value in forms.proposal_initial(item).items()}
    data.update(changes, decision=decision)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("importer:plan_import_decide", args=[plan_import.pk, index]), data, headers=headers)


def metadata(plan_import, **changes):
    """The particulars as the review page shows them, with the version of the page (its create form's page-seen)."""
    return {**forms.metadata_initial(plan_import.proposals),
            forms.PAGE_SEEN: forms.page_fingerprint(plan_import.proposals), **changes}


def counts():
    return Document.objects.count(), Target.objects.count(), TargetHorizon.objects.count(), Indicator.objects.count()


# ---- upload and review ----------------------------------------------------------------------------


def test_an_import_the_database_refuses_leaves_no_file(client, personas, tree):
    client.force_login(personas["officer_a"])
    with insert_refused("plans_planimport"), pytest.raises(IntegrityError):
        upload(client, tree["A"], sample(HIEN_THANH))
    assert not PlanImport.objects.exists() and media_files() == []


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_plan_is_proposed_with_its_quotes_marked(client, personas, tree, nq71, name):
    before = counts()
    plan_import = started(client, personas, tree, name)
    assert counts() == before  # reading a plan creates nothing of it
    assert plan_import.status == PlanImportStatus.REVIEWING and plan_import.unit == tree["A"]
    items = plan_import.items()
    assert len(items) >= 16 and all(item["decision"] == "pending" for item in items)

    response = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(response, "Xem xét kế hoạch nhập từ tệp")
    assertContains(response, "0 chấp nhận</span>")
    assertContains(response, f"{len(items)} chờ xem xét</span> / {len(items)} đề xuất")
    # every proposal is shown, and its sentence is marked in the text
    for index, item in enumerate(items):
        assertContains(response, f'id="p-{index}"')
        assert item["mark"] is not None, item["quote"]
    assertContains(response, '<mark id="q-0" data-items="0">')
    first = items[0]
    start, end = first["span"]
    assert plan_import.text[start:end].split() == first["quote"].split()
    # the cited resolution is found in the portal by its number; the dates the plan cites are written dd/mm/yyyy
    assertContains(response, "có trên cổng: Nghị quyết 71-NQ/TW")
    cited = re.search(r'<ul id="cited-documents">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert "22/08/2025" in cited and not re.search(r"\d{4}-\d{2}-\d{2}", cited)
    # and its tasks, beside the targets (their review: tests/importer/test_plan_import_tasks.py)
    tasks = sum(len(group["tasks"]) for group in plan_import.proposals["tasks"])
    assert tasks >= 30
    assertContains(response, f"Nhiệm vụ và phân công ({tasks})")
    assertNotContains(response, "chưa có nhiệm vụ nào")


def test_quotes_of_one_table_row_share_one_mark(client, personas, tree):
    plan_import = started(client, personas, tree, "ke-hoach-phuong-duong-kinh.txt")
    # a row's quote opens with its column's header ("Mầm non Số lớp Năm học 2025-2026 …")
    rows = [item for item in plan_import.items() if "Năm học 2025-2026 " in item["quote"]]
    assert len(rows) == 6 and len({item["mark"] for item in rows}) == 1
    html = review.highlighted_text(plan_import.text, plan_import.items())
    assert html.count(f'<mark id="q-{rows[0]["mark"]}"') == 1


def test_it_suggests_the_indicator_and_the_parent_target_with_reasons(client, personas, tree, nq71, briefing):
    plan_import = started(client, personas, tree, "ke-hoach-phuong-kinh-mon.txt")
    internet = next(item for item in plan_import.items() if item["indicator"] == "Tỷ lệ trường học có kết nối Internet")
    assert internet["indicator_id"] == Indicator.objects.get(code="ket-noi-internet").pk
    assert internet["parent_id"] == nq71.targets.get().pk
    response = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(response, "Gợi ý: trùng tên chỉ số “Tỷ lệ trường học có kết nối Internet” (độ giống 1)")
    assertContains(response, "Gợi ý: cụ thể hóa chỉ tiêu “Tỷ lệ trường học có kết nối Internet” của Nghị quyết 71-NQ/TW "
                             "(văn bản được căn cứ): cùng đơn vị tính %, đo bằng cùng chỉ số")

    plan_import = started(client, personas, tree, HIEN_THANH)
    first = plan_import.items()[0]
    assert first["indicator_id"] == briefing.pk
    assert first["indicator_candidates"][0]["reason"].startswith(
        "trùng tên chỉ số “Tỷ lệ cán bộ, giáo viên, nhân viên được quán triệt Nghị quyết 71” (độ giống 0,")


def test_names_are_compared_without_accents_or_case():
    assert matching.fold("Tỷ lệ Trường ĐẠT chuẩn") == "ty le truong dat chuan"
    assert matching.similarity("truong dat chuan quoc gia", "truong dat chuan quoc gia") == 1.0
    assert matching.similarity("so lop mam non", "ty le lao dong qua dao tao") == 0.0


# ---- the whole path -------------------------------------------------------------------------------


def test_the_officer_accepts_rejects_edits_then_creates_the_plan(client, personas, tree, nq71, briefing):
    before = counts()
    plan_import = started(client, personas, tree)
    items = plan_import.items()
    rejected = len(items) - 1
    edited = next(index for index, item in enumerate(items) if item["unit"] == "%" and item["value"] is not None
                  and index != 0)
    for index in range(len(items)):
        if index == rejected:
            response = decide(client, plan_import, index, "rejected")
        elif index == edited:
            response = decide(client, plan_import, index, "accepted", value="0,9")
        else:
            response = decide(client, plan_import, index, "accepted")
        assert response.status_code == 200
        plan_import.refresh_from_db()
    assertContains(response, "Đã bỏ")
    assertContains(response, 'id="review-counts" class="review-counts" hx-swap-oob="true"')
    assert counts() == before  # decisions create nothing either
    assert plan_import.counts() == {"accepted": len(items) - 1, "rejected": 1, "pending": 0}
    assert plan_import.items()[edited]["value"] == 0.9
    assert plan_import.items()[edited]["original"] == {"value": items[edited]["value"]}

    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]),
                           metadata(plan_import, number="15/KH-TH", date="17/12/2025"))
    assert response.status_code == 302
    plan_import.refresh_from_db()
    document = plan_import.document
    assert plan_import.status == PlanImportStatus.CREATED
    assert (document.issuer, document.doc_type, document.status) == (tree["A"], "KH", DocumentStatus.DRAFT)
    assert (document.number, document.issued_on, document.issued_year) == ("15/KH-TH", date(2025, 12, 17), 2025)
    assert document.signer_name == "Ngô Thị Thu Huyền"
    assert list(document.implements.all()) == [nq71]

    targets = list(document.targets.order_by("order"))
    assert [t.ref for t in targets] == [item["id"] for index, item in enumerate(items) if index != rejected]
    assert TargetHorizon.objects.filter(target__document=document).count() == len(targets)
    edited_target = document.targets.get(ref=items[edited]["id"])
    assert edited_target.horizons.get().value == Decimal("0.9")
    assert edited_target.horizons.get().label == items[edited]["deadline"]
    first = document.targets.get(ref=items[0]["id"])
    assert first.indicator == briefing and first.comparator == "eq" and first.horizons.get().value == 100
    assert TargetResponsibility.objects.filter(target__document=document, unit=tree["A"], role="lead").count() == len(targets)

    response = client.get(response.url)
    assertContains(response, "Chỉ tiêu đã tạo")
    assertContains(response, f"{len(targets)} chỉ tiêu, 0 số liệu dự kiến")
    assertContains(response, "Nghị quyết 71-NQ/TW")
    assertContains(response, items[edited]["indicator"])
    assertContains(response, "0,9%")


def test_creation_makes_the_indicators_it_lacks_once(client, personas, tree):
    plan_import = started(client, personas, tree, "ke-hoach-phuong-duong-kinh.txt")
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
        plan_import.refresh_from_db()
    document = actions.create_plan_from_import(plan_import=plan_import, by=personas["officer_a"])
    projections = document.targets.filter(is_projection=True)
    assert projections.count() == 37
    # the same figure over five school years is one indicator with five targets
    assert projections.filter(indicator__name="Số lớp mầm non").count() == 5
    assert Indicator.objects.filter(name="Số lớp mầm non").count() == 1
    ranged = document.targets.get(ref="T12").horizons.get()
    assert (ranged.value, ranged.value_max) == (80, 85)
    assert not TargetResponsibility.objects.filter(target__is_projection=True).exists()


def test_it_refuses_to_create_while_proposals_are_pending(client, personas, tree):
    plan_import = started(client, personas, tree)
    decide(client, plan_import, 0, "accepted")
    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import))
    assert response.status_code == 200
    assertContains(response, f"Còn {len(plan_import.items()) - 1} đề xuất chưa xem xét")
    assert not Document.objects.exists()


def test_it_refuses_to_create_a_plan_without_accepted_targets(client, personas, tree):
    plan_import = started(client, personas, tree)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "rejected")
    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import))
    assertContains(response, "Chưa chấp nhận đề xuất nào: kế hoạch cần ít nhất một chỉ tiêu.")
    assert not Document.objects.exists() and not Target.objects.exists()


def test_a_title_pasted_from_word_keeps_its_line_break_and_a_control_character_is_refused(client, personas, tree):
    """The title (and every text of the review) typed or pasted by the officer goes into every report of the plan:
    a control character there made the Word reports fail to be written."""
    plan_import = started(client, personas, tree)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    url = reverse("importer:plan_import_create", args=[plan_import.pk])
    response = client.post(url, metadata(plan_import, title="Thực hiện Nghị quyết 71\x02 năm 2026"))
    assert response.status_code == 200
    assertContains(response, "Nội dung có ký tự điều khiển không hợp lệ (mã U+0002); hãy gõ lại.")
    assert not Document.objects.exists()
    response = client.post(url, metadata(plan_import, title="KẾ HOẠCH\x0bThực hiện Nghị quyết 71 năm 2026",
                                         signer_name="Ngô Thị\x0cThu Huyền"))
    assert response.status_code == 302
    document = Document.objects.get()
    # the title has lines (a text area); the signer's name is one line, where the break is a space
    assert (document.title, document.signer_name) == ("KẾ HOẠCH\nThực hiện Nghị quyết 71 năm 2026",
                                                       "Ngô Thị Thu Huyền")


def test_creating_twice_is_refused(client, personas, tree):
    plan_import = started(client, personas, tree)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    url = reverse("importer:plan_import_create", args=[plan_import.pk])
    assert client.post(url, metadata(plan_import)).status_code == 302
    before = counts()
    response = client.post(url, metadata(plan_import))
    assertContains(response, "Kế hoạch đã được tạo từ lần nhập này")
    assert counts() == before
    response = decide(client, plan_import, 0, "rejected")
    assertContains(response, "Kế hoạch đã được tạo từ lần nhập này")


def test_the_particulars_are_checked_before_creating(client, personas, tree):
    Document.objects.create(doc_type="KH", number="15/KH-TH", issuer=tree["A"], title="Kế hoạch khác")
    plan_import = started(client, personas, tree)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    url = reverse("importer:plan_import_create", args=[plan_import.pk])
    response = client.post(url, metadata(plan_import, date="31/02/2025", title=""))
    assertContains(response, "Ngày ban hành ghi như 17/12/2025")
    assertContains(response, "Trường này là bắt buộc")
    response = client.post(url, metadata(plan_import, number="15/KH-TH"))
    assertContains(response, "Cơ quan này đã có văn bản mang số, ký hiệu này.")
    assert Document.objects.count() == 1 and not Target.objects.exists()
    response = client.post(url, metadata(plan_import, title="Kế hoạch thực hiện Nghị quyết 71 năm 2026", date="2026"))
    document = Document.objects.get(title="Kế hoạch thực hiện Nghị quyết 71 năm 2026")
    assert (document.issued_on, document.issued_year) == (None, 2026)


# ---- editing one proposal -------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"value": "chín mươi"}, "không phải là một số"),
    ({"value": "-5"}, "Giá trị không được âm."),
    ({"deadline": "2026-2028"}, "Thời hạn là một năm (2030) hoặc một năm học (2026-2027)"),
    ({"comparator": "range", "value": "80", "value_max": ""}, "cần cả giá trị tối thiểu và tối đa"),
    ({"comparator": "range", "value": "85", "value_max": "80"}, "Giá trị tối đa phải lớn hơn hoặc bằng"),
    ({"comparator": "=", "value_max": "90"}, "Chỉ nhập giá trị tối đa cho chỉ tiêu trong khoảng."),
    ({"comparator": "about"}, "Hãy chọn một lựa chọn hợp lệ"),
    ({"unit": "kg"}, "Hãy chọn một lựa chọn hợp lệ"),
    ({"indicator": "  "}, "Cần nêu tên chỉ số."),
    ({"indicator_id": "999999"}, "Hãy chọn một lựa chọn hợp lệ"),
])
def test_an_invalid_edit_is_shown_and_not_saved(client, personas, tree, changes, message):
    plan_import = started(client, personas, tree)
    response = decide(client, plan_import, 0, "accepted", **changes)
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'id="p-0"')
    plan_import.refresh_from_db()
    assert plan_import.items()[0]["decision"] == "pending" and plan_import.items()[0]["original"] == {}


def test_a_rejection_ignores_the_figures(client, personas, tree):
    plan_import = started(client, personas, tree)
    assert decide(client, plan_import, 0, "rejected", value="chín mươi").status_code == 200
    plan_import.refresh_from_db()
    assert plan_import.items()[0]["decision"] == "rejected" and plan_import.items()[0]["value"] == 100


def test_review_proposal_keeps_what_the_extractor_read(tree, personas):
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan_import = actions.start_import(unit=tree["A"], uploaded_file=sample(HIEN_THANH), by=personas["officer_a"])
    plan_import.refresh_from_db()
    fields = forms.proposal_initial(plan_import.items()[0])
    item = actions.review_proposal(plan_import=plan_import, index=0, decision="accepted", seen=fields["seen"],
                                   fields={**fields, "value": "95", "deadline": "2026-2027", "category": "đội ngũ"})
    assert (item["value"], item["deadline"], item["category"]) == (95, "2026-2027", "đội ngũ")
    assert item["original"] == {"value": 100, "deadline": "2030", "category": "khác"}
    item = actions.review_proposal(plan_import=plan_import, index=0, decision="pending", fields=fields,
                                   seen=forms.proposal_fingerprint(item))
    assert item["original"] == {} and item["decision"] == "pending"
    with pytest.raises(ValidationError):
        actions.review_proposal(plan_import=plan_import, index=0, decision="accepted",
                                fields={**fields, "comparator": ">"}, seen=forms.proposal_fingerprint(item))


def test_without_htmx_a_decision_returns_to_the_proposal(client, personas, tree):
    plan_import = started(client, personas, tree)
    response = decide(client, plan_import, 3, "accepted", htmx=False)
    assert response.status_code == 302 and response.url.endswith(f"/nhap/{plan_import.pk}/#p-3")
    response = decide(client, plan_import, 3, "accepted", htmx=False, value="x")
    assertContains(response, "Xem xét kế hoạch nhập từ tệp")
    assertContains(response, "không phải là một số")


def test_an_unknown_proposal_is_404(client, personas, tree):
    plan_import = started(client, personas, tree)
    assert decide(client, plan_import, 0, "accepted").status_code == 200
    url = reverse("importer:plan_import_decide", args=[plan_import.pk, 999])
    assert client.post(url, {"decision": "accepted"}).status_code == 404


def test_a_discarded_import_creates_nothing(client, personas, tree):
    plan_import = started(client, personas, tree)
    response = client.post(reverse("importer:plan_import_discard", args=[plan_import.pk]))
    assert response.status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImportStatus.DISCARDED
    assertContains(client.get(reverse("importer:plan_import_review", args=[plan_import.pk])), "Lần nhập này đã bị hủy")
    assertContains(decide(client, plan_import, 0, "accepted"), "Lần nhập này đã bị hủy.")


# ---- files that are refused -----------------------------------------------------------------------


def pdf_bytes(encrypt=False):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("trong.txt", b"", "Tệp “trong.txt” rỗng, không có nội dung."),
    ("ke-hoach.doc", b"\xd0\xcf\x11\xe0 old word", "là định dạng Word cũ (.doc)"),
    ("anh.png", b"\x89PNG\r\n\x1a\n", "Không hỗ trợ định dạng của tệp “anh.png”"),
    ("qua-lon.txt", b"a" * (MAX_BYTES + 1), "Tệp “qua-lon.txt” quá lớn (20.0 MB): chỉ nhận tệp đến 20 MB."),
])
def test_a_file_of_the_wrong_kind_or_size_is_refused_on_upload(client, personas, tree, name, content, message):
    client.force_login(personas["officer_a"])
    response = upload(client, tree["A"], SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'class="errorbox"')
    assert not PlanImport.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("rong.txt", b"  \n\n ", "Tệp “rong.txt” rỗng, không có nội dung."),
    ("hong.pdf", random.Random(5).randbytes(4096),
     "Không đọc được tệp PDF “hong.pdf”: tệp bị hỏng hoặc không đúng định dạng PDF."),
    ("ban-quet.pdf", pdf_bytes(), "Tệp PDF “ban-quet.pdf” không có lớp văn bản (có thể là bản quét hoặc ảnh chụp)"),
    ("mat-khau.pdf", pdf_bytes(encrypt=True), "Tệp PDF “mat-khau.pdf” được đặt mật khẩu"),
    ("hoa-don.txt", "Kính gửi quý khách, hóa đơn tháng 10 của quý khách là 350.000 đồng. Vui lòng thanh toán "
                    "trước ngày 15/11.".encode(), "“hoa-don.txt” không phải là một kế hoạch"),
])
def test_a_file_that_is_not_a_readable_plan_is_refused_in_vietnamese(client, personas, tree, name, content, message):
    client.force_login(personas["officer_a"])
    response = upload(client, tree["A"], SimpleUploadedFile(name, content))
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("importer:plan_import_review", args=[plan_import.pk])
    response = client.get(response.url)
    assertContains(response, message)
    assertContains(response, 'class="errorbox"')
    assertContains(response, "Đọc lại tệp")
    assertNotContains(response, "hx-get=\"/ke-hoach/nhap/")  # nothing more to wait for (the top bar polls too)
    # the reason is recorded; nothing of a plan was read or created
    assert plan_import.status == PlanImportStatus.FAILED and message in plan_import.error
    assert plan_import.text == "" and plan_import.items() == [] and not Document.objects.exists()


def test_the_upload_needs_a_file_and_a_unit_the_officer_may_change(client, personas, tree):
    client.force_login(personas["officer_a"])
    assertContains(client.post(reverse("importer:plan_import_upload"), {"unit": tree["A"].pk}), "Trường này là bắt buộc")
    response = upload(client, tree["B"], sample(HIEN_THANH))
    assertContains(response, "Bạn không được nhập kế hoạch cho đơn vị này")
    assert not PlanImport.objects.exists()


# ---- who may ---------------------------------------------------------------------------------------


def test_the_upload_page_offers_the_units_the_user_may_change(client, personas, tree):
    client.force_login(personas["officer_a"])
    response = client.get(reverse("importer:plan_import_upload"))
    assertContains(response, "Phường A")
    assertContains(response, "Trường Tiểu học A1")
    assertNotContains(response, "Phường B")
    client.force_login(personas["principal_a"])
    response = client.get(reverse("importer:plan_import_upload"))
    assertContains(response, "Trường Tiểu học A1")
    assertNotContains(response, "Phường A<")


@pytest.mark.parametrize("persona", ["leader_a", "reviewer", "nobody"])
def test_who_changes_nothing_cannot_upload(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("importer:plan_import_upload")).status_code == 403


def test_another_units_officer_gets_404(client, personas, tree):
    plan_import = started(client, personas, tree)
    for persona in ("officer_b", "principal_a"):
        client.force_login(personas[persona])
        assert client.get(reverse("importer:plan_import_review", args=[plan_import.pk])).status_code == 404
        assert decide(client, plan_import, 0, "accepted").status_code == 404
        assert client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import)).status_code == 404
    plan_import.refresh_from_db()
    assert plan_import.items()[0]["decision"] == "pending"


def test_a_leader_gets_403(client, personas, tree):
    plan_import = started(client, personas, tree)
    client.force_login(personas["leader_a"])
    assert decide(client, plan_import, 0, "accepted").status_code == 403
    assert client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import)).status_code == 403
    assert client.get(reverse("importer:plan_import_review", args=[plan_import.pk])).status_code == 403
    assert not Document.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("importer:plan_import_upload"))
    assert response.status_code == 302 and "/dang-nhap/" in response.url


def test_decide_and_create_take_only_post(client, personas, tree):
    plan_import = started(client, personas, tree)
    assert client.get(reverse("importer:plan_import_decide", args=[plan_import.pk, 0])).status_code == 405
    assert client.get(reverse("importer:plan_import_create", args=[plan_import.pk])).status_code == 405


def test_the_target_list_links_officers_to_the_import(client, personas):
    Period.objects.create(code="2025-2026-hk1", kind="semester_1", school_year="2025-2026", start=date(2025, 9, 5),
                          end=date(2026, 1, 15), deadline=date(2026, 1, 25))
    client.force_login(personas["officer_a"])
    assertContains(client.get(reverse("targets:target_list")), "Nhập kế hoạch từ tệp")
    client.force_login(personas["leader_a"])
    assertNotContains(client.get(reverse("targets:target_list")), "Nhập kế hoạch từ tệp")



@pytest.mark.parametrize("persona, offered", [("officer_a", True), ("principal_a", True), ("admin", True),
                                              ("leader_a", False), ("reviewer", False)])
def test_the_plan_list_offers_the_import_only_to_whom_it_opens(client, personas, persona, offered):
    # a leader or the Sở's reviewer changes no unit's data: the button led them to a refusal (403)
    client.force_login(personas[persona])
    page = client.get(reverse("plans:plan_list")).content.decode()
    assert ("Nhập kế hoạch từ tệp" in page) is offered
    assert client.get(reverse("importer:plan_import_upload")).status_code == (200 if offered else 403)


def test_the_staff_of_a_school_merged_away_are_not_offered_the_import_the_page_refuses(client, personas, tree):
    from django.utils import timezone

    from units.models import Unit

    Unit.objects.filter(pk=tree["A-TH1"].pk).update(valid_to=timezone.localdate() - timedelta(days=1))
    client.force_login(personas["principal_a"])
    assert "Nhập kế hoạch từ tệp" not in client.get(reverse("plans:plan_list")).content.decode()
    assert client.get(reverse("importer:plan_import_upload")).status_code == 403


# ---- query counts ---------------------------------------------------------------------------------


def test_the_upload_page_lists_imports_under_review_in_fixed_queries(client, personas, tree, django_assert_max_num_queries):
    for _ in range(3):
        started(client, personas, tree)
    # session, the user with its memberships, the visible units (to keep those the officer may change), whether there
    # is any, the select of units (Django's widget reads its choices twice), the imports under review with
    # their units and uploaders
    with django_assert_max_num_queries(8):
        response = client.get(reverse("importer:plan_import_upload"))
    assert response.content.decode().count(HIEN_THANH) == 3


def test_the_review_page_takes_fixed_queries_whatever_the_number_of_proposals(
        client, personas, tree, django_assert_max_num_queries):
    plan_import = started(client, personas, tree, "ke-hoach-phuong-duong-kinh.txt")
    assert len(plan_import.items()) == 85
    # session, the user with its memberships, the unread notifications (top bar), the import with its unit and
    # uploader (the proposals are JSON), the unit's plans of the same number, the documents the plan may be based
    # on (PlanBasisForm)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(response, 'id="p-84"')


def test_the_created_plan_page_takes_fixed_queries(client, personas, tree, django_assert_max_num_queries):
    plan_import = started(client, personas, tree)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import))
    # session, the user with its memberships, import + document + issuer, implements, targets, horizons, responsibilities
    with django_assert_max_num_queries(8):
        response = client.get(reverse("importer:plan_import_done", args=[plan_import.pk]))
    assert response.content.decode().count("/chi-tieu/") >= len(plan_import.items())


def test_the_review_says_when_the_unit_has_this_plan_already(client, personas, tree):
    plan_import = started(client, personas, tree, HIEN_THANH)
    review = reverse("importer:plan_import_review", args=[plan_import.pk])
    assertNotContains(client.get(review), 'id="same-plans"')
    number, title = plan_import.proposals.get("number") or "", plan_import.proposals.get("title") or ""
    existing = make_document(tree["A"], number.lower(), title.upper() if not number else "Một tên khác")
    make_document(tree["B"], number, title)  # another unit's: not the same plan
    response = client.get(review)
    assertContains(response, 'id="same-plans"')
    assertContains(response, f'href="{reverse("plans:plan_detail", args=[existing.pk])}"', count=1)
    assertContains(response, "Tạo từ tệp này sẽ thành một kế hoạch thứ hai.")

"""A plan's life on its page: draft → in force (its issuer's leader, with number and date) → amended (the version
before kept readable) → replaced; who may take each step, and what a wrong input says."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from plans.actions import amendable_state, state_fingerprint
from plans.models import Document, DocumentRevision, DocumentStatus
from tests.factories import make_document, make_indicator, make_target

TITLE = "Kế hoạch phát triển giáo dục phường A giai đoạn 2026-2030"


@pytest.fixture
def draft(tree):
    return make_document(tree["A"], number="", title=TITLE, status=DocumentStatus.DRAFT, start_year=2026,
                         end_year=2030, issued_year=2026)


def enact(client, document, number="115/KH-UBND", issued_on="15/01/2026"):
    return client.post(f"/ke-hoach/{document.pk}/ban-hanh/", {"number": number, "issued_on": issued_on})


def amend(client, document, data):
    """Post an amendment as the page does: with the version of the plan it was opened at."""
    return client.post(f"/ke-hoach/{document.pk}/sua-doi/",
                       {"seen": state_fingerprint(amendable_state(document)), **data})


def test_the_leader_of_the_issuer_signs_a_draft_into_force(client, personas, draft):
    client.force_login(personas["leader_a"])
    page = client.get(f"/ke-hoach/{draft.pk}/")
    assertContains(page, "Ký ban hành")
    assertContains(page, TITLE)  # an unnumbered draft is named by its title, never "Kế hoạch năm 2026"
    assertNotContains(page, "Kế hoạch năm 2026")
    response = enact(client, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.issued_on) == (DocumentStatus.IN_FORCE, "115/KH-UBND", date(2026, 1, 15))
    assert draft.enacted_by == personas["leader_a"]
    revision = draft.revisions.get()
    assert revision.kind == DocumentRevision.Kind.ENACTED and revision.after["number"] == "115/KH-UBND"
    page = client.get(f"/ke-hoach/{draft.pk}/")
    assertContains(page, "Đang có hiệu lực")
    assertContains(page, f"Kế hoạch 115/KH-UBND — {TITLE}")
    assertContains(page, "Sửa đổi, bổ sung")


# a school below the ward does not read its draft (tests/plans/test_draft_visibility.py): not found, as for B
@pytest.mark.parametrize("persona, status", [("officer_a", 403), ("reviewer", 403), ("principal_a", 404),
                                             ("officer_b", 404), ("principal_b", 404)])
def test_only_the_issuers_leader_signs(client, personas, draft, persona, status):
    client.force_login(personas[persona])
    assert enact(client, draft).status_code == status
    assert client.get(f"/ke-hoach/{draft.pk}/ban-hanh/").status_code == status
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and not draft.revisions.exists()


def test_the_officer_sees_the_draft_without_the_leaders_actions(client, personas, draft):
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/{draft.pk}/")
    assertNotContains(page, f"/ke-hoach/{draft.pk}/ban-hanh/")
    assertContains(page, "lãnh đạo Phường A ký ban hành")


def test_a_leader_of_another_ward_does_not_see_the_plan(client, tree, draft):
    from tests.factories import make_user

    client.force_login(make_user("leader_b", tree["B"], "leader"))
    assert client.get(f"/ke-hoach/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("number, issued_on, message", [
    ("", "15/01/2026", "Hãy ghi số, ký hiệu của kế hoạch khi ban hành."),
    ("115/KH-UBND", "", "Hãy ghi ngày ban hành kế hoạch."),
    ("115/KH-UBND", "31/02/2026", "Ngày không hợp lệ: hãy ghi theo dạng ngày/tháng/năm"),
    ("115/KH-UBND", "01/01/2099", "Ngày ban hành không được sau hôm nay."),
    ("12/KH-UBND", "15/01/2026", "Đơn vị đã có văn bản mang số, ký hiệu này."),
])
def test_signing_needs_a_free_number_and_a_real_date(client, personas, tree, draft, number, issued_on, message):
    make_document(tree["A"], number="12/KH-UBND", title="Kế hoạch khác")
    client.force_login(personas["leader_a"])
    response = enact(client, draft, number, issued_on)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and draft.number == ""


def test_a_plan_in_force_is_not_signed_again(client, personas, tree):
    plan = make_document(tree["A"])
    client.force_login(personas["leader_a"])
    response = enact(client, plan, number="99/KH-UBND")
    assertContains(response, "Chỉ kế hoạch đang là dự thảo mới ký ban hành được.", status_code=400)
    plan.refresh_from_db()
    assert plan.number == "12/KH-UBND"


def test_an_amendment_keeps_the_version_before_readable(client, personas, tree):
    plan = make_document(tree["A"], title="Kế hoạch cũ", end_year=2030)
    make_target(plan, make_indicator("GV"), value=80, text="Tỷ lệ giáo viên đạt chuẩn 80%")
    client.force_login(personas["leader_a"])
    response = amend(client, plan, {"title": "Kế hoạch mới", "start_year": "2025", "end_year": "2035",
                                    "reason": "Theo Kế hoạch 20/KH-UBND"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.end_year, plan.status) == ("Kế hoạch mới", 2035, DocumentStatus.IN_FORCE)
    revision = plan.revisions.get(kind=DocumentRevision.Kind.AMENDED)
    assert revision.before["title"] == "Kế hoạch cũ" and revision.before["end_year"] == 2030
    assert revision.before["targets"][0]["values"]["horizons"]["2030"]["value"] == "80"
    page = client.get(f"/ke-hoach/{plan.pk}/")
    assertContains(page, "đã sửa đổi, bổ sung")
    assertContains(page, "Theo Kế hoạch 20/KH-UBND")
    assertContains(page, "Kế hoạch cũ")  # the old version, in the history
    assertContains(page, "Tỷ lệ giáo viên đạt chuẩn 80%")


@pytest.mark.parametrize("data, message", [
    ({"title": "Kế hoạch mới", "reason": ""}, "Hãy ghi lý do."),
    ({"title": "", "reason": "Lý do"}, "Hãy ghi trích yếu của kế hoạch."),
    ({"title": "K", "start_year": "2030", "end_year": "2026", "reason": "Lý do"}, "Năm kết thúc phải sau năm bắt đầu."),
])
def test_an_amendment_needs_a_reason_and_a_sound_period(client, personas, tree, data, message):
    plan = make_document(tree["A"], title="Kế hoạch cũ")
    client.force_login(personas["leader_a"])
    assertContains(amend(client, plan, data), message, status_code=400)
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch cũ" and not plan.revisions.exists()


def test_a_draft_is_not_amended(client, personas, draft):
    client.force_login(personas["leader_a"])
    response = amend(client, draft, {"title": "X", "reason": "Lý do"})
    assertContains(response, "Chỉ kế hoạch đang có hiệu lực mới sửa đổi, bổ sung được.", status_code=400)


def test_the_officer_may_not_amend_or_replace(client, personas, tree):
    plan = make_document(tree["A"])
    client.force_login(personas["officer_a"])
    assert client.post(f"/ke-hoach/{plan.pk}/sua-doi/", {"title": "X", "reason": "Lý do"}).status_code == 403
    assert client.post(f"/ke-hoach/{plan.pk}/thay-the/", {"reason": "Lý do"}).status_code == 403


def test_a_plan_is_replaced_by_another_plan_of_its_unit_in_force(client, personas, tree):
    old = make_document(tree["A"], number="12/KH-UBND", title="Kế hoạch 2025")
    new = make_document(tree["A"], number="30/KH-UBND", title="Kế hoạch 2026")
    other = make_document(tree["B"], number="5/KH-UBND")
    client.force_login(personas["leader_a"])
    refused = client.post(f"/ke-hoach/{old.pk}/thay-the/", {"replacement": other.pk, "reason": "Lý do"})
    assertContains(refused, "Kế hoạch đã chọn không thay thế được kế hoạch này.", status_code=400)
    response = client.post(f"/ke-hoach/{old.pk}/thay-the/", {"replacement": new.pk, "reason": "Ban hành kế hoạch mới"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.SUPERSEDED, new)
    assert Document.objects.in_force().filter(issuer=tree["A"]).get() == new
    page = client.get(f"/ke-hoach/{old.pk}/")
    assertContains(page, "Đã được thay thế")
    assertContains(page, "Kế hoạch 30/KH-UBND")
    assertNotContains(page, f"/ke-hoach/{old.pk}/sua-doi/")
    assertContains(client.get(f"/ke-hoach/{new.pk}/"), "Kế hoạch 12/KH-UBND")  # "Thay thế" the old one


def test_an_imported_plan_starts_as_a_draft_and_is_signed_the_same_way(client, personas, tree):
    # the importer creates its plans as drafts (importer.actions); the page then takes it through the same life
    plan = make_document(tree["A"], number="", title="Kế hoạch nhập từ tệp", status=DocumentStatus.DRAFT)
    client.force_login(personas["leader_a"])
    assert enact(client, plan, number="7/KH-UBND").status_code == 302
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.IN_FORCE


@pytest.mark.parametrize("n_targets", [3, 12])
def test_the_plans_page_reads_a_fixed_number_of_queries(client, personas, tree, n_targets,
                                                        django_assert_max_num_queries):
    plan = make_document(tree["A"])
    for i in range(n_targets):
        make_target(plan, make_indicator(f"I{i}"), order=i, value=50 + i)
    client.force_login(personas["officer_a"])
    # session + user, memberships, the plan with its permissions, targets, horizons, revisions, replaced plans,
    # task count, the documents it implements and the count of plans implementing it (+ savepoints of the client)
    with django_assert_max_num_queries(14):
        page = client.get(f"/ke-hoach/{plan.pk}/")
    assert page.content.decode().count("Điều chỉnh</a>") == n_targets


def test_the_plans_page_writes_each_goal_with_its_unit_and_comparison(client, personas, tree):
    plan = make_document(tree["A"])
    rate = make_indicator("ty-le", kind="rate", unit_label="%")
    level = make_indicator("muc-do", kind="level", aggregation="min")
    make_target(plan, rate, order=1, value=95, baseline_value=88, baseline_year=2025)
    make_target(plan, level, order=2, value=2, comparator="achieve", level_label="mức độ 2")
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "2030: ≥ 95%" in page and "88%" in page  # not the bare "95" and "88" it read before
    assert "2030: đạt mức độ 2" in page


def test_the_plans_page_shows_the_chain_of_directives_as_far_as_the_user_reads(client, personas, tree):
    city = make_document(tree["HP"], number="282/KH-UBND", title="Kế hoạch của thành phố")
    ward_a = make_document(tree["A"], number="12/KH-UBND")
    ward_b = make_document(tree["B"], number="5/KH-UBND")
    ward_a.implements.add(city)
    ward_b.implements.add(city)
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/{ward_a.pk}/").content.decode()
    assert f'<a href="/ke-hoach/{city.pk}/">Kế hoạch 282/KH-UBND</a> (Thành phố Hải Phòng)' in page
    # the city's plan: implemented by two ward plans, of which phường A's officer reads one
    page = client.get(f"/ke-hoach/{city.pk}/").content.decode()
    assert "1 kế hoạch thực hiện văn bản này" in page
    assert f'href="{reverse("reports:plan_coverage", args=[city.pk])}"' in page
    client.force_login(personas["reviewer"])
    assert "2 kế hoạch thực hiện văn bản này" in client.get(f"/ke-hoach/{city.pk}/").content.decode()
    page = client.get(f"/ke-hoach/{ward_b.pk}/").content.decode()
    assert 'id="plan-lower"' not in page


def test_the_plan_list_shows_the_plans_of_the_scope_drafts_first(client, personas, tree, draft):
    for issuer, number in (("A", "12/KH-UBND"), ("B", "5/KH-UBND"), ("HP", "3/KH-UBND")):
        make_target(make_document(tree[issuer], number=number), make_indicator(f"I-{issuer}"), value=90)
    make_document(tree["A"], number="9/CV-UBND", doc_type="CV", title="Công văn đôn đốc")  # no targets: a letter
    client.force_login(personas["leader_a"])
    text = client.get("/ke-hoach/").content.decode()
    assert TITLE in text and "Kế hoạch 12/KH-UBND" in text
    assert text.index(TITLE) < text.index("Kế hoạch 12/KH-UBND")  # the draft to sign comes first
    assert "5/KH-UBND" not in text and "3/KH-UBND" not in text  # another ward's, and the city's directive
    assert "9/CV-UBND" not in text


@pytest.mark.parametrize("n_plans", [3, 15])
def test_the_plan_list_reads_a_fixed_number_of_queries(client, personas, tree, n_plans, django_assert_max_num_queries):
    for i in range(n_plans):
        make_document(tree["A"], number=f"{i}/KH-UBND", status=DocumentStatus.DRAFT)
    client.force_login(personas["officer_a"])
    # session + user, memberships, the count of plans (paged), the plans with their issuers
    with django_assert_max_num_queries(6):
        page = client.get("/ke-hoach/")
    table = page.content.decode().split('id="plan-table"')[1]  # the status filter offers "Dự thảo" too
    assert table.count("Dự thảo") == n_plans


def test_the_plan_list_is_searched_whatever_the_accents_and_paged(client, personas, tree):
    from plans.views import PLANS_PER_PAGE

    for i in range(PLANS_PER_PAGE + 5):
        make_document(tree["A"], number=f"{i}/KH-UBND", title=f"Kế hoạch phát triển giáo dục mầm non số {i}",
                      status=DocumentStatus.DRAFT)
    make_document(tree["A"], number="77/KH-UBND", title="Kế hoạch chuyển đổi số trong trường học",
                  status=DocumentStatus.DRAFT)
    make_document(tree["B"], number="78/KH-UBND", title="Kế hoạch chuyển đổi số của phường B",
                  status=DocumentStatus.DRAFT)
    client.force_login(personas["officer_a"])
    first = client.get("/ke-hoach/").content.decode()
    assert first.split('id="plan-table"')[1].count("<tr>") == PLANS_PER_PAGE + 1  # the header row and a page
    assert f"{PLANS_PER_PAGE + 6} kế hoạch." in first and "Trang 1/2" in first and "trang=2" in first
    found = client.get("/ke-hoach/", {"q": "chuyen doi so"}).content.decode()
    assert "77/KH-UBND" in found and "78/KH-UBND" not in found  # phường B's is not officer A's
    assert "1 kế hoạch phù hợp." in found
    assert f"{PLANS_PER_PAGE + 6} kế hoạch phù hợp." in client.get("/ke-hoach/", {"status": "draft"}).content.decode()
    for query in ({"status": "in_force"}, {"q": "không có kế hoạch này"}):
        assert "Không có kế hoạch nào phù hợp." in client.get("/ke-hoach/", query).content.decode()


def test_a_number_taken_meanwhile_by_another_signature_is_refused_in_vietnamese(client, personas, tree, draft,
                                                                               monkeypatch):
    """Two drafts of the ward signed with the same number at once: the second is told (400, what was typed kept),
    not a server error, and stays a draft."""
    import plans.views as views

    other = make_document(tree["A"], number="", title="Kế hoạch khác", status=DocumentStatus.DRAFT, issued_year=2026)
    saved = views.enact_plan

    def the_other_signed_first(**kwargs):
        saved(document=other, number="115/KH-UBND", issued_on=date(2026, 1, 14), by=personas["leader_a"])
        return saved(**kwargs)

    monkeypatch.setattr(views, "enact_plan", the_other_signed_first)
    client.force_login(personas["leader_a"])
    response = enact(client, draft, "115/KH-UBND", "15/01/2026")
    assertContains(response, "Số, ký hiệu 115/KH-UBND vừa được dùng cho một văn bản khác của đơn vị",
                   status_code=400)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and draft.number == ""
    assert not DocumentRevision.objects.filter(document=draft).exists()


def test_the_same_number_saved_at_the_same_moment_is_refused_by_the_key(personas, tree, draft, monkeypatch):
    from plans import actions

    make_document(tree["A"], number="115/KH-UBND", title="Kế hoạch khác")
    real_filter = actions.Document.objects.filter
    monkeypatch.setattr(actions.Document.objects, "filter",  # the other signature not yet visible to the check
                        lambda *a, **kw: Document.objects.none() if "number" in kw else real_filter(*a, **kw))
    with pytest.raises(actions.PlanStateError, match="vừa được dùng cho một văn bản khác"):
        actions.enact_plan(document=draft, number="115/KH-UBND", issued_on=date(2026, 1, 15), by=personas["leader_a"])
    monkeypatch.undo()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and draft.number == ""


def test_two_plans_replaced_by_each_other_at_once_leave_one_in_force(personas, tree):
    """The leader replaces A by B while the vice-chair, from a page read before, replaces B by A: the second is
    refused, not both plans replaced with the unit left without a plan in force."""
    from plans.actions import PlanStateError, replace_plan

    plan_a = make_document(tree["A"], number="12/KH-UBND", title="Kế hoạch 2025")
    plan_b = make_document(tree["A"], number="30/KH-UBND", title="Kế hoạch 2026")
    stale_a, stale_b = Document.objects.get(pk=plan_a.pk), Document.objects.get(pk=plan_b.pk)
    replace_plan(document=plan_a, replacement=plan_b, reason="Kế hoạch mới", by=personas["leader_a"])
    with pytest.raises(PlanStateError, match="Kế hoạch thay thế phải là một kế hoạch khác của cùng đơn vị"):
        replace_plan(document=stale_b, replacement=stale_a, reason="Nhầm", by=personas["leader_a"])
    assert list(Document.objects.in_force().filter(issuer=tree["A"])) == [plan_b]
    assert Document.objects.get(pk=plan_b.pk).replaced_by is None

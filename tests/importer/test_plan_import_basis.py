"""The documents an imported plan is based on, corrected on the review page: a cited document the reader matched
can be dropped (and kept again), a portal document the reader missed can be added, and each proposal's
suggested higher target follows. Nothing typed on the page is lost on the way."""

import lxml.html
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from importer import actions, forms
from plans.models import DocumentStatus, PlanImport
from targets.models import Indicator, Target
from tests.factories import make_document
from units import access

from .test_plan_import import decide, metadata, started

KINH_MON = "ke-hoach-phuong-kinh-mon.txt"  # cites 71-NQ/TW, in the portal here (nq71) with the Internet target


@pytest.fixture
def city_plan(tree):
    """The city's plan in force, with a target on schools connected to the Internet: the reader does not see
    it cited in the sample, an officer adds it."""
    document = make_document(tree["HP"], number="282/KH-UBND", title="Kế hoạch thực hiện Nghị quyết 71 của thành phố")
    internet = Indicator.objects.get(code="ket-noi-internet")
    Target.objects.create(document=document, indicator=internet, ref="HP-1", comparator="eq",
                          text="100% trường học có Internet")
    return document


def cited_url(plan_import):
    return reverse("importer:plan_import_cited", args=[plan_import.pk])


def page_data(plan_import, **changes):
    """What the page's create form sends: the particulars as shown, with ``changes``."""
    return {**metadata(plan_import), **changes}


def internet_index(plan_import):
    return next(index for index, item in enumerate(plan_import.items())
                if item["indicator"] == "Tỷ lệ trường học có kết nối Internet")


def test_the_page_offers_the_signed_documents_of_the_unit_and_above_that_are_not_cited(
        client, personas, tree, nq71, city_plan):
    draft = make_document(tree["HP"], number="300/KH-UBND", status=DocumentStatus.DRAFT)
    department = make_document(tree["SGDDT"], number="55/KH-SGDĐT", title="Kế hoạch của Sở")
    other_ward = make_document(tree["B"], number="9/KH-UBND", title="Kế hoạch của phường B")
    plan_import = started(client, personas, tree, KINH_MON)
    response = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    choices = dict(response.context["basis_form"].fields["document"].choices)
    assert str(city_plan.pk) in choices and str(department.pk) in choices
    assert choices[str(city_plan.pk)] == "Kế hoạch 282/KH-UBND — Thành phố Hải Phòng"
    for absent in (nq71, draft, other_ward):  # cited already; not signed; not above phường A
        assert str(absent.pk) not in choices
    assertContains(response, 'name="cited-document"')
    assertContains(response, 'value="drop-0"')


def test_adding_a_document_lists_it_and_suggests_its_targets_keeping_what_was_typed(
        client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    before = len(plan_import.proposals["parents"])
    response = client.post(cited_url(plan_import), page_data(plan_import, title="Tên đã sửa", **{
        "cited-document": city_plan.pk, "cited-action": "add"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan_import.refresh_from_db()
    parents = plan_import.proposals["parents"]
    assert len(parents) == before + 1
    assert parents[-1]["document_id"] == city_plan.pk and parents[-1]["added"]
    assert plan_import.proposals["title"] == "Tên đã sửa"  # the particulars typed are not lost
    internet = plan_import.items()[internet_index(plan_import)]
    assert {c["id"] for c in internet["parent_candidates"]} == {nq71.targets.get().pk, city_plan.targets.get().pk}
    page = client.get(response.url)
    assertContains(page, "Đã thêm Kế hoạch 282/KH-UBND vào các văn bản căn cứ.")
    assertContains(page, "thêm khi xem xét")

    # created: the plan implements both
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    plan_import.refresh_from_db()
    client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), page_data(plan_import))
    plan_import.refresh_from_db()
    assert set(plan_import.document.implements.all()) == {nq71, city_plan}


def test_a_dropped_document_is_not_implemented_and_can_be_kept_again(client, personas, tree, nq71):
    plan_import = started(client, personas, tree, KINH_MON)
    place = next(i for i, p in enumerate(plan_import.proposals["parents"]) if p.get("document_id") == nq71.pk)
    index = internet_index(plan_import)
    assert plan_import.items()[index]["parent_id"] == nq71.targets.get().pk

    assert client.post(cited_url(plan_import), page_data(plan_import, **{"cited-action": f"drop-{place}"})).status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.proposals["parents"][place]["dropped"] is True  # still listed, struck out
    assert plan_import.items()[index]["parent_id"] is None and plan_import.items()[index]["parent_candidates"] == []
    page = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(page, "đã bỏ: kế hoạch không ghi là thực hiện văn bản này")
    assertContains(page, f'value="keep-{place}"')
    assert str(nq71.pk) in dict(page.context["basis_form"].fields["document"].choices)  # offered again

    assert client.post(cited_url(plan_import), page_data(plan_import, **{"cited-action": f"keep-{place}"})).status_code == 302
    plan_import.refresh_from_db()
    assert "dropped" not in plan_import.proposals["parents"][place]
    assert plan_import.items()[index]["parent_id"] == nq71.targets.get().pk

    # dropped again, then the plan is created: it implements nothing
    client.post(cited_url(plan_import), page_data(plan_import, **{"cited-action": f"drop-{place}"}))
    plan_import.refresh_from_db()
    for i in range(len(plan_import.items())):
        decide(client, plan_import, i, "accepted")
    plan_import.refresh_from_db()
    client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), page_data(plan_import))
    plan_import.refresh_from_db()
    assert list(plan_import.document.implements.all()) == []


def test_a_higher_target_the_officer_accepted_is_kept_unless_its_document_is_dropped(
        client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    index = internet_index(plan_import)
    decide(client, plan_import, index, "accepted")  # with the suggested higher target, nq71's
    plan_import.refresh_from_db()
    client.post(cited_url(plan_import), page_data(plan_import, **{"cited-document": city_plan.pk, "cited-action": "add"}))
    plan_import.refresh_from_db()
    assert plan_import.items()[index]["parent_id"] == nq71.targets.get().pk  # not moved by the new suggestions

    place = next(i for i, p in enumerate(plan_import.proposals["parents"]) if p.get("document_id") == nq71.pk)
    response = client.post(cited_url(plan_import), page_data(plan_import, **{"cited-action": f"drop-{place}"}))
    plan_import.refresh_from_db()
    assert plan_import.items()[index]["parent_id"] is None  # its document is no longer cited
    assertContains(client.get(response.url), "1 đề xuất không còn gắn với chỉ tiêu cấp trên đã chọn")


def test_a_document_chosen_without_pressing_add_goes_with_the_plan(client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    plan_import.refresh_from_db()
    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]),
                           page_data(plan_import, **{"cited-document": city_plan.pk}))
    assert response.status_code == 302
    plan_import.refresh_from_db()
    assert set(plan_import.document.implements.all()) == {nq71, city_plan}


@pytest.mark.parametrize("data, message", [
    ({"cited-action": "add"}, "Hãy chọn văn bản cần thêm."),
    ({"cited-action": "drop-99"}, "Không có văn bản căn cứ này trong danh sách"),
    ({"cited-action": "erase"}, "Thao tác không hợp lệ với văn bản căn cứ."),
    ({"cited-action": "add", "cited-document": "999999"}, "Văn bản này không có trong danh sách văn bản có thể căn cứ."),
])
def test_a_wrong_change_is_refused_in_vietnamese_and_changes_nothing(client, personas, tree, nq71, data, message):
    plan_import = started(client, personas, tree, KINH_MON)
    before = plan_import.proposals
    response = client.post(cited_url(plan_import), page_data(plan_import, title="Tên đã sửa", **data))
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assertContains(response, "Tên đã sửa", status_code=400)  # shown again as typed
    plan_import.refresh_from_db()
    assert plan_import.proposals == before


def test_a_document_of_another_ward_cannot_be_added(client, personas, tree, nq71):
    other_ward = make_document(tree["B"], number="9/KH-UBND", title="Kế hoạch của phường B")
    plan_import = started(client, personas, tree, KINH_MON)
    response = client.post(cited_url(plan_import), page_data(plan_import, **{
        "cited-document": other_ward.pk, "cited-action": "add"}))
    assertContains(response, "Văn bản này không có trong danh sách", status_code=400)
    plan_import.refresh_from_db()
    assert all(p.get("document_id") != other_ward.pk for p in plan_import.proposals["parents"])


def test_another_wards_officer_gets_404_and_a_leader_403(client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    before = plan_import.proposals
    data = page_data(plan_import, **{"cited-document": city_plan.pk, "cited-action": "add"})
    client.force_login(personas["officer_b"])
    assert client.post(cited_url(plan_import), data).status_code == 404
    client.force_login(personas["leader_a"])
    assert client.post(cited_url(plan_import), data).status_code == 403
    assert client.get(cited_url(plan_import)).status_code in (403, 405)
    plan_import.refresh_from_db()
    assert plan_import.proposals == before


def test_no_change_once_the_plan_is_created(client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    for index in range(len(plan_import.items())):
        decide(client, plan_import, index, "accepted")
    plan_import.refresh_from_db()
    client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), page_data(plan_import))
    plan_import = PlanImport.objects.get(pk=plan_import.pk)
    with pytest.raises(Exception, match="Kế hoạch đã được tạo"):
        actions.change_cited(plan_import=plan_import, add=city_plan)
    assert set(plan_import.document.implements.all()) == {nq71}


def test_the_basis_form_reads_the_documents_once(personas, tree, nq71, city_plan, client,
                                                django_assert_num_queries):
    plan_import = PlanImport.objects.select_related("unit").get(pk=started(client, personas, tree, KINH_MON).pk)
    officer = personas["officer_a"]
    access.memberships(officer)  # read with the user on every request (units.backends)
    with django_assert_num_queries(1):
        form = forms.PlanBasisForm({"cited-document": str(city_plan.pk)}, plan_import=plan_import, user=officer)
        assert form.is_valid() and form.cleaned_data["add"] == city_plan
        str(form["document"])


def test_a_double_tap_on_a_cited_documents_button_is_done_once_and_the_buttons_lock(
        client, personas, tree, nq71, city_plan):
    plan_import = started(client, personas, tree, KINH_MON)
    page = lxml.html.fromstring(client.get(reverse("importer:plan_import_review", args=[plan_import.pk])).content)
    buttons = page.xpath("//button[@name='cited-action']")
    # each locked once sent (static/js/portal.js), "Thêm" and "Bỏ" alike
    assert {b.get("value")[:4] for b in buttons} >= {"add", "drop"} and all(b.get("data-busy-text") for b in buttons)
    client.post(cited_url(plan_import), page_data(plan_import, **{"cited-document": city_plan.pk, "cited-action": "add"}))
    plan_import.refresh_from_db()
    parents = plan_import.proposals["parents"]
    place = next(i for i, p in enumerate(parents) if p.get("document_id") == city_plan.pk)

    # "Bỏ" on the document just added, tapped twice from the same page: the second is no colleague's change
    tapped = page_data(plan_import, **{"cited-action": f"drop-{place}"})
    responses = [client.post(cited_url(plan_import), tapped) for _ in range(2)]

    assert [response.status_code for response in responses] == [302, 302]
    plan_import.refresh_from_db()
    assert [p.get("document_id") for p in plan_import.proposals["parents"]] == [
        p.get("document_id") for p in parents if p.get("document_id") != city_plan.pk]  # the next one not dropped
    assert not any(p.get("dropped") for p in plan_import.proposals["parents"])


def test_a_cited_documents_change_without_the_pages_version_is_refused(client, personas, tree, nq71):
    plan_import = started(client, personas, tree, KINH_MON)
    place = next(i for i, p in enumerate(plan_import.proposals["parents"]) if p.get("document_id") == nq71.pk)
    data = page_data(plan_import, **{"cited-action": f"drop-{place}"})
    data.pop(forms.PAGE_SEEN)

    response = client.post(cited_url(plan_import), data)

    assertContains(response, "hãy tải lại trang", status_code=400)
    plan_import.refresh_from_db()
    assert "dropped" not in plan_import.proposals["parents"][place]

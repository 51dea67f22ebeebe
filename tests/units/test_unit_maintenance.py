"""Units maintained through pages by a province-level administrator: add, rename, close from a date, merge
wards with their history kept (the dashboards follow the successions)."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from targets.queries import subtree_roots
from tests.factories import make_unit, make_user
from units.maintenance import merge_communes, names_fingerprint
from units.models import AdminEvent, Role, Unit, UnitSuccession

LIST = reverse("units:unit_list")
CREATE = reverse("units:unit_create")
MERGE = reverse("merges:unit_merge")


@pytest.fixture
def admin_hp(tree):
    # the administrator placed in the Sở GD&ĐT: maintains the units of the whole city
    return make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)


@pytest.fixture
def other_province(tree):
    qn = make_unit("QN", "Tỉnh Quảng Ninh", "province", tree["VN"])
    ward = make_unit("QN-HL", "Phường Hạ Long", "commune", qn)
    # the administrator of another province: must be refused everything of Hải Phòng
    return {"QN": qn, "ward": ward, "admin": make_user("quantri.qn", qn, Role.UNIT_ADMIN)}


def page_of(response):
    return response.content.decode()


def test_a_province_administrator_adds_a_school_under_a_ward(client, tree, admin_hp):
    client.force_login(admin_hp)
    response = client.post(CREATE, {"parent": tree["A"].pk, "kind": "school", "code": "A-MN2",
                                    "name": "Trường Mầm non A3", "levels": ["mn"], "valid_from": "01/09/2025"},
                           follow=True)
    school = Unit.objects.get(code="A-MN2")
    assert (school.parent, school.path, school.levels, school.valid_from) == (
        tree["A"], "/VN/HP/A/A-MN2/", ["mn"], date(2025, 9, 1))
    page = page_of(response)
    assert "Đã thêm Trường Mầm non A3 (A-MN2) vào Phường A." in page and "Thêm đơn vị" in page
    assert AdminEvent.objects.get(unit=school).by == admin_hp


def test_adding_a_unit_checks_every_field_in_vietnamese(client, tree, admin_hp):
    client.force_login(admin_hp)
    page = page_of(client.post(CREATE, {"parent": tree["A"].pk, "kind": "school", "code": "A-TH1",
                                        "name": "Trùng mã", "valid_from": "31/02/2025"}))
    assert "Mã đơn vị “A-TH1” đã được dùng." in page
    assert "Trường học phải có ít nhất một cấp học." in page
    assert "Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy" in page
    page = page_of(client.post(CREATE, {"parent": tree["A"].pk, "kind": "commune", "code": "a-moi", "name": "X"}))
    assert "Mã đơn vị chỉ gồm chữ IN HOA không dấu" in page
    assert "Không thể đặt xã / phường / đặc khu dưới xã / phường / đặc khu “Phường A”." in page
    page = page_of(client.post(CREATE, {"parent": tree["B-MN"].pk, "kind": "school", "code": "X", "name": "X",
                                        "levels": ["th"]}))
    assert "Đơn vị cấp trên không thuộc phạm vi bạn quản trị." in page
    assert Unit.objects.count() == len(tree)


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "reviewer", "principal_a"])
def test_other_roles_are_refused_the_unit_pages(client, tree, personas, persona):
    client.force_login(personas[persona])
    for url in (LIST, CREATE, MERGE, reverse("units:unit_rename", args=[tree["A-TH1"].pk])):
        response = client.get(url)
        assert response.status_code == 403 and "Chỉ quản trị viên cấp tỉnh/thành phố" in page_of(response)


def test_a_ward_administrator_manages_accounts_but_not_units(client, tree):
    client.force_login(make_user("quantri.a", tree["A"], Role.UNIT_ADMIN))
    assert client.get(reverse("units:account_list")).status_code == 200
    assert client.get(LIST).status_code == 403
    response = client.post(reverse("units:unit_rename", args=[tree["A-TH1"].pk]), {"name": "Đổi"})
    assert response.status_code == 403
    assert Unit.objects.get(pk=tree["A-TH1"].pk).name == "Trường Tiểu học A1"


def test_another_provinces_administrator_cannot_see_or_change_these_units(client, tree, other_province):
    client.force_login(other_province["admin"])
    for name in ("unit_rename", "unit_close"):
        assert client.get(reverse(f"units:{name}", args=[tree["A"].pk])).status_code == 404
    assert client.post(reverse("units:unit_rename", args=[tree["A"].pk]), {"name": "Đổi"}).status_code == 404
    assert client.get(LIST, {"unit": tree["HP"].pk}).status_code == 404
    page = page_of(client.get(LIST))
    assert "Phường Hạ Long" in page and "Phường A" not in page
    page = page_of(client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": other_province["ward"].pk,
                                       "effective_on": "01/01/2026", "legal_basis": "NQ"}))
    assert "không thuộc phạm vi bạn quản trị" in page
    assert not UnitSuccession.objects.exists()


def test_renaming_keeps_the_code_and_records_the_old_name(client, tree, admin_hp):
    client.force_login(admin_hp)
    response = client.post(reverse("units:unit_rename", args=[tree["A-TH1"].pk]),
                           {"name": "Trường Tiểu học Hải Thành", "short_name": "TH Hải Thành",
                            "seen": names_fingerprint(tree["A-TH1"])}, follow=True)
    school = Unit.objects.get(pk=tree["A-TH1"].pk)
    assert (school.code, school.name, school.short_name) == ("A-TH1", "Trường Tiểu học Hải Thành", "TH Hải Thành")
    page = page_of(response)
    assert "Đã đổi tên “Trường Tiểu học A1” thành “Trường Tiểu học Hải Thành”." in page
    assert "Tên cũ: Trường Tiểu học A1" in page


def test_a_unit_is_closed_from_a_date_but_not_while_units_below_it_are_open(client, tree, admin_hp):
    client.force_login(admin_hp)
    page = page_of(client.post(reverse("units:unit_close", args=[tree["A"].pk]),
                               {"valid_to": "31/12/2025", "reason": "Sắp xếp lại"}))
    assert "Đơn vị còn 3 đơn vị trực thuộc hoạt động sau ngày đó" in page
    page = page_of(client.post(reverse("units:unit_close", args=[tree["A-TH1"].pk]),
                               {"valid_to": "2025-13-40", "reason": ""}))
    assert "Ngày không hợp lệ" in page and "Hãy ghi căn cứ hoặc lý do ngừng hoạt động." in page
    response = client.post(reverse("units:unit_close", args=[tree["A-TH1"].pk]),
                           {"valid_to": "31/05/2026", "reason": "Quyết định 12/QĐ-UBND"}, follow=True)
    assert Unit.objects.get(pk=tree["A-TH1"].pk).valid_to == date(2026, 5, 31)
    assert "Trường Tiểu học A1 hoạt động đến hết ngày 31/05/2026" in page_of(response)
    page = page_of(client.post(reverse("units:unit_close", args=[tree["A-TH1"].pk]),
                               {"valid_to": "30/06/2026", "reason": "lại"}))
    assert "Đơn vị đã ngừng hoạt động (đến hết ngày 31/05/2026)." in page


def test_merging_wards_keeps_their_history_and_the_successor_adds_it_up(client, tree, admin_hp):
    client.force_login(admin_hp)
    response = client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": tree["A"].pk,
                                   "effective_on": "01/01/2026", "legal_basis": "Nghị quyết 1669/NQ-UBTVQH15"},
                           follow=True)
    ward_b, school = Unit.objects.get(pk=tree["B"].pk), Unit.objects.get(pk=tree["B-MN"].pk)
    assert ward_b.valid_to == date(2025, 12, 31)
    assert (school.parent_id, school.path, school.valid_to) == (tree["A"].pk, "/VN/HP/A/B-MN/", None)
    succession = UnitSuccession.objects.get()
    assert (succession.predecessor, succession.successor, succession.kind, succession.effective_on) == (
        ward_b, tree["A"], "merge", date(2026, 1, 1))
    # the dashboards of A add up what was recorded under B before the merge
    assert {u.pk for u in subtree_roots([tree["A"]])[tree["A"].pk]} == {tree["A"].pk, ward_b.pk}
    assert "Đã sáp nhập Phường B vào Phường A từ ngày 01/01/2026: 1 trường chuyển về" in page_of(response)
    assert "Sáp nhập vào Phường A từ 01/01/2026" in page_of(response)


def test_a_merge_is_checked_before_anything_changes(client, tree, admin_hp):
    client.force_login(admin_hp)
    page = page_of(client.post(MERGE, {"predecessors": [tree["A"].pk, tree["B"].pk], "successor": tree["A"].pk,
                                       "effective_on": "01/07/2025", "legal_basis": ""}))
    assert "“Phường A” là xã/phường tiếp nhận, không thể đồng thời được sáp nhập." in page
    assert "Hãy ghi căn cứ của việc sáp nhập." in page
    assert "Ngày có hiệu lực phải sau ngày Phường B bắt đầu hoạt động (01/07/2025)." in page
    page = page_of(client.post(MERGE, {"predecessors": [tree["A-TH1"].pk], "successor": tree["B"].pk,
                                       "effective_on": "01/01/2026", "legal_basis": "NQ"}))
    assert "Xã/phường không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động." in page
    assert not UnitSuccession.objects.exists() and Unit.objects.get(pk=tree["B"].pk).valid_to is None


def test_a_merge_dated_ahead_is_refused_and_changes_nothing(client, tree, admin_hp):
    """Saving a merge moves the schools at once: a date still ahead would count the ward twice until then."""
    client.force_login(admin_hp)
    ahead = timezone.localdate() + timedelta(days=34)
    page = page_of(client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": tree["A"].pk,
                                       "effective_on": ahead.strftime("%d/%m/%Y"), "legal_basis": "NQ 1/NQ-HĐND"}))
    assert "Ngày có hiệu lực không được sau hôm nay" in page
    assert "hãy thực hiện vào đúng ngày có hiệu lực" in page
    assert not UnitSuccession.objects.exists()
    assert Unit.objects.get(pk=tree["B-MN"].pk).parent_id == tree["B"].pk
    assert Unit.objects.get(pk=tree["B"].pk).valid_to is None
    with pytest.raises(ValidationError):
        merge_communes(predecessors=[tree["B"]], successor=tree["A"], effective_on=ahead, legal_basis="NQ",
                       by=admin_hp)


def test_the_unit_list_runs_a_fixed_number_of_queries(client, tree, admin_hp, django_assert_max_num_queries):
    client.force_login(admin_hp)
    url = f"{LIST}?unit={tree['A'].pk}"
    client.get(url)
    # session, the user with its memberships, the unread notifications (top bar), the unit, the breadcrumb, the
    # children with counts, their successions, events
    with django_assert_max_num_queries(9):
        few = page_of(client.get(url))
    for n in range(6):
        make_unit(f"A-MN{n}", f"Trường Mầm non A-{n}", "school", tree["A"], levels=["mn"])
    with django_assert_max_num_queries(9):
        many = page_of(client.get(url))
    assert few.count('<tr id="unit-') == 3 and many.count('<tr id="unit-') == 9
    assert "Trường Mầm non A-5" in many and "A-MN5" in many


# --- paged and searched (issue 13: a province holds ~170 communes and ~1,500 schools) ------------------------------


def listed(response):
    """The units on the list's rows, in order: (name, trail or "")."""
    table = page_of(response).split('id="units"')[1].split("</table>")[0]
    rows = re.findall(r'<td class="card-title">(.*?)</td>', table)
    return [(re.search(r"^(?:<a [^>]*>)?([^<]*)", row).group(1),
             re.search(r'unit-trail">([^<]*)', row).group(1) if "unit-trail" in row else "") for row in rows]


def add_communes(tree, names):
    for name in names:
        make_unit(f"X{Unit.objects.count()}", name, "commune", tree["HP"])


def test_the_unit_list_is_paged_in_vietnamese_order(client, tree, admin_hp):
    add_communes(tree, [f"Phường Hòa Bình {i:02}" for i in range(30)] + [f"Phường Hải An {i:02}" for i in range(25)])
    client.force_login(admin_hp)
    first = client.get(LIST)
    # the department first (UnitKind's order), then the communes by name, "Hải" before "Hòa"
    assert [name for name, _ in listed(first)] == (
        ["Sở Giáo dục và Đào tạo Hải Phòng", "Phường A", "Phường B"] + [f"Phường Hải An {i:02}" for i in range(25)]
        + [f"Phường Hòa Bình {i:02}" for i in range(22)])
    assert "58 đơn vị trực thuộc Thành phố Hải Phòng." in page_of(first)
    assert "Trang 1/2 (1–50 trong 58)" in page_of(first)
    second = client.get(LIST, {"unit": tree["HP"].pk, "page": 2})
    assert [name for name, _ in listed(second)] == [f"Phường Hòa Bình {i:02}" for i in range(22, 30)]


def test_the_unit_list_finds_units_of_the_whole_subtree_with_their_trail(client, tree, admin_hp):
    client.force_login(admin_hp)
    found = client.get(LIST, {"unit": tree["HP"].pk, "q": "mam non"})  # typed without accents
    assert listed(found) == [("Trường Mầm non B1", "Thành phố Hải Phòng › Phường B")]
    assert "1 đơn vị thuộc Thành phố Hải Phòng (mọi cấp) phù hợp." in page_of(found)
    schools = client.get(LIST, {"unit": tree["HP"].pk, "kind": "school"})
    assert listed(schools) == [("Trường Mầm non B1", "Thành phố Hải Phòng › Phường B"),
                               ("Trường Tiểu học A1", "Thành phố Hải Phòng › Phường A"),
                               ("Trường Tiểu học và THCS A2", "Thành phố Hải Phòng › Phường A")]
    by_code = client.get(LIST, {"unit": tree["A"].pk, "q": "a-thcs"})
    assert [name for name, _ in listed(by_code)] == ["Trường Tiểu học và THCS A2"]
    nothing = client.get(LIST, {"unit": tree["B"].pk, "q": "A1"})  # A's school is not below B
    assert listed(nothing) == [] and "Không có đơn vị nào thuộc Phường B phù hợp." in page_of(nothing)


def test_the_unit_list_keeps_its_filters_across_pages(client, tree, admin_hp):
    for i in range(55):
        make_unit(f"A-MN{i}", f"Trường Mầm non Hoa Sen {i:02}", "school", tree["A"], levels=["mn"])
    client.force_login(admin_hp)
    first = client.get(LIST, {"unit": tree["HP"].pk, "q": "mầm non", "kind": "school"})
    following = re.search(r'<a class="button" href="\?([^"]*)" rel="next">Trang sau →</a>', page_of(first)).group(1)
    following = following.replace("&amp;", "&")
    assert parse_qs(following) == {"unit": [str(tree["HP"].pk)], "q": ["mầm non"], "kind": ["school"], "page": ["2"]}
    second = listed(client.get(f"{LIST}?{following}"))
    assert [name for name, _ in second] == [f"Trường Mầm non Hoa Sen {i:02}" for i in range(49, 55)]
    assert second[-1][1] == "Thành phố Hải Phòng › Phường A"


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("999", 2), ("9" * 40, 2), ("²", 1)])
def test_a_bad_page_number_opens_the_first_or_the_last_page_of_units(client, tree, admin_hp, asked, shown):
    add_communes(tree, [f"Phường số {i:02}" for i in range(55)])
    client.force_login(admin_hp)
    response = client.get(LIST, {"page": asked, "kind": "bogus", "q": "x" * 500})
    assert response.status_code == 200 and f"Trang {shown}/2" in page_of(response)


@pytest.mark.parametrize("asked", [{}, {"q": "phuong", "kind": "commune", "page": "2"}])
def test_the_unit_list_takes_the_same_queries_for_5_or_60_units(client, tree, admin_hp, asked,
                                                                django_assert_num_queries):
    client.force_login(admin_hp)
    add_communes(tree, [f"Phường số {i:02}" for i in range(5)])
    asked = {"unit": tree["HP"].pk, **asked}
    # session, the user with its memberships, the unread notifications (top bar), the unit, the sort keys of the
    # units listed, the page's units (with their parents and the units in force below them), their successions, the
    # breadcrumb, the recent changes
    with django_assert_num_queries(9):
        client.get(LIST, asked)
    add_communes(tree, [f"Phường số {i:02}" for i in range(5, 60)])
    with django_assert_num_queries(9):
        response = client.get(LIST, asked)
    assert len(listed(response)) == (50 if "page" not in asked else 12)


def test_another_provinces_administrator_finds_nothing_of_this_province(client, tree, other_province):
    client.force_login(other_province["admin"])
    response = client.get(LIST, {"q": "Phường", "kind": "commune"})
    assert [name for name, _ in listed(response)] == ["Phường Hạ Long"]
    assert client.get(LIST, {"unit": tree["A"].pk, "q": "Trường"}).status_code == 404


def test_a_ward_merged_meanwhile_by_another_administrator_is_not_merged_again(client, tree, admin_hp, monkeypatch):
    """Two offices enter the same merge decision: the second, whose form was checked before the first was saved,
    is refused with a Vietnamese message; the ward keeps one successor and its history is counted once."""
    import plans.views_merge as views

    ward_c = make_unit("C", "Phường C", "commune", tree["HP"], valid_from=date(2025, 7, 1))
    other_admin = make_user("quantri.hp2", tree["HP"], Role.UNIT_ADMIN)
    saved = views.merge_wards

    def another_merge_saved_first(**kwargs):  # what the other office saves while this form is being checked
        merge_communes(predecessors=[Unit.objects.get(pk=tree["B"].pk)], successor=ward_c,
                       effective_on=date(2026, 2, 1), legal_basis="NQ 1", by=other_admin)
        return saved(**kwargs)

    monkeypatch.setattr(views, "merge_wards", another_merge_saved_first)
    client.force_login(admin_hp)
    response = client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": tree["A"].pk,
                                   "effective_on": "01/01/2026", "legal_basis": "NQ 2"})
    assert response.status_code == 200
    assert "Phường B vừa được sáp nhập hoặc ngừng hoạt động (có thể do một quản trị viên khác)" in page_of(response)
    assert list(UnitSuccession.objects.values_list("predecessor", "successor")) == [(tree["B"].pk, ward_c.pk)]
    assert Unit.objects.get(pk=tree["B"].pk).valid_to == date(2026, 1, 31)
    assert Unit.objects.get(pk=tree["B-MN"].pk).parent_id == ward_c.pk
    assert {u.pk for u in subtree_roots([tree["A"]])[tree["A"].pk]} == {tree["A"].pk}


def test_a_merge_into_a_ward_closed_meanwhile_is_refused(tree, admin_hp):
    stale_a = Unit.objects.get(pk=tree["A"].pk)
    Unit.objects.filter(pk=tree["A"].pk).update(valid_to=date(2025, 12, 31))
    with pytest.raises(ValidationError, match="Phường A vừa được sáp nhập hoặc ngừng hoạt động"):
        merge_communes(predecessors=[tree["B"]], successor=stale_a, effective_on=date(2026, 1, 1),
                       legal_basis="NQ", by=admin_hp)
    assert not UnitSuccession.objects.exists() and Unit.objects.get(pk=tree["B-MN"].pk).parent_id == tree["B"].pk


def test_a_merge_before_the_successor_exists_is_refused(client, tree, admin_hp):
    """The old ward would end before the new one begins: its schools would belong to no ward in force."""
    Unit.objects.filter(pk=tree["A"].pk).update(valid_from=date(2026, 1, 1))
    client.force_login(admin_hp)
    page = page_of(client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": tree["A"].pk,
                                       "effective_on": "01/10/2025", "legal_basis": "NQ"}))
    assert "Ngày có hiệu lực không được trước ngày Phường A bắt đầu hoạt động (01/01/2026)." in page
    assert not UnitSuccession.objects.exists() and Unit.objects.get(pk=tree["B"].pk).valid_to is None


def test_a_code_taken_meanwhile_by_another_administrator_is_refused_in_vietnamese(client, tree, admin_hp,
                                                                                 monkeypatch):
    """Two administrators add the same school at once: the second is told, with what was typed, not a 500."""
    import units.views_units as views

    saved = views.add_unit

    def the_other_one_first(**kwargs):
        saved(parent=tree["A"], kind="school", code="A-MN2", name="Trường Mầm non A2", levels=["mn"], by=admin_hp)
        return saved(**kwargs)

    monkeypatch.setattr(views, "add_unit", the_other_one_first)
    client.force_login(admin_hp)
    response = client.post(CREATE, {"parent": tree["A"].pk, "kind": "school", "code": "A-MN2",
                                    "name": "Trường Mầm non A3", "levels": ["mn"], "valid_from": "01/09/2025"})
    assert response.status_code == 200
    page = page_of(response)
    assert "Mã đơn vị “A-MN2” vừa được dùng cho một đơn vị khác" in page and "Trường Mầm non A3" in page
    assert Unit.objects.get(code="A-MN2").name == "Trường Mầm non A2"
    assert AdminEvent.objects.filter(action="unit_created").count() == 1


def test_the_same_code_saved_at_the_same_moment_is_refused_by_the_key_not_a_server_error(tree, admin_hp,
                                                                                         monkeypatch):
    from units import maintenance

    real_clean = Unit.full_clean
    make_unit("A-MN2", "Trường Mầm non A2", "school", tree["A"], levels=["mn"])
    monkeypatch.setattr(maintenance.Unit.objects, "filter", lambda **kw: Unit.objects.none())  # not yet visible
    monkeypatch.setattr(Unit, "full_clean", lambda self, *a, **kw: real_clean(self, validate_unique=False))
    with pytest.raises(ValidationError, match="vừa được dùng cho một đơn vị khác"):
        maintenance.add_unit(parent=tree["B"], kind="school", code="A-MN2", name="Trùng", levels=["mn"], by=admin_hp)
    monkeypatch.undo()
    assert Unit.objects.filter(code="A-MN2").count() == 1 and not AdminEvent.objects.exists()


MERGE_SCHOOLS = reverse("merges:unit_merge_schools")


def test_two_schools_of_a_ward_are_merged_through_the_pages_their_history_followed(client, tree, admin_hp):
    """A primary school and a TH&THCS school of phường A made one: the first ends the day before, is linked as the
    predecessor (the receiving school's pages add up its figures), and the receiving school teaches both levels."""
    client.force_login(admin_hp)
    assert "Sáp nhập trường học" in page_of(client.get(LIST))
    mn = make_unit("A-MN1", "Trường Mầm non A1", "school", tree["A"], levels=["mn"])
    response = client.post(MERGE_SCHOOLS, {"predecessors": [mn.pk], "successor": tree["A-TH1"].pk,
                                           "effective_on": "01/09/2026", "legal_basis": "Quyết định 12/QĐ-UBND"},
                           follow=True)
    assert "Đã sáp nhập Trường Mầm non A1 vào Trường Tiểu học A1 từ ngày 01/09/2026" in page_of(response)
    assert Unit.objects.get(pk=mn.pk).valid_to == date(2026, 8, 31)
    assert Unit.objects.get(pk=tree["A-TH1"].pk).levels == ["mn", "th"]
    succession = UnitSuccession.objects.get()
    assert (succession.predecessor_id, succession.successor_id, succession.effective_on) == (
        mn.pk, tree["A-TH1"].pk, date(2026, 9, 1))
    assert {u.pk for u in subtree_roots([tree["A-TH1"]])[tree["A-TH1"].pk]} == {tree["A-TH1"].pk, mn.pk}
    # the ward counts each school once: the old school is inside its subtree already
    assert [u.pk for u in subtree_roots([tree["A"]])[tree["A"].pk]] == [tree["A"].pk]
    assert AdminEvent.objects.filter(action="unit_merged").count() == 2


def test_a_school_merge_is_checked_in_vietnamese_before_anything_changes(client, tree, admin_hp):
    client.force_login(admin_hp)
    page = page_of(client.post(MERGE_SCHOOLS, {"predecessors": [tree["A-TH1"].pk, tree["B-MN"].pk],
                                               "successor": tree["A-TH1"].pk, "effective_on": "31/02/2026",
                                               "legal_basis": ""}))
    assert "“Trường Tiểu học A1” là trường tiếp nhận, không thể đồng thời được sáp nhập." in page
    assert "Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy" in page and "Hãy ghi căn cứ của việc sáp nhập." in page
    page = page_of(client.post(MERGE_SCHOOLS, {"predecessors": [tree["B-MN"].pk], "successor": tree["A-TH1"].pk,
                                               "effective_on": "01/09/2026", "legal_basis": "QĐ 1"}))
    assert ("Chỉ sáp nhập được các trường cùng một xã/phường với trường tiếp nhận (Phường A): Trường Mầm non B1 "
            "thuộc đơn vị khác.") in page
    page = page_of(client.post(MERGE_SCHOOLS, {"predecessors": [tree["B"].pk], "successor": tree["A-TH1"].pk,
                                               "effective_on": "01/09/2026", "legal_basis": "QĐ 1"}))
    assert "Trường không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động." in page
    assert not UnitSuccession.objects.exists()
    assert not Unit.objects.filter(valid_to__isnull=False).exists()


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "principal_a", "reviewer"])
def test_other_roles_are_refused_the_school_merge(client, tree, personas, persona):
    client.force_login(personas[persona])
    assert client.get(MERGE_SCHOOLS).status_code == 403
    response = client.post(MERGE_SCHOOLS, {"predecessors": [tree["A-THCS"].pk], "successor": tree["A-TH1"].pk,
                                           "effective_on": "01/09/2026", "legal_basis": "QĐ 1"})
    assert response.status_code == 403 and not UnitSuccession.objects.exists()


def test_another_provinces_administrator_cannot_merge_these_schools(client, tree, other_province):
    client.force_login(other_province["admin"])
    page = page_of(client.post(MERGE_SCHOOLS, {"predecessors": [tree["A-THCS"].pk], "successor": tree["A-TH1"].pk,
                                               "effective_on": "01/09/2026", "legal_basis": "QĐ 1"}))
    assert "Trường tiếp nhận không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động." in page
    assert not UnitSuccession.objects.exists()


def test_the_recorded_merges_are_paged_not_cut_at_thirty(client, tree, admin_hp, django_assert_max_num_queries):
    """After a reform a province records hundreds of successions: every one is reachable, fifty a page, in the
    same queries whatever their number."""
    old = [make_unit(f"CU{i}", f"Phường cũ số {i}", "commune", tree["HP"], valid_from=date(2020, 1, 1),
                     valid_to=date(2025, 6, 30)) for i in range(60)]
    UnitSuccession.objects.bulk_create([
        UnitSuccession(predecessor=unit, successor=tree["A"], kind="merge", effective_on=date(2025, 7, 1),
                       legal_basis=f"NQ {i}") for i, unit in enumerate(old)])
    client.force_login(admin_hp)
    with django_assert_max_num_queries(12):
        first = page_of(client.get(MERGE))
    second = page_of(client.get(MERGE, {"page": 2}))
    shown = [re.findall(r"Phường cũ số (\d+)<", page) for page in (first, second)]
    assert (len(shown[0]), len(shown[1])) == (50, 10)
    assert sorted(int(n) for n in shown[0] + shown[1]) == list(range(60))
    assert "Trang 1/2" in first and "Trang 2/2" in second


def test_a_close_checked_before_another_administrators_change_is_refused(client, tree, admin_hp, monkeypatch):
    """Two administrators act on the same school at once: the one whose close form was checked before the other's
    change saved is told, nothing overwritten (the other's date stays; a unit added below keeps its ward open)."""
    import units.views_units as views

    saved = views.close_unit
    meanwhile = {"change": lambda: Unit.objects.filter(pk=tree["A-TH1"].pk).update(valid_to=date(2026, 6, 30))}

    def the_other_first(**kwargs):
        meanwhile["change"]()
        return saved(**kwargs)

    monkeypatch.setattr(views, "close_unit", the_other_first)
    client.force_login(admin_hp)
    close = reverse("units:unit_close", args=[tree["A-TH1"].pk])
    response = client.post(close, {"valid_to": "31/05/2026", "reason": "Sáp nhập"})
    assert response.status_code == 200
    assert "Trường Tiểu học A1 vừa được ghi ngừng hoạt động (đến hết ngày 30/06/2026)" in page_of(response)
    assert Unit.objects.get(pk=tree["A-TH1"].pk).valid_to == date(2026, 6, 30)
    assert not AdminEvent.objects.filter(action="unit_closed").exists()

    ward_b = tree["B"]
    Unit.objects.filter(pk=tree["B-MN"].pk).update(valid_to=date(2026, 5, 31))
    meanwhile["change"] = lambda: make_unit("B-TH", "Trường Tiểu học B2", "school", ward_b, levels=["th"])
    response = client.post(reverse("units:unit_close", args=[ward_b.pk]), {"valid_to": "31/05/2026", "reason": "NQ"})
    assert "Phường B vừa có đơn vị trực thuộc hoạt động sau ngày đó" in page_of(response)
    assert Unit.objects.get(pk=ward_b.pk).valid_to is None


def test_a_ward_opening_later_takes_its_schools_before_it_begins(client, tree, admin_hp):
    """A reform dated ahead: the new ward is entered first, then its schools under it, before the day it begins."""
    ahead = timezone.localdate() + timedelta(days=20)
    ward = make_unit("C", "Phường C mới", "commune", tree["HP"], valid_from=ahead)
    client.force_login(admin_hp)
    response = client.post(CREATE, {"parent": ward.pk, "kind": "school", "code": "C-TH1", "name": "Trường Tiểu học C1",
                                    "levels": ["th"], "valid_from": ahead.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert Unit.objects.get(code="C-TH1").parent == ward


@pytest.mark.parametrize("opening", ["", "before"])
def test_a_unit_under_a_ward_opening_later_cannot_begin_before_it(client, tree, admin_hp, opening):
    """Without a date a unit is in force from always: under a ward of a reform dated ahead it would have reported for
    this semester, been listed late and reminded, before its ward exists. Refused, the form kept, nothing saved."""
    ahead = timezone.localdate() + timedelta(days=20)
    ward = make_unit("C", "Phường C mới", "commune", tree["HP"], valid_from=ahead)
    client.force_login(admin_hp)
    day = (ahead - timedelta(days=5)).strftime("%d/%m/%Y") if opening else ""
    response = client.post(CREATE, {"parent": ward.pk, "kind": "school", "code": "C-TH1", "name": "Trường Tiểu học C1",
                                    "levels": ["th"], "valid_from": day})
    assert response.status_code == 200
    assert f"Phường C mới hoạt động từ ngày {ahead:%d/%m/%Y}" in page_of(response)
    assert 'value="Trường Tiểu học C1"' in page_of(response)
    assert not Unit.objects.filter(code="C-TH1").exists()


def test_a_school_older_than_its_ward_is_history_not_refused(client, tree, admin_hp):
    # the 2025 reform placed schools founded decades ago under wards opened on 01/07/2025
    client.force_login(admin_hp)
    response = client.post(CREATE, {"parent": tree["A"].pk, "kind": "school", "code": "A-TH9",
                                    "name": "Trường Tiểu học A9", "levels": ["th"], "valid_from": "05/09/1990"})
    assert response.status_code == 302 and Unit.objects.get(code="A-TH9").valid_from == date(1990, 9, 5)


def test_a_unit_is_not_added_under_a_ward_closed_meanwhile(tree, admin_hp):
    from django.core.exceptions import ValidationError

    from units.maintenance import add_unit

    Unit.objects.filter(pk=tree["B"].pk).update(valid_to=timezone.localdate() - timedelta(days=1))  # by another
    with pytest.raises(ValidationError, match="Phường B đã ngừng hoạt động từ ngày"):
        add_unit(parent=tree["B"], kind="school", code="B-TH9", name="Trường Tiểu học B9", levels=["th"],
                 by=admin_hp)
    assert not Unit.objects.filter(code="B-TH9").exists()

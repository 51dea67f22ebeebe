"""A field's help and its errors are read out with it: Django writes `aria-describedby="<id>_helptext <id>_error"` on
every field with help text or errors, so the page must hold elements with those ids (a screen reader otherwise reads
the bare field: the password rules, the date format "ngày/tháng/năm", "Mật khẩu không khớp" never announced). And
two forms of one page never share a field's id: a label names, and a tap focuses, the field its `for` finds first."""

import re
from collections import Counter
from datetime import date

import pytest

from plans.models import Task
from tests.factories import make_document, make_indicator, make_target, make_user
from units.models import Role


def dangling_descriptions(page):
    """Each `name -> id` where a control's aria-describedby names an id that is not on the page."""
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    found = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        described = re.search(r'aria-describedby="([^"]*)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        for wanted in (described.group(1).split() if described else []):
            if wanted not in ids:
                found.append(f"{name.group(1) if name else '?'} -> {wanted}")
    return found


def shared_ids(page):
    ids = Counter(re.findall(r"<(?:input|select|textarea)\b[^>]*\sid=\"([^\"]+)\"", page))
    return [i for i, n in ids.items() if n > 1]


@pytest.fixture
def task(tree):
    return Task.objects.create(document=make_document(tree["A"]), text="Xây dựng phòng học thông minh",
                               lead_unit=tree["A"], due_date=date(2027, 5, 31))


def test_the_password_change_page_describes_its_fields_shown_and_refused(client, personas):
    client.force_login(personas["officer_a"])
    assert dangling_descriptions(client.get("/doi-mat-khau/").content.decode()) == []
    refused = client.post("/doi-mat-khau/", {"old_password": "sai", "new_password1": "abc", "new_password2": "abd"})
    page = refused.content.decode()
    assert 'aria-invalid="true"' in page  # refused: the check below covers the errors' ids too
    assert dangling_descriptions(page) == []


def test_the_task_page_describes_its_fields_and_its_two_forms_share_no_id(client, personas, task):
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/nhiem-vu/{task.pk}/").content.decode()
    assert "Giao cho đơn vị cấp dưới" in page  # both forms: the report and the handing on
    assert dangling_descriptions(page) == [] and shared_ids(page) == []
    assert '<label for="id_assign_note">Ghi chú</label>' in page
    refused = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/cap-nhat/", {"status": "done", "due_date": "31/13/2027",
                                                                      "note": ""})
    assert refused.status_code == 400
    assert dangling_descriptions(refused.content.decode()) == []


def test_the_assign_form_refused_describes_its_fields(client, personas, tree, task):
    client.force_login(personas["officer_a"])
    refused = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", {"lead_unit": tree["B"].pk, "note": "Giao"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert dangling_descriptions(page) == [] and shared_ids(page) == []


def test_the_account_pages_describe_their_fields(client, tree):
    client.force_login(make_user("quantri.a", tree["A"], Role.UNIT_ADMIN))
    assert dangling_descriptions(client.get("/quan-tri/tai-khoan/tao/").content.decode()) == []
    refused = client.post("/quan-tri/tai-khoan/tao/", {"username": "", "email": "khong-phai-email"})
    assert refused.status_code in (200, 400)
    assert dangling_descriptions(refused.content.decode()) == []


def test_the_target_revision_and_plan_upload_describe_their_fields(client, personas, tree):
    target = make_target(make_document(tree["A"]), make_indicator("GV", "Tỷ lệ giáo viên đạt chuẩn"), value=80)
    client.force_login(personas["officer_a"])
    assert dangling_descriptions(client.get(f"/chi-tieu/{target.pk}/dieu-chinh/").content.decode()) == []
    assert dangling_descriptions(client.get("/ke-hoach/nhap/").content.decode()) == []
    refused = client.post("/ke-hoach/nhap/", {"unit": tree["A"].pk})  # no file
    assert 'aria-invalid="true"' in refused.content.decode()
    assert dangling_descriptions(refused.content.decode()) == []


def test_the_api_key_pages_describe_their_fields(client, personas):
    client.force_login(personas["officer_a"])
    for url in ("/api/khoa-truy-cap/", "/api/tai-khoan-dich-vu/"):
        assert dangling_descriptions(client.get(url).content.decode()) == [], url


def test_the_period_form_describes_its_fields(client, personas):
    client.force_login(personas["admin"])
    assert dangling_descriptions(client.get("/quan-tri/ky-bao-cao/them/").content.decode()) == []
    refused = client.post("/quan-tri/ky-bao-cao/them/", {"name": ""})
    assert 'aria-invalid="true"' in refused.content.decode()
    assert dangling_descriptions(refused.content.decode()) == []

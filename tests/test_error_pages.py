"""Error pages speak Vietnamese (with DEBUG off, as in production), and a button a user may not use is not shown."""

import pytest
from django.test import Client

from tests.factories import make_document


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def test_a_missing_page_says_so_in_vietnamese(client, db, production):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "Page not found" not in page


def test_a_refusal_says_why_in_vietnamese(client, personas, tree, production):
    client.force_login(personas["leader_a"])
    document = make_document(tree["A"], number="77/KH-UBND")
    response = client.post("/bao-cao/chot/", {"unit": tree["A"].pk, "plan": document.pk})
    assert response.status_code in (403, 404)
    page = response.content.decode()
    assert "Forbidden" not in page and "Not Found" not in page
    assert "Bạn không có quyền" in page or "Không tìm thấy" in page


def test_a_stale_form_is_refused_in_vietnamese(personas, production):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["officer_a"])
    response = client.post("/dang-xuat/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không gửi được biểu mẫu" in page and "CSRF verification failed" not in page


def test_a_server_error_page_is_in_vietnamese(db, production):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Đã có lỗi ở máy chủ" in page


def test_the_dashboard_offers_sign_off_only_to_who_may(client, personas, tree):
    from tests.factories import make_indicator, make_period, make_target

    make_period()
    document = make_document(tree["A"], number="78/KH-UBND")
    make_target(document, make_indicator("sign-off", "Chỉ số", "count", "sum", "trường"), 1, 2)
    url = f"/bao-cao/bang-dieu-khien/?unit={tree['A'].pk}&plan={document.pk}"
    for name, shown in (("officer_a", True), ("leader_a", True), ("reviewer", False), ("principal_a", False)):
        client.force_login(personas[name])
        page = client.get(url).content.decode()
        assert ("Chốt và gửi báo cáo kỳ này" in page) is shown, name

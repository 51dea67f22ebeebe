"""An htmx request after the session ended (config/htmx.py): a 401 that htmx does not swap in, not the sign-in page
(which htmx would put in the target row or the top bar, what was typed in the row gone with it)."""

from django.http import HttpResponseRedirect

from config.htmx import HtmxMiddleware
from tests.factories import make_document, make_indicator, make_target


def test_an_htmx_request_of_an_ended_session_is_refused_not_sent_to_sign_in(client, tree):
    target = make_target(make_document(tree["A"]), make_indicator("GV"), value=80)
    url = f"/chi-tieu/{target.pk}/ky/1/nhap/"
    response = client.post(url, {"value": "12"}, headers={"HX-Request": "true"})
    assert response.status_code == 401 and response["X-Sign-In"] == "/dang-nhap/"
    assert "Phiên đăng nhập đã hết hạn" in response.content.decode()
    assert "Đăng nhập" not in response.content.decode().replace("đăng nhập", "")  # not the sign-in page's HTML


def test_a_page_of_an_ended_session_still_goes_to_sign_in(client, tree):
    target = make_target(make_document(tree["A"]), make_indicator("GV"), value=80)
    response = client.get(f"/chi-tieu/{target.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_an_htmx_redirect_elsewhere_is_left_as_it_is(rf):
    request = rf.post("/chi-tieu/", headers={"HX-Request": "true"})
    response = HtmxMiddleware(lambda request: HttpResponseRedirect("/bao-cao/?next=/dang-nhap/"))(request)
    assert request.htmx and response.status_code == 302 and response["Location"] == "/bao-cao/?next=/dang-nhap/"

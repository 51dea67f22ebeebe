from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url

# what an htmx request hears when the session has ended (the fragment it asked for would otherwise be the sign-in
# page, swapped into a table row or the top bar, and what was typed in the row gone with it)
SESSION_ENDED = "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại. Số liệu vừa gửi chưa được lưu."


class HtmxMiddleware:
    """Sets request.htmx when the request comes from htmx, so views return a fragment instead of a page; an htmx
    request sent to the sign-in page (the session ended) gets a 401 instead, which htmx does not swap in: the
    editor keeps what was typed, and portal.js says why nothing was saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.htmx = request.headers.get("HX-Request") == "true"
        response = self.get_response(request)
        if request.htmx and response.status_code == 302 and _is_sign_in(response["Location"]):
            refused = HttpResponse(SESSION_ENDED, status=401, content_type="text/plain; charset=utf-8")
            refused["X-Sign-In"] = resolve_url(settings.LOGIN_URL)  # where portal.js links to sign in again
            return refused
        return response


def _is_sign_in(location):
    return urlsplit(location).path == resolve_url(settings.LOGIN_URL)

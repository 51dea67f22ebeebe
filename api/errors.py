"""Every refusal of the API in Vietnamese, as {"detail": …, "code": …}: the messages of the access module and the
forms are kept; Django REST framework's own (only partly translated) are replaced here."""

from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .parsers import UnstorableText

MESSAGES = {
    exceptions.NotAuthenticated: "Chưa xác thực: hãy gửi khóa truy cập trong tiêu đề “Authorization: Bearer …” "
                                 "hoặc đăng nhập cổng.",
    exceptions.AuthenticationFailed: "Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
    exceptions.NotFound: "Không tìm thấy.",
    exceptions.PermissionDenied: "Bạn không có quyền thực hiện thao tác này.",
    exceptions.ParseError: "Nội dung gửi lên không phải JSON hợp lệ.",
    exceptions.UnsupportedMediaType: "Chỉ nhận nội dung JSON (Content-Type: application/json).",
    exceptions.NotAcceptable: "Không có định dạng trả lời phù hợp với tiêu đề Accept.",
}
UNREADABLE = (exceptions.ParseError, exceptions.UnsupportedMediaType)
CSRF = "Thiếu hoặc sai mã CSRF: yêu cầu ghi từ trình duyệt phải gửi kèm tiêu đề X-CSRFToken."


def vietnamese(exc):
    """The message shown for an API exception."""
    if isinstance(exc, exceptions.Throttled):
        wait = f" sau {int(exc.wait) + 1} giây" if exc.wait is not None else " sau"
        return f"Quá nhiều yêu cầu với khóa truy cập này: hãy thử lại{wait}."
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "Địa chỉ này không nhận phương thức này."
    if isinstance(exc, UnstorableText):  # unreadable for what it holds, said as such
        return str(exc.detail)
    detail = str(exc.detail) if not isinstance(exc.detail, (list, dict)) else None
    if detail and detail.startswith("CSRF Failed"):
        return CSRF
    for kind, message in MESSAGES.items():
        # a body that cannot be read is said in our words whatever DRF's says ("JSON parse error - …" is English)
        if isinstance(exc, kind) and (detail is None or detail == str(kind.default_detail) or kind in UNREADABLE):
            return message
    return detail


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None or isinstance(exc, exceptions.ValidationError):
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": vietnamese(exc), "code": codes if isinstance(codes, str) else "error"}
    elif response.status_code == 404:
        # Http404 from units/access.py names what was not found, in Vietnamese; Django's own does not
        detail = str(response.data.get("detail", ""))
        if not detail or detail.startswith("No ") or detail == str(exceptions.NotFound.default_detail):
            detail = MESSAGES[exceptions.NotFound]
        response.data = {"detail": detail, "code": "not_found"}
    else:  # PermissionDenied from units/access.py, its message already in Vietnamese
        detail = str(response.data.get("detail", "")) or MESSAGES[exceptions.PermissionDenied]
        response.data = {"detail": detail, "code": "permission_denied"}
    return response


NO_ADDRESS = "Không có địa chỉ này trong API: xem các địa chỉ tại /api/schema/ hoặc /api/docs/."
NO_SLASH = "Địa chỉ của API kết thúc bằng “/”: hãy gửi lại yêu cầu tới {path}"


@csrf_exempt  # as DRF's views: a client with a token has no CSRF cookie, and must get this JSON, not an HTML 403
def unknown_address(request, rest=""):
    """An address under /api/v1/ the API does not have: 404 in the API's JSON, never the portal's HTML page. One
    without its final slash is redirected only for a read; a write would lose its body on the way (a browser or
    client turns a redirected POST into a GET), so it is told where to send it instead."""
    from django.http import HttpResponsePermanentRedirect, JsonResponse
    from django.urls import Resolver404, resolve

    if not request.path_info.endswith("/"):
        try:
            known = resolve(f"{request.path_info}/").func is not unknown_address
        except Resolver404:
            known = False
        if known:
            with_slash = f"{request.path}/"
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(f"{with_slash}?{query}" if query else with_slash)
            return JsonResponse({"detail": NO_SLASH.format(path=with_slash), "code": "not_found"}, status=404)
    return JsonResponse({"detail": NO_ADDRESS, "code": "not_found"}, status=404)

"""Every refusal of the API in Vietnamese, as {"detail": …, "code": …}: the messages of the access module and the
forms are kept; Django REST framework's own (only partly translated) are replaced here. `code` is one of CODES, stable,
for a program to branch on; a refusal of fields also carries them under `errors` (and, as before, at the top)."""

from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
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
# Every `code` an answer of the API may carry, with what it means: docs/api.md and the schema list them from here, and
# a test keeps every code the API's modules write in this list.
CODES = {
    "invalid": "400: một hoặc nhiều trường của nội dung gửi lên không hợp lệ; lý do theo từng trường trong errors.",
    "unknown_field": "400: nội dung gửi lên có trường mà yêu cầu này không nhận (có thể viết sai tên); errors nêu tên.",
    "invalid_body": "400: nội dung gửi lên không có dạng yêu cầu này cần (một đối tượng JSON).",
    "invalid_rows": "400: ghi nhiều dòng, có dòng không hợp lệ: không dòng nào được lưu; lỗi từng dòng trong rows.",
    "invalid_parameter": "400: một tham số của địa chỉ không hợp lệ hoặc thiếu; lý do theo từng tham số trong errors.",
    "invalid_header": "400: một tiêu đề của yêu cầu không hợp lệ (Idempotency-Key); lý do trong errors.",
    "since_too_old": "400: thời điểm since cũ hơn thời gian lưu các số liệu đã xóa: hãy đồng bộ lại toàn bộ.",
    "parse_error": "400: nội dung gửi lên không đọc được (không phải JSON UTF-8, hoặc có ký tự không lưu được).",
    "duplicate": "400, trong rows của invalid_rows: chỉ tiêu và kỳ này đã có ở một dòng trước.",
    "not_authenticated": "401: chưa gửi khóa truy cập và chưa đăng nhập.",
    "authentication_failed": "401: khóa truy cập không hợp lệ, hết hạn, đã thu hồi (kể cả khi người dùng đổi mật "
                             "khẩu) hoặc người cấp khóa không còn quyền.",
    "permission_denied": "403: không có quyền (hoặc khóa chỉ được đọc, hoặc thiếu mã CSRF).",
    "not_found": "404: không tìm thấy, hoặc nằm ngoài phạm vi của bạn.",
    "no_value": "404: chỉ tiêu chưa có số liệu trong kỳ này (gửi version = 0 để nhập lần đầu).",
    "no_report": "404: trường chưa có báo cáo của kỳ này (lưu báo cáo trước khi nộp).",
    "method_not_allowed": "405: địa chỉ này không nhận phương thức này.",
    "not_acceptable": "406: không có định dạng trả lời phù hợp với tiêu đề Accept.",
    "stale": "409: đã có người cập nhật sau phiên bản gửi lên; bản hiện tại trong current.",
    "locked": "409: kỳ báo cáo đã khóa.",
    "workflow": "409: báo cáo không ở trạng thái cho phép thao tác này.",
    "conflict": "409: ghi nhiều dòng, có dòng bị từ chối (stale hoặc locked): không dòng nào được lưu.",
    "precondition_failed": "412: số liệu đã thay đổi so với ETag gửi trong If-Match; bản hiện tại trong current.",
    "too_large": "413: nội dung gửi lên quá lớn.",
    "unsupported_media_type": "415: chỉ nhận nội dung JSON.",
    "idempotency_key_reused": "422: khóa Idempotency-Key đã dùng cho một yêu cầu khác.",
    "throttled": "429: quá nhiều yêu cầu; thử lại sau số giây ở tiêu đề Retry-After.",
    "server_error": "500: lỗi ở máy chủ; yêu cầu chưa được thực hiện.",
    "database_unavailable": "503: cơ sở dữ liệu không trả lời; không có gì bị lưu dở, gửi lại sau Retry-After.",
    "database_busy": "503: yêu cầu phải chờ quá lâu; không có gì bị lưu dở, gửi lại sau Retry-After.",
    "storage_unavailable": "503: bộ nhớ lưu trữ không ghi được; không có gì bị lưu dở, gửi lại sau Retry-After.",
}
# codes of a refusal of fields or parameters, and the sentence its `detail` starts with
FIELD_REFUSALS = {
    "invalid": "Dữ liệu gửi lên không hợp lệ",
    "unknown_field": "Yêu cầu này không có trường này (có thể viết sai tên), không có gì được lưu",
    "invalid_body": "Nội dung gửi lên không đúng dạng",
    "invalid_parameter": "Tham số không hợp lệ",
    "invalid_header": "Tiêu đề của yêu cầu không hợp lệ",
    "since_too_old": "Thời điểm since quá cũ",
}
ENVELOPE = ("detail", "code", "errors")


class InvalidParameter(exceptions.ValidationError):
    """A query parameter refused: 400 invalid_parameter, the reasons by parameter."""

    api_code = "invalid_parameter"


class SinceTooOld(exceptions.ValidationError):
    """values/deleted/?since= older than the deletions are kept: 400 since_too_old (the client resynchronises)."""

    api_code = "since_too_old"


class InvalidBody(exceptions.ValidationError):
    """A request body that is not a JSON object (an array, a number): 400 invalid_body. A field of the wrong shape
    inside an object (rows not a list, entries not an object) is a field's error: 400 invalid, under its name."""

    api_code = "invalid_body"


class InvalidHeader(exceptions.ValidationError):
    """A request header refused (Idempotency-Key): 400 invalid_header."""

    api_code = "invalid_header"


def field_refusal(code, errors):
    """The body of a refusal of fields: {detail, code, errors} and, as before `code` existed, each field's reasons at
    the top too (clients read them there), unless a field is named like the envelope's keys."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": list(errors) if isinstance(errors, list) else [errors]}
    names = ", ".join(str(name) for name in errors)
    detail = f"{FIELD_REFUSALS[code]} ({names}): lý do theo từng trường trong errors."
    return {**{name: reasons for name, reasons in errors.items() if name not in ENVELOPE},
            "detail": detail, "code": code, "errors": errors}


def refused(code, errors, status=400):
    """A refusal of fields as an answer (field_refusal)."""
    return Response(field_refusal(code, errors), status=status)


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
    if response is None:
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = field_refusal(getattr(exc, "api_code", "invalid"), response.data)
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": vietnamese(exc), "code": codes if isinstance(codes, str) else exc.default_code}
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

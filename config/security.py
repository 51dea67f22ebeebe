"""Response headers that Django does not set itself."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Tells the browser which powerful features no page of the portal uses (camera, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.value)
        return response


NUL_MESSAGE = "Yêu cầu chứa ký tự không hợp lệ (ký tự NUL)."


class RejectNulMiddleware:
    """A NUL character can be neither stored in PostgreSQL's text nor meant by a person: a query string or address
    holding one is refused with 400 before any view reads it, on SQLite as on PostgreSQL. Posted forms are left to
    the forms, which refuse it field by field with a Vietnamese message (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": NUL_MESSAGE, "code": "invalid_parameter"}, status=400)
            from django.shortcuts import render

            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request):
        return "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")


class RequestSizeLimitMiddleware:
    """Refuses with 413, before anything reads it, a request whose body is larger than settings.REQUEST_MAX_BYTES.

    Django writes a posted file to a temporary file as it arrives and only then lets a view refuse it; the CSRF
    check reads a posted form, files included, before any sign-in check. Without a bound, anyone could fill the
    server's disk and hold its workers with one large POST. A body sent without a length is not read at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return self._refused(request, length)
        return self.get_response(request)

    @staticmethod
    def _refused(request, length):
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string

        message = (f"Dữ liệu gửi lên quá lớn ({_size(length)}): mỗi lần gửi tối đa {_size(settings.REQUEST_MAX_BYTES)}. "
                   "Hãy chọn tệp nhỏ hơn.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "too_large"}, status=413)
        # no request context: the session and the user are not read yet (this runs before their middleware)
        return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


def _size(count):
    """A size as a person reads it: "21 MB", "64 KB"."""
    return f"{count / (1024 * 1024):.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"

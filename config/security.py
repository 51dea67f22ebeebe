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

                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            from django.shortcuts import render

            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request):
        return "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")

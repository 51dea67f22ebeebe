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

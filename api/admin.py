from django.contrib import admin

from .models import ApiToken, ApiWrite, ServiceAccount


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "can_write", "is_active", "created_by", "created_at"]
    list_filter = ["can_write", "is_active"]
    search_fields = ["name", "unit__name", "unit__code"]
    raw_id_fields = ["user", "unit", "created_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created on the users' own pages; here an administrator sees and revokes them."""

    list_display = ["name", "prefix", "user", "can_write", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["can_write"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "prefix", "digest", "created_by", "created_at", "last_used_at", "revoked_by"]
    fields = ["name", "user", "prefix", "digest", "can_write", "created_by", "created_at", "last_used_at", "expires_at",
              "revoked_at", "revoked_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiWrite)
class ApiWriteAdmin(admin.ModelAdmin):
    list_display = ["at", "method", "path", "token", "user"]
    search_fields = ["path", "token__prefix", "user__username"]
    readonly_fields = ["token", "user", "at", "method", "path", "value_change", "report_event"]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from .forms import PeriodForm
from .models import Period, PeriodException


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    form = PeriodForm
    list_display = [
        "name",
        "code",
        "kind",
        "school_year",
        "year",
        "start",
        "end",
        "deadline",
        "lock_after_days",
    ]
    list_filter = ["kind", "school_year"]
    search_fields = ["code", "school_year"]


@admin.register(PeriodException)
class PeriodExceptionAdmin(admin.ModelAdmin):
    """Exceptions are granted on the portal by the level above; here a system admin sees and corrects them."""

    list_display = ["unit", "period", "open_until", "reason", "granted_by", "granted_at"]
    list_filter = ["period"]
    search_fields = ["unit__name", "reason"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "period", "granted_by"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)

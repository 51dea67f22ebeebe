from django.contrib import admin

from .models import Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
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

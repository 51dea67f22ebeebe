from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import Period, PeriodException


class PeriodForm(forms.ModelForm):
    """A period once per kind and school year (or year): a second "Học kỳ I năm học 2027-2028" under another code
    would show twice in every period picker and split the schools' reports between the two."""

    class Meta:
        model = Period
        fields = ["code", "kind", "school_year", "year", "start", "end", "deadline", "lock_after_days"]

    def clean(self):
        data = super().clean()
        kind, school_year, year = data.get("kind"), data.get("school_year"), data.get("year")
        same = Period.objects.filter(kind=kind)
        same = same.filter(school_year=school_year) if school_year else same.filter(school_year="", year=year)
        if kind and (school_year or year) and same.exclude(pk=self.instance.pk).exists():
            existing = same.exclude(pk=self.instance.pk).first()
            raise ValidationError(f"Đã có kỳ “{existing.name}” (mã {existing.code}): mỗi loại kỳ chỉ có một kỳ cho "
                                  "một năm học hoặc một năm. Hãy sửa kỳ đã có thay vì tạo kỳ mới.")
        return data


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

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet

from plans.admin import DocumentAdmin as PlansDocumentAdmin
from plans.models import Document, DocumentStatus

from .actions import needs_revision_reason, record_target_revision
from .models import Indicator, ProgressValue, Target, TargetHorizon, TargetResponsibility, TargetRevision

VALUE_FIELDS = {"comparator", "value_kind", "level_label", "baseline_value", "baseline_year", "each_unit"}
REASON_FIELD = "revision_reason"
REASON_MISSING = "Kế hoạch đã có hiệu lực: hãy ghi lý do điều chỉnh giá trị chỉ tiêu."


class TargetAdminForm(forms.ModelForm):
    revision_reason = forms.CharField(
        label="Lý do điều chỉnh",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi thay đổi giá trị của chỉ tiêu thuộc kế hoạch đang có hiệu lực.",
    )

    class Meta:
        model = Target
        fields = [
            "document",
            "ref",
            "order",
            "indicator",
            "text",
            "section",
            "category",
            "comparator",
            "value_kind",
            "level_label",
            "baseline_value",
            "baseline_year",
            "each_unit",
            "scope_text",
            "scope_units",
            "parent",
            "part_of",
            "is_projection",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        # The plan before or after the edit may be the one in force (a target can be moved).
        new_document = cleaned.get("document")
        self.needs_reason = needs_revision_reason(self.instance) or bool(
            self.instance.pk and new_document and new_document.status == DocumentStatus.IN_FORCE
        )
        if self.needs_reason and VALUE_FIELDS & set(self.changed_data) and not cleaned.get(REASON_FIELD, "").strip():
            self.add_error(REASON_FIELD, REASON_MISSING)
        return cleaned


class HorizonFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        changed = any(form.has_changed() for form in self.forms) or self.deleted_forms
        if changed and needs_revision_reason(self.instance) and not self.data.get(REASON_FIELD, "").strip():
            raise ValidationError(REASON_MISSING)


class HorizonInline(admin.TabularInline):
    model = TargetHorizon
    formset = HorizonFormSet
    extra = 0


class ResponsibilityInline(admin.TabularInline):
    model = TargetResponsibility
    autocomplete_fields = ["unit"]
    extra = 0


class RevisionInline(admin.TabularInline):
    model = TargetRevision
    fields = ["changed_at", "changed_by", "reason", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["order", "ref", "indicator", "comparator", "category", "is_projection"]
    autocomplete_fields = ["indicator"]
    show_change_link = True


# plans sits below targets and knows nothing of them: its document admin is replaced by one that also
# lists and counts the document's targets
admin.site.unregister(Document)


@admin.register(Document)
class DocumentAdmin(PlansDocumentAdmin):
    list_display = [*PlansDocumentAdmin.list_display, "target_count"]
    inlines = [*PlansDocumentAdmin.inlines, TargetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_targets=Count("targets", filter=Q(targets__is_projection=False)))

    @admin.display(description="số chỉ tiêu", ordering="n_targets")
    def target_count(self, obj):
        return obj.n_targets


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit_label", "category", "aggregation"]
    list_filter = ["kind", "category", "aggregation"]
    search_fields = ["name", "code"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetAdminForm
    list_display = [
        "__str__",
        "ref",
        "document",
        "comparator",
        "horizons_display",
        "category",
        "is_projection",
    ]
    list_filter = ["category", "comparator", "is_projection", ("document", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "ref", "indicator__name", "scope_text", "document__number", "document__title"]
    autocomplete_fields = ["document", "indicator", "parent", "part_of", "scope_units"]
    list_select_related = ["document", "indicator", "document__issuer"]
    inlines = [HorizonInline, ResponsibilityInline, RevisionInline]
    fieldsets = [
        (None, {"fields": ["document", "ref", "order", "indicator", "text", "section", "category"]}),
        (
            "Giá trị",
            {
                "fields": [
                    "comparator",
                    "value_kind",
                    "level_label",
                    "baseline_value",
                    "baseline_year",
                    "each_unit",
                    REASON_FIELD,
                ]
            },
        ),
        (
            "Phạm vi và quan hệ",
            {"fields": ["scope_text", "scope_units", "parent", "part_of", "is_projection", "note"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("horizons")

    @admin.display(description="các mốc")
    def horizons_display(self, obj):
        return "; ".join(f"{h.label}: {h.value if h.value is not None else '—'}" for h in obj.horizons.all())

    def save_model(self, request, obj, form, change):
        request._target_before = Target.objects.get(pk=obj.pk).values_snapshot() if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_target_before", None)
        if before is not None and getattr(form, "needs_reason", False):
            # Read the horizons afresh: the edited object still holds those prefetched before the save.
            record_target_revision(
                target=Target.objects.get(pk=form.instance.pk),
                before=before,
                by=request.user,
                reason=form.cleaned_data.get(REASON_FIELD, "").strip(),
            )


@admin.register(ProgressValue)
class ProgressValueAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "unit",
        "period",
        "numerator",
        "denominator",
        "value",
        "achieved",
        "source",
        "entered_at",
        "is_demo",
    ]
    list_filter = ["source", "is_demo", "period", "indicator__category"]
    search_fields = ["indicator__name", "unit__name", "note"]
    autocomplete_fields = ["indicator", "target", "unit"]
    list_select_related = ["indicator", "unit", "period"]


@admin.register(TargetRevision)
class TargetRevisionAdmin(admin.ModelAdmin):
    list_display = ["target", "changed_at", "changed_by", "reason"]
    search_fields = ["target__indicator__name", "reason"]
    readonly_fields = ["target", "changed_at", "changed_by", "reason", "before", "after"]

    def has_add_permission(self, request):
        return False

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet

from plans.admin import DocumentAdmin as PlansDocumentAdmin
from plans.models import Document, DocumentStatus

from . import actions
from .actions import needs_revision_reason, record_target_revisions
from .models import Indicator, ProgressValue, Target, TargetHorizon, TargetResponsibility, TargetRevision

VALUE_FIELDS = {"comparator", "value_kind", "level_label", "baseline_value", "baseline_year", "each_unit"}
REASON_FIELD = "revision_reason"
REASON_MISSING = "Kế hoạch đã có hiệu lực: hãy ghi lý do điều chỉnh giá trị chỉ tiêu."
CREATED_REASON = "Tạo chỉ tiêu trong trang quản trị."


class ArchivedFilter(admin.SimpleListFilter):
    title = "lưu trữ"
    parameter_name = "luu_tru"

    def lookups(self, request, model_admin):
        return [("no", "Đang dùng"), ("yes", "Đã lưu trữ")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


class KeptNotDeleted:
    """The admin of rows that hold entered figures or their history: nothing is deleted (no delete button,
    no bulk delete); rows are archived (hidden from every list, dashboard and roll-up) and can be restored.
    Archived rows are listed too (model.all_objects), with a filter."""

    def get_queryset(self, request):
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="lưu trữ", boolean=True)
    def is_archived(self, obj):
        return obj.archived_at is not None

    def _done(self, request, count, verb):
        self.message_user(request, f"Đã {verb} {count} {self.model._meta.verbose_name}.")


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
    """The plan's targets, listed: their values change on the target's own page, which keeps the revision."""

    model = Target
    extra = 0
    fields = ["order", "ref", "indicator", "comparator", "category", "is_projection"]
    readonly_fields = ["indicator", "comparator", "is_projection"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# plans sits below targets and knows nothing of them: its document admin is replaced by one that also
# lists and counts the document's targets
admin.site.unregister(Document)


@admin.register(Document)
class DocumentAdmin(KeptNotDeleted, PlansDocumentAdmin):
    list_display = [*PlansDocumentAdmin.list_display, "target_count", "is_archived"]
    list_filter = [ArchivedFilter, *PlansDocumentAdmin.list_filter]
    inlines = [*PlansDocumentAdmin.inlines, TargetInline]
    actions = ["archive", "restore"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issuer").annotate(
            n_targets=Count("targets", filter=Q(targets__is_projection=False)))

    @admin.action(description="Lưu trữ văn bản và các chỉ tiêu (không xóa số liệu)")
    def archive(self, request, queryset):
        self._done(request, actions.archive_plans(documents=list(queryset), by=request.user), "lưu trữ")

    @admin.action(description="Khôi phục văn bản đã lưu trữ")
    def restore(self, request, queryset):
        self._done(request, actions.restore_plans(documents=list(queryset)), "khôi phục")

    @admin.display(description="số chỉ tiêu", ordering="n_targets")
    def target_count(self, obj):
        return obj.n_targets


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit_label", "category", "aggregation"]
    list_filter = ["kind", "category", "aggregation"]
    search_fields = ["name", "code"]


@admin.register(Target)
class TargetAdmin(KeptNotDeleted, admin.ModelAdmin):
    form = TargetAdminForm
    list_display = [
        "__str__",
        "ref",
        "document",
        "comparator",
        "horizons_display",
        "category",
        "is_projection",
        "is_archived",
    ]
    list_filter = [ArchivedFilter, "category", "comparator", "is_projection",
                   ("document", admin.RelatedOnlyFieldListFilter)]
    actions = ["archive", "restore"]
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
        request._target_before = Target.all_objects.get(pk=obj.pk).values_snapshot() if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # every change of the values is kept, a new target's too (the reason is required once the plan is in force)
        before = getattr(request, "_target_before", None)
        reason = form.cleaned_data.get(REASON_FIELD, "").strip() or ("" if change else CREATED_REASON)
        record_target_revisions(targets=[form.instance], before={form.instance.pk: before} if change else None,
                                by=request.user, reason=reason)

    @admin.action(description="Lưu trữ chỉ tiêu và các phần “trong đó” (không xóa số liệu)")
    def archive(self, request, queryset):
        self._done(request, actions.archive_targets(targets=list(queryset), by=request.user), "lưu trữ")

    @admin.action(description="Khôi phục chỉ tiêu đã lưu trữ")
    def restore(self, request, queryset):
        self._done(request, actions.restore_targets(targets=list(queryset)), "khôi phục")


@admin.register(ProgressValue)
class ProgressValueAdmin(KeptNotDeleted, admin.ModelAdmin):
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
        "is_archived",
    ]
    list_filter = [ArchivedFilter, "source", "is_demo", "period", "indicator__category"]
    search_fields = ["indicator__name", "unit__name", "note"]
    autocomplete_fields = ["indicator", "target", "unit"]
    list_select_related = ["indicator", "unit", "period"]
    actions = ["archive", "restore"]

    # figures are entered and corrected on the portal's pages, which keep each change (ProgressValueChange)
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Lưu trữ số liệu (không còn được tính; lịch sử và minh chứng được giữ)")
    def archive(self, request, queryset):
        self._done(request, actions.archive_values(values=list(queryset), by=request.user), "lưu trữ")

    @admin.action(description="Khôi phục số liệu đã lưu trữ")
    def restore(self, request, queryset):
        self._done(request, actions.restore_values(values=list(queryset)), "khôi phục")


@admin.register(TargetRevision)
class TargetRevisionAdmin(admin.ModelAdmin):
    list_display = ["target", "changed_at", "changed_by", "reason"]
    search_fields = ["target__indicator__name", "reason"]
    readonly_fields = ["target", "changed_at", "changed_by", "reason", "before", "after"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

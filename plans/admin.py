from django.contrib import admin

from .models import Document, DocumentRevision, Phase, PlanImport, Task, TaskGroup, TaskUpdate


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TaskGroupInline(admin.TabularInline):
    model = TaskGroup
    extra = 0
    fields = ["order", "number", "title", "kind"]


class ReadOnlyInline(admin.TabularInline):
    """History rows are written by the portal's pages (plans.actions), never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentRevisionInline(ReadOnlyInline):
    model = DocumentRevision
    fields = ["created_at", "kind", "created_by", "reason"]
    readonly_fields = fields


class TaskUpdateInline(ReadOnlyInline):
    model = TaskUpdate
    fields = ["created_at", "created_by", "status_before", "status", "due_date", "lead_unit", "note", "evidence"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """targets/admin.py registers a subclass in its place that adds the document's targets."""

    list_display = ["title", "number_display", "doc_type", "issuer", "issued_on", "issued_year", "status"]
    list_filter = ["doc_type", "status", "is_public", "is_demo", ("issuer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "title", "issuer__name", "issuer_name", "signer_name"]
    autocomplete_fields = ["issuer"]
    filter_horizontal = ["implements"]
    date_hierarchy = "issued_on"
    inlines = [PhaseInline, TaskGroupInline, DocumentRevisionInline]
    fieldsets = [
        (None, {"fields": ["doc_type", "number", "title", "status"]}),
        (
            "Ban hành",
            {
                "fields": [
                    "issuer",
                    "issuer_name",
                    "place",
                    "issued_on",
                    "issued_year",
                    "signer_title",
                    "signer_name",
                    "recipients",
                ]
            },
        ),
        ("Thời gian thực hiện", {"fields": ["start_year", "end_year", "vision_year"]}),
        ("Căn cứ", {"fields": ["implements"]}),
        ("Khác", {"fields": ["is_public", "source_file", "note", "is_demo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issuer")

    @admin.display(description="số, ký hiệu", ordering="number")
    def number_display(self, obj):
        return obj.number_display


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "document", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["title", "document__title", "document__number"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "document", "group", "lead_unit", "phase", "due_date", "status"]
    list_filter = [
        "status",
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
        ("document", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "lead_text", "document__title", "document__number"]
    autocomplete_fields = ["document", "lead_unit", "coordinating_units", "parent"]
    list_select_related = ["document", "group", "lead_unit", "phase", "document__issuer"]
    inlines = [TaskUpdateInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "document", "start_year", "end_year", "order"]
    search_fields = ["name", "document__title", "document__number"]
    autocomplete_fields = ["document"]


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    """Read-only but for the status: imports are made and reviewed on the portal's own pages."""

    list_display = ["source_name", "unit", "status", "uploaded_by", "created_at", "document"]
    list_filter = ["status", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["source_name", "unit__name"]
    list_select_related = ["unit", "uploaded_by", "document"]
    readonly_fields = ["unit", "uploaded_by", "created_at", "source_name", "document", "text", "proposals"]
    fields = ["status", *readonly_fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from .accounts import record_password_change
from .models import Membership, Unit, UnitSuccession

User = get_user_model()


class ChildInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    fields = ["code", "name", "kind", "levels"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = "đơn vị trực thuộc"

    def has_add_permission(self, request, obj=None):
        return False


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    autocomplete_fields = ["successor", "moved"]  # a province holds 1,000+ schools: searched, not listed
    extra = 0
    verbose_name_plural = "kế thừa bởi (sáp nhập, chia tách, đổi tên)"


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "levels_display", "parent", "valid_from", "valid_to", "is_demo"]
    list_filter = ["kind", "is_party_body", "is_demo", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    inlines = [ChildInline, SuccessorInline, MembershipInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "short_name",
                    "kind",
                    "levels",
                    "is_party_body",
                    "parent",
                    "place_name",
                    "email",
                ]
            },
        ),
        ("Hiệu lực", {"fields": ["valid_from", "valid_to"]}),
        ("Khác", {"fields": ["path", "depth", "note", "is_demo"]}),
    ]

    @admin.display(description="cấp học")
    def levels_display(self, obj):
        return obj.levels_display()

    def save_model(self, request, obj, form, change):
        # The path is the unit's place in the tree: moving a unit moves its subtree with it.
        if change and {"parent", "code"} & set(form.changed_data):
            old = Unit.objects.get(pk=obj.pk)
            obj.path = old.path
            super().save_model(request, obj, form, change)
            obj.move_to(obj.parent)
            return
        obj.place()
        super().save_model(request, obj, form, change)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_on", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["unit"]
    extra = 0


admin.site.unregister(User)


class RecordedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" of an account: recorded as the pages' changes are (units.accounts), so that the
    account's personal API keys stop working with the old password."""

    def save(self, commit=True):
        user = super().save(commit)
        record_password_change(user)
        return user


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [UserMembershipInline]
    change_password_form = RecordedPasswordChangeForm

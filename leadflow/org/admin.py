from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from leadflow.org.models import ApiToken, Branch, Department, Region, Team, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "owner"]
    autocomplete_fields = ["owner"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "city"]
    list_filter = ["region", "kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "manager"]
    list_filter = ["branch__region", "branch"]
    autocomplete_fields = ["manager"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "region", "department", "is_active"]
    list_filter = ["role", "team__branch__region", "team__branch", "is_active"]
    search_fields = ["username", "display_name", "phone", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Leadflow"), {"fields": ("display_name", "phone", "role", "team", "region", "department", "hired_at")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Leadflow"), {"fields": ("display_name", "role", "team", "region", "department")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "key_prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False  # created with `leadflow token create` so the secret is shown once

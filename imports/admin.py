"""Imports in the Django admin: read only, for administrators to follow every import."""

from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "file_name",
        "kind",
        "status",
        "user",
        "created_at",
        "to_create",
        "to_update",
        "unchanged",
        "error_count",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

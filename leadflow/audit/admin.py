from django.contrib import admin

from leadflow.audit.models import AuditEntry
from leadflow.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "source", "action", "entity", "object_repr"]
    list_filter = ["source", "action", "entity"]
    search_fields = ["object_id", "object_repr", "path"]
    show_full_result_count = False

from django.contrib import admin

from leadflow.core.admin import ReadOnlyAdmin
from leadflow.ingest.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "created_by", "status", "total", "created_count", "held_count", "refused_count"]
    list_filter = ["kind", "status"]

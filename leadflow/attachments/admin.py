from django.contrib import admin

from leadflow.attachments.models import Attachment
from leadflow.core.admin import ReadOnlyAdmin


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "sha256"]

from django.contrib import admin

from leadflow.activities.models import Activity
from leadflow.core.admin import ReadOnlyAdmin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "customer", "actor", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["customer__name", "external_id"]
    list_select_related = ["customer", "actor"]
    show_full_result_count = False

from django.contrib import admin

from leadflow.commitments.models import Commitment, DeliverableType, EscalationLevel, Ticket
from leadflow.core.admin import ReadOnlyAdmin


class EscalationLevelInline(admin.TabularInline):
    model = EscalationLevel
    extra = 0


@admin.register(DeliverableType)
class DeliverableTypeAdmin(admin.ModelAdmin):
    """Deliverable types and their escalation policy (levels relative to the due time)."""

    list_display = ["name", "code", "requires_file", "department", "skip_non_workdays", "active", "position"]
    list_editable = ["position"]
    inlines = [EscalationLevelInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "customer", "owner", "deliverable_type", "due_at", "status", "delivered_at"]
    list_filter = ["status", "deliverable_type"]
    search_fields = ["title", "customer__name"]
    list_select_related = ["customer", "owner", "deliverable_type"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "owner", "status", "created_at"]
    list_filter = ["status", "department"]

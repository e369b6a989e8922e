from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leadflow.notify.models import Channel, OutboxMessage
from leadflow.notify.services import outbox_retry


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "user", "team", "active"]
    list_filter = ["kind", "active"]
    autocomplete_fields = ["user"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox: what was sent where, what is waiting, what failed — and a manual retry."""

    list_display = ["created_at", "channel", "title", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel__kind"]
    search_fields = ["title", "last_error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=OutboxMessage.Status.FAILED))
        for message in failed:
            outbox_retry(message=message)
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", len(failed)) % {"n": len(failed)},
            messages.SUCCESS,
        )

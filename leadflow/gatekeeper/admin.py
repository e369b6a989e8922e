from django import forms
from django.contrib import admin

from leadflow.core.admin import ReadOnlyAdmin
from leadflow.core.errors import ValidationFailed
from leadflow.gatekeeper.kinds import KINDS
from leadflow.gatekeeper.models import FreshnessSettings, Rule, ViolationRecord
from leadflow.gatekeeper.rules import rule_clean


class RuleAdminForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=[(k, f"{k} — {v.label}") for k, v in KINDS.items()])

    class Meta:
        model = Rule
        fields = [
            "key", "name", "entity", "actions", "fields", "kind", "params", "severity",
            "message_zh", "message_en", "active", "position",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            normalised = rule_clean({**cleaned})
        except ValidationFailed as exc:
            for err in exc.errors:
                self.add_error(err.field if err.field in self.fields else None, err.message)
            return cleaned
        cleaned.update(normalised)
        return cleaned


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleAdminForm
    list_display = ["name", "entity", "kind", "severity", "active", "position"]
    list_filter = ["entity", "severity", "active"]
    list_editable = ["active", "position"]


@admin.register(ViolationRecord)
class ViolationRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "rule_key", "entity", "field", "value", "severity", "outcome", "actor", "source"]
    list_filter = ["outcome", "severity", "source", "rule_key"]
    show_full_result_count = False


@admin.register(FreshnessSettings)
class FreshnessSettingsAdmin(admin.ModelAdmin):
    list_display = ["threshold_hours", "work_start", "work_end"]

    def has_add_permission(self, request) -> bool:
        return not FreshnessSettings.objects.exists()

"""Admin writes go through the same services (and so the same gate) as every other path."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from leadflow.core.errors import LeadflowError
from leadflow.core.writes import Source, WriteContext


class ServiceAdminForm(forms.ModelForm):
    """A ModelForm whose clean() performs the write through a service.

    The admin wraps the whole request in a transaction, so a later failure still rolls the
    service's write back. Errors the service raises are shown under their fields.
    """

    request: HttpRequest | None = None

    def service_create(self, data: dict[str, Any], ctx: WriteContext):  # pragma: no cover - abstract
        raise NotImplementedError

    def service_update(self, instance, changes: dict[str, Any], ctx: WriteContext):  # pragma: no cover - abstract
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        ctx = WriteContext(
            actor=self.request.user if self.request else None,
            source=Source.ADMIN,
            path=self.request.path if self.request else "admin",
            confirm=bool(self.data.get("_confirm")),
        )
        data = {k: v for k, v in cleaned.items() if k in self.fields}
        try:
            if self.instance.pk:
                changes = {k: data[k] for k in self.changed_data if k in data}
                saved = self.service_update(self.instance.__class__.objects.get(pk=self.instance.pk), changes, ctx)
            else:
                saved = self.service_create(data, ctx)
        except LeadflowError as exc:
            for err in exc.errors or []:
                self.add_error(err.field if err.field in self.fields else None, err.message)
            if not exc.errors:
                self.add_error(None, exc.detail)
            return cleaned
        self.instance = saved
        return cleaned


class ServiceAdmin(admin.ModelAdmin):
    """ModelAdmin for a ServiceAdminForm: the service has saved already."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved by the service in form.clean()

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records leave through status changes (lost, dormant), never by deletion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

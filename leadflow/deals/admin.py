from django.contrib import admin

from leadflow.core.admin import ServiceAdmin, ServiceAdminForm
from leadflow.deals import services
from leadflow.deals.models import Deal, Pipeline, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1
    ordering = ["position"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "is_default"]
    inlines = [StageInline]


class DealAdminForm(ServiceAdminForm):
    class Meta:
        model = Deal
        fields = ["name", "customer", "owner", "stage", "amount", "product_line", "notes"]

    def service_create(self, data, ctx):
        owner = data.pop("owner", None)
        return services.deal_create(
            customer=data["customer"],
            name=data["name"],
            ctx=ctx,
            amount=data.get("amount") or 0,
            stage=data.get("stage"),
            owner_id=owner.pk if owner else None,
            product_line_id=data["product_line"].pk if data.get("product_line") else None,
            notes=data.get("notes", ""),
        )

    def service_update(self, instance, changes, ctx):
        changes.pop("customer", None)
        stage = changes.pop("stage", None)
        if "owner" in changes:
            changes["owner_id"] = changes.pop("owner").pk
        if "product_line" in changes:
            line = changes.pop("product_line")
            changes["product_line_id"] = line.pk if line else None
        deal = services.deal_update(deal=instance, ctx=ctx, **changes) if changes else instance
        if stage is not None and stage.pk != deal.stage_id:
            deal = services.deal_change_stage(deal=deal, stage=stage, ctx=ctx)
        return deal


@admin.register(Deal)
class DealAdmin(ServiceAdmin):
    form = DealAdminForm
    list_display = ["name", "customer", "stage", "amount", "owner", "updated_at"]
    list_filter = ["pipeline", "stage__kind"]
    search_fields = ["name", "customer__name"]
    autocomplete_fields = ["customer", "owner"]
    list_select_related = ["customer", "stage", "owner"]

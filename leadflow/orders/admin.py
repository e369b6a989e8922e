from django.contrib import admin

from leadflow.core.admin import ReadOnlyAdmin, ServiceAdmin, ServiceAdminForm
from leadflow.orders import services
from leadflow.orders.models import Order, OrderLine, Payment


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "quantity", "unit_price", "amount"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "ordered_at", "total", "status", "source"]
    list_filter = ["status", "source"]
    search_fields = ["number", "customer__name"]
    inlines = [OrderLineInline]


class PaymentAdminForm(ServiceAdminForm):
    class Meta:
        model = Payment
        fields = ["customer", "order", "amount", "received_at", "method"]

    def service_create(self, data, ctx):
        payment, _ = services.payment_create(
            customer=data["customer"],
            amount=data["amount"],
            received_at=data["received_at"],
            method=data["method"],
            order_id=data["order"].pk if data.get("order") else None,
            ctx=ctx,
        )
        return payment

    def service_update(self, instance, changes, ctx):
        from django.utils.translation import gettext as _

        from leadflow.core.errors import Forbidden

        raise Forbidden(_("A recorded payment cannot be edited; record a correction instead."))


@admin.register(Payment)
class PaymentAdmin(ServiceAdmin):
    form = PaymentAdminForm
    list_display = ["customer", "amount", "received_at", "method", "review_status", "source"]
    list_filter = ["review_status", "method", "source"]
    search_fields = ["customer__name"]
    autocomplete_fields = ["customer", "order"]

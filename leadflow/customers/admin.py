from django.contrib import admin

from leadflow.core.admin import ServiceAdmin, ServiceAdminForm
from leadflow.customers import services
from leadflow.customers.models import Contact, Customer


class CustomerAdminForm(ServiceAdminForm):
    class Meta:
        model = Customer
        fields = [
            "name", "credit_code", "legal_representative", "industry", "phone", "address", "owner", "status",
            "source", "payment_terms", "first_contact_at", "first_visit_at", "notes",
        ]

    def service_create(self, data, ctx):
        owner = data.pop("owner")
        return services.customer_create(ctx=ctx, owner_id=owner.pk if owner else None, **data)

    def service_update(self, instance, changes, ctx):
        if "owner" in changes:
            owner = changes.pop("owner")
            changes["owner_id"] = owner.pk if owner else None
        return services.customer_update(customer=instance, ctx=ctx, **changes)


@admin.register(Customer)
class CustomerAdmin(ServiceAdmin):
    form = CustomerAdminForm
    list_display = ["name", "city", "status", "owner", "last_activity_at"]
    list_filter = ["status", "industry", "province"]
    search_fields = ["name", "credit_code", "phone"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["province", "city", "district", "adcode", "last_activity_at", "created_via"]
    list_select_related = ["owner"]
    show_full_result_count = False


class ContactAdminForm(ServiceAdminForm):
    class Meta:
        model = Contact
        fields = ["customer", "name", "title", "mobile", "phone", "wechat", "email", "is_primary", "notes"]

    def service_create(self, data, ctx):
        customer = data.pop("customer")
        return services.contact_create(customer=customer, ctx=ctx, **data)

    def service_update(self, instance, changes, ctx):
        changes.pop("customer", None)
        return services.contact_update(contact=instance, ctx=ctx, **changes)


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    form = ContactAdminForm
    list_display = ["name", "customer", "mobile", "phone", "is_primary"]
    search_fields = ["name", "mobile", "customer__name"]
    autocomplete_fields = ["customer"]

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from leadflow.activities.selectors import customer_timeline
from leadflow.core.api import Id, Pagination, ctx_for
from leadflow.customers import services
from leadflow.customers.schemas import (
    ActivityOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
)
from leadflow.customers.selectors import contact_get, contacts_visible_to, customer_get, customer_search

router = Router(tags=["customers"])


class CustomerFilters(Schema):
    q: str = Field("", max_length=100, description="name, phone (also a contact's mobile) or credit code")
    city: str = Field("", max_length=30)
    owner_id: Id | None = None
    status: str = Field("", max_length=10, description="lead, prospect, active, dormant or lost")


@router.get("", response=list[CustomerOut], summary="List and search customers")
@paginate(Pagination)
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    return customer_search(request.user, **filters.dict())


@router.post("", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn):
    data = payload.dict()
    owner_id = data.pop("owner_id", None)
    customer = services.customer_create(ctx=ctx_for(request), owner_id=owner_id, **data)
    return Status(201, customer)


@router.get("/{customer_id}", response=CustomerOut, summary="Read a customer")
def read_customer(request: HttpRequest, customer_id: Id):
    return customer_get(request.user, customer_id)


@router.patch("/{customer_id}", response=CustomerOut, summary="Update a customer")
def update_customer(request: HttpRequest, customer_id: Id, payload: CustomerPatch):
    customer = customer_get(request.user, customer_id)
    changes = payload.dict(exclude_unset=True)
    return services.customer_update(customer=customer, ctx=ctx_for(request), **changes)


@router.put("/{customer_id}", response=CustomerOut, summary="Replace a customer's editable fields")
def replace_customer(request: HttpRequest, customer_id: Id, payload: CustomerIn):
    customer = customer_get(request.user, customer_id)
    changes = payload.dict()
    if changes.get("owner_id") is None:
        changes.pop("owner_id")
    return services.customer_update(customer=customer, ctx=ctx_for(request), **changes)


@router.get("/{customer_id}/timeline", response=list[ActivityOut], summary="The customer's activity timeline")
@paginate(Pagination)
def timeline(request: HttpRequest, customer_id: Id):
    return customer_timeline(customer_get(request.user, customer_id))


@router.get("/{customer_id}/contacts", response=list[ContactOut], summary="The customer's contacts")
def list_contacts(request: HttpRequest, customer_id: Id):
    return list(
        contacts_visible_to(request.user).filter(customer_id=customer_get(request.user, customer_id).pk)
    )


@router.post("/{customer_id}/contacts", response={201: ContactOut}, summary="Add a contact")
def create_contact(request: HttpRequest, customer_id: Id, payload: ContactIn):
    customer = customer_get(request.user, customer_id)
    return Status(201, services.contact_create(customer=customer, ctx=ctx_for(request), **payload.dict()))


# /api/v1/contacts/{id}: one contact, whoever's customer it is (as long as the caller may see it).
contacts_router = Router(tags=["customers"])


@contacts_router.get("/{contact_id}", response=ContactOut, summary="Read a contact")
def read_contact(request: HttpRequest, contact_id: Id):
    return contact_get(request.user, contact_id)


@contacts_router.patch("/{contact_id}", response=ContactOut, summary="Update a contact")
def update_contact(request: HttpRequest, contact_id: Id, payload: ContactPatch):
    contact = contact_get(request.user, contact_id)
    return services.contact_update(contact=contact, ctx=ctx_for(request), **payload.dict(exclude_unset=True))

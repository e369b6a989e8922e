from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from leadflow.activities.selectors import customer_timeline
from leadflow.core.writes import Source, WriteContext
from leadflow.customers import services
from leadflow.customers.schemas import ActivityOut, ContactIn, ContactOut, CustomerIn, CustomerOut, CustomerPatch
from leadflow.customers.selectors import contacts_visible_to, customer_get, customer_search

router = Router(tags=["customers"])


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = 1
        page_size: int = settings.PAGE_SIZE

    def paginate_queryset(self, queryset, pagination: Input, **params):
        size = max(1, min(pagination.page_size, 200))
        page = max(1, pagination.page)
        offset = (page - 1) * size
        return {"items": list(queryset[offset : offset + size]), "count": self._items_count(queryset)}


def ctx_for(request: HttpRequest) -> WriteContext:
    source = getattr(request, "api_source", Source.API)
    return WriteContext(actor=request.user, source=Source.API if source == "api" else Source.WEB, path=request.path)


class CustomerFilters(Schema):
    q: str = ""
    city: str = ""
    owner_id: int | None = None
    status: str = ""


@router.get("", response=list[CustomerOut], summary="List and search customers")
@paginate(Pagination)
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    return customer_search(request.user, **filters.dict())


@router.post("", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn):
    data = payload.dict()
    owner_id = data.pop("owner_id", None)
    customer = services.customer_create(ctx=ctx_for(request), owner_id=owner_id, **data)
    return 201, customer


@router.get("/{customer_id}", response=CustomerOut, summary="Read a customer")
def read_customer(request: HttpRequest, customer_id: int):
    return customer_get(request.user, customer_id)


@router.patch("/{customer_id}", response=CustomerOut, summary="Update a customer")
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch):
    customer = customer_get(request.user, customer_id)
    changes = payload.dict(exclude_unset=True)
    return services.customer_update(customer=customer, ctx=ctx_for(request), **changes)


@router.put("/{customer_id}", response=CustomerOut, summary="Replace a customer's editable fields")
def replace_customer(request: HttpRequest, customer_id: int, payload: CustomerIn):
    customer = customer_get(request.user, customer_id)
    changes = payload.dict()
    if changes.get("owner_id") is None:
        changes.pop("owner_id")
    return services.customer_update(customer=customer, ctx=ctx_for(request), **changes)


@router.get("/{customer_id}/timeline", response=list[ActivityOut], summary="The customer's activity timeline")
@paginate(Pagination)
def timeline(request: HttpRequest, customer_id: int):
    return customer_timeline(customer_get(request.user, customer_id))


@router.get("/{customer_id}/contacts", response=list[ContactOut], summary="The customer's contacts")
def list_contacts(request: HttpRequest, customer_id: int):
    return list(contacts_visible_to(request.user).filter(customer_id=customer_get(request.user, customer_id).pk))


@router.post("/{customer_id}/contacts", response={201: ContactOut}, summary="Add a contact")
def create_contact(request: HttpRequest, customer_id: int, payload: ContactIn):
    customer = customer_get(request.user, customer_id)
    return 201, services.contact_create(customer=customer, ctx=ctx_for(request), **payload.dict())

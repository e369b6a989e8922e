import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from leadflow.activities.schemas import ConnectorSource
from leadflow.core.api import Id, Moment, Money, Ref
from leadflow.orders.models import Order, Payment


class OrderLineIn(Schema):
    product_id: Id
    quantity: Money
    unit_price: Money | None = Field(None, description="the product's list price when omitted")


class OrderIn(Schema):
    customer_id: Id
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)
    number: str = Field("", max_length=40, description="generated when omitted")
    ordered_at: Moment | None = None
    deal_id: Id | None = None
    external_id: str | None = Field(None, max_length=128, description="the order's id in its source (ERP)")
    source: ConnectorSource = "api"


class OrderLineOut(Schema):
    id: int
    product_id: int
    product_name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_product_name(obj) -> str:
        return obj.product.name


class OrderOut(Schema):
    id: int
    number: str
    customer: Ref
    deal_id: int | None
    rep_id: int | None
    ordered_at: dt.datetime
    status: str
    total: Decimal
    source: str
    external_id: str | None
    lines: list[OrderLineOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class OrderFilters(Schema):
    customer_id: Id | None = None
    status: Order.Status | None = None
    q: str = Field("", max_length=40, description="order number, or its beginning")


class PaymentIn(Schema):
    customer_id: Id
    amount: Money
    received_at: Moment
    method: Payment.Method = Payment.Method.TRANSFER
    order_id: Id | None = None
    external_id: str | None = Field(None, max_length=128)
    source: ConnectorSource = "api"


class PaymentOut(Schema):
    id: int
    customer: Ref
    order_id: int | None
    amount: Decimal
    received_at: dt.datetime
    method: str
    review_status: str
    source: str
    external_id: str | None
    created_at: dt.datetime


class PaymentFilters(Schema):
    customer_id: Id | None = None
    order_id: Id | None = None
    review_status: Payment.Review | None = None

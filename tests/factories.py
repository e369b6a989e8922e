"""Factories for domain objects. Services are the write path, but tests may build rows directly
where the point is to set up state, not to exercise a service."""

from __future__ import annotations

import itertools

import factory
from django.utils import timezone
from stdnum.cn import uscc

from leadflow.activities.models import Activity
from leadflow.catalog.models import Product, ProductCategory, ProductLine
from leadflow.customers.models import Contact, Customer
from leadflow.deals.models import Deal, Pipeline
from leadflow.orders.models import Payment

_codes = itertools.count(1)


def credit_code() -> str:
    """A valid 统一社会信用代码, different on each call."""
    body = f"913301{next(_codes):011d}"[:17]
    return body + uscc.calc_check_digit(body)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"杭州测试医疗器械有限公司{n}")
    credit_code = factory.LazyFunction(credit_code)
    industry = "medical"
    address = "浙江省杭州市西湖区文三路90号"
    province = "浙江省"
    city = "杭州市"
    district = "西湖区"
    status = "active"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    name = "监护设备"
    code = "monitor"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU{n:05d}")
    name = factory.Sequence(lambda n: f"多参数监护仪 M{n}")
    line = factory.SubFactory(ProductLineFactory)
    category = factory.LazyAttribute(lambda o: ProductCategory.objects.get_or_create(line=o.line, name="监护仪")[0])
    list_price = 12800


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    name = factory.Sequence(lambda n: f"监护仪采购项目{n}")
    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    pipeline = factory.LazyFunction(default_pipeline)
    stage = factory.LazyAttribute(lambda o: o.pipeline.stages.order_by("position").first())
    amount = 100000


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = "visit"
    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    text = "拜访科室主任"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    customer = factory.SubFactory(CustomerFactory)
    amount = 5000
    received_at = factory.LazyFunction(timezone.now)

"""The permission matrix: who sees whose records, through the one visibility layer,
checked on selectors, the web pages and the API alike."""

from __future__ import annotations

import pytest

from leadflow.activities.selectors import activities_visible_to
from leadflow.customers.selectors import customers_visible_to
from leadflow.deals.selectors import deals_visible_to
from leadflow.orders.selectors import payments_visible_to
from tests.factories import ActivityFactory, DealFactory, PaymentFactory

# viewer → the reps whose customers they see
EXPECTED = {
    "rep1": {"rep1"},
    "rep2": {"rep2"},
    "rep3": {"rep3"},
    "rep4": {"rep4"},
    "manager1": {"rep1", "rep2"},
    "manager2": {"rep3"},
    "director": {"rep1", "rep2", "rep3"},
    "finance": set(),
    "admin": {"rep1", "rep2", "rep3", "rep4"},
}
# finance sees money of every region, and no sales pipeline
EXPECTED_MONEY = {**EXPECTED, "finance": {"rep1", "rep2", "rep3", "rep4"}}


@pytest.fixture
def world(cast, customers):
    for customer in customers.values():
        DealFactory(customer=customer)
        ActivityFactory(customer=customer)
        PaymentFactory(customer=customer)
    return customers


def owners(qs, path):
    return {o for o in qs.values_list(path, flat=True)}


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
def test_it_scopes_every_selector(cast, world, viewer):
    user = getattr(cast, viewer)
    assert owners(customers_visible_to(user), "owner__username") == EXPECTED[viewer]
    assert owners(deals_visible_to(user), "owner__username") == EXPECTED[viewer]
    assert owners(activities_visible_to(user), "customer__owner__username") == EXPECTED[viewer]
    assert owners(payments_visible_to(user), "customer__owner__username") == EXPECTED_MONEY[viewer]


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
@pytest.mark.parametrize("owner", ["rep1", "rep2", "rep3", "rep4"])
def test_it_answers_404_for_invisible_customers_in_the_api(cast, world, api_client, viewer, owner):
    client = api_client(getattr(cast, viewer))
    customer = world[owner]
    response = client.get(f"/api/v1/customers/{customer.pk}")
    timeline = client.get(f"/api/v1/customers/{customer.pk}/timeline")
    if owner in EXPECTED[viewer]:
        assert response.status_code == 200
        assert response.json()["name"] == customer.name
        assert timeline.status_code == 200
    else:
        assert response.status_code == 404
        assert response.json()["detail"]
        assert timeline.status_code == 404


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
def test_it_lists_only_visible_customers_in_the_api(cast, world, api_client, viewer):
    response = api_client(getattr(cast, viewer)).get("/api/v1/customers?page_size=100")
    assert response.status_code == 200
    names = {item["name"] for item in response.json()["items"]}
    assert names == {f"{o}的客户" for o in EXPECTED[viewer]}


def test_it_hides_inactive_users_everything(cast, world):
    cast.admin.is_active = False
    cast.admin.save()
    assert not customers_visible_to(cast.admin).exists()

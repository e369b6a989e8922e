"""工作台 (My day): follow-ups, recent activity and counts that link to the lists behind them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import ActivityFactory, CustomerFactory, DealFactory


def html(response) -> str:
    return response.content.decode()


def test_it_lists_customers_to_follow_up_and_leaves_out_those_touched_today(cast, login):
    stale = CustomerFactory(
        owner=cast.rep1, name="久未联系的客户", last_activity_at=timezone.now() - dt.timedelta(days=30)
    )
    CustomerFactory(owner=cast.rep1, name="今天刚拜访的客户", last_activity_at=timezone.now())
    CustomerFactory(owner=cast.rep3, name="别人的客户", last_activity_at=None)
    page = html(login(cast.rep1).get("/"))
    follow_ups = page.split("</section>")[0]
    assert f"/customers/{stale.pk}/" in follow_ups
    assert "今天刚拜访的客户" not in follow_ups
    assert "别人的客户" not in page


def test_it_shows_recent_activity_and_counts_linking_to_filtered_lists(cast, customers, login):
    ActivityFactory(customer=customers["rep1"], text="电话确认下周拜访时间")
    ActivityFactory(customer=customers["rep3"], text="别人的跟进")
    DealFactory(customer=customers["rep1"])
    CustomerFactory(owner=cast.rep1, status="lead")
    page = html(login(cast.rep1).get("/"))
    assert "电话确认下周拜访时间" in page and "别人的跟进" not in page
    counts = page.split('class="counts"')[1].split("</ul>")[0]
    assert '<a href="/customers/?status=lead"><strong>1</strong>' in counts
    assert '<a href="/customers/"><strong>2</strong>' in counts
    assert '<a href="/deals/kanban/"><strong>1</strong>' in counts


def test_it_gives_finance_a_payments_view(cast, login):
    page = html(login(cast.finance).get("/"))
    assert "/money/payments/?review=pending" in page
    assert "/customers/" not in page.split("<main")[1]

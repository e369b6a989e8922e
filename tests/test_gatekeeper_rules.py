"""Each rule kind and each severity, through the services, with the violation log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leadflow.core.errors import RuleViolation
from leadflow.core.writes import WriteContext
from leadflow.customers.models import Customer
from leadflow.customers.services import customer_create, customer_update
from leadflow.deals.services import deal_change_stage
from leadflow.gatekeeper.models import Rule, ViolationRecord
from leadflow.orders.models import Payment
from leadflow.orders.selectors import payments_total
from leadflow.orders.services import payment_create
from tests.factories import DealFactory, credit_code

SH = ZoneInfo("Asia/Shanghai")
SATURDAY = dt.datetime(2026, 11, 28, 10, tzinfo=SH)
MONDAY = dt.datetime(2026, 11, 30, 10, tzinfo=SH)
TUESDAY = dt.datetime(2026, 12, 1, 10, tzinfo=SH)


@pytest.fixture
def ctx(cast):
    return WriteContext(actor=cast.rep1, source="web", path="/test")


def rule(**over) -> Rule:
    data = {"key": "r", "name": "r", "entity": "customer", "kind": "required", "fields": ["phone"], "params": {},
            "severity": "block", "message_zh": "请填写", "message_en": "Fill it in"}
    data.update(over)
    return Rule.objects.create(**data)


def refused(fn):
    with pytest.raises(RuleViolation) as exc:
        fn()
    return exc.value


# --- the default rule set -------------------------------------------------------------------

def test_it_asks_to_confirm_a_first_contact_on_a_weekend(cast, ctx):
    err = refused(lambda: customer_create(ctx=ctx, name="周末客户", first_contact_at=SATURDAY))
    assert [(v.rule, v.field, v.severity) for v in err.violations] == [("first-contact-workday", "first_contact_at", "confirm")]
    assert "请确认是否误填" in err.violations[0].message
    assert not Customer.objects.exists()
    log = ViolationRecord.objects.get()
    assert (log.outcome, log.actor, log.source, log.value) == ("refused", cast.rep1, "web", "2026-11-28 10:00")
    ctx.confirm = True
    customer = customer_create(ctx=ctx, name="周末客户", first_contact_at=SATURDAY)
    confirmed = ViolationRecord.objects.get(outcome="confirmed")
    assert confirmed.object_id == str(customer.pk) and confirmed.actor == cast.rep1


def test_it_asks_to_confirm_a_first_contact_after_the_first_visit(cast, ctx):
    err = refused(lambda: customer_create(ctx=ctx, name="倒序客户", first_contact_at=TUESDAY, first_visit_at=MONDAY))
    assert [v.rule for v in err.violations] == ["first-contact-before-visit"]
    customer_create(ctx=ctx, name="正序客户", first_contact_at=MONDAY, first_visit_at=TUESDAY)


def test_it_counts_a_make_up_saturday_as_a_work_day(cast, ctx):
    make_up = dt.datetime(2026, 10, 10, 10, tzinfo=SH)  # Saturday, 国庆 make-up work day
    customer_create(ctx=ctx, name="调休日客户", first_contact_at=make_up)


def test_it_blocks_a_stage_jump_without_evidence_and_allows_it_with_a_scan(cast, ctx):
    from leadflow.attachments.services import attachment_store

    deal = DealFactory(customer__owner=cast.rep1)
    stages = list(deal.pipeline.stages.order_by("position"))
    contract = stages[5]  # 初步接触 → 合同签署 skips four stages
    err = refused(lambda: deal_change_stage(deal=deal, stage=contract, ctx=ctx))
    assert err.violations[0].rule == "stage-jump-evidence" and err.violations[0].severity == "block"
    photo = attachment_store(data=b"\x89PNG\r\n\x1a\n" + b"\0" * 40, name="照片.png", ctx=ctx, kind="photo")
    refused(lambda: deal_change_stage(deal=deal, stage=contract, ctx=ctx, evidence=[photo]))
    ctx.confirm = True  # confirmation does not lift a block
    refused(lambda: deal_change_stage(deal=deal, stage=contract, ctx=ctx))
    deal.refresh_from_db()
    assert deal.stage == stages[0]
    scan = attachment_store(data=b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", name="合同.pdf", ctx=ctx, kind="contract_scan")
    deal_change_stage(deal=deal, stage=contract, ctx=ctx, evidence=[scan])
    deal.refresh_from_db()
    assert deal.stage == contract


def test_it_allows_two_stages_and_a_move_to_lost(cast, ctx):
    deal = DealFactory(customer__owner=cast.rep1)
    stages = list(deal.pipeline.stages.order_by("position"))
    deal_change_stage(deal=deal, stage=stages[2], ctx=ctx)
    deal_change_stage(deal=deal, stage=deal.pipeline.stages.get(kind="lost"), ctx=ctx)


def test_it_holds_a_payment_three_times_the_usual_until_finance_approves(cast, ctx, customers):
    from leadflow.gatekeeper.reviews import payment_approve

    customer = customers["rep1"]
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        for amount in (10000, 12000, 8000):
            payment_create(customer=customer, amount=amount, received_at=dt.datetime(2026, 10, 15, tzinfo=SH), ctx=ctx)
        normal, _ = payment_create(customer=customer, amount=29000, received_at=dt.datetime(2026, 11, 5, tzinfo=SH), ctx=ctx)
        assert normal.review_status == "accepted"
        held, _ = payment_create(customer=customer, amount=50000, received_at=dt.datetime(2026, 11, 18, tzinfo=SH), ctx=ctx)
    assert held.review_status == "pending"
    assert ViolationRecord.objects.get(outcome="held").object_id == str(held.pk)
    all_payments = Payment.objects.filter(customer=customer)
    assert payments_total(all_payments) == Decimal("59000")
    november = all_payments.filter(received_at__gte=dt.datetime(2026, 11, 1, tzinfo=SH))
    assert payments_total(november) == Decimal("29000")
    payment_approve(payment=held, ctx=WriteContext(actor=cast.finance, source="web"), comment="合同预付款")
    assert payments_total(november) == Decimal("79000")  # counted, in the month it was received


def test_it_lets_a_first_payment_through_by_default_and_holds_it_with_a_fallback(cast, ctx, customers):
    customer = customers["rep1"]
    first, _ = payment_create(customer=customer, amount=900000, received_at=MONDAY, ctx=ctx)
    assert first.review_status == "accepted"
    Rule.objects.filter(key="payment-outlier").update(params={"factor": "3", "months": 3, "fallback": "500000"})
    other = customers["rep2"]
    ctx2 = WriteContext(actor=cast.rep2, source="api")
    big, _ = payment_create(customer=other, amount=600000, received_at=MONDAY, ctx=ctx2)
    small, _ = payment_create(customer=customers["rep3"], amount=1000, received_at=MONDAY, ctx=WriteContext(actor=cast.rep3))
    assert (big.review_status, small.review_status) == ("pending", "accepted")


# --- the other kinds --------------------------------------------------------------------------

def test_required(cast, ctx):
    rule(kind="required", fields=["phone"])
    assert refused(lambda: customer_create(ctx=ctx, name="无电话")).violations[0].field == "phone"
    customer_create(ctx=ctx, name="有电话", phone="13812345678")


def test_range(cast, ctx, customers):
    rule(entity="payment", kind="range", fields=["amount"], params={"min": "1", "max": "1000000"})
    assert refused(lambda: payment_create(customer=customers["rep1"], amount=2000000, received_at=MONDAY, ctx=ctx)).violations
    payment_create(customer=customers["rep1"], amount=500, received_at=MONDAY, ctx=ctx)


def test_format(cast, ctx):
    rule(kind="format", fields=["name"], params={"pattern": r".*(公司|医院|诊所|店)$"})
    refused(lambda: customer_create(ctx=ctx, name="张三"))
    customer_create(ctx=ctx, name="张三五金店")


def test_unique(cast, ctx):
    rule(kind="unique", fields=["phone"], severity="confirm")
    customer_create(ctx=ctx, name="甲公司", phone="0571-88886666")
    err = refused(lambda: customer_create(ctx=ctx, name="乙公司", phone="0571-88886666"))
    assert err.violations[0].severity == "confirm"
    ctx.confirm = True
    customer_create(ctx=ctx, name="乙公司", phone="0571-88886666")


def test_date_order_across_records(cast, ctx, customers):
    """An activity of a customer may not be dated before the customer's first contact."""
    from leadflow.activities.services import activity_record

    rule(entity="activity", kind="date_order", fields=["customer.first_contact_at", "occurred_at"], params={"allow_equal": True})
    customer = customers["rep1"]
    customer_update(customer=customer, ctx=ctx, first_contact_at=TUESDAY)
    err = refused(lambda: activity_record(customer=customer, kind="visit", ctx=ctx, occurred_at=MONDAY))
    assert err.violations[0].field == "first_contact_at"
    activity_record(customer=customer, kind="visit", ctx=ctx, occurred_at=TUESDAY)


def test_not_on_a_holiday(cast, ctx):
    rule(kind="not_weekend", fields=["first_visit_at"], params={"holidays": True})
    refused(lambda: customer_create(ctx=ctx, name="国庆拜访", first_visit_at=dt.datetime(2026, 10, 2, 10, tzinfo=SH)))
    customer_create(ctx=ctx, name="平日拜访", first_visit_at=TUESDAY)


def test_an_inactive_rule_does_nothing_and_a_new_one_acts_at_once(cast, ctx):
    r = rule(kind="required", fields=["address"], active=False)
    customer_create(ctx=ctx, name="无地址一")
    r.active = True
    r.save()
    refused(lambda: customer_create(ctx=ctx, name="无地址二"))


def test_rules_apply_only_to_their_actions(cast, ctx, customers):
    rule(kind="required", fields=["legal_representative"], actions=["create"])
    customer_update(customer=customers["rep1"], ctx=ctx, notes="更新不检查法人")
    refused(lambda: customer_create(ctx=ctx, name="无法人", credit_code=credit_code()))

"""The deal write path: create, update, stage change with compare-and-set, activity + audit
in one transaction."""

from __future__ import annotations

import pytest
from django.utils import translation

from leadflow.activities.models import Activity
from leadflow.audit.models import AuditEntry
from leadflow.core.errors import Conflict, Forbidden, ValidationFailed
from leadflow.core.writes import WriteContext
from leadflow.deals import services
from leadflow.deals.models import Deal, Pipeline
from leadflow.deals.services import deal_change_stage, deal_create, deal_update


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ctx(cast):
    return WriteContext(actor=cast.rep1, source="web", path="/deals/1/stage")


@pytest.fixture
def deal(customers, ctx):
    return deal_create(customer=customers["rep1"], name="彩超采购", ctx=ctx, amount="380000")


def stages(deal: Deal):
    return list(deal.pipeline.stages.order_by("position"))


def test_it_opens_a_deal_in_the_industry_pipeline_with_audit_and_activity(cast, customers, deal):
    assert deal.pipeline == Pipeline.objects.get(industry="medical")
    assert deal.stage == stages(deal)[0] and deal.owner == cast.rep1
    audit = AuditEntry.objects.get(entity="deals.deal", object_id=str(deal.pk))
    assert audit.changes["amount"] == [None, "380000.00"]
    note = Activity.objects.get(deal=deal)
    assert note.customer == customers["rep1"] and note.payload["stage"] == deal.stage.name


def test_it_falls_back_to_the_default_pipeline(cast, ctx):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(owner=cast.rep1, industry="retail")
    deal = deal_create(customer=customer, name="门店项目", ctx=ctx)
    assert deal.pipeline.is_default


def test_it_refuses_a_deal_without_a_name_and_stores_nothing(cast, customers, ctx):
    with pytest.raises(ValidationFailed) as exc:
        deal_create(customer=customers["rep1"], name="  ", ctx=ctx)
    assert "name" in {e.field for e in exc.value.errors}
    assert not Deal.objects.exists() and not Activity.objects.exists() and not AuditEntry.objects.exists()


def test_it_refuses_a_deal_on_someone_elses_customer(cast, customers, ctx):
    with pytest.raises(Forbidden):
        deal_create(customer=customers["rep3"], name="抢单", ctx=ctx)
    assert not Deal.objects.exists()


def test_it_audits_an_update_before_and_after(cast, deal, ctx):
    deal_update(deal=deal, ctx=ctx, amount="400000", notes="加了探头")
    audit = AuditEntry.objects.get(entity="deals.deal", object_id=str(deal.pk), action="update")
    assert audit.changes["amount"] == ["380000.00", "400000.00"]
    assert audit.changes["notes"] == ["", "加了探头"]
    deal.refresh_from_db()
    assert str(deal.amount) == "400000.00"


def test_it_moves_a_deal_and_writes_the_stage_change_activity_and_audit(cast, deal, ctx):
    first, second, third = stages(deal)[:3]
    deal_change_stage(deal=deal, stage=third, ctx=ctx, note="跳过需求确认：客户已有方案")
    deal.refresh_from_db()
    assert deal.stage == third
    moved = Activity.objects.get(kind="stage_change")
    assert moved.deal == deal and moved.actor == cast.rep1 and moved.source == "web"
    assert moved.text == "跳过需求确认：客户已有方案"
    assert moved.payload == {
        "from": first.name,
        "to": third.name,
        "from_id": first.pk,
        "to_id": third.pk,
        "jump": 2,
    }
    audit = AuditEntry.objects.get(entity="deals.deal", object_id=str(deal.pk), action="stage_change")
    assert audit.changes["stage"] == [first.pk, third.pk]
    assert audit.path == "/deals/1/stage"


def test_it_writes_a_default_text_for_a_move_without_note(cast, deal, ctx):
    first, second = stages(deal)[:2]
    deal_change_stage(deal=deal, stage=second, ctx=ctx)
    assert Activity.objects.get(kind="stage_change").text == f"{first.name} → {second.name}"


@pytest.mark.parametrize("kind", ["won", "lost"])
def test_it_closes_a_deal_on_a_won_or_lost_stage(cast, deal, ctx, kind):
    from leadflow.attachments.services import attachment_store

    # a jump straight to "won" needs a contract scan (default gatekeeper rule)
    scan = attachment_store(data=b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", name="合同.pdf", ctx=ctx, kind="contract_scan")
    deal_change_stage(deal=deal, stage=deal.pipeline.stages.get(kind=kind), ctx=ctx, evidence=[scan])
    deal.refresh_from_db()
    assert deal.closed_at is not None
    deal_change_stage(deal=deal, stage=stages(deal)[1], ctx=ctx)  # reopened
    deal.refresh_from_db()
    assert deal.closed_at is None


def test_it_lets_only_one_of_two_concurrent_moves_win(cast, deal, ctx):
    """Two people load the same card; both drag it. The second sees a Conflict, not a silent overwrite."""
    mine = Deal.objects.get(pk=deal.pk)
    theirs = Deal.objects.get(pk=deal.pk)
    second, third = stages(deal)[1:3]
    deal_change_stage(deal=theirs, stage=second, ctx=WriteContext(actor=cast.manager1))
    with pytest.raises(Conflict):
        deal_change_stage(deal=mine, stage=third, ctx=ctx)
    deal.refresh_from_db()
    assert deal.stage == second
    assert Activity.objects.filter(kind="stage_change").count() == 1
    assert AuditEntry.objects.filter(action="stage_change").count() == 1


def test_it_rolls_back_the_move_when_the_activity_write_fails(cast, deal, ctx, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("timeline unavailable")

    monkeypatch.setattr(services, "activity_record", broken)
    with pytest.raises(RuntimeError):
        deal_change_stage(deal=deal, stage=stages(deal)[1], ctx=ctx)
    assert Deal.objects.get(pk=deal.pk).stage == stages(deal)[0]
    assert not AuditEntry.objects.filter(action="stage_change").exists()


def test_it_rolls_back_a_new_deal_when_the_audit_write_fails(cast, customers, ctx, monkeypatch):
    monkeypatch.setattr(services, "audit_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("down")))
    with pytest.raises(RuntimeError):
        deal_create(customer=customers["rep1"], name="半存项目", ctx=ctx)
    assert not Deal.objects.exists() and not Activity.objects.exists()


def test_it_refuses_a_stage_of_another_pipeline(cast, deal, ctx):
    foreign = Pipeline.objects.exclude(pk=deal.pipeline_id).first().stages.first()
    with pytest.raises(ValidationFailed) as exc:
        deal_change_stage(deal=deal, stage=foreign, ctx=ctx)
    assert exc.value.errors[0].field == "stage"
    assert Deal.objects.get(pk=deal.pk).stage == stages(deal)[0]


def test_it_refuses_a_move_by_someone_who_cannot_see_the_deal(cast, deal):
    with pytest.raises(Forbidden):
        deal_change_stage(deal=deal, stage=stages(deal)[1], ctx=WriteContext(actor=cast.rep3))
    assert Deal.objects.get(pk=deal.pk).stage == stages(deal)[0]


def test_it_hands_the_gatekeeper_the_jump_and_the_evidence(cast, deal, ctx, monkeypatch):
    from leadflow.gatekeeper import gate

    seen = []

    def spy(write):
        seen.append((write.entity, write.action, write.extra.get("jump"), write.extra.get("evidence")))
        return []

    from leadflow.gatekeeper.models import Rule

    Rule.objects.filter(entity="deal").update(active=False)  # only the spy looks at this write
    monkeypatch.setattr(gate, "CHECKS", [spy])
    deal_change_stage(deal=deal, stage=stages(deal)[3], ctx=ctx)
    assert seen == [("deal", "stage_change", 3, []), ("activity", "create", None, None)]

"""Deal pages: list with filters and pagination, kanban by stage, the deal page with its stage
path, stage change through the form (with evidence, gatekeeper refusals, confirmations and
conflicts), and new deals from the customer page."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.activities.models import Activity
from leadflow.attachments.models import Attachment
from leadflow.core.errors import Violation
from leadflow.deals.models import Deal, Pipeline, Stage
from leadflow.gatekeeper import gate
from leadflow.gatekeeper.models import ViolationRecord
from tests.factories import DealFactory, default_pipeline

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def html(response) -> str:
    return response.content.decode()


def stages() -> list[Stage]:
    return list(default_pipeline().stages.order_by("position"))


@pytest.fixture
def deals(customers):
    return {
        owner: DealFactory(customer=customer, name=f"{owner}的商机") for owner, customer in customers.items()
    }


# --- list and kanban ------------------------------------------------------------------------------


def test_it_lists_only_visible_deals(cast, deals, login):
    page = html(login(cast.manager1).get("/deals/"))
    assert "rep1的商机" in page and "rep2的商机" in page
    assert "rep3的商机" not in page and "rep4的商机" not in page


def test_it_filters_deals_by_stage_owner_and_search(cast, customers, login):
    first, second = stages()[:2]
    DealFactory(customer=customers["rep1"], name="初期项目", stage=first)
    DealFactory(customer=customers["rep1"], name="推进项目", stage=second)
    DealFactory(customer=customers["rep2"], name="同事项目", stage=second)
    client = login(cast.manager1)
    page = html(client.get("/deals/", {"stage": second.pk, "owner": cast.rep1.pk}))
    assert "推进项目" in page
    assert "初期项目" not in page and "同事项目" not in page
    page = html(client.get("/deals/", {"q": "rep1的客户"}))  # by customer name
    assert "初期项目" in page and "同事项目" not in page


def test_it_paginates_deals(cast, customers, login, settings):
    settings.PAGE_SIZE = 5
    for i in range(7):
        DealFactory(customer=customers["rep1"], name=f"分页商机{i}")
    client = login(cast.rep1)
    assert html(client.get("/deals/")).count("分页商机") == 5
    assert html(client.get("/deals/", {"page": 2})).count("分页商机") == 2


def test_it_shows_the_kanban_with_a_column_per_stage(cast, deals, login):
    second = stages()[1]
    DealFactory(customer=deals["rep1"].customer, name="已推进的商机", stage=second)
    response = login(cast.rep1).get("/deals/kanban/", {"pipeline": default_pipeline().pk})
    page = html(response)
    assert response.status_code == 200
    for stage in stages():
        assert f'aria-label="{stage.name}"' in page
    assert "rep1的商机" in page and "已推进的商机" in page
    assert "rep3的商机" not in page
    # The card sits in its stage's column.
    column = page.split(f'aria-label="{second.name}"')[1].split("</section>")[0]
    assert "已推进的商机" in column and "rep1的商机" not in column


def test_it_switches_pipelines_on_the_kanban(cast, customers, login):
    medical = Pipeline.objects.get(industry="medical")
    DealFactory(customer=customers["rep1"], name="医疗项目", pipeline=medical, stage=medical.stages.first())
    DealFactory(customer=customers["rep1"], name="标准项目")
    client = login(cast.rep1)
    page = html(client.get("/deals/kanban/", {"pipeline": medical.pk}))
    assert "医疗项目" in page and "标准项目" not in page
    assert f"?pipeline={default_pipeline().pk}" in page  # the switcher
    assert client.get("/deals/kanban/", {"pipeline": "nonsense"}).status_code == 200


# --- the deal page ---------------------------------------------------------------------------------


def test_it_shows_the_deal_page_with_the_stage_path(cast, deals, login):
    deal = deals["rep1"]
    response = login(cast.rep1).get(f"/deals/{deal.pk}/")
    page = html(response)
    assert response.status_code == 200
    path = page.split('class="stage-path"')[1].split("</ol>")[0]
    assert re.findall(r"<li[^>]*>([^<]*)</li>", path) == [s.name for s in stages()]
    assert 'aria-current="step">' + deal.stage.name in path.replace("\n", "")


def test_it_answers_404_for_an_invisible_deal(cast, deals, login):
    client = login(cast.rep1)
    assert client.get(f"/deals/{deals['rep3'].pk}/").status_code == 404
    response = client.post(f"/deals/{deals['rep3'].pk}/stage/", {"stage-stage": stages()[1].pk})
    assert response.status_code == 404
    deals["rep3"].refresh_from_db()
    assert deals["rep3"].stage == stages()[0]


# --- stage change ---------------------------------------------------------------------------------


def test_it_moves_a_deal_through_the_form_with_evidence(cast, deals, login):
    deal = deals["rep1"]
    target = stages()[1]
    scan = SimpleUploadedFile("需求确认单.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/deals/{deal.pk}/stage/",
        {
            "stage-stage": target.pk,
            "stage-note": "科室确认需求",
            "stage-files": [scan],
            "stage-evidence_kind": "other",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == target
    activity = Activity.objects.get(deal=deal, kind="stage_change")
    assert activity.text == "科室确认需求"
    assert [a.original_name for a in activity.attachments.all()] == ["需求确认单.png"]


def test_it_refuses_a_stage_from_another_pipeline(cast, deals, login):
    deal = deals["rep1"]
    other = Pipeline.objects.get(industry="medical").stages.first()
    response = login(cast.rep1).post(f"/deals/{deal.pk}/stage/", {"stage-stage": other.pk})
    assert response.status_code == 422
    assert 'id="id_stage-stage_errors"' in html(response)
    deal.refresh_from_db()
    assert deal.stage == stages()[0]


def test_it_blocks_a_stage_jump_without_evidence_and_logs_the_refusal(cast, deals, login):
    """The default rule: more than 2 stages at once needs a contract scan or an email screenshot."""
    deal = deals["rep1"]
    response = login(cast.rep1).post(f"/deals/{deal.pk}/stage/", {"stage-stage": stages()[4].pk})
    page = html(response)
    assert response.status_code == 422
    assert "合同扫描件或邮件截图" in page.split('id="id_stage-stage_errors"')[1].split("</ul>")[0]
    deal.refresh_from_db()
    assert deal.stage == stages()[0]
    assert not Activity.objects.filter(kind="stage_change").exists()
    refusal = ViolationRecord.objects.get()
    assert (refusal.rule_key, refusal.outcome, refusal.actor) == ("stage-jump-evidence", "refused", cast.rep1)


def test_it_lets_a_stage_jump_through_with_a_contract_scan(cast, deals, login):
    deal = deals["rep1"]
    scan = SimpleUploadedFile("合同.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/deals/{deal.pk}/stage/",
        {"stage-stage": stages()[5].pk, "stage-files": [scan], "stage-evidence_kind": "contract_scan"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stages()[5]
    evidence = Activity.objects.get(kind="stage_change").attachments.get()
    assert evidence.kind == "contract_scan" and evidence.customer_id == deal.customer_id


def test_it_discards_the_evidence_of_a_refused_move_but_keeps_the_log(cast, deals, login):
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/deals/{deals['rep1'].pk}/stage/",
        {"stage-stage": stages()[5].pk, "stage-files": [photo], "stage-evidence_kind": "photo"},
    )
    assert response.status_code == 422
    assert not Attachment.objects.exists()
    assert ViolationRecord.objects.filter(outcome="refused").count() == 1


def test_it_asks_what_the_attached_files_are(cast, deals, login):
    scan = SimpleUploadedFile("合同.png", PNG, content_type="image/png")
    response = login(cast.rep1).post(
        f"/deals/{deals['rep1'].pk}/stage/", {"stage-stage": stages()[1].pk, "stage-files": [scan]}
    )
    assert response.status_code == 422
    assert 'id="id_stage-evidence_kind_errors"' in html(response)
    assert not Attachment.objects.exists()


def _confirm_every_move(write: gate.Write) -> list[Violation]:
    if write.action == "stage_change":
        return [Violation("test-confirm", "stage", gate.CONFIRM, "客户尚未回复邮件，确定推进吗？")]
    return []


def test_it_asks_for_confirmation_and_moves_once_confirmed(cast, deals, login, monkeypatch):
    monkeypatch.setattr(gate, "CHECKS", [_confirm_every_move])
    deal = deals["rep1"]
    client = login(cast.rep1)
    first = client.post(f"/deals/{deal.pk}/stage/", {"stage-stage": stages()[1].pk})
    assert first.status_code == 422
    assert "客户尚未回复邮件，确定推进吗？" in html(first)
    assert 'type="checkbox" name="stage-confirm"' in html(first)
    deal.refresh_from_db()
    assert deal.stage == stages()[0]
    second = client.post(f"/deals/{deal.pk}/stage/", {"stage-stage": stages()[1].pk, "stage-confirm": "on"})
    assert second.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stages()[1]


def test_it_reports_a_conflicting_move(cast, deals, login, monkeypatch):
    deal = deals["rep1"]

    def someone_else_moves_it(write: gate.Write) -> list[Violation]:
        if write.action == "stage_change":
            Deal.objects.filter(pk=write.instance.pk).update(stage=stages()[2])
        return []

    monkeypatch.setattr(gate, "CHECKS", [someone_else_moves_it])
    response = login(cast.rep1).post(f"/deals/{deal.pk}/stage/", {"stage-stage": stages()[1].pk})
    assert response.status_code == 422
    assert 'class="form-errors"' in html(response)
    deal.refresh_from_db()
    # The simulated other writer shared our transaction, so its move rolled back too; ours never happened.
    assert deal.stage != stages()[1]
    assert not Activity.objects.filter(kind="stage_change").exists()


# --- new deal -------------------------------------------------------------------------------------


def test_it_creates_a_deal_from_the_customer_page(cast, customers, login):
    customer = customers["rep1"]
    client = login(cast.rep1)
    assert f"/deals/new/{customer.pk}/" in html(client.get(f"/customers/{customer.pk}/"))
    form = client.get(f"/deals/new/{customer.pk}/")
    medical_first = Pipeline.objects.get(industry="medical").stages.order_by("position").first()
    assert form.status_code == 200
    assert f'value="{medical_first.pk}" selected' in html(form)  # the customer's industry template
    response = client.post(
        f"/deals/new/{customer.pk}/",
        {
            "name": "彩超采购",
            "amount": "380000",
            "stage": medical_first.pk,
            "owner": cast.rep1.pk,
            "notes": "",
        },
    )
    deal = Deal.objects.get(name="彩超采购")
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    assert deal.customer == customer and deal.stage == medical_first and deal.amount == 380000


def test_it_shows_new_deal_errors_and_saves_nothing(cast, customers, login):
    customer = customers["rep1"]
    response = login(cast.rep1).post(
        f"/deals/new/{customer.pk}/",
        {"name": "", "amount": "-5", "stage": stages()[0].pk, "owner": cast.rep1.pk},
    )
    page = html(response)
    assert response.status_code == 422
    assert 'id="id_name_errors"' in page and 'id="id_amount_errors"' in page
    assert not Deal.objects.exists()

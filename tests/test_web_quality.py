"""Data gatekeeper pages: the finance review queue, the data-quality page and its log, the
freshness board, and the rule editor with YAML export/import."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.core.errors import RuleViolation
from leadflow.core.writes import WriteContext
from leadflow.customers.models import Customer
from leadflow.customers.services import customer_create
from leadflow.gatekeeper.models import FreshnessMark, FreshnessSettings, Rule, ViolationRecord
from leadflow.orders.aggregates import trailing_average
from leadflow.orders.models import Payment
from leadflow.orders.selectors import payments_total
from leadflow.orders.services import payment_create
from tests.factories import credit_code

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 4, 16, 0, tzinfo=SH)  # a Friday
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def html(response) -> str:
    return response.content.decode()


def pay(customer, amount, when, actor) -> Payment:
    payment, _ = payment_create(
        customer=customer, amount=Decimal(amount), received_at=when, ctx=WriteContext(actor=actor)
    )
    return payment


@pytest.fixture
def held(cast, customers):
    """rep1's customer paid ¥10,000 in each of the last three months; now ¥50,000 arrives."""
    customer = customers["rep1"]
    for month in (10, 11, 12):
        pay(customer, "10000", dt.datetime(2026, month, 2, 10, tzinfo=SH), cast.rep1)
    payment = pay(customer, "50000", dt.datetime(2026, 12, 3, 11, tzinfo=SH), cast.rep1)
    assert payment.review_status == Payment.Review.PENDING
    return payment


# --- Permissions --------------------------------------------------------------------------


def test_it_forbids_the_review_queue_and_the_rules_to_a_rep(cast, login, held):
    client = login(cast.rep1)
    assert client.get("/quality/reviews/").status_code == 403
    assert client.get(f"/quality/reviews/{held.pk}/").status_code == 403
    assert client.post(f"/quality/reviews/{held.pk}/approve/", {}).status_code == 403
    assert client.get("/quality/rules/").status_code == 403
    assert client.get("/quality/rules/new/").status_code == 403
    assert client.get("/quality/rules/export/").status_code == 403
    held.refresh_from_db()
    assert held.review_status == Payment.Review.PENDING


def test_it_forbids_the_review_queue_to_a_manager_and_the_rules_to_finance(cast, login):
    assert login(cast.manager1).get("/quality/reviews/").status_code == 403
    assert login(cast.finance).get("/quality/rules/").status_code == 403
    assert login(cast.finance).post("/quality/freshness/", {"threshold_hours": 8}).status_code == 403
    assert FreshnessSettings.current().threshold_hours == 4


def test_it_shows_finance_the_held_payment_with_its_evidence(cast, login, held):
    client = login(cast.finance)
    queue = html(client.get("/quality/reviews/"))
    assert "rep1的客户" in queue and "50000.00" in queue
    assert f'href="/quality/reviews/{held.pk}/"' in queue
    assert "回款金额超过该客户近 3 个月平均值的 3 倍" in queue  # why it was held
    page = html(client.get(f"/quality/reviews/{held.pk}/"))
    assert "5.0×" in page  # 50,000 against a 10,000 average
    assert "¥10000.00" in page
    assert page.count('class="badge review-accepted"') == 3  # the history, with review statuses
    assert "回款金额超过该客户近 3 个月平均值的 3 倍" in page
    assert f'action="/quality/reviews/{held.pk}/approve/"' in page
    assert 'href="/customers/' not in page  # finance does not see the sales pipeline


# --- Decisions ----------------------------------------------------------------------------


def test_it_approves_a_held_payment_and_then_it_counts_in_its_month(cast, login, held):
    everything = Payment.objects.all()
    assert payments_total(everything) == Decimal("30000")
    assert trailing_average(held.customer_id, held.received_at, 1) == Decimal("10000")
    client = login(cast.finance)
    response = client.post(f"/quality/reviews/{held.pk}/approve/", {"approve-comment": "合同已核对"})
    assert response.status_code == 302 and response["Location"] == "/quality/reviews/"
    held.refresh_from_db()
    assert held.review_status == Payment.Review.ACCEPTED
    assert held.reviewed_by == cast.finance and held.review_comment == "合同已核对"
    assert payments_total(everything) == Decimal("80000")
    # December now averages (10,000 + 50,000) / 2
    assert trailing_average(held.customer_id, held.received_at, 1) == Decimal("30000")
    queue = client.get("/quality/reviews/")
    assert "rep1的客户" in html(queue)  # only in the message after deciding: the queue is empty
    assert f'href="/quality/reviews/{held.pk}/"' not in html(queue)
    decided = html(client.get(f"/quality/reviews/{held.pk}/"))
    assert "合同已核对" in decided and "刘会计" in decided
    assert "/approve/" not in decided  # no forms once decided


def test_it_needs_a_comment_to_reject_and_a_rejected_payment_never_counts(cast, login, held):
    client = login(cast.admin)
    refused = client.post(f"/quality/reviews/{held.pk}/reject/", {"reject-comment": "  "})
    assert refused.status_code == 422
    assert 'id="id_reject-comment_errors"' in html(refused)
    held.refresh_from_db()
    assert held.review_status == Payment.Review.PENDING
    ok = client.post(f"/quality/reviews/{held.pk}/reject/", {"reject-comment": "重复入账"})
    assert ok.status_code == 302
    held.refresh_from_db()
    assert held.review_status == Payment.Review.REJECTED and held.review_comment == "重复入账"
    assert payments_total(Payment.objects.all()) == Decimal("30000")


def test_it_refuses_a_second_decision_without_changing_the_first(cast, login, held):
    client = login(cast.finance)
    client.post(f"/quality/reviews/{held.pk}/reject/", {"reject-comment": "金额有误"})
    again = client.post(f"/quality/reviews/{held.pk}/approve/", {"approve-comment": ""}, follow=True)
    assert again.status_code == 200
    held.refresh_from_db()
    assert held.review_status == Payment.Review.REJECTED
    assert "金额有误" in html(again)


# --- Rules --------------------------------------------------------------------------------


def rule_post(**over) -> dict:
    data = {
        "key": "legal-rep-required",
        "name": "法定代表人必填",
        "entity": "customer",
        "actions": "create, update",
        "fields": "legal_representative",
        "kind": "required",
        "params": "",
        "severity": "block",
        "message_zh": "请填写法定代表人",
        "message_en": "Fill in the legal representative.",
        "active": "on",
        "position": "50",
    }
    data.update(over)
    return data


def customer_post(user, **over) -> dict:
    data = {
        "name": "杭州新华医疗器械有限公司",
        "credit_code": credit_code(),
        "legal_representative": "",
        "industry": "medical",
        "phone": "0571-87654321",
        "address": "浙江省杭州市滨江区江南大道3880号",
        "owner": user.pk,
        "status": "lead",
        "source": "referral",
        "payment_terms": "net30",
        "first_contact_at": "",
        "first_visit_at": "",
        "notes": "",
    }
    data.update(over)
    return data


def test_it_creates_a_rule_that_applies_to_the_next_write(cast, login):
    rep = login(cast.rep1)
    assert rep.post("/customers/new/", customer_post(cast.rep1)).status_code == 302  # no such rule yet
    admin = login(cast.admin)
    form = admin.get("/quality/rules/new/")
    assert form.status_code == 200 and "outlier" in html(form)  # the kinds, with their parameters
    response = admin.post("/quality/rules/new/", rule_post())
    assert response.status_code == 302 and response["Location"] == "/quality/rules/"
    rule = Rule.objects.get(key="legal-rep-required")
    assert rule.fields == ["legal_representative"] and rule.actions == ["create", "update"] and rule.active
    assert "法定代表人必填" in html(admin.get("/quality/rules/"))
    rep = login(cast.rep1)
    refused = rep.post("/customers/new/", customer_post(cast.rep1, name="宁波五金机电商行"))
    assert refused.status_code == 422
    assert "请填写法定代表人" in html(refused)
    assert not Customer.objects.filter(name="宁波五金机电商行").exists()
    assert (
        ViolationRecord.objects.filter(
            rule_key="legal-rep-required", outcome="refused", owner=cast.rep1
        ).count()
        == 1
    )
    # switched off in the editor: the next write passes again
    admin = login(cast.admin)
    off = admin.post(f"/quality/rules/{rule.pk}/", rule_post(active=""))
    assert off.status_code == 302
    rep = login(cast.rep1)
    assert rep.post("/customers/new/", customer_post(cast.rep1, name="宁波五金机电商行")).status_code == 302


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("factor: abc", "factor"),  # the kind's own check
        ("{factor: [3", "YAML"),  # not YAML at all
        ("- 3\n- 4", "{max_jump: 2}"),  # YAML, but not a mapping
    ],
)
def test_it_shows_a_bad_parameter_under_the_field_and_saves_nothing(cast, login, params, expected):
    client = login(cast.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    before = Rule.objects.count()
    data = rule_post(
        key="big-payment", entity="payment", fields="amount", kind="outlier", severity="hold", params=params
    )
    response = client.post("/quality/rules/new/", data)
    assert response.status_code == 422
    errors = html(response).split('id="id_params_errors"')[1].split("</ul>")[0]
    assert expected in errors
    assert Rule.objects.count() == before


def test_it_leaves_a_rule_unchanged_when_an_edit_is_refused(cast, login):
    rule = Rule.objects.get(key="payment-outlier")
    client = login(cast.admin)
    page = client.get(f"/quality/rules/{rule.pk}/")
    assert page.status_code == 200 and '"factor": "3"' in html(page).replace("&quot;", '"')
    data = rule_post(
        key=rule.key,
        name="改了名字",
        entity="payment",
        fields="amount",
        kind="outlier",
        severity="hold",
        params="factor: -1\nmonths: 3",
    )
    response = client.post(f"/quality/rules/{rule.pk}/", data)
    assert response.status_code == 422 and 'id="id_params_errors"' in html(response)
    rule.refresh_from_db()
    assert rule.name == "回款金额异常" and rule.params["factor"] == "3"
    # and a hold on a record type that cannot be held goes under severity
    response = client.post("/quality/rules/new/", rule_post(severity="hold"))
    assert response.status_code == 422 and 'id="id_severity_errors"' in html(response)
    assert not Rule.objects.filter(key="legal-rep-required").exists()


def test_it_refuses_a_key_another_rule_has(cast, login):
    response = login(cast.admin).post("/quality/rules/new/", rule_post(key="payment-outlier"))
    assert response.status_code == 422 and 'id="id_key_errors"' in html(response)
    assert Rule.objects.get(key="payment-outlier").kind == "outlier"


def rule_rows() -> list[tuple]:
    return list(
        Rule.objects.order_by("key").values_list("key", "name", "active", "params", "severity", "position")
    )


def test_it_round_trips_the_rules_through_yaml(cast, login):
    client = login(cast.admin)
    export = client.get("/quality/rules/export/")
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="rules.yaml"'
    text = export.content.decode()
    assert len(yaml.safe_load(text)["rules"]) == Rule.objects.count() == 4
    # An import normalises each rule's parameters (the kind fills in its defaults)…
    assert (
        client.post(
            "/quality/rules/import/", {"file": SimpleUploadedFile("rules.yaml", export.content)}
        ).status_code
        == 302
    )
    original = rule_rows()
    export = client.get("/quality/rules/export/")
    # …after which export → change → import gives back the same rules.
    Rule.objects.filter(key="payment-outlier").update(
        name="被改过", params={"factor": "9", "months": 1, "fallback": "allow"}
    )
    Rule.objects.filter(key="first-contact-workday").update(active=False)
    Rule.objects.create(
        key="extra",
        name="多余的",
        entity="customer",
        fields=["name"],
        kind="required",
        severity="block",
        message_zh="x",
    )
    response = client.post(
        "/quality/rules/import/", {"file": SimpleUploadedFile("rules.yaml", export.content)}
    )
    assert response.status_code == 302
    assert [r for r in rule_rows() if r[0] != "extra"] == original
    assert Rule.objects.get(key="extra").active  # not in the file, but "replace" was not ticked
    client.post(
        "/quality/rules/import/", {"file": SimpleUploadedFile("rules.yaml", export.content), "replace": "on"}
    )
    assert not Rule.objects.get(key="extra").active
    assert [r for r in rule_rows() if r[0] != "extra"] == original


RULE_FILE = (
    "rules:\n- key: {key}\n  name: {name}\n  entity: customer\n  fields: [name]\n  kind: required\n"
    "  severity: block\n  message_zh: 请填写\n  position: {position}\n"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"rules: [ {key: a", "YAML"),
        (b"just: text", "rules"),
        (
            "rules:\n- key: new-one\n  name: 新规则\n  entity: customer\n  kind: magic\n  severity: block\n  message_zh: 好\n".encode(),
            "Rule 1, kind",
        ),
        (b"\xff\xfe\x00bad", "UTF-8"),
        # values the database could not store are messages too, never a server error
        (RULE_FILE.format(key="long-name", name="长" * 150, position=1).encode(), "Rule 1, name"),
        (RULE_FILE.format(key="k" * 80, name="x", position=1).encode(), "Rule 1, key"),
        (RULE_FILE.format(key="negative", name="x", position=-5).encode(), "Rule 1, position"),
    ],
)
def test_it_refuses_a_bad_rules_file_and_changes_nothing(cast, login, content, expected):
    client = login(cast.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    before = rule_rows()
    response = client.post(
        "/quality/rules/import/", {"file": SimpleUploadedFile("rules.yaml", content), "replace": "on"}
    )
    assert response.status_code == 422
    assert expected in html(response)
    assert rule_rows() == before


# --- Data quality and the violation log ------------------------------------------------------


def weekend_contact(user) -> None:
    with pytest.raises(RuleViolation):
        customer_create(
            ctx=WriteContext(actor=user), name=f"{user.username}周末客户", first_contact_at=SATURDAY
        )


@pytest.fixture
def findings(cast, held):
    """rep1: one refused weekend first contact and one held payment; rep3: two refused; rep4: one."""
    weekend_contact(cast.rep1)
    weekend_contact(cast.rep3)
    weekend_contact(cast.rep3)
    weekend_contact(cast.rep4)
    assert ViolationRecord.objects.count() == 5


def log_rows(client, url: str) -> list[ViolationRecord]:
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["page_obj"])


def test_it_counts_findings_by_rep_source_and_rule_with_links_to_the_log_rows(cast, login, findings):
    client = login(cast.director)
    page = html(client.get("/quality/"))
    rep1_link = f"/quality/log/?owner={cast.rep1.pk}"
    rep3_link = f"/quality/log/?owner={cast.rep3.pk}"
    assert f'href="{rep1_link}"><strong>2</strong>' in page
    assert f'href="{rep3_link}"><strong>2</strong>' in page
    assert f"owner={cast.rep4.pk}" not in page  # another region
    rows = log_rows(client, rep1_link)
    assert len(rows) == 2 and {v.owner for v in rows} == {cast.rep1}
    held_link = f"/quality/log/?owner={cast.rep1.pk}&amp;outcome=held"
    assert f'href="{held_link}">1</a>' in page
    assert [v.rule_key for v in log_rows(client, held_link.replace("&amp;", "&"))] == ["payment-outlier"]
    assert 'href="/quality/log/?rule=first-contact-workday"><strong>3</strong>' in page
    assert {v.rule_key for v in log_rows(client, "/quality/log/?rule=first-contact-workday")} == {
        "first-contact-workday"
    }
    assert 'href="/quality/log/?source=web"><strong>4</strong>' in page
    assert len(log_rows(client, "/quality/log/?source=web")) == 4
    # the weekly trend: this week and the week of the Saturday, as data for the chart
    chart = re.search(r'<script id="quality-data" type="application/json">(.*?)</script>', page).group(1)
    import json

    data = json.loads(chart)
    assert len(data["weeks"]) == 12
    series = {s["key"]: s["data"] for s in data["series"]}
    assert sum(series["refused"]) == 3 and sum(series["held"]) == 1 and sum(series["confirmed"]) == 0
    assert series["refused"][-1] == 3  # all written this week (at NOW)


def test_it_shows_each_user_only_the_findings_they_may_see(cast, login, findings):
    def owners(user) -> set:
        return {v.owner.username for v in log_rows(login(user), "/quality/log/")}

    assert owners(cast.rep1) == {"rep1"}
    assert owners(cast.manager1) == {"rep1"}
    assert owners(cast.manager2) == {"rep3"}
    assert owners(cast.director) == {"rep1", "rep3"}
    assert owners(cast.admin) == owners(cast.finance) == {"rep1", "rep3", "rep4"}
    assert f"owner={cast.rep3.pk}" not in html(login(cast.rep1).get("/quality/"))


def test_it_filters_the_log_by_week_and_exports_it(cast, login, findings):
    client = login(cast.admin)
    assert len(log_rows(client, "/quality/log/?week=2026-12-02")) == 5  # any day of the week
    assert log_rows(client, "/quality/log/?week=2026-11-25") == []
    assert len(log_rows(client, "/quality/log/?outcome=refused&owner=" + str(cast.rep3.pk))) == 2
    assert len(log_rows(client, "/quality/log/?week=not-a-date")) == 5  # a bad filter is dropped
    export = client.get("/quality/log/?outcome=refused&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    assert all("周末" in r[-1] for r in rows[1:])


# --- Freshness board ----------------------------------------------------------------------


@pytest.fixture
def marks(cast):
    FreshnessMark.objects.create(
        region_key=cast.east.pk,
        metric="contact",
        source="mobile",
        last_at=dt.datetime(2026, 12, 4, 15, 22, 3, tzinfo=SH),
    )
    FreshnessMark.objects.create(
        region_key=cast.east.pk,
        metric="payments",
        source="erp",
        last_at=dt.datetime(2026, 12, 3, 15, 22, 3, tzinfo=SH),
    )
    FreshnessMark.objects.create(
        region_key=cast.south.pk,
        metric="contact",
        source="web",
        last_at=dt.datetime(2026, 12, 4, 15, 0, tzinfo=SH),
    )


def freshness_rows(page: str) -> list[str]:
    return re.findall(r"<tr class=\"is-(?:stale|fresh)\">.*?</tr>", page, flags=re.S)


def test_it_shows_a_red_light_for_a_quiet_source(cast, login, marks):
    page = html(login(cast.admin).get("/quality/freshness/"))
    rows = freshness_rows(page)
    assert len(rows) == 3
    erp = next(r for r in rows if "ERP" in r)
    assert 'class="light light-red"' in erp
    assert "最后更新于 2026-12-03 15:22:03" in erp
    assert "9.6" in erp  # working hours: Thu 15:22–18:00 and Fri 09:00–16:00
    mobile = next(r for r in rows if "移动端" in r)
    assert 'class="light light-green"' in mobile and "最后更新于 2026-12-04 15:22:03" in mobile
    assert 'name="threshold_hours"' in page


def test_it_shows_a_rep_the_board_of_their_own_region_without_the_threshold_form(cast, login, marks):
    page = html(login(cast.rep1).get("/quality/freshness/"))
    assert len(freshness_rows(page)) == 2 and "华南" not in page
    assert 'name="threshold_hours"' not in page


def test_it_lets_an_admin_change_the_threshold(cast, login, marks):
    client = login(cast.admin)
    assert client.post("/quality/freshness/", {"threshold_hours": "0"}).status_code == 422
    assert FreshnessSettings.current().threshold_hours == 4
    assert client.post("/quality/freshness/", {"threshold_hours": "12"}).status_code == 302
    assert FreshnessSettings.objects.count() == 1 and FreshnessSettings.current().threshold_hours == 12
    page = html(client.get("/quality/freshness/"))
    assert all("light-green" in r for r in freshness_rows(page))  # 9.6 working hours is fresh under 12

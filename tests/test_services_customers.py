"""The customer write path: validate → gate → save + audit in one transaction."""

from __future__ import annotations

import pytest
from django.utils import translation

from leadflow.audit.models import AuditEntry
from leadflow.core.errors import Forbidden, RuleViolation, ValidationFailed, Violation
from leadflow.core.writes import WriteContext
from leadflow.customers import services
from leadflow.customers.models import Contact, Customer
from leadflow.customers.services import contact_create, customer_create, customer_update
from leadflow.gatekeeper import gate

GOOD_CODE = "91330106MA27XYB0K4"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ctx(cast):
    return WriteContext(actor=cast.rep1, source="web", path="/customers/new")


def field_errors(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: str(e.message) for e in exc.errors}


# --- 统一社会信用代码 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [GOOD_CODE, GOOD_CODE.lower(), "9133 0106 MA27 XYB0 K4", "91330106-MA27XYB0K4"]
)
def test_it_accepts_a_valid_credit_code_and_normalises_it(cast, ctx, typed):
    customer = customer_create(ctx=ctx, name="杭州仁和医疗器械有限公司", credit_code=typed)
    customer.refresh_from_db()
    assert customer.credit_code == GOOD_CODE


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91330106MA27XYB0K5", "check character"),  # one character off
        ("91330106MA27XYB0K", "18 characters; this one has 17"),
        ("91330106MA27XYB0KZ", "not a valid unified social credit code"),
    ],
)
def test_it_refuses_a_bad_credit_code_with_a_clear_message(cast, ctx, code, words):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(ctx=ctx, name="错码公司", credit_code=code)
    assert words in field_errors(exc.value)["credit_code"]
    assert not Customer.objects.exists() and not AuditEntry.objects.exists()


def test_it_stores_an_empty_credit_code_as_none_so_many_can_lack_one(cast, ctx):
    customer_create(ctx=ctx, name="个体户甲", credit_code="")
    customer_create(ctx=ctx, name="个体户乙", credit_code="  ")
    assert list(Customer.objects.values_list("credit_code", flat=True)) == [None, None]


def test_it_refuses_a_duplicate_credit_code(cast, ctx):
    customer_create(ctx=ctx, name="甲", credit_code=GOOD_CODE)
    with pytest.raises(ValidationFailed) as exc:
        customer_create(ctx=ctx, name="乙", credit_code=GOOD_CODE.lower())
    assert "already exists" in field_errors(exc.value)["credit_code"]
    assert Customer.objects.count() == 1


def test_it_turns_a_duplicate_lost_in_a_race_into_a_field_error(cast, ctx, monkeypatch):
    customer_create(ctx=ctx, name="甲", credit_code=GOOD_CODE)
    # The other writer inserted between our check and our save: only the database notices.
    monkeypatch.setattr(services, "validate_instance", lambda instance: None)
    with pytest.raises(ValidationFailed) as exc:
        customer_create(ctx=ctx, name="乙", credit_code=GOOD_CODE)
    assert "credit_code" in field_errors(exc.value)
    assert Customer.objects.count() == 1 and AuditEntry.objects.count() == 1


# --- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("0571 8888 6666", "0571-88886666"),
        ("(010)65529988", "010-65529988"),
        ("021-6888 1234", "021-68881234"),
        ("0571-88886666转123", "0571-88886666 转123"),
    ],
)
def test_it_normalises_mobile_and_landline_numbers(cast, ctx, typed, stored):
    customer = customer_create(ctx=ctx, name="电话测试", phone=typed)
    customer.refresh_from_db()
    assert customer.phone == stored


@pytest.mark.parametrize("typed", ["12345", "1381234567", "138123456789", "+1 212 555 0100", "电话号码"])
def test_it_refuses_a_bad_phone(cast, ctx, typed):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(ctx=ctx, name="错号公司", phone=typed)
    assert "phone" in field_errors(exc.value)
    assert not Customer.objects.exists()


def test_it_wants_a_mobile_in_a_contacts_mobile_field(cast, ctx, customers):
    with pytest.raises(ValidationFailed) as exc:
        contact_create(customer=customers["rep1"], ctx=ctx, name="王主任", mobile="0571-88886666")
    assert "not a Chinese mobile number" in field_errors(exc.value)["mobile"]
    contact = contact_create(customer=customers["rep1"], ctx=ctx, name="王主任", mobile="+86 139 0000 1111")
    assert contact.mobile == "13900001111"


# --- addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("浙江省杭州市西湖区文三路90号", ("浙江省", "杭州市", "西湖区")),
        ("江苏省苏州市相城区元和街道", ("江苏省", "苏州市", "相城区")),
        ("上海市浦东新区世纪大道100号", ("上海市", "上海市", "浦东新区")),
        ("广州市天河区天河路385号", ("广东省", "广州市", "天河区")),
    ],
)
def test_it_fills_province_city_and_district_from_the_address(cast, ctx, address, parts):
    customer = customer_create(ctx=ctx, name="地址测试", address=address)
    customer.refresh_from_db()
    assert (customer.province, customer.city, customer.district) == parts
    assert customer.adcode


def test_it_reparses_only_when_the_address_changes(cast, ctx):
    customer = customer_create(ctx=ctx, name="地址测试", address="浙江省杭州市西湖区文三路90号")
    customer_update(customer=customer, ctx=ctx, notes="换了联系人")
    assert customer.city == "杭州市"
    customer_update(customer=customer, ctx=ctx, address="江苏省苏州市相城区")
    customer.refresh_from_db()
    assert (customer.city, customer.district) == ("苏州市", "相城区")


# --- audit, gate, and all-or-nothing ------------------------------------------------------


def test_it_audits_who_when_which_path_and_before_after(cast, ctx):
    customer = customer_create(ctx=ctx, name="审计测试", status="lead")
    customer_update(
        customer=customer,
        ctx=WriteContext(actor=cast.rep1, source="api", path="/api/v1/customers/1"),
        status="active",
    )
    create, update = AuditEntry.objects.filter(object_id=str(customer.pk)).order_by("id")
    assert (create.action, create.path, create.source) == ("create", "/customers/new", "web")
    assert create.changes["name"] == [None, "审计测试"]
    assert (update.action, update.path, update.source, update.actor) == (
        "update",
        "/api/v1/customers/1",
        "api",
        cast.rep1,
    )
    assert update.changes == {"status": ["lead", "active"], "updated_at": update.changes["updated_at"]}


def test_it_rolls_back_the_customer_when_the_audit_write_fails(cast, ctx, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        customer_create(ctx=ctx, name="半存客户", credit_code=GOOD_CODE)
    assert not Customer.objects.exists()


def test_it_rolls_back_an_update_when_the_audit_write_fails(cast, ctx, customers, monkeypatch):
    customer = customers["rep1"]
    monkeypatch.setattr(services, "audit_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("down")))
    with pytest.raises(RuntimeError):
        customer_update(customer=customer, ctx=ctx, status="lost")
    assert Customer.objects.get(pk=customer.pk).status == "active"


def test_it_rolls_back_a_primary_contact_swap_when_the_save_fails(cast, ctx, customers, monkeypatch):
    customer = customers["rep1"]
    first = contact_create(customer=customer, ctx=ctx, name="甲", is_primary=True)
    monkeypatch.setattr(services, "audit_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("down")))
    with pytest.raises(RuntimeError):
        contact_create(customer=customer, ctx=ctx, name="乙", is_primary=True)
    assert list(Contact.objects.values_list("name", "is_primary")) == [("甲", True)]
    first.refresh_from_db()
    assert first.is_primary


def test_it_asks_the_gatekeeper_before_writing(cast, ctx, monkeypatch):
    seen = []

    def no_hospitals_named_test(write):
        seen.append((write.entity, write.action, write.instance.name))
        if "测试" in write.instance.name:
            return [Violation(rule="name", field="name", severity=gate.BLOCK, message="No test names.")]
        return []

    monkeypatch.setattr(gate, "CHECKS", [no_hospitals_named_test])
    with pytest.raises(RuleViolation) as exc:
        customer_create(ctx=ctx, name="测试医院")
    assert exc.value.as_dict()["violations"][0]["rule"] == "name"
    assert not Customer.objects.exists() and not AuditEntry.objects.exists()
    customer_create(ctx=ctx, name="真实医院")
    assert seen == [("customer", "create", "测试医院"), ("customer", "create", "真实医院")]


def test_it_refuses_unknown_fields(cast, ctx):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(ctx=ctx, name="x", last_activity_at=None)
    assert "last_activity_at" in field_errors(exc.value)


def test_it_refuses_changes_to_someone_elses_customer(cast, customers, ctx):
    with pytest.raises(Forbidden):
        customer_update(customer=customers["rep3"], ctx=ctx, status="lost")
    assert Customer.objects.get(pk=customers["rep3"].pk).status == "active"

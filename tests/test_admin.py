"""The admin writes through the services: same validation, same audit, nothing half-saved."""

from leadflow.audit.models import AuditEntry
from leadflow.customers.models import Customer
from tests.factories import credit_code


def _form(owner_id, **over):
    data = {
        "name": "宁波鄞州五金机电有限公司",
        "credit_code": credit_code(),
        "legal_representative": "王强",
        "industry": "hardware",
        "phone": "0574-87654321",
        "address": "浙江省宁波市鄞州区天童南路588号",
        "owner": owner_id,
        "status": "lead",
        "source": "referral",
        "payment_terms": "net30",
        "notes": "",
    }
    data.update(over)
    return data


def test_it_creates_a_customer_through_the_service(cast, login):
    client = login(cast.admin)
    response = client.post("/admin/customers/customer/add/", _form(cast.rep1.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(name="宁波鄞州五金机电有限公司")
    assert (customer.province, customer.city, customer.district) == ("浙江省", "宁波市", "鄞州区")
    entry = AuditEntry.objects.get(entity="customers.customer", object_id=str(customer.pk))
    assert entry.source == "admin" and entry.action == "create" and entry.actor == cast.admin


def test_it_refuses_a_bad_credit_code_and_saves_nothing(cast, login):
    client = login(cast.admin)
    response = client.post("/admin/customers/customer/add/", _form(cast.rep1.pk, credit_code="91330106MA27XWYB1X"))
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode() or "credit code" in response.content.decode()
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.filter(entity="customers.customer").exists()


def test_it_audits_an_update_with_before_and_after(cast, login, customers):
    client = login(cast.admin)
    customer = customers["rep1"]
    data = _form(cast.rep1.pk, name=customer.name, credit_code=customer.credit_code, address=customer.address, status="prospect")
    response = client.post(f"/admin/customers/customer/{customer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(entity="customers.customer", object_id=str(customer.pk), action="update").get()
    assert entry.changes["status"] == ["active", "prospect"]

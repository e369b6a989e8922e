"""The API speaks the users' time zone: date-times with +08:00, Chinese text unescaped."""

import datetime as dt


def test_it_returns_times_in_asia_shanghai_and_plain_chinese(cast, customers, api_client):
    customer = customers["rep1"]
    customer.first_contact_at = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    customer.save()
    response = api_client(cast.rep1).get(f"/api/v1/customers/{customer.pk}")
    body = response.content.decode()
    assert '"first_contact_at": "2026-12-01T10:00:00+08:00"' in body
    assert "rep1的客户" in body  # not \\u escapes

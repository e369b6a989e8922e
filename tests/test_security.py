"""Security defaults: headers, CSRF, login throttling, uploads behind visibility."""

from __future__ import annotations

import pytest
from django.test import Client


def test_it_sends_security_headers(cast, login):
    response = login(cast.rep1).get("/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"


def test_it_requires_login_for_pages(db):
    response = Client().get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_requires_csrf_for_session_writes_to_the_api(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rep1)
    response = client.post("/api/v1/customers", {"name": "无令牌公司"}, content_type="application/json")
    assert response.status_code in (401, 403)
    from leadflow.customers.models import Customer

    assert not Customer.objects.filter(name="无令牌公司").exists()


@pytest.mark.parametrize("attempts", [5])
def test_it_locks_out_after_repeated_failed_logins(cast, attempts):
    client = Client()
    for _ in range(attempts):
        response = client.post("/login/", {"username": "rep1", "password": "wrong"})
        assert response.status_code in (200, 429)
    # even the right password is refused while locked out
    response = client.post("/login/", {"username": "rep1", "password": "pw-Leadflow-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_logs_in_with_the_right_password(cast):
    client = Client()
    response = client.post("/login/", {"username": "rep1", "password": "pw-Leadflow-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.rep1.pk)


def test_it_hides_other_peoples_files(cast, customers, login):
    from leadflow.attachments.services import attachment_store
    from leadflow.core.writes import WriteContext

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    f = attachment_store(data=png, name="名片.png", ctx=WriteContext(actor=cast.rep3), customer_id=customers["rep3"].pk)
    assert login(cast.rep1).get(f"/files/{f.pk}/").status_code == 404
    mine = login(cast.rep3).get(f"/files/{f.pk}/")
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert login(cast.manager2).get(f"/files/{f.pk}/").status_code == 200

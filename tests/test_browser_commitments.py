"""In a real browser on a phone: rep1 records a promise with a file from the deal page, the sweep
reminds them two days before, and the manager sees the report's heat map."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from leadflow.commitments.models import Commitment
from leadflow.commitments.sweeps import escalate
from tests.factories import DealFactory, ProductLineFactory
from tests.test_browser import CHROMIUM, fits_the_phone, open_browser

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (make browser)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def deal(cast):
    return DealFactory(customer__owner=cast.rep1, name="监护仪采购项目", product_line=ProductLineFactory())


@pytest.fixture
def browser_page():
    yield from open_browser()


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Leadflow-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_it_records_a_promise_and_reminds(live_server, cast, deal, browser_page, tmp_path):
    page = browser_page
    base = live_server.url
    login(page, base, "rep1")
    page.goto(f"{base}/deals/{deal.pk}/")
    page.click("#commitments a[role=button]")
    page.wait_for_url(f"{base}/commitments/new/?deal={deal.pk}")
    due = timezone.localtime() + dt.timedelta(days=4)
    page.select_option("select[name=deliverable_type]", label="报价单")
    page.fill("input[name=title]", "发送 20 台监护仪报价")
    page.fill("input[name=due_at]", due.strftime("%Y-%m-%dT%H:%M"))
    quote = tmp_path / "报价单.pdf"
    quote.write_bytes(PDF)
    page.set_input_files("input[name=files]", str(quote))
    page.click("main form button[type=submit]")
    page.wait_for_selector("h1:has-text('发送 20 台监护仪报价')")
    assert "报价单.pdf" in page.content()
    assert fits_the_phone(page)

    commitment = Commitment.objects.get()
    escalate(timezone.now() + dt.timedelta(days=2, hours=1))  # as `leadflow sweep --now` two days later
    page.goto(f"{base}/inbox/")
    assert "发送 20 台监护仪报价" in page.locator(".inbox").inner_text()
    assert page.locator(".nav-badge").inner_text().strip() == "1"
    assert commitment.firings.count() == 1
    assert fits_the_phone(page)
    assert page.errors == []


def test_the_manager_sees_the_heat_map(live_server, cast, deal, browser_page):
    from leadflow.commitments import services
    from leadflow.commitments.models import DeliverableType
    from leadflow.core.writes import WriteContext

    services.commitment_create(
        deal=deal,
        deliverable_type=DeliverableType.objects.get(code="quote"),
        title="报价",
        due_at=timezone.now() + dt.timedelta(hours=1),
        ctx=WriteContext(actor=cast.rep1),
    )
    page = browser_page
    login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/commitments/report/")
    page.wait_for_selector("#heatmap canvas")
    assert page.errors == []
    assert fits_the_phone(page)

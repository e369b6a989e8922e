"""A real browser on a phone-sized screen: Debian's Chromium driven by Playwright against a live
server. Logs in through the login form, opens the customer list, a customer page with its
timeline, and the kanban — and checks that nothing is wider than the phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import ActivityFactory, CustomerFactory, DealFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (make browser)"
    ),
    # The live server sees committed data only; serialized rollback restores the seeded
    # pipelines and calendar for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(cast, customers):
    """The data of these tests. Fixtures create it before the browser starts: an ORM call made
    while Playwright runs would open a second database session that nobody closes."""
    customer = customers["rep1"]
    ActivityFactory(customer=customer, kind="visit", text="拜访设备科刘主任，确认两台监护仪需求")
    DealFactory(customer=customer, name="监护仪采购项目")
    CustomerFactory(owner=cast.rep1, name="宁波五金机电商行")
    return customers


def open_browser():
    """A phone-sized Chromium page that records the page's JavaScript errors in ``page.errors``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        yield page
        context.close()
        browser.close()


@pytest.fixture
def page(live_server, world):
    yield from open_browser()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_it_works_on_a_phone(live_server, world, page):
    customer = world["rep1"]
    page.goto(f"{live_server.url}/customers/")
    assert "/login/" in page.url  # anonymous: sent to log in first
    page.fill("input[name=username]", "rep1")
    page.fill("input[name=password]", "pw-Leadflow-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/")

    assert page.locator("h1").inner_text() == "客户"
    assert page.get_by_role("link", name="rep1的客户").is_visible()
    assert page.get_by_text("rep3的客户").count() == 0
    assert fits_the_phone(page)

    page.get_by_role("link", name="rep1的客户").click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("拜访设备科刘主任，确认两台监护仪需求").is_visible()
    assert page.get_by_role("link", name="监护仪采购项目").is_visible()
    assert fits_the_phone(page)

    page.goto(f"{live_server.url}/deals/kanban/")
    kanban = page.locator(".kanban")
    assert kanban.is_visible()
    assert kanban.get_by_role("link", name="监护仪采购项目").is_visible()
    assert fits_the_phone(page)  # the columns scroll inside the board, not the page
    assert kanban.evaluate("el => el.scrollWidth > el.clientWidth")

    assert page.errors == []


def test_it_searches_live_without_reloading(live_server, world, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "rep1")
    page.fill("input[name=password]", "pw-Leadflow-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/customers/")
    page.evaluate("window.__sameDocument = true")
    page.fill("input[name=q]", "五金")
    page.wait_for_url("**/customers/?q=*")
    results = page.locator("#results")
    results.get_by_role("link", name="宁波五金机电商行").wait_for()
    assert results.get_by_text("rep1的客户").count() == 0
    assert page.evaluate("window.__sameDocument === true")  # htmx swapped the results in place
    assert page.errors == []

"""The interactive API docs render in a real browser, from our own static files, under our CSP."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (make browser)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_renders_the_swagger_docs_without_cdn_or_csp_errors(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        requested: list[str] = []
        problems: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                problems.append(msg.text)
                if msg.type == "error" or "Content Security Policy" in msg.text
                else None
            ),
        )
        try:
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".opblock-summary-path")  # operations listed: the spec loaded and rendered
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    assert "/api/v1/deals/{deal_id}/stage" in [p.replace("\u200b", "") for p in paths]
    assert problems == []
    assert requested and all(url.startswith(live_server.url) for url in requested), requested

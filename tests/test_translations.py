"""The UI is Chinese by default and English on request: every message has a translation, pages
render in zh-hans unless the user switched, and the switch sticks."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parent.parent / "leadflow" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_message_into_chinese():
    catalog = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalog if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalog if "fuzzy" in e.flags]
    assert len(catalog) > 300
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.metadata_is_fuzzy


def test_it_keeps_every_placeholder_in_the_translations():
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")  # a lost or renamed placeholder raises KeyError at runtime
    catalog = polib.pofile(str(PO))
    for entry in catalog.translated_entries():
        translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        assert sorted(pattern.findall(translated)) == sorted(pattern.findall(entry.msgid)), entry.msgid


def test_it_renders_the_customer_list_in_chinese_by_default(cast, customers, login):
    page = login(cast.rep1).get("/customers/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>客户</h1>" in page
    assert "新建客户" in page
    assert "全部状态" in page


def test_it_stays_chinese_for_an_english_browser_until_the_user_switches(cast, customers, login):
    client = login(cast.rep1)
    page = client.get("/customers/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "<h1>客户</h1>" in page


def test_it_switches_to_english_and_back(cast, customers, login):
    client = login(cast.rep1)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    page = client.get("/customers/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Customers</h1>" in page
    assert "New customer" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/customers/"})
    assert "<h1>客户</h1>" in client.get("/customers/").content.decode()


def test_it_shows_form_errors_in_the_users_language(cast, login):
    client = login(cast.rep1)
    bad = {
        "name": "某客户",
        "industry": "other",
        "status": "lead",
        "source": "other",
        "owner": cast.rep1.pk,
        "phone": "12345",
    }
    assert "不是有效的国内手机或座机号码" in client.post("/customers/new/", bad).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert (
        "is not a valid Chinese mobile or landline number"
        in client.post("/customers/new/", bad).content.decode()
    )


@pytest.mark.parametrize(("accept", "expected"), [("", "客户不存在。"), ("en", "Customer not found.")])
def test_it_lets_api_clients_choose_their_language(cast, api_client, accept, expected):
    client = api_client(cast.rep1)
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/api/v1/customers/999999", headers=headers)
    assert response.status_code == 404
    assert response.json()["detail"] == expected

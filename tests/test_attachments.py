"""Uploads: sniffed content type, size limit, SHA-256, visibility; nothing stored on refusal."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leadflow.attachments.models import Attachment
from leadflow.audit.models import AuditEntry

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores files in its own folder, so "nothing stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def rep1(cast, api_en):
    return api_en(cast.rep1)


def upload(client, name: str, content: bytes, **fields):
    return client.post("/api/v1/attachments", data={"file": SimpleUploadedFile(name, content), **fields})


def test_it_stores_a_pdf_and_reports_its_facts(cast, customers, rep1, media):
    response = upload(rep1, "报价单.pdf", PDF, customer_id=customers["rep1"].pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["original_name"] == "报价单.pdf"
    assert body["customer_id"] == customers["rep1"].pk
    assert body["uploaded_by_id"] == cast.rep1.pk
    [path] = stored_files(media)
    assert path.read_bytes() == PDF
    assert AuditEntry.objects.filter(
        entity="attachments.attachment", object_id=str(body["id"]), action="upload"
    ).exists()
    assert rep1.get(f"/api/v1/attachments/{body['id']}").json() == body


def test_it_keeps_one_copy_of_the_same_bytes(cast, rep1, media):
    first = upload(rep1, "a.png", PNG).json()
    second = upload(rep1, "b.png", PNG).json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("合同.pdf", PNG, "named .pdf but its content is PNG"),
        ("合同.pdf", b"just some text, not a PDF at all", "not a file type we accept"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64, ""),
        ("照片.jpg", PDF, "named .jpg but its content is PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_a_mislabelled_or_unknown_file_and_stores_nothing(cast, rep1, media, name, content, words):
    response = upload(rep1, name, content)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert words in body["errors"][0]["message"]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_an_oversized_file_and_stores_nothing(cast, rep1, media, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = upload(rep1, "big.pdf", PDF + b"0" * 4096)
    assert response.status_code in (413, 422)
    message = response.json()["errors"][0]["message"]
    assert "larger than" in message and "2.0" in message  # "larger than 2.0 KB"
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert upload(rep1, "small.pdf", PDF).status_code == 201  # under the limit still works


def test_it_asks_for_the_file_field(cast, rep1):
    response = rep1.post("/api/v1/attachments", data={"other": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    as_json = rep1.post(
        "/api/v1/attachments", data=json.dumps({"file": "a.pdf"}), content_type="application/json"
    )
    assert as_json.status_code == 422
    assert not Attachment.objects.exists()


def test_it_refuses_a_customer_the_uploader_cannot_see(cast, customers, rep1, media):
    response = upload(rep1, "a.pdf", PDF, customer_id=customers["rep3"].pk)
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert not Attachment.objects.exists() and stored_files(media) == []
    bad = upload(rep1, "a.pdf", PDF, customer_id="abc")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "customer_id"


def test_it_shows_a_file_to_those_who_see_its_customer(cast, customers, api_en):
    body = upload(api_en(cast.rep1), "a.pdf", PDF, customer_id=customers["rep1"].pk).json()
    for viewer, status in (("rep1", 200), ("manager1", 200), ("director", 200), ("rep2", 404), ("rep3", 404)):
        assert api_en(getattr(cast, viewer)).get(f"/api/v1/attachments/{body['id']}").status_code == status, (
            viewer
        )


def test_it_downloads_through_the_visibility_check(cast, customers, rep1, client):
    body = upload(rep1, "a.pdf", PDF, customer_id=customers["rep1"].pk).json()
    client.force_login(cast.rep1)
    response = client.get(body["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.rep3)
    assert client.get(body["download_url"]).status_code == 404


@pytest.mark.parametrize("name", ["a\x00b.pdf", "../../etc/passwd.pdf", "报" * 300 + ".pdf", "C:\\Users\\李\\报价.pdf"])
def test_it_keeps_odd_file_names_harmless(cast, rep1, media, name):
    response = upload(rep1, name, PDF)
    assert response.status_code in (201, 422), response.content
    if response.status_code == 201:
        stored = Attachment.objects.get()
        assert "/" not in stored.original_name and "\x00" not in stored.original_name
        assert len(stored.original_name) <= 200
        assert all(media in p.parents for p in stored_files(media))

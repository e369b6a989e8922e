"""Files for the demo: a handful of tiny PDFs standing for delivered quotes, POC reports and
contract drafts. They are stored the way ``attachment_store`` stores an upload — content-addressed
under ``attachments/`` — so hundreds of demo attachments share a few files on disk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# (deliverable type code) → variants, each a few lines of text (Helvetica: ASCII only).
PDF_TEXTS = {
    "quote": (
        ("Leadflow demo", "Quotation / Bao jia dan", "Prices in CNY, VAT included, valid 30 days."),
        ("Leadflow demo", "Quotation with 3-year service", "Prices in CNY, VAT included."),
    ),
    "poc_report": (
        ("Leadflow demo", "POC report / Shi yong ping gu bao gao", "Test results: all items passed."),
        ("Leadflow demo", "Trial summary", "Device uptime 99.2%, 3 issues found and fixed."),
    ),
    "contract_draft": (
        ("Leadflow demo", "Contract draft / He tong cao an", "For review by both parties."),
        ("Leadflow demo", "Framework supply agreement (draft)", "For review by both parties."),
    ),
}


@dataclass(frozen=True)
class StoredFile:
    path: str
    sha256: str
    size: int


def tiny_pdf(lines: tuple[str, ...]) -> bytes:
    """A valid one-page PDF 1.4 showing ``lines`` (a few hundred bytes)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 14 Tf 72 770 Td 20 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def store(content: bytes, extension: str) -> StoredFile:
    """Save ``content`` where ``attachment_store`` would, unless it is there already."""
    digest = hashlib.sha256(content).hexdigest()
    path = f"attachments/{digest[:2]}/{digest[2:4]}/{digest}.{extension}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return StoredFile(path, digest, len(content))


def delivery_pdfs() -> dict[str, list[StoredFile]]:
    """The stored PDF variants of each deliverable type."""
    return {
        code: [store(tiny_pdf(lines), "pdf") for lines in variants] for code, variants in PDF_TEXTS.items()
    }

"""Storing uploaded files: size limit, content sniffing (never trust the name), SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import PurePath
from typing import BinaryIO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from leadflow.attachments.models import Attachment, AttachmentKind
from leadflow.audit.services import audit_record
from leadflow.core.errors import FieldError, ValidationFailed
from leadflow.core.writes import WriteContext

# Extensions we accept, grouped; each maps to the extensions its sniffed type may show.
IMAGE = {"jpg", "jpeg", "png", "gif", "webp", "heic", "bmp", "tif", "tiff"}
DOCUMENT = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx"}
TEXT = {"txt", "csv"}
DEFAULT_ALLOWED = IMAGE | DOCUMENT | TEXT

# Sniffed extension → the file-name extensions that agree with it.
_AGREES = {
    "jpg": {"jpg", "jpeg"},
    "tif": {"tif", "tiff"},
    # Old Office files share one container format; filetype cannot always tell them apart.
    "doc": {"doc", "xls", "ppt"},
    "xls": {"doc", "xls", "ppt"},
    "ppt": {"doc", "xls", "ppt"},
}


def _sniff(head: bytes, name_ext: str) -> tuple[str, str] | None:
    """Return (extension, mime) from the bytes, or None when they are not an accepted type."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension, kind.mime
    if name_ext in TEXT:
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                continue
            if b"\x00" not in head:
                return name_ext, "text/csv" if name_ext == "csv" else "text/plain"
    return None


def attachment_store(
    *,
    data: bytes | BinaryIO,
    name: str,
    ctx: WriteContext,
    allowed: set[str] | None = None,
    customer_id: int | None = None,
    kind: str = "other",
) -> Attachment:
    """Check and store one file.

    1. refuse when larger than ``UPLOAD_MAX_BYTES``;
    2. sniff the content type from the bytes; refuse when unknown, not allowed, or when the
       name's extension claims something else (a .pdf that is not a PDF);
    3. hash, save content-addressed, write the row and the audit entry in one transaction.
    """
    allowed = allowed or DEFAULT_ALLOWED
    limit = settings.UPLOAD_MAX_BYTES
    if hasattr(data, "read"):
        content = data.read(limit + 1)
    else:
        content = bytes(data)
    name = PurePath(name or "upload").name[:200] or "upload"
    name_ext = PurePath(name).suffix.lower().lstrip(".")

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, errors=[FieldError("file", message)])

    if len(content) == 0:
        raise refuse(_("The file is empty."))
    if len(content) > limit:
        raise refuse(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    sniffed = _sniff(content[:8192], name_ext)
    if sniffed is None:
        raise refuse(_("“%(name)s” is not a file type we accept.") % {"name": name})
    ext, mime = sniffed
    if ext not in allowed and not (_AGREES.get(ext, set()) & allowed):
        raise refuse(
            _("“%(name)s” is a %(type)s file; accepted here: %(allowed)s.")
            % {"name": name, "type": ext.upper(), "allowed": ", ".join(sorted(allowed))}
        )
    if name_ext and name_ext != ext and name_ext not in _AGREES.get(ext, {ext}):
        raise refuse(
            _("“%(name)s” is named .%(claimed)s but its content is %(actual)s.")
            % {"name": name, "claimed": name_ext, "actual": ext.upper()}
        )
    digest = hashlib.sha256(content).hexdigest()
    stored_ext = name_ext if name_ext in _AGREES.get(ext, {ext}) else ext
    # File I/O stays outside the transaction. Content-addressed, so a rollback leaves at most
    # a file that the next identical upload reuses.
    path = f"attachments/{digest[:2]}/{digest[2:4]}/{digest}.{stored_ext}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    with transaction.atomic():
        attachment = Attachment.objects.create(
            file=path,
            original_name=name,
            content_type=mime,
            extension=stored_ext,
            size=len(content),
            sha256=digest,
            uploaded_by=ctx.actor if ctx.actor and ctx.actor.pk else None,
            customer_id=customer_id,
            kind=kind if kind in AttachmentKind.values else AttachmentKind.OTHER,
        )
        audit_record(
            ctx=ctx,
            obj=attachment,
            action="upload",
            changes={"name": name, "sha256": digest, "size": len(content), "type": mime},
        )
    return attachment


def attachment_discard(*, attachments: Iterable[Attachment], ctx: WriteContext) -> int:
    """Remove the rows of files that were stored for a write which was then refused (a stage
    change the gatekeeper blocked, an activity that failed validation), so the refused write
    leaves nothing behind. Rows that anything refers to are kept. The bytes stay on disk:
    content-addressed, the next identical upload reuses them. Returns how many rows went."""
    ids = {a.pk for a in attachments if a.pk}
    if not ids:
        return 0
    referenced: set[int] = set()
    for rel in Attachment._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            through = rel.through
            link = next(f for f in through._meta.fields if f.related_model is Attachment)
            referenced |= set(
                through.objects.filter(**{f"{link.name}__in": ids}).values_list(link.attname, flat=True)
            )
        elif rel.one_to_many or rel.one_to_one:
            field = rel.field
            referenced |= set(
                rel.related_model.objects.filter(**{f"{field.name}__in": ids}).values_list(
                    field.attname, flat=True
                )
            )
    with transaction.atomic():
        orphans = list(Attachment.objects.filter(pk__in=ids - referenced))
        for attachment in orphans:
            audit_record(
                ctx=ctx, obj=attachment, action="discard", changes={"name": attachment.original_name}
            )
        Attachment.objects.filter(pk__in=[a.pk for a in orphans]).delete()
    return len(orphans)

"""Files uploaded with a form: stored first, then handed to the write that uses them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.files.uploadedfile import UploadedFile

from leadflow.attachments.models import Attachment, AttachmentKind
from leadflow.attachments.services import attachment_discard, attachment_store
from leadflow.core.errors import LeadflowError
from leadflow.core.writes import WriteContext

T = TypeVar("T")


def write_with_uploads(
    files: Iterable[UploadedFile],
    *,
    ctx: WriteContext,
    customer_id: int,
    write: Callable[[list[Attachment]], T],
    kind: str = AttachmentKind.OTHER,
) -> T:
    """Store ``files`` (each checked by ``attachment_store``), then call ``write`` with them.

    When a file is refused or the write is (the gatekeeper, a validation error, a conflict),
    the files stored so far are discarded again, so nothing is half-saved. The write is not
    wrapped in an outer transaction on purpose: the gatekeeper's log of a refusal must stay.
    """
    stored: list[Attachment] = []
    try:
        for upload in files:
            stored.append(
                attachment_store(data=upload, name=upload.name, ctx=ctx, customer_id=customer_id, kind=kind)
            )
        return write(stored)
    except LeadflowError:
        attachment_discard(attachments=stored, ctx=ctx)
        raise

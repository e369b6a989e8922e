from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from leadflow.attachments.models import AttachmentKind
from leadflow.attachments.schemas import AttachmentOut
from leadflow.attachments.selectors import attachment_get
from leadflow.attachments.services import attachment_store
from leadflow.core.api import Id, ctx_for, lookup
from leadflow.customers.selectors import customer_get

router = Router(tags=["attachments"])


@router.post("", response={201: AttachmentOut}, summary="Upload a file (multipart/form-data, field “file”)")
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    customer_id: Form[Id | None] = None,
    kind: Form[AttachmentKind] = AttachmentKind.OTHER,
):
    """The type is sniffed from the content, never taken from the name: a .pdf that is not a PDF
    is refused (422), and so is a file over the size limit. Nothing is stored on refusal. Pass the
    id to ``evidence_ids`` of a stage change or ``attachment_ids`` of an activity. ``kind`` says
    what the file is evidence of: a stage jump needs a ``contract_scan`` or ``email_screenshot``."""
    customer = lookup("customer_id", customer_get, request.user, customer_id) if customer_id else None
    attachment = attachment_store(
        data=file,
        name=file.name or "",
        ctx=ctx_for(request),
        customer_id=customer.pk if customer else None,
        kind=kind.value if hasattr(kind, "value") else kind,
    )
    return Status(201, attachment)


@router.get("/{attachment_id}", response=AttachmentOut, summary="A file's metadata (download: download_url)")
def read_attachment(request: HttpRequest, attachment_id: Id):
    return attachment_get(request.user, attachment_id)

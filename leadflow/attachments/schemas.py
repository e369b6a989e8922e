import datetime as dt

from django.urls import reverse
from ninja import Schema


class AttachmentOut(Schema):
    id: int
    original_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    customer_id: int | None
    uploaded_by_id: int | None
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("attachments:download", args=[obj.pk])

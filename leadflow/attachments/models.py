from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _upload_to(instance: "Attachment", filename: str) -> str:
    # Content-addressed (see services.attachment_store): the same bytes land in the same place.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}.{instance.extension or 'bin'}"


class AttachmentKind(models.TextChoices):
    """What a file is evidence of. The gatekeeper's stage-jump rule asks for certain kinds."""

    OTHER = "other", _("Other")
    CONTRACT_SCAN = "contract_scan", _("Contract scan")
    EMAIL_SCREENSHOT = "email_screenshot", _("Email screenshot")
    QUOTE = "quote", _("Quote")
    PROPOSAL = "proposal", _("Proposal / POC report")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    DELIVERY_NOTE = "delivery_note", _("Delivery note")
    PAYMENT_PROOF = "payment_proof", _("Payment receipt")
    PHOTO = "photo", _("Photo")


class Attachment(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # The customer the file belongs to decides who may download it.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

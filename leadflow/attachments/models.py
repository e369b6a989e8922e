from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _upload_to(instance: "Attachment", filename: str) -> str:
    # Content-addressed (see services.attachment_store): the same bytes land in the same place.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}.{instance.extension or 'bin'}"


class Attachment(models.Model):
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

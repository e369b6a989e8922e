from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from leadflow.attachments.models import Attachment
from leadflow.core.errors import NotFound
from leadflow.org.models import User
from leadflow.org.visibility import money_scope, sales_scope


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    """A file is visible to its uploader and to whoever may see the customer it belongs to."""
    scope = sales_scope(user)
    if scope.everything:
        return Attachment.objects.all()
    cond = Q(uploaded_by=user)
    owners = scope.owners if scope.owners is not None else money_scope(user).owners
    if money_scope(user).everything:
        return Attachment.objects.all()
    if owners is not None:
        cond |= Q(customer__owner__in=owners) | Q(activities__customer__owner__in=owners)
    return Attachment.objects.filter(cond).distinct()


def attachment_get(user: User, pk: int) -> Attachment:
    try:
        return attachments_visible_to(user).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("File not found.")) from None

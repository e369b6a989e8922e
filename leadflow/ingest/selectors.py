"""Which import jobs a user may see: their own (an admin: all)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from leadflow.core.errors import NotFound
from leadflow.ingest.models import ImportJob
from leadflow.org.models import User


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    if not user.is_authenticated or not user.is_active:
        return ImportJob.objects.none()
    qs = ImportJob.objects.select_related("file", "created_by")
    return qs if user.is_admin_role else qs.filter(created_by=user)


def import_job_get(user: User, pk: int) -> ImportJob:
    try:
        return import_jobs_visible_to(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Import not found.")) from None

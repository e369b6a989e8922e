"""`leadflow import customers|payments FILE --user USERNAME [--confirm]`: import a file now,
through the same services and gatekeeper as the web, and print the per-row report."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leadflow.attachments.services import attachment_store
from leadflow.core.errors import LeadflowError
from leadflow.core.writes import Source, WriteContext
from leadflow.ingest.models import ImportJob
from leadflow.ingest.services import import_run
from leadflow.org.models import User


class Command(BaseCommand):
    help = "Import customers or payments from an .xlsx or .csv file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=ImportJob.Kind.values)
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="the user the rows are imported as")
        parser.add_argument("--confirm", action="store_true", help="accept rows the gatekeeper asks to confirm")

    def handle(self, *, kind: str, path: str, user: str, confirm: bool, **options) -> None:
        try:
            actor = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path!r}.")
        ctx = WriteContext(actor=actor, source=Source.IMPORT, path="leadflow import")
        try:
            stored = attachment_store(data=file.read_bytes(), name=file.name, ctx=ctx, allowed={"xlsx", "csv"})
        except LeadflowError as exc:
            raise CommandError(exc.detail) from None
        job = ImportJob.objects.create(kind=kind, file=stored, created_by=actor, confirm=confirm)
        job = import_run(job.pk)
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error)
        for entry in job.report:
            if entry["status"] == "refused":
                self.stdout.write(json.dumps(entry, ensure_ascii=False))
        self.stdout.write(
            f"{job.total} rows: {job.created_count} created, {job.held_count} held for review, "
            f"{job.refused_count} refused"
        )

"""`leadflow sweep [--now ISO-8601] [--dry-run]`: run every periodic sweep once, print JSON."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from leadflow.core import sweeps


def parse_now(value: str | None) -> dt.datetime:
    if not value:
        return timezone.now()
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now {value!r} is not an ISO-8601 date-time (e.g. 2026-12-04T09:00:00+08:00)") from exc
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


class Command(BaseCommand):
    help = "Run every periodic sweep once, as of --now, and print a JSON summary of what fired."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="ISO-8601 date-time to run as of (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="report what would fire, change nothing")

    def handle(self, *, now: str | None, dry_run: bool, **options) -> None:
        when = parse_now(now)
        results = sweeps.run_all(when, dry_run=dry_run)
        self.stdout.write(json.dumps({"now": when.isoformat(), "dry_run": dry_run, "sweeps": results}, ensure_ascii=False, indent=2, default=str))

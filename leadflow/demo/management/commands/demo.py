"""`leadflow demo`: load the demo company (an East-China medical-device and hardware distributor)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leadflow.demo.company import DEMO_LOGINS
from leadflow.demo.generate import SCALES, NotEmpty, database_is_empty, demo_reset, generate


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today wants a date like 2026-06-30, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load the demo company into an empty database: org, ~30 reps, customers with contacts and "
        "months of timeline. Same --seed and --today give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            help="demo: ~2,000 customers (about a minute or less); large: 200,000 customers and 2,000,000+ "
            "activities, for benchmarks; tiny: for tests",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="the day the demo ends (YYYY-MM-DD); every date is counted back from its midnight. "
            "Default: today in TIME_ZONE",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first DELETE all users, the org, the catalogue, customers, deals, activities, orders, "
            "payments, commitments, tickets, notifications, files, imports and the gatekeeper's log "
            "(pipelines, departments, the work calendar, rules and deliverable types stay)",
        )

    def handle(self, *, scale: str, seed: int, today: dt.date | None, reset: bool, **options) -> None:
        def progress(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        if not database_is_empty():
            if not reset:
                raise CommandError(
                    "The database already has users or customers, so the demo company was not loaded. "
                    "Run `leadflow demo --reset` to delete them (all users, customers, deals, activities, "
                    "orders and payments) and load the demo, or point DATABASE_URL at an empty database."
                )
            progress("Deleting the existing data (--reset) …")
            demo_reset(progress=progress)
        size = SCALES[scale].customers
        progress(f"Loading the demo company: scale {scale} ({size:,} customers), seed {seed} …")
        try:
            summary = generate(scale=scale, seed=seed, today=today, progress=progress)
        except NotEmpty:  # someone wrote in between
            raise CommandError("The database is not empty; run with --reset.") from None
        counts = ", ".join(f"{n:,} {name}" for name, n in summary.counts.items())
        progress(
            f"Done in {summary.seconds:.1f} s (dates up to {summary.today - dt.timedelta(days=1)}): {counts}."
        )
        progress(f"Demo logins (password: {settings.LEADFLOW_DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            progress(f"  {username:<10} {description}")

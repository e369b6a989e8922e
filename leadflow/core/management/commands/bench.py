"""`leadflow bench`: build (or reuse) the ``large`` demo dataset and measure Leadflow against
hand-written baselines. Prints a table and writes ``bench/results/latest.json`` and ``latest.md``.

On SQLite the dataset lives in its own file, ``bench/data/large.sqlite3``: the command runs itself
again with ``DATABASE_URL`` pointing there, so your own database is never touched. When
``DATABASE_URL`` points to PostgreSQL the bench runs there, and only in an empty database (which it
fills) or one that already holds the bench dataset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

CHILD_ENV = "LEADFLOW_BENCH_CHILD"


class Command(BaseCommand):
    help = "Benchmarks against hand-written baselines; writes bench/results/latest.json and latest.md."

    def add_arguments(self, parser: CommandParser) -> None:
        base = Path(settings.BASE_DIR)
        parser.add_argument("--scale", default="large", help="dataset scale to build (default large)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--repeat", type=int, default=20, help="measurements per query and side (default 20)"
        )
        parser.add_argument(
            "--ingest-rows", type=int, default=2000, help="activities per ingest run (default 2000)"
        )
        parser.add_argument(
            "--sweep-total",
            type=int,
            default=1_000_000,
            help="commitments in the large sweep table (default 1,000,000)",
        )
        parser.add_argument(
            "--sweep-small",
            type=int,
            default=10_000,
            help="commitments in the small sweep table (default 10,000)",
        )
        parser.add_argument(
            "--sweep-due", type=int, default=1_000, help="commitments due in both (default 1,000)"
        )
        parser.add_argument("--sweep-repeat", type=int, default=5, help="timed sweeps per table (default 5)")
        parser.add_argument(
            "--notify-messages",
            type=int,
            default=2000,
            help="notifications sent through the outbox (default 2000)",
        )
        parser.add_argument(
            "--gate-repeat",
            type=int,
            default=100,
            help="writes per service and side for the gate (default 100)",
        )
        parser.add_argument(
            "--data", default=str(base / "bench" / "data" / "large.sqlite3"), help="the SQLite dataset file"
        )
        parser.add_argument(
            "--out", default=str(base / "bench" / "results"), help="where latest.json/latest.md go"
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="delete the SQLite dataset file and build it again"
        )

    def handle(self, **options) -> None:
        if connection.vendor != "postgresql" and os.environ.get(CHILD_ENV) != "1":
            sys.exit(self._run_on_bench_file(options))
        self._bench(options)

    def _run_on_bench_file(self, options: dict) -> int:
        data = Path(options["data"]).resolve()
        if options["rebuild"]:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{data}{suffix}").unlink(missing_ok=True)
        data.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{data}", CHILD_ENV: "1"}
        args = [
            sys.executable,
            "-m",
            "leadflow.cli",
            "bench",
            "--scale",
            options["scale"],
            "--seed",
            str(options["seed"]),
            "--repeat",
            str(options["repeat"]),
            "--ingest-rows",
            str(options["ingest_rows"]),
            "--sweep-total",
            str(options["sweep_total"]),
            "--sweep-small",
            str(options["sweep_small"]),
            "--sweep-due",
            str(options["sweep_due"]),
            "--sweep-repeat",
            str(options["sweep_repeat"]),
            "--notify-messages",
            str(options["notify_messages"]),
            "--gate-repeat",
            str(options["gate_repeat"]),
            "--data",
            str(data),
            "--out",
            options["out"],
        ]
        self.stdout.write(f"Bench database: {data}")
        self.stdout.flush()
        return subprocess.call(args, env=env)

    def _bench(self, options: dict) -> None:
        # `bench/` sits beside the `leadflow` package; the installed console script may not see it.
        if str(settings.BASE_DIR) not in sys.path:
            sys.path.insert(0, str(settings.BASE_DIR))
        from bench import figures, report
        from leadflow.customers.models import Customer
        from leadflow.demo.company import BENCH_CUSTOMER
        from leadflow.demo.generate import SCALES, database_is_empty, generate
        from leadflow.org.models import User

        def say(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        scale = options["scale"]
        if scale not in SCALES:
            raise CommandError(f"--scale must be one of {', '.join(SCALES)}")
        call_command("migrate", interactive=False, verbosity=0)
        built = None
        if database_is_empty():
            say(f"Building the {scale} dataset (a few minutes) …")
            summary = generate(scale=scale, seed=options["seed"], progress=say)
            built = {
                "built_in_s": round(summary.seconds, 1),
                "built_on": str(summary.today),
                "seed": summary.seed,
                "scale": scale,
            }
            self._dataset_note(options).write_text(json.dumps(built), encoding="utf-8")
        elif SCALES[scale].bench_customer and not Customer.objects.filter(name=BENCH_CUSTOMER).exists():
            raise CommandError(
                "This database has data but not the bench dataset. Use an empty database, e.g. "
                "`createdb leadflow_bench` and DATABASE_URL=postgresql://…/leadflow_bench, or --rebuild on SQLite."
            )
        else:
            say("Reusing the dataset already in the bench database.")
        figures.ingest_cleanup()  # leftovers of an interrupted run
        figures.sweep_cleanup()

        user = User.objects.get(username="director")
        rep1 = User.objects.get(username="rep1")
        bench_customer = Customer.objects.filter(name=BENCH_CUSTOMER).first()
        if bench_customer is None:  # a smaller scale: the longest timeline there is
            from django.db.models import Count

            bench_customer = Customer.objects.annotate(n=Count("activities")).order_by("-n", "id").first()
        ingest_customer = (
            Customer.objects.filter(owner=rep1).exclude(pk=bench_customer.pk).order_by("id").first()
        )

        repeat = options["repeat"]
        started = time.monotonic()
        results = []
        say("Measuring a) customer search …")
        results += figures.search_figures(user=user, queries=figures.search_queries(user), repeat=repeat)
        say("Measuring b) the timeline …")
        results += figures.timeline_figures(user=user, customer=bench_customer, repeat=repeat)
        say("Measuring c) activity ingest …")
        results += figures.ingest_figures(user=rep1, customer=ingest_customer, rows=options["ingest_rows"])
        say(
            f"Measuring d) the escalation sweep ({options['sweep_total']:,} commitments; inserting them takes a while) …"
        )
        results += figures.sweep_figures(
            total=options["sweep_total"],
            small=options["sweep_small"],
            due=options["sweep_due"],
            repeat=options["sweep_repeat"],
        )
        say("Measuring e) notifications through the outbox …")
        results += figures.notify_figures(messages=options["notify_messages"])
        say("Measuring f) the gatekeeper's overhead per write …")
        results += figures.gate_figures(repeat=options["gate_repeat"])

        meta = {
            "run at": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "database": f"{connection.vendor} {self._db_version()}"
            + (
                f" ({Path(settings.DATABASES['default']['NAME']).name})"
                if connection.vendor == "sqlite"
                else ""
            ),
            "dataset": f"{Customer.objects.count():,} customers, {self._activities():,} activities",
            "dataset build": json.dumps(built or self._dataset_info(options), ensure_ascii=False)
            if (built or self._dataset_info(options))
            else "reused (built earlier)",
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, Django {django.get_version()}",
            "repetitions": (
                f"{repeat} per query and side; ingest {options['ingest_rows']} rows; sweep {options['sweep_repeat']} "
                f"runs per table; {options['notify_messages']} notifications; gate {options['gate_repeat']} writes "
                "per service and side"
            ),
            "measured in": f"{time.monotonic() - started:.0f} s",
        }
        say("")
        say(report.table(results))
        json_path, md_path = report.write(results, meta, Path(options["out"]))
        say(f"\nWrote {json_path} and {md_path}")
        for problem in report.mismatches(results):
            self.stderr.write(f"warning: Leadflow and its baseline disagree: {problem}")

    def _dataset_note(self, options: dict) -> Path:
        if connection.vendor == "sqlite":
            return Path(settings.DATABASES["default"]["NAME"]).with_suffix(".json")
        return Path(options["out"]) / "dataset.json"

    def _dataset_info(self, options: dict) -> dict:
        try:
            return json.loads(self._dataset_note(options).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _db_version(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
            )
            return str(cursor.fetchone()[0])

    def _activities(self) -> int:
        from leadflow.activities.models import Activity

        return Activity.objects.count()

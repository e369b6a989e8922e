"""`leadflow worker`: runs queued jobs (django-tasks-db) and the periodic sweeps on a schedule.

Start as many as you like against PostgreSQL: jobs are claimed with SELECT … FOR UPDATE SKIP
LOCKED, and each sweep claims its own units of work, so no job or notification runs twice.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from leadflow.core import sweeps

log = logging.getLogger("leadflow.worker")


class Command(BaseCommand):
    help = "Run background jobs and periodic sweeps until stopped (Ctrl-C)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="run what is queued and due now, then exit")
        parser.add_argument("--no-sweeps", action="store_true", help="only run jobs")
        parser.add_argument("--worker-id", default="", help="unique name of this worker (default: random)")

    def handle(self, *, interval: float, batch: bool, no_sweeps: bool, worker_id: str, **options) -> None:
        logging.getLogger("django_tasks").setLevel(logging.INFO)
        worker_id = worker_id or f"w-{get_random_string(8)}"
        stop = threading.Event()
        if not no_sweeps:
            if batch:
                self._sweep_once(worker_id)
            else:
                thread = threading.Thread(target=self._sweep_loop, args=(worker_id, stop), daemon=True)
                thread.start()
        self.stdout.write(f"leadflow worker {worker_id} started")
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        try:
            worker.run()
        finally:
            stop.set()

    def _sweep_once(self, worker_id: str) -> None:
        now = timezone.now()
        for s in sweeps.due(now):
            try:
                summary = sweeps.run_one(s, now, worker_id=worker_id)
                log.info("sweep %s: %s", s.name, summary)
            except Exception:
                log.exception("sweep %s failed", s.name)

    def _sweep_loop(self, worker_id: str, stop: threading.Event) -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                self._sweep_once(worker_id)
            except Exception:
                log.exception("sweep loop failed; retrying")
            finally:
                connection.close()
            stop.wait(min(settings.SWEEP_INTERVAL_SECONDS, 30))

"""`leadflow run`: migrate, load the demo company into an empty database, collect static files,
then serve with gunicorn plus one background worker. Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up the database and serve Leadflow (web + worker)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo company")
        parser.add_argument("--no-worker", action="store_true", help="do not start a background worker")

    def handle(self, *, port: int, host: str, web_workers: int, no_demo: bool, no_worker: bool, **options) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        from leadflow.org.models import User

        if not no_demo and not User.objects.exists():
            self.stdout.write("Empty database: loading the demo company (a minute or so) …")
            call_command("demo", scale="demo", seed=1)
        call_command("collectstatic", interactive=False, verbosity=0)

        exe = os.path.dirname(sys.executable)
        procs: list[subprocess.Popen] = []
        web = [
            os.path.join(exe, "gunicorn"),
            "leadflow.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ]
        procs.append(subprocess.Popen(web))
        if not no_worker:
            procs.append(subprocess.Popen([os.path.join(exe, "leadflow"), "worker"]))
        self._banner(host, port)

        def stop(signum, frame) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            stop(None, None)
            deadline = time.time() + 10
            for p in procs:
                try:
                    p.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    p.kill()
        codes = [p.returncode for p in procs]
        if any(c not in (0, -signal.SIGTERM, -signal.SIGINT) for c in codes):
            sys.exit(1)

    def _banner(self, host: str, port: int) -> None:
        from leadflow.demo.company import DEMO_LOGINS

        pw = settings.LEADFLOW_DEMO_PASSWORD
        lines = [
            "",
            f"  Leadflow is running at http://{host}:{port}/   (Ctrl-C stops it)",
            f"  API docs: http://{host}:{port}/api/v1/docs",
            "",
            f"  Demo logins (password for all: {pw}):",
        ]
        lines += [f"    {u:<10} {desc}" for u, desc in DEMO_LOGINS]
        self.stdout.write("\n".join(lines) + "\n")

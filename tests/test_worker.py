"""`leadflow worker` and `leadflow sweep` against a real database, in real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from leadflow.audit.models import AuditEntry
from leadflow.core.writes import after_commit
from leadflow.customers.models import Customer
from tests.factories import CustomerFactory
from tests.jobs import record_run

ROOT = Path(__file__).resolve().parent.parent
LEADFLOW = str(Path(sys.executable).with_name("leadflow"))

needs_shared_db = pytest.mark.skipif(
    "postgresql" not in os.environ.get("DATABASE_URL", ""),
    reason="several worker processes need a shared database server: runs in the PostgreSQL pass of CI",
)


def _env() -> dict[str, str]:
    """The environment for a subprocess that talks to this test's database."""
    env = dict(os.environ)
    s = connection.settings_dict
    env["DATABASE_URL"] = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    env["LEADFLOW_DEMO"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "leadflow.settings"
    env["PYTHONPATH"] = str(ROOT)
    return env


# Every transactional test here restores the migrations' data afterwards (serialized rollback):
# a plain flush would leave the next serialized test to load duplicate content types.
serialized = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@serialized
def test_it_enqueues_jobs_only_after_commit(transactional_db):
    with transaction.atomic():
        after_commit(record_run, 1)
        assert DBTaskResult.objects.count() == 0
    assert DBTaskResult.objects.count() == 1

    try:
        with transaction.atomic():
            after_commit(record_run, 2)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert DBTaskResult.objects.count() == 1  # the rolled-back write scheduled nothing


@needs_shared_db
@serialized
def test_it_runs_each_job_exactly_once_with_two_workers(transactional_db):
    for n in range(120):
        record_run.enqueue(n)
    cmd = [LEADFLOW, "worker", "--batch", "--no-sweeps", "--interval", "0"]
    procs = [
        subprocess.Popen([*cmd, "--worker-id", f"w{i}"], env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for i in range(2)
    ]
    outputs = [p.communicate(timeout=180)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    runs = Counter(AuditEntry.objects.filter(entity="tests.job").values_list("object_id", flat=True))
    assert len(runs) == 120
    assert set(runs.values()) == {1}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())


@needs_shared_db
@serialized
def test_it_fires_a_sweep_once_per_record_with_two_sweepers(transactional_db, cast):
    old = timezone.now() - dt.timedelta(days=200)
    for _ in range(40):
        CustomerFactory(owner=cast.rep1, status="active", last_activity_at=old)
    now = timezone.now().isoformat()
    cmd = [LEADFLOW, "sweep", "--now", now]
    procs = [subprocess.Popen(cmd, env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        json.loads(out)
    assert Customer.objects.filter(status="dormant").count() == 40
    assert AuditEntry.objects.filter(entity="customers.customer", action="update").count() == 40


def test_it_prints_a_json_summary_and_supports_dry_run(db, cast, capsys):
    from django.core.management import call_command

    CustomerFactory(owner=cast.rep1, status="active", last_activity_at=timezone.now() - dt.timedelta(days=100))
    call_command("sweep", "--dry-run", "--now", "2026-12-04T09:00:00+08:00")
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] is True
    assert summary["sweeps"]["customers.mark_dormant"] == {"would_mark_dormant": 1}
    assert Customer.objects.filter(status="dormant").count() == 0
    call_command("sweep", "--now", "2026-12-04T09:00:00+08:00")
    summary = json.loads(capsys.readouterr().out)
    assert summary["sweeps"]["customers.mark_dormant"] == {"marked_dormant": 1}
    call_command("sweep", "--now", "2026-12-04T09:00:00+08:00")
    assert json.loads(capsys.readouterr().out)["sweeps"]["customers.mark_dormant"] == {"marked_dormant": 0}


def test_it_rejects_a_bad_now(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("sweep", "--now", "next wednesday")

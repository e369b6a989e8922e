"""Periodic sweeps: idempotent functions over the rows that are due, run by `leadflow worker`
on a schedule and by `leadflow sweep` once.

A sweep is ``fn(now) -> dict`` (a JSON-able summary). Each sweep claims each unit of work itself
(compare-and-set or SELECT … FOR UPDATE SKIP LOCKED) so that re-runs and several workers never
double-act; the lease in :class:`SweepState` only keeps workers from running the same sweep at the
same moment, which saves work but is not what makes it correct.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from leadflow.core.models import SweepState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    every: dt.timedelta
    fn: Callable[[dt.datetime], dict]


REGISTRY: dict[str, Sweep] = {}


def sweep(name: str, *, every: dt.timedelta) -> Callable[[Callable[[dt.datetime], dict]], Callable[[dt.datetime], dict]]:
    def decorate(fn: Callable[[dt.datetime], dict]) -> Callable[[dt.datetime], dict]:
        REGISTRY[name] = Sweep(name=name, every=every, fn=fn)
        return fn

    return decorate


def _claim(name: str, worker_id: str, now: dt.datetime, lease: dt.timedelta) -> bool:
    SweepState.objects.get_or_create(name=name)
    claimed = SweepState.objects.filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now), name=name).update(
        leased_until=now + lease, leased_by=worker_id, last_started_at=now
    )
    return claimed == 1


def run_one(s: Sweep, now: dt.datetime, *, worker_id: str = "cli", dry_run: bool = False) -> dict:
    """Run one sweep as of ``now``. A dry run reports what would fire and writes nothing."""
    if dry_run:
        return s.fn(now, dry_run=True) if _accepts_dry_run(s.fn) else {"skipped": "no dry-run support"}
    if not _claim(s.name, worker_id, timezone.now(), lease=max(s.every, dt.timedelta(minutes=5))):
        return {"skipped": "running elsewhere"}
    try:
        summary = s.fn(now)
        SweepState.objects.filter(name=s.name).update(
            leased_until=None, last_finished_at=timezone.now(), last_summary=summary, last_error=""
        )
        return summary
    except Exception:
        SweepState.objects.filter(name=s.name).update(leased_until=None, last_error=traceback.format_exc()[-4000:])
        log.exception("sweep %s failed", s.name)
        raise


def _accepts_dry_run(fn: Callable) -> bool:
    import inspect

    return "dry_run" in inspect.signature(fn).parameters


def run_all(now: dt.datetime | None = None, *, dry_run: bool = False, worker_id: str = "cli") -> dict[str, dict]:
    _load()
    now = now or timezone.now()
    results: dict[str, dict] = {}
    for name in sorted(REGISTRY):
        try:
            results[name] = run_one(REGISTRY[name], now, worker_id=worker_id, dry_run=dry_run)
        except Exception as exc:  # one failing sweep must not stop the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


def due(now: dt.datetime) -> list[Sweep]:
    """The sweeps whose interval has passed since they last finished."""
    _load()
    last = dict(SweepState.objects.values_list("name", "last_started_at"))
    return [s for s in REGISTRY.values() if last.get(s.name) is None or last[s.name] + s.every <= now]


def _load() -> None:
    """Import every app's ``sweeps`` module so their @sweep decorators register."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("leadflow."):
            try:
                import_module(f"{config.name}.sweeps")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.sweeps":
                    raise


@sweep("tasks.prune_results", every=dt.timedelta(hours=6))
def prune_task_results(now: dt.datetime, dry_run: bool = False) -> dict:
    """Delete finished job results older than a week; the queue table stays small."""
    from django_tasks_db.models import DBTaskResult

    old = DBTaskResult.objects.filter(finished_at__lt=now - dt.timedelta(days=7))
    if dry_run:
        return {"would_delete": old.count()}
    deleted, _ = old.delete()
    return {"deleted": deleted}

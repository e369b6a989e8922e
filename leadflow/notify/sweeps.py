"""Deliver what the after-commit jobs did not: retries that came due, and messages whose job was lost."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from leadflow.core.sweeps import sweep
from leadflow.notify.services import outbox_deliver, outbox_due


@sweep("notify.deliver_outbox", every=dt.timedelta(seconds=30))
def deliver_outbox(now: dt.datetime, dry_run: bool = False) -> dict:
    due = outbox_due(now)
    if dry_run:
        return {"would_try": len(due)}
    results = Counter(outbox_deliver(pk, now=now) for pk in due)
    return dict(results)

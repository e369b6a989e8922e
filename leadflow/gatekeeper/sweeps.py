from __future__ import annotations

import datetime as dt

from leadflow.core.sweeps import sweep
from leadflow.gatekeeper.freshness import check_stale


@sweep("gatekeeper.freshness", every=dt.timedelta(minutes=5))
def freshness(now: dt.datetime, dry_run: bool = False) -> dict:
    """Turn stale data sources red and alert the region owner once per episode."""
    if dry_run:
        return {"skipped": "dry run"}
    return check_stale(now)

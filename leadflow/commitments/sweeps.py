from __future__ import annotations

import datetime as dt
from collections import Counter

from leadflow.commitments import escalation
from leadflow.core.sweeps import sweep


@sweep("commitments.escalate", every=dt.timedelta(minutes=1))
def escalate(now: dt.datetime, dry_run: bool = False) -> dict:
    """Fire every escalation level that has come due, once."""
    fired: Counter[str] = Counter()
    checked = 0
    while True:
        ids = escalation.due_ids(now)
        if dry_run:
            return {"due_commitments": len(ids)}
        if not ids:
            break
        progressed = False
        for pk in ids:
            checked += 1
            actions = escalation.fire_due(pk, now)
            fired.update(actions)
            progressed = progressed or bool(actions)
        if not progressed or len(ids) < 1000:
            break
    return {"checked": checked, "fired": dict(fired)}

"""Customer sweeps: an active customer with no activity for DORMANT_AFTER days becomes dormant."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from leadflow.audit.services import audit_record
from leadflow.core.sweeps import sweep
from leadflow.core.writes import WriteContext
from leadflow.customers.models import Customer, CustomerStatus

DORMANT_AFTER = dt.timedelta(days=90)


@sweep("customers.mark_dormant", every=dt.timedelta(hours=1))
def mark_dormant(now: dt.datetime, dry_run: bool = False) -> dict:
    due = Customer.objects.filter(status=CustomerStatus.ACTIVE, last_activity_at__lt=now - DORMANT_AFTER)
    if dry_run:
        return {"would_mark_dormant": due.count()}
    ctx = WriteContext.system("sweep customers.mark_dormant")
    changed = 0
    for pk in due.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            # Compare-and-set: only the sweep that flips the status writes the audit row.
            if Customer.objects.filter(pk=pk, status=CustomerStatus.ACTIVE).update(status=CustomerStatus.DORMANT):
                customer = Customer.objects.get(pk=pk)
                audit_record(ctx=ctx, obj=customer, action="update", changes={"status": ["active", "dormant"]})
                changed += 1
    return {"marked_dormant": changed}

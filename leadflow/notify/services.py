"""Notify people: one inbox entry per recipient and one outbox message per channel, written in the
caller's transaction; delivered after commit by the worker, with retries and backoff."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from leadflow.core.writes import after_commit
from leadflow.notify.channels import SENDERS, DeliveryError
from leadflow.notify.models import Channel, Notification, OutboxMessage
from leadflow.org.models import User

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF = [dt.timedelta(seconds=s) for s in (30, 60, 120, 300, 900, 1800, 3600, 7200)]
LEASE = dt.timedelta(minutes=2)


def channels_for(user: User):
    q = Q(user=user)
    if user.team_id:
        q |= Q(team_id=user.team_id)
    return Channel.objects.filter(q, active=True)


def notify(
    *, recipient: User, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str
) -> Notification | None:
    """Put a notification in ``recipient``'s inbox and queue it on their channels.

    Idempotent on (recipient, dedupe_key): the same event notified twice lands once.
    Returns None when it was there already.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, title=title[:200], body=body, url=url[:300], dedupe_key=dedupe_key[:200]
            )
    except IntegrityError:
        return None
    for channel in channels_for(recipient):
        message = OutboxMessage.objects.create(
            channel=channel,
            notification=notification,
            title=title[:200],
            body=body,
            url=url[:300],
            dedupe_key=f"{recipient.pk}:{dedupe_key}"[:200],
        )
        from leadflow.notify.tasks import deliver_message

        after_commit(deliver_message, message.pk)
    return notification


def notification_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def _claim(pk: int, now: dt.datetime) -> bool:
    """Compare-and-set: only one worker moves a due message to "sending"."""
    due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, lease_until__lt=now
    )
    return (
        OutboxMessage.objects.filter(due, pk=pk).update(
            status=OutboxMessage.Status.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
        )
        == 1
    )


def outbox_deliver(pk: int, *, now: dt.datetime | None = None) -> str:
    """Try to send one message. Returns its status afterwards, or "skipped" when not ours to send."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return "skipped"
    message = OutboxMessage.objects.select_related("channel").get(pk=pk)
    sender = SENDERS.get(message.channel.kind)
    try:
        if sender is None:
            raise DeliveryError(f"unknown channel kind {message.channel.kind!r}")
        sender.send(message.channel, message)  # slow I/O: no transaction is open here
    except DeliveryError as exc:
        failed = message.attempts >= MAX_ATTEMPTS
        backoff = BACKOFF[min(message.attempts - 1, len(BACKOFF) - 1)]
        OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.Status.SENDING).update(
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            next_attempt_at=now + backoff,
            lease_until=None,
            last_error=str(exc)[:2000],
        )
        log.warning("outbox %s attempt %s failed: %s", pk, message.attempts, exc)
        return "failed" if failed else "retry"
    OutboxMessage.objects.filter(pk=pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return "sent"


def outbox_retry(*, message: OutboxMessage) -> None:
    """Manual retry of a failed message: back to pending, due now, attempts counted afresh."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    from leadflow.notify.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))


def outbox_due(now: dt.datetime, limit: int = 500) -> list[int]:
    due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, lease_until__lt=now
    )
    return list(OutboxMessage.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])

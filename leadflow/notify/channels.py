"""Senders, one small class per channel kind. Each raises DeliveryError on any failure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from leadflow.notify.models import Channel, OutboxMessage

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    pass


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.LEADFLOW_BASE_URL.rstrip("/") + url


def _markdown(message: OutboxMessage) -> str:
    text = f"#### {message.title}\n\n{message.body}".strip()
    link = absolute(message.url)
    if link:
        text += f"\n\n[{link}]({link})"
    return text


def _post_json(url: str, payload: dict) -> dict:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    try:
        answer = json.loads(body or b"{}")
    except ValueError as exc:
        raise DeliveryError(f"not JSON: {body[:200]!r}") from exc
    # Both robots answer HTTP 200 with {"errcode": …}; anything but 0 is a failure.
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
    return answer if isinstance(answer, dict) else {}


def dingtalk_signed_url(webhook_url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk custom robot signing: HMAC-SHA256 of "timestamp\\nsecret", base64, URL-encoded."""
    if not secret:
        return webhook_url
    timestamp_ms = timestamp_ms or int(time.time() * 1000)
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in webhook_url else "?"
    return f"{webhook_url}{joiner}timestamp={timestamp_ms}&sign={sign}"


class DingTalkRobot:
    def send(self, channel: Channel, message: OutboxMessage) -> None:
        url = dingtalk_signed_url(channel.webhook_url, channel.resolved_secret())
        _post_json(url, {"msgtype": "markdown", "markdown": {"title": message.title[:60], "text": _markdown(message)}})


class WeComRobot:
    def send(self, channel: Channel, message: OutboxMessage) -> None:
        _post_json(channel.webhook_url, {"msgtype": "markdown", "markdown": {"content": _markdown(message)}})


class Email:
    def send(self, channel: Channel, message: OutboxMessage) -> None:
        link = absolute(message.url)
        body = message.body + (f"\n\n{link}" if link else "")
        try:
            EmailMessage(subject=message.title, body=body, to=[channel.email]).send(fail_silently=False)
        except Exception as exc:  # smtplib and socket errors of every kind
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


SENDERS = {"dingtalk": DingTalkRobot(), "wecom": WeComRobot(), "email": Email()}

"""Notifications: inbox, and the outbox delivered to a real local HTTP server (DingTalk and WeCom
robots) and a real local SMTP server, with retries, a visible failed state and manual retry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from leadflow.notify.channels import dingtalk_signed_url
from leadflow.notify.models import Channel, Notification, OutboxMessage
from leadflow.notify.services import MAX_ATTEMPTS, notify, outbox_deliver, outbox_retry
from leadflow.notify.sweeps import deliver_outbox


class RobotServer:
    """A local webhook endpoint that answers like a DingTalk/WeCom robot. It can fail the first
    ``fail_first`` requests (HTTP 500 or errcode) to simulate an outage."""

    def __init__(self, *, fail_first: int = 0, secret: str = "", errcode_failure: bool = False) -> None:
        self.received: list[dict] = []
        self.queries: list[dict] = []
        self.fail_first = fail_first
        self.calls = 0
        self.secret = secret
        self.errcode_failure = errcode_failure
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                outer.calls += 1
                if outer.secret and not outer.signature_ok(query):
                    return self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                if outer.calls <= outer.fail_first:
                    if outer.errcode_failure:
                        return self._answer(200, {"errcode": 130101, "errmsg": "send too fast"})
                    return self._answer(500, {"error": "outage"})
                outer.received.append(body)
                outer.queries.append(query)
                return self._answer(200, {"errcode": 0, "errmsg": "ok"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/robot/send?access_token=abc"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def signature_ok(self, query: dict) -> bool:
        ts = query.get("timestamp", "")
        expected = base64.b64encode(hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest())
        return query.get("sign", "") == expected.decode()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def send(user, key="k1"):
    return notify(recipient=user, kind="test", title="报价单提醒", body="周三前发报价", url="/commitments/1/", dedupe_key=key)


def deliver_all(now=None):
    for pk in OutboxMessage.objects.values_list("pk", flat=True):
        outbox_deliver(pk, now=now)


def test_it_puts_a_notification_in_the_inbox_once(cast):
    assert send(cast.rep1) is not None
    assert send(cast.rep1) is None  # same event again
    assert Notification.objects.filter(recipient=cast.rep1).count() == 1


def test_it_signs_and_delivers_to_a_dingtalk_robot(cast):
    with RobotServer(secret="SECabc123") as server:
        Channel.objects.create(kind="dingtalk", name="杭州仓山店群", team=cast.rep1.team, webhook_url=server.url, secret="SECabc123")
        send(cast.rep1)
        deliver_all()
    assert len(server.received) == 1
    assert server.received[0]["msgtype"] == "markdown"
    assert "报价单提醒" in server.received[0]["markdown"]["text"]
    assert "http://127.0.0.1:8000/commitments/1/" in server.received[0]["markdown"]["text"]
    assert OutboxMessage.objects.get().status == "sent"


def test_it_reads_a_channel_secret_from_the_environment(cast, monkeypatch):
    monkeypatch.setenv("DINGTALK_SECRET_HZ", "SECfromenv")
    with RobotServer(secret="SECfromenv") as server:
        Channel.objects.create(kind="dingtalk", name="env", user=cast.rep1, webhook_url=server.url, secret="env:DINGTALK_SECRET_HZ")
        send(cast.rep1)
        deliver_all()
    assert len(server.received) == 1


def test_it_delivers_to_a_wecom_robot(cast):
    with RobotServer() as server:
        Channel.objects.create(kind="wecom", name="企业微信群", user=cast.rep1, webhook_url=server.url)
        send(cast.rep1)
        deliver_all()
    assert server.received[0]["markdown"]["content"].startswith("#### 报价单提醒")


def test_it_retries_through_an_outage_and_delivers_every_message_once(cast):
    with RobotServer(fail_first=3) as server:
        Channel.objects.create(kind="wecom", name="群", user=cast.rep1, webhook_url=server.url)
        for i in range(5):
            send(cast.rep1, key=f"event-{i}")
        now = timezone.now()
        for step in range(6):  # sweeps over the following hours
            deliver_outbox(now + dt.timedelta(minutes=10 * step))
    assert sorted(OutboxMessage.objects.values_list("status", flat=True)) == ["sent"] * 5
    assert len(server.received) == 5  # every message once, none twice
    retried = OutboxMessage.objects.filter(attempts__gt=1)
    assert retried.exists()
    assert all("HTTP 500" in m.last_error or m.last_error == "" for m in OutboxMessage.objects.all())


def test_it_treats_a_robot_errcode_as_a_failure(cast):
    with RobotServer(fail_first=1, errcode_failure=True) as server:
        Channel.objects.create(kind="wecom", name="群", user=cast.rep1, webhook_url=server.url)
        send(cast.rep1)
        deliver_all()
        message = OutboxMessage.objects.get()
        assert message.status == "pending" and "130101" in message.last_error
        deliver_all(now=timezone.now() + dt.timedelta(minutes=5))
    assert OutboxMessage.objects.get().status == "sent"


def test_it_marks_a_message_failed_after_the_last_attempt_and_retries_by_hand(cast):
    Channel.objects.create(kind="wecom", name="坏地址", user=cast.rep1, webhook_url="http://127.0.0.1:9/nothing")
    send(cast.rep1)
    message = OutboxMessage.objects.get()
    now = timezone.now()
    for i in range(MAX_ATTEMPTS):
        outbox_deliver(message.pk, now=now + dt.timedelta(days=i))
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS and message.last_error
    outbox_retry(message=message)
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 0


def test_it_never_sends_a_message_claimed_by_another_worker(cast):
    with RobotServer() as server:
        Channel.objects.create(kind="wecom", name="群", user=cast.rep1, webhook_url=server.url)
        send(cast.rep1)
        pk = OutboxMessage.objects.get().pk
        OutboxMessage.objects.filter(pk=pk).update(status="sending", lease_until=timezone.now() + dt.timedelta(minutes=2))
        assert outbox_deliver(pk) == "skipped"
        assert server.received == []
        # the lease ran out (the other worker died): it is delivered once
        assert outbox_deliver(pk, now=timezone.now() + dt.timedelta(minutes=3)) == "sent"
    assert len(server.received) == 1


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield sink
    controller.stop()


def test_it_sends_email_through_a_real_smtp_server(cast, smtp_server):
    Channel.objects.create(kind="email", name="邮箱", user=cast.rep1, email="rep1@example.cn")
    send(cast.rep1)
    deliver_all()
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["rep1@example.cn"]
    assert "/commitments/1/" in envelope.content.decode("utf-8", "replace")
    assert OutboxMessage.objects.get().status == "sent"


def test_it_computes_the_dingtalk_signature_as_documented():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", "SECxyz", timestamp_ms=1700000000000)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    digest = hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()
    assert query["timestamp"] == "1700000000000"
    assert query["sign"] == base64.b64encode(digest).decode()

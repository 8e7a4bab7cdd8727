"""Email alerts through Apprise's mailto:// to a real SMTP server (aiosmtpd) on 127.0.0.1."""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest

from notify.channels import Channel
from notify.outbox import Policy, enqueue, outbox_summary, send_pending
from snapshots.store import Store
from tests.notify_servers import NOW, SMTPServer, add_event, deliveries, open_store, parts

SCRIPT = "<script>alert(1)</script> Backend Engineer"


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    yield store
    store.close()


def queue(store: Store, event_ids: list[int], channel: str = "mail") -> None:
    with store.atomic():
        enqueue(store.db, store.events(event_ids), [channel], NOW)


def test_email_has_subject_both_parts_and_escaped_values(store: Store, smtp: SMTPServer) -> None:
    first = add_event(store, title=SCRIPT, company="Smith & Sons")
    second = add_event(store, "updated", title="Data Analyst", changes={"salary_max": [120000.0, 130000.0]})
    queue(store, [first, second])
    report = send_pending(store.db, {"mail": Channel("mail", smtp.url())}, Policy(), NOW)
    assert (report.sent, report.failed) == (2, 0)
    assert len(smtp.messages) == 2
    message = smtp.messages[0]
    assert message["Subject"] == f"hirewatch: new — {SCRIPT}"
    assert message["To"] == "me@hirewatch.test"
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    html, text = body["text/html"], body["text/plain"]
    assert "<table" in html and "<th>Posting</th>" in html
    assert ('<a href="https://boards.example.com/pinboard/jobs/1">&lt;script&gt;alert(1)&lt;/script&gt; '
            "Backend Engineer</a>") in html
    assert "Smith &amp; Sons" in html and "178,000–258,000 USD /year" in html
    assert "<script>" not in html
    # The text part is the same alert as plain text: the title is just words there.
    assert SCRIPT in text and "Smith & Sons" in text and "178,000–258,000 USD /year" in text
    assert "https://boards.example.com/pinboard/jobs/1" in text and "<table" not in text
    assert "salary_max: 120000.0 → 130000.0" in parts(smtp.messages[1])["text/html"]


def test_smtp_down_is_retried_then_sent_once(store: Store, tmp_path: Path) -> None:
    server = SMTPServer()  # not started yet: nothing listens on its port
    channels = {"mail": Channel("mail", server.url())}
    policy = Policy(max_attempts=4, backoff=60)
    queue(store, [add_event(store)])
    first = send_pending(store.db, channels, policy, NOW)
    assert (first.sent, first.retrying) == (0, 1)
    assert "Connection error" in first.errors[0]
    assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=59)).retrying == 0  # not due yet
    server.start()
    try:
        again = send_pending(store.db, channels, policy, NOW + timedelta(seconds=60))
        assert again.sent == 1
        assert send_pending(store.db, channels, policy, NOW + timedelta(hours=1)).sent == 0
        assert len(server.messages) == 1
    finally:
        server.stop()
    [row] = deliveries(store)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_password_never_appears_in_errors_or_logs(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    secret = "Pa55-w0rd-sekrit"
    server = SMTPServer(password="the-right-one").start()
    try:
        caplog.set_level(logging.DEBUG)
        channels = {"mail": Channel("mail", server.url(f"alerts:{secret}"))}
        queue(store, [add_event(store)])
        report = send_pending(store.db, channels, Policy(max_attempts=1), NOW)
    finally:
        server.stop()
    assert report.failed == 1 and server.auth_attempts >= 1 and server.messages == []
    summary = outbox_summary(store.db)
    assert summary["failed"] == 1 and summary["last_failures"][0]["channel"] == "mail"
    stored = summary["last_failures"][0]["last_error"]
    assert stored and "127.0.0.1" in stored
    for text in (stored, caplog.text, channels["mail"].display, *report.errors):
        assert secret not in text

"""Alert templates through real Apprise to a local receiver: default bodies, escaping per format, overrides."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from hirewatch import wiring
from hirewatch.config import ConfigError, loads
from notify.channels import Channel
from notify.outbox import enqueue, send_pending
from notify.render import TemplateSpec, context, render
from snapshots.store import Store
from tests.conftest import Receiver
from tests.notify_servers import NOW, POSTING, add_event

HOSTILE = {"title": "<script>alert(1)</script> *Lead* [click](https://evil.test)", "company": "Smith & <b>Sons</b>"}


def event(**changes: Any) -> dict[str, Any]:
    return {"id": 1, "kind": "new", "changes": None, "note": None, **POSTING, **changes}


def send(url: str, events: list[dict[str, Any]], spec: TemplateSpec | None = None) -> None:
    ok, error = Channel("chat", url).send(lambda style, fmt: render(context(events, style), style, fmt, spec))
    assert ok, error


def hook(receiver: Receiver, query: str = "") -> str:
    return receiver.apprise_url + (f"?{query}" if query else "")


def test_default_chat_alert_in_a_json_webhook(receiver: Receiver) -> None:
    send(hook(receiver), [event()])
    [message] = receiver.messages()
    assert message["title"] == "hirewatch: new — Senior Software Engineer, Backend"
    assert message["message"] == (
        "🆕 new: Senior Software Engineer, Backend — Pinboard — Toronto, ON, CA — 178,000–258,000 USD /year\n"
        "  https://boards.example.com/pinboard/jobs/1")


def test_default_chat_alert_in_a_form_webhook(receiver: Receiver) -> None:
    port = receiver.server.server_address[1]
    send(f"form://127.0.0.1:{port}/form", [event(kind="closed", note="its page says it is gone")])
    form = parse_qs(receiver.received[0]["body"].decode())
    assert form["title"] == ["hirewatch: closed — Senior Software Engineer, Backend"]
    assert form["message"][0].splitlines() == [
        "🚫 closed: Senior Software Engineer, Backend — Pinboard — Toronto, ON, CA — 178,000–258,000 USD /year",
        "  its page says it is gone", "  https://boards.example.com/pinboard/jobs/1"]


def test_updated_says_what_changed(receiver: Receiver) -> None:
    changes = {"salary_max": [258000.0, 270000.0], "description": ["Python 3.9", "Python 3.12\nAsync IO"]}
    send(hook(receiver), [event(kind="updated", changes=changes)])
    lines = receiver.messages()[0]["message"].splitlines()
    assert lines[1:] == ["  salary_max: 258000.0 → 270000.0", "  description changed:", "    − Python 3.9",
                         "    + Python 3.12", "    + Async IO", "  https://boards.example.com/pinboard/jobs/1"]


def test_board_values_are_escaped_for_each_format(receiver: Receiver) -> None:
    hostile = event(**HOSTILE, url="javascript:alert(2)")
    send(hook(receiver, "format=text"), [hostile])
    send(hook(receiver, "format=markdown"), [hostile, event(id=2)])
    send(hook(receiver, "format=html"), [hostile])
    text, markdown, html = (m["message"] for m in receiver.messages())
    # Plain text is shown as it is; a text target never interprets it.
    assert text.startswith("🆕 new: <script>alert(1)</script> *Lead* [click](https://evil.test) — Smith & <b>Sons</b>")
    assert "javascript" not in text
    # Markdown: every markup character of a board value is backslash-escaped; our own links still work.
    assert r"\<script\>alert\(1\)\</script\> \*Lead\* \[click\]\(https://evil\.test\)" in markdown
    assert r"Smith & \<b\>Sons\</b\>" in markdown
    assert "<script>" not in markdown and "javascript" not in markdown
    assert "<https://boards.example.com/pinboard/jobs/1>" in markdown
    # HTML: escaped text, and only http(s) URLs become links.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *Lead*" in html and "Smith &amp; &lt;b&gt;Sons&lt;/b&gt;" in html
    assert "<script>" not in html and "javascript:" not in html


def test_many_events_are_grouped_by_kind_then_company(receiver: Receiver) -> None:
    events = [event(id=1, company="Zeta"), event(id=2, kind="closed", title="Office Manager"),
              event(id=3, title="Data Analyst", company="Acme", salary_min=None, salary_max=None)]
    send(hook(receiver), events)
    [message] = receiver.messages()
    assert message["title"] == "hirewatch: 2 new, 1 closed"
    assert message["message"].splitlines() == [
        "🆕 New (2)", "Acme", "  • Data Analyst — Toronto, ON, CA", "     https://boards.example.com/pinboard/jobs/1",
        "Zeta", "  • Senior Software Engineer, Backend — Toronto, ON, CA — 178,000–258,000 USD /year",
        "     https://boards.example.com/pinboard/jobs/1",
        "🚫 Closed (1)", "Pinboard", "  • Office Manager — Toronto, ON, CA — 178,000–258,000 USD /year",
        "     https://boards.example.com/pinboard/jobs/1"]


CONFIG = """\
database: {db}
notify:
  channels:
    chat:
      url: "{url}"
      template: {{title: "job: {{{{ events[0].title }}}}", body: "chat template: {{{{ events[0].title }}}}"}}
    plain: "{url}"
  subscriptions:
    - name: backend
      channels: [chat, plain]
      events: [new]
      filter: {{keywords: [backend]}}
      template:
        format: markdown
        body_file: backend.md.j2
    - name: rest
      channels: [chat]
      events: [new]
"""


def test_overrides_subscription_then_channel_then_default(tmp_path: Path, receiver: Receiver) -> None:
    (tmp_path / "backend.md.j2").write_text(
        "{% for e in events %}- {{ e.title | link(e.url) }} at {{ e.company }}\n{% endfor %}")
    config = loads(CONFIG.format(db=tmp_path / "h.db", url=hook(receiver, "format=markdown")), "c.yaml", tmp_path)
    store = Store(config.database)
    backend = add_event(store, **HOSTILE, description="backend")
    other = add_event(store, title="Data Analyst", description="SQL and dashboards.")
    events = store.events([backend, other])
    with store.atomic():
        for channel, routed in wiring.router(config)(events).items():
            enqueue(store.db, routed, [channel], NOW)
    report = send_pending(store.db, wiring.channels(config), wiring.policy(config), NOW)
    assert (report.sent, report.failed) == (3, 0)
    bodies = sorted(m["message"] for m in receiver.messages())
    assert bodies == [
        r"- [\<script\>alert\(1\)\</script\> \*Lead\* \[click\]\(https://evil\.test\)]"
        r"(<https://boards.example.com/pinboard/jobs/1>) at Smith & \<b\>Sons\</b\>"] * 2 + ["chat template: Data Analyst"]
    assert sorted(m["title"] for m in receiver.messages()) == ["hirewatch: new — " + HOSTILE["title"]] * 2 + [
        "job: Data Analyst"]


@pytest.mark.parametrize("template, expected", [
    ("{body: \"{% for e in events %}{{ e.title }\"}", "template error on line 1: unexpected '}'"),
    ("{body: \"{{ nope }}\"}", "template error: 'nope' is undefined"),
    ("{title: \"{{ events[0].missing }}\"}", "has no attribute 'missing'"),
    ("{body: x, body_file: y.j2}", "give 'body' or 'body_file', not both"),
    ("{body_file: missing.j2}", "'notify.subscriptions[0].template.body_file': cannot read"),
    ("{format: rtf, body: x}", "'notify.subscriptions[0].template.format'"),
])
def test_template_mistakes_are_config_errors(tmp_path: Path, template: str, expected: str) -> None:
    text = ("notify:\n  channels: {chat: \"json://127.0.0.1:9/hook\"}\n"
            f"  subscriptions:\n    - {{name: s, channels: [chat], template: {template}}}\n")
    with pytest.raises(ConfigError) as info:
        loads(text, "c.yaml", tmp_path)
    assert expected in str(info.value)

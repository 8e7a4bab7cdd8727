"""Channels: a named Apprise URL (or an Apprise config file and tags). Masking, rendering per service, sending.

Each Apprise service of a channel gets the message in the format it renders natively (Slack
Markdown, Telegram HTML, email HTML, webhooks text), so values are escaped for what shows them
and Apprise has nothing to convert.
"""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, unquote

import apprise
from apprise.decorators import notify as apprise_plugin

from notify.markup import escape_for
from notify.render import Message, TemplateSpec

log = logging.getLogger(__name__)


@apprise_plugin(on="console", name="hirewatch console")
def _console(body: str, title: str, notify_type: str, *args: object, **kwargs: object) -> bool:
    """`console://`: alerts on stdout, for the demo and for journald under systemd."""
    sys.stdout.write(f"\n== {title} ==\n{body}\n" if title else f"\n{body}\n")
    sys.stdout.flush()
    return True


_HEADER_VALUE = re.compile(r"([?&](?:\+|%2B)[^=&]+=)([^&]*)", re.I)
_USERINFO = re.compile(r"^([a-z0-9+.-]+://)([^/@]*)@", re.I)
_URL_PARTS = re.compile(r"[/:@?&=#,+\s]+")


def masked(url: str) -> str:
    """A URL safe to print: Apprise's privacy form, and custom `+Header=` values hidden too."""
    try:
        instance = apprise.Apprise.instantiate(url)
    except Exception:  # any URL Apprise cannot read is masked by hand below
        instance = None
    shown = instance.url(privacy=True) if instance else _USERINFO.sub(r"\1****@", url)
    return _HEADER_VALUE.sub(r"\1****", shown)


def secrets(service: Any) -> set[str]:
    """The parts of a service's URL that its privacy form hides (tokens, passwords), and header values."""
    raw, shown = unquote(service.url()), unquote(service.url(privacy=True))
    hidden = set(_URL_PARTS.split(raw)) - set(_URL_PARTS.split(shown))
    hidden |= {unquote(m.group(2)) for m in _HEADER_VALUE.finditer(service.url())}
    return {part for part in hidden if len(part) >= 4}


def scrub(text: str, hidden: set[str]) -> str:
    """TEXT with every secret replaced, as it is and URL-quoted (Apprise's log lines can echo either)."""
    for secret in sorted(hidden, key=len, reverse=True):
        text = text.replace(secret, "****").replace(quote(secret, safe=""), "****")
    return text[-500:]


def _format(service: Any) -> str:
    resolve = getattr(service, "resolve_format", None)  # Apprise 2: services may render several formats
    value = resolve(None) if resolve else service.notify_format
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class Target:
    """One Apprise service of a channel, and what its messages look like."""
    service: Any
    format: str  # text | markdown | html: what the service renders natively

    @property
    def style(self) -> str:
        # A service that renders HTML under a subject line is an email service.
        return "email" if self.format == "html" and self.service.title_maxlen > 0 else "chat"

    def deliver(self, message: Message) -> tuple[bool, str | None]:
        hidden = secrets(self.service)
        # A service without a title field prints the title inside the body, in the body's format.
        title = escape_for(message.format, message.title) if self.service.title_maxlen <= 0 else message.title
        target = apprise.Apprise()
        target.add(self.service)
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            try:
                ok = bool(target.notify(body=message.body, title=title, body_format=message.format))
            except Exception as exc:  # a plugin raising must not take the outbox down
                return False, scrub(f"{type(exc).__name__}: {exc}", hidden)
            detail = " / ".join(line for line in captured.getvalue().splitlines() if line.strip())
        if ok:
            return True, None
        return False, scrub(detail or "the service did not accept the notification", hidden)


Renderer = Callable[[str, str], Message]  # (style, format) -> the message for a target like that


@dataclass(frozen=True)
class Channel:
    name: str
    url: str | None = None
    config: str | None = None  # an Apprise config file (path or URL) instead of one URL
    tags: tuple[str, ...] = ()  # with `config`: only its services tagged with one of these
    template: TemplateSpec | None = None

    def services(self) -> list[Any]:
        if self.url:
            instance = apprise.Apprise.instantiate(self.url)
            return [instance] if instance else []
        config = apprise.AppriseConfig()
        config.add(self.config)
        loaded = apprise.Apprise()
        loaded.add(config)
        return list(loaded.find(tag=list(self.tags) if self.tags else apprise.common.MATCH_ALL_TAG))

    def targets(self) -> list[Target]:
        return [Target(service, _format(service)) for service in self.services()]

    @property
    def display(self) -> str:
        if self.url:
            return masked(self.url)
        source = _USERINFO.sub(r"\1****@", self.config or "")
        tags = f" tags {', '.join(self.tags)}" if self.tags else ""
        shown = ", ".join(_HEADER_VALUE.sub(r"\1****", s.url(privacy=True)) for s in self.services())
        return f"apprise config {source}{tags}: {shown or 'no services'}"

    def valid(self) -> bool:
        return bool(self.services())

    def send(self, render: Renderer) -> tuple[bool, str | None]:
        """Render for each of the channel's services and deliver. True only when every service accepted it."""
        targets = self.targets()
        if not targets:
            return False, f"no usable Apprise service in channel {self.name!r}: {self.display}"
        errors = []
        for target in targets:
            try:
                message = render(target.style, target.format)
            except Exception as exc:  # a broken template fails this delivery, not the outbox
                errors.append(f"cannot render the alert: {type(exc).__name__}: {exc}")
                continue
            ok, error = target.deliver(message)
            if not ok:
                errors.append(error or "not delivered")
        return (False, "; ".join(errors)[-500:]) if errors else (True, None)

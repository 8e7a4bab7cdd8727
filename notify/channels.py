"""Channels: named Apprise URLs. Building, masking for display, and sending one message."""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass

import apprise
from apprise.decorators import notify as apprise_plugin

log = logging.getLogger(__name__)


@apprise_plugin(on="console", name="hirewatch console")
def _console(body: str, title: str, notify_type: str, *args: object, **kwargs: object) -> bool:
    """`console://`: alerts on stdout, for the demo and for journald under systemd."""
    sys.stdout.write(f"\n== {title} ==\n{body}\n" if title else f"\n{body}\n")
    sys.stdout.flush()
    return True


_HEADER_VALUE = re.compile(r"([?&](?:\+|%2B)[^=&]+=)[^&]*", re.I)
_USERINFO = re.compile(r"^([a-z0-9+.-]+://)([^/@]*)@", re.I)


def masked(url: str) -> str:
    """A URL safe to print: Apprise's privacy form, and custom `+Header=` values hidden too."""
    try:
        instance = apprise.Apprise.instantiate(url)
    except Exception:  # any URL Apprise cannot read is masked by hand below
        instance = None
    shown = instance.url(privacy=True) if instance else _USERINFO.sub(r"\1****@", url)
    return _HEADER_VALUE.sub(r"\1****", shown)


@dataclass(frozen=True)
class Channel:
    name: str
    url: str

    @property
    def display(self) -> str:
        return masked(self.url)

    def valid(self) -> bool:
        return apprise.Apprise.instantiate(self.url) is not None

    def send(self, title: str, body: str, body_format: str = "text") -> tuple[bool, str | None]:
        """Deliver one message. Apprise's result is truthy only when every target accepted it."""
        target = apprise.Apprise()
        if not target.add(self.url):
            return False, f"not a usable Apprise URL: {self.display}"
        with apprise.LogCapture(level=logging.WARNING) as captured:
            try:
                ok = bool(target.notify(body=body, title=title, body_format=body_format))
            except Exception as exc:  # a plugin raising must not take the outbox down
                return False, f"{type(exc).__name__}: {exc}"
            detail = captured.getvalue().strip()
        if ok:
            return True, None
        # Apprise's own log lines can echo the URL; keep only what is safe to store and print.
        return False, _scrub(detail or "the service did not accept the notification", self.url)


def _scrub(text: str, url: str) -> str:
    return text.replace(url, masked(url))[-500:]

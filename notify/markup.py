"""Every value a job board sends is untrusted: each output format escapes it its own way.

Templates are rendered in one Jinja2 environment per format. In `html`, autoescaping does the
work; in `markdown`, every `{{ value }}` is backslash-escaped unless a filter built it already;
in `text`, values are written as they are. The filters `bold` and `url` give each format its own
markup, so one template source serves every chat format.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import BaseLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

FORMATS = ("text", "markdown", "html")

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start
# markup (emphasis, links, raw HTML, headings, lists, tables). An "&" only matters before an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~=]|&(?=#?[0-9A-Za-z]{1,32};))")


class Markdown(str):
    """Markdown that is already escaped, so the environment leaves it alone."""


def escape_markdown(value: Any) -> Markdown:
    return value if isinstance(value, Markdown) else Markdown(_MARKDOWN_SPECIAL.sub(r"\\\1", str(value)))


def escape_for(fmt: str, value: str) -> str:
    """VALUE as literal text in FMT (for a title a service puts inside its body)."""
    if fmt == "html":
        return str(escape(value))
    if fmt == "markdown":
        return escape_markdown(value)
    return value


def safe_url(url: Any) -> str | None:
    """Only plain web links become links: a board cannot slip in `javascript:` or a broken target."""
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _markdown_url(url: str) -> str:
    # Inside an autolink only "<", ">" and spaces break out; percent-encode them.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def _text_finalize(value: Any) -> Any:
    return "" if value is None else value


def _markdown_finalize(value: Any) -> Any:
    return "" if value is None else escape_markdown(value)


def _filters(fmt: str) -> dict[str, Any]:
    if fmt == "html":
        return {
            "bold": lambda v: Markup("<b>{}</b>").format(v),
            "url": lambda u: Markup('<a href="{0}">{0}</a>').format(u) if safe_url(u) else "",
            "link": lambda text, u: Markup('<a href="{}">{}</a>').format(u, text) if safe_url(u) else text,
        }
    if fmt == "markdown":
        return {
            "bold": lambda v: Markdown(f"**{escape_markdown(v)}**"),
            "url": lambda u: Markdown(f"<{_markdown_url(u)}>") if safe_url(u) else Markdown(""),
            "link": lambda text, u: (Markdown(f"[{escape_markdown(text)}](<{_markdown_url(u)}>)") if safe_url(u)
                                     else escape_markdown(text)),
        }
    return {"bold": lambda v: v, "url": lambda u: u if safe_url(u) else "", "link": lambda text, u: text}


def environment(fmt: str, loader: BaseLoader | None = None) -> SandboxedEnvironment:
    """A Jinja2 environment whose output is safe for FMT. Sandboxed: templates come from config files."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    env = SandboxedEnvironment(
        loader=loader, autoescape=fmt == "html", undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        finalize=_markdown_finalize if fmt == "markdown" else _text_finalize,
    )
    env.filters.update(_filters(fmt))
    return env

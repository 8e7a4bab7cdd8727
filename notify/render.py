"""Turning events into a message: the template context, the defaults in notify/templates/, overrides.

A message is rendered for one target: its style (`chat`: short; `email`: a table of postings)
and its format (`text`, `markdown` or `html`, whatever the service renders natively), so that
values are escaped for exactly the format that displays them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from jinja2 import PackageLoader, Template, TemplateError

from notify.markup import environment, safe_url

KIND_ORDER = ("new", "also_posted", "reopened", "updated", "stale", "closed", "source_health")
LABELS = {"new": "New", "also_posted": "Also posted", "reopened": "Reopened", "updated": "Updated",
          "stale": "Stale", "closed": "Closed", "source_health": "Source health"}
EMOJI = {"new": "🆕", "also_posted": "🔁", "updated": "✏️", "stale": "💤", "closed": "🚫", "reopened": "♻️",
         "source_health": "⚠️"}
# How many events a message lists before it says "and N more": chat services cut long messages.
LIMITS = {"chat": 25, "email": 500}
STYLES = tuple(LIMITS)


@dataclass(frozen=True)
class TemplateSpec:
    """A user's override: Jinja2 sources for the title and body, and the format the body is written in."""
    format: str = "text"
    title: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    format: str


def salary_text(e: Mapping[str, Any]) -> str | None:
    low, high, cur, per = e.get("salary_min"), e.get("salary_max"), e.get("salary_currency"), e.get("salary_period")
    if low is None and high is None:
        return None
    fmt = lambda v: f"{v:,.0f}"  # noqa: E731
    if low is None:
        amount = f"up to {fmt(high)}"
    else:
        amount = fmt(low) if high in (None, low) else f"{fmt(low)}–{fmt(high)}"
    return " ".join(filter(None, [amount, cur, f"/{per}" if per else None]))


def _changes(e: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, list[str]] | None]:
    raw = e.get("changes")
    changes = json.loads(raw) if isinstance(raw, str) else (raw or {})
    if e.get("kind") != "updated":
        return [], None
    fields, description = [], None
    for name, (old, new) in changes.items():
        if name == "description":
            # The detector stores the removed and added lines of a description change.
            description = {"removed": _lines(old), "added": _lines(new)}
        else:
            fields.append({"field": name, "old": old, "new": new})
    return fields, description


def _lines(text: Any, limit: int = 3) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()][:limit]


def view(e: Mapping[str, Any]) -> dict[str, Any]:
    """An event as templates see it: board values as they are (the environment escapes them)."""
    changes, description = _changes(e)
    note = e.get("note")
    return {
        "id": e.get("id"), "kind": e["kind"], "label": LABELS.get(e["kind"], e["kind"]),
        "emoji": EMOJI.get(e["kind"], ""), "title": e.get("title"), "company": e.get("company"),
        "location": e.get("location"), "workplace": e.get("workplace"), "salary": salary_text(e),
        "employment_type": e.get("employment_type"), "seniority": e.get("seniority"),
        "url": safe_url(e.get("url")), "source": e.get("source"), "at": e.get("at"),
        "posted_at": e.get("posted_at"), "note": note, "changes": changes, "description_change": description,
        # One line of the detector's note (a possible cross-board match, why a posting closed).
        "note_line": note.splitlines()[0] if note and e["kind"] not in ("updated", "source_health") else None,
    }


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _groups(views: list[dict[str, Any]], counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """Kinds in KIND_ORDER, companies A to Z; `count` is every event of the kind, listed or not."""
    by_kind: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for v in views:
        company = v["company"] or (f"source {v['source']}" if v["kind"] == "source_health" else "(no company)")
        by_kind.setdefault(v["kind"], {}).setdefault(company, []).append(v)
    return [{"kind": kind, "label": LABELS.get(kind, kind), "emoji": EMOJI.get(kind, ""),
             "count": counts[kind],
             "companies": [{"name": name, "events": companies[name]} for name in sorted(companies, key=str.casefold)]}
            for kind, companies in sorted(by_kind.items(), key=lambda kv: _rank(kv[0]))]


def context(events: Iterable[Mapping[str, Any]], style: str = "chat", subscription: str | None = None,
            digest: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What every template gets. `events` is all of them; `groups` lists the first few (see LIMITS)."""
    views = [view(e) for e in events]
    shown = views[:LIMITS[style]]
    counts: dict[str, int] = {}
    for v in views:
        counts[v["kind"]] = counts.get(v["kind"], 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: _rank(kv[0]))
    return {
        "events": views, "groups": _groups(shown, counts), "more": len(views) - len(shown), "count": len(views),
        "counts": dict(ordered), "summary": ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in ordered),
        "single": len(views) == 1 and digest is None, "digest": dict(digest) if digest else None,
        "subscription": subscription, "style": style,
    }


_DEFAULTS = PackageLoader("notify", "templates")


@lru_cache(maxsize=None)
def _default(name: str, fmt: str) -> Template:
    return environment(fmt, _DEFAULTS).get_template(name)


@lru_cache(maxsize=256)
def _compiled(source: str, fmt: str) -> Template:
    return environment(fmt).from_string(source)


def render(ctx: Mapping[str, Any], style: str, fmt: str, spec: TemplateSpec | None = None) -> Message:
    """The message for one target. An override's body is rendered in its own format (Apprise converts it
    to the target's, escaping as it goes); the defaults are rendered in the target's format."""
    if spec and spec.title:
        title = _compiled(spec.title, "text").render(ctx)
    else:
        title = _default("title.j2", "text").render(ctx)
    if spec and spec.body:
        body_format, body = spec.format, _compiled(spec.body, spec.format).render(ctx)
    elif style == "email" and fmt == "html":
        body_format, body = "html", _default("email.html.j2", "html").render(ctx)
    else:
        body_format = fmt
        body = _default("chat.j2", fmt).render(ctx)
    return Message(" ".join(title.split()), body.strip(), body_format)


def sample_events() -> list[dict[str, Any]]:
    """Alerts as a real run makes them, for `notify-test` and for checking templates at load time."""
    posting = {"company": "Example Co", "location": "Toronto, ON, CA", "workplace": "hybrid",
               "salary_min": 178000.0, "salary_max": 258000.0, "salary_currency": "USD", "salary_period": "year",
               "employment_type": "full_time", "seniority": "senior", "source": "notify-test",
               "at": "2026-11-18T14:00:00+00:00", "posted_at": "2026-11-18T14:00:00+00:00", "baseline": 0}
    return [
        {**posting, "id": 0, "kind": "new", "title": "Senior Software Engineer, Backend",
         "url": "https://jobs.example.com/123", "changes": None, "note": "a test alert from hirewatch notify-test"},
        {**posting, "id": -1, "kind": "updated", "title": "Staff Platform Engineer",
         "url": "https://jobs.example.com/124", "changes": {"salary_max": [258000.0, 270000.0]}, "note": None},
    ]


def check(spec: TemplateSpec) -> None:
    """Render an override against sample events in every style, so a mistake is a config error, not a
    failed alert at 3 a.m. Raises ValueError naming the problem."""
    try:
        for style in STYLES:
            for events in (sample_events()[:1], sample_events()):
                render(context(events, style, "sample"), style, spec.format, spec)
            render(context(sample_events(), style, "sample", {"period_start": "", "period_end": ""}), style,
                   spec.format, spec)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise ValueError(f"template error{f' on line {line}' if line else ''}: {exc.message or exc}") from None
    except Exception as exc:  # a template can fail in plain Python too, e.g. `{{ 1 + "a" }}`
        raise ValueError(f"template error: {type(exc).__name__}: {exc}") from None

"""Turning events into message text. Formatting is kept apart from sending."""
from __future__ import annotations

import json
from typing import Any

EMOJI = {"new": "🆕", "also_posted": "🔁", "updated": "✏️", "stale": "💤", "closed": "🚫", "reopened": "♻️",
         "source_health": "⚠️"}


def salary_text(e: dict[str, Any]) -> str | None:
    low, high, cur, per = e.get("salary_min"), e.get("salary_max"), e.get("salary_currency"), e.get("salary_period")
    if low is None and high is None:
        return None
    fmt = lambda v: f"{v:,.0f}" if v is not None else "?"  # noqa: E731
    amount = fmt(low) if high in (None, low) else (f"{fmt(low)}–{fmt(high)}" if low is not None else f"up to {fmt(high)}")
    return " ".join(filter(None, [amount, cur, f"/{per}" if per else None]))


def headline(e: dict[str, Any]) -> str:
    if e["kind"] == "source_health":
        return f"{EMOJI['source_health']} source {e['source']}: {e.get('note') or ''}".strip()
    parts = [e.get("title") or "?", e.get("company"), e.get("location"), salary_text(e)]
    return f"{EMOJI.get(e['kind'], '')} {e['kind']}: " + " — ".join(p for p in parts if p)


def event_text(e: dict[str, Any]) -> str:
    lines = [headline(e)]
    if e.get("changes") and e["kind"] == "updated":
        for name, (old, new) in json.loads(e["changes"]).items():
            if name == "description":
                lines.append("  description changed:")
                lines.extend(f"    − {line}" for line in (old or "").splitlines()[:3])
                lines.extend(f"    + {line}" for line in (new or "").splitlines()[:3])
            else:
                lines.append(f"  {name}: {old} → {new}")
    if e.get("note") and e["kind"] not in ("source_health", "updated"):
        lines.append(f"  {e['note'].splitlines()[0]}")
    if e.get("url"):
        lines.append(f"  {e['url']}")
    return "\n".join(lines)


def single(e: dict[str, Any]) -> tuple[str, str]:
    title = f"hirewatch: {e['kind']}" + (f" — {e['title']}" if e.get("title") else "")
    return title, event_text(e)


def summary(events: list[dict[str, Any]]) -> tuple[str, str]:
    """Many events in one message, so a big run never floods a channel."""
    counts: dict[str, int] = {}
    for e in events:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    title = "hirewatch: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    return title, "\n".join(headline(e) for e in events)

"""Board freshness badges ("Confirmed live in the last 24 hours") and closed-posting notices."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .dates import unit_delta

_VERB = r"(?:confirmed|verified|checked|validated|seen|updated|refreshed|live|active|open)"
_UNIT = r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?)"
_COUNT = r"(\d{1,4}|an?|one)"
# "in the last 24 hours": only the window is known, so its far end is the
# conservative confirmation time.
_WITHIN = re.compile(rf"\b{_VERB}\b.{{0,30}}?\b(?:in|within)\s+the\s+(?:last|past)\s+{_COUNT}?\s*{_UNIT}\b", re.I)
_AGO = re.compile(rf"\b{_VERB}\b.{{0,30}}?\b{_COUNT}\s*{_UNIT}\.?\s+ago\b", re.I)
_DAY_WORD = re.compile(rf"\b{_VERB}\b.{{0,30}}?\b(just\s+now|today|yesterday)\b", re.I)

_CLOSED = re.compile(
    r"no\s+longer\s+(?:accepting|taking|receiving)\s+applications"
    r"|(?:job|position|posting|role|vacancy|listing|opening)\s+(?:is\s+|has\s+)?no\s+longer\s+"
    r"(?:available|active|open|exists?)"
    r"|no\s+longer\s+(?:available|open)\b"
    r"|(?:position|role|job|vacancy)\s+(?:has\s+(?:already\s+)?been|was|is)\s+filled"
    r"|(?:job|posting|listing|vacancy|position)\s+(?:has\s+)?expired"
    r"|(?:posting|job|position|listing|vacancy|role)\s+(?:is\s+|has\s+been\s+)?closed\b(?!-)"
    r"|applications?\s+(?:are\s+|is\s+)?(?:now\s+)?closed\b"
    r"|job\s+not\s+found|this\s+job\s+(?:has\s+been\s+)?removed",
    re.I,
)


def _count(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 1


def liveness_confirmed(text: str | None, now: datetime) -> datetime | None:
    """When a board last confirmed the posting live, or None without a time.

    "Actively hiring" and similar badges give no time, so they give None.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    now = now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now.astimezone(timezone.utc)
    try:
        if m := _WITHIN.search(text):
            return now - unit_delta(_count(m.group(1)), m.group(2))
        if m := _AGO.search(text):
            return now - unit_delta(_count(m.group(1)), m.group(2))
    except (OverflowError, ValueError):
        return None
    if m := _DAY_WORD.search(text):
        word = m.group(1).lower()
        # "today" could be any time since midnight: take the far end.
        return {"today": now - timedelta(days=1), "yesterday": now - timedelta(days=2)}.get(word, now)
    return None


def is_closed_text(text: str | None) -> bool:
    """True for "no longer accepting applications" and the like."""
    return isinstance(text, str) and bool(_CLOSED.search(text))

"""Posting dates: absolute stamps, epoch numbers and relative ages ("10 months ago").

A relative age is kept as a range, and months are calendar months: "10 months
ago" must not become "300 days ago" (JobSpy's Google bug).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil.relativedelta import relativedelta

UTC = timezone.utc
# How far back an open-ended age ("30+ days ago") may reach.
OPEN_ENDED_FLOOR = timedelta(days=365)
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class PostedDate:
    at: datetime
    precision: str  # "exact" | "relative"
    earliest: datetime
    latest: datetime


_UNITS = {
    "second": "seconds", "sec": "seconds", "s": "seconds",
    "minute": "minutes", "min": "minutes", "m": "minutes",
    "hour": "hours", "hr": "hours", "h": "hours",
    "day": "days", "d": "days",
    "week": "weeks", "wk": "weeks", "w": "weeks",
    "month": "months", "mo": "months", "mth": "months",
    "year": "years", "yr": "years", "y": "years",
}
_UNIT_RX = (r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?"
            r"|months?|mos?|mths?|years?|yrs?|[smhdwy])")
# Short forms ("3d", "1mo") take "m" as minutes: LinkedIn-style boards write months as "mo".
_RELATIVE = re.compile(
    r"(?P<over>over|more than)?\s*(?P<n>\d{1,4}|an?|one)\s*(?P<plus>\+)?\s*" + _UNIT_RX + r"\.?\s*(?:ago|old)?",
    re.I,
)
_PREFIX = re.compile(
    r"^(?:(?:re)?posted|published|listed|added|(?:last\s+)?updated|active|opened|date\s+posted|posting\s+date)"
    r"(?:\s+on)?\s*:?\s*",
    re.I,
)
_NOW_WORDS = re.compile(r"(?:just\s+(?:now|posted)|today|moments?\s+ago|new|now|few\s+seconds\s+ago)", re.I)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?", re.I)
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+"
    r"(?:GMT|UTC|UT|Z|[+-]\d{4}|[A-Z]{3})",
    re.I,
)
# dateparser is only worth calling when a month name or a numeric date is there.
_DATEISH = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}",
    re.I,
)
_DATEPARSER_MAX_LEN = 64


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _day_window(at: datetime, has_time: bool) -> tuple[datetime, datetime]:
    # A bare date covers the whole (UTC) day; a timestamp is a point.
    if has_time:
        return at, at
    return at, at + timedelta(days=1) - timedelta(microseconds=1)


def _from_epoch(number: float) -> datetime | None:
    # 13-digit values are Lever's milliseconds; 9-10 digits are seconds.
    if number >= 1e11:
        number /= 1000
    elif number < 1e8:
        return None
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_digits(text: str) -> tuple[datetime, bool] | None:
    if len(text) == 8:
        try:
            return datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC), False
        except ValueError:
            pass
    if len(text) > 16:
        return None
    at = _from_epoch(int(text))
    return (at, True) if at else None


def _from_iso(text: str) -> tuple[datetime, bool] | None:
    if not _ISO.fullmatch(text):
        return None
    cleaned = re.sub(r"([.,]\d{6})\d+", r"\1", text.replace(",", ".")).replace(" Z", "Z")
    cleaned = re.sub(r"\s+([+-]\d)", r"\1", cleaned)
    try:
        return _utc(datetime.fromisoformat(cleaned)), len(text) > 10
    except ValueError:
        return None


def _from_rfc822(text: str) -> tuple[datetime, bool] | None:
    if not _RFC822.fullmatch(text):
        return None
    try:
        return _utc(parsedate_to_datetime(text)), True
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _from_dateparser(text: str, now: datetime) -> tuple[datetime, bool] | None:
    if len(text) > _DATEPARSER_MAX_LEN or not _DATEISH.search(text):
        return None
    import dateparser  # slow to import; most values never need it

    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
    }
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    at = _utc(parsed)
    if not has_time:
        at = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return at, has_time


def _absolute(text: str, now: datetime | None) -> tuple[datetime, bool] | None:
    if text.isascii() and text.isdigit():
        return _from_digits(text)
    return (_from_iso(text) or _from_rfc822(text)
            or (_from_dateparser(text, now or datetime.now(UTC)) if not _looks_relative(text) else None))


def _looks_relative(text: str) -> bool:
    return bool(re.search(
        r"\bago\b|\btoday\b|\byesterday\b|\btomorrow\b|\bin\s+\d+\s+[a-z]+"
        r"|\b(?:next|last|this)\s+(?:week|month|year|[a-z]+day)\b", text, re.I))


def unit_delta(n: int, unit: str) -> relativedelta:
    """n of a unit word ("months", "mo", "h"...) as a calendar-aware delta."""
    key = unit.lower().rstrip(".")
    key = _UNITS.get(key) or _UNITS.get(key.rstrip("s")) or key
    return relativedelta(**{key: n})


def _between(a: datetime, b: datetime) -> datetime:
    return a + (b - a) / 2


def _relative(text: str, now: datetime) -> PostedDate | None:
    low = text.lower().strip(" .!")
    if _NOW_WORDS.fullmatch(low):
        return PostedDate(now, "relative", now - timedelta(days=1), now)
    if low == "yesterday":
        # Some time in the previous calendar day of an unknown time zone.
        return PostedDate(now - timedelta(days=1), "relative", now - timedelta(days=2), now)
    m = _RELATIVE.fullmatch(low)
    if not m:
        return None
    raw_n = m.group("n")
    n = int(raw_n) if raw_n.isdigit() else 1
    one = unit_delta(1, m.group("unit"))
    try:
        at = now - unit_delta(n, m.group("unit"))
        if m.group("plus") or m.group("over"):
            floor = min(now - OPEN_ENDED_FLOOR, now - unit_delta(2 * n, m.group("unit")))
            return PostedDate(at, "relative", floor, at)
        # Half a unit either side, measured on the calendar ("10 months" is 9.5-10.5 months).
        earliest = _between(at, at - one)
        latest = min(_between(at, at + one), now)
    except (OverflowError, ValueError):
        return None
    return PostedDate(at, "relative", earliest, latest)


def parse_posted(text: str | int | float | None, now: datetime) -> PostedDate | None:
    """A board's "posted" value resolved against `now` (the fetch time).

    Absolute values are "exact" (a bare date spans its whole UTC day); ages are
    "relative" ranges. Open-ended ages ("30+ days ago") reach back to
    `OPEN_ENDED_FLOOR` (a year) or twice the age, whichever is further. Anything
    more than a day in the future is rejected.
    """
    now = _utc(now)
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        at = _from_epoch(float(text)) if text == text else None
        return _exact(at, True, now) if at else None
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split())
    cleaned = _PREFIX.sub("", cleaned).strip()
    if not cleaned:
        return None
    relative = _relative(cleaned, now)
    if relative:
        return relative if relative.at <= now + _FUTURE_SLACK else None
    found = _absolute(cleaned, now)
    return _exact(*found, now) if found else None


def _exact(at: datetime, has_time: bool, now: datetime) -> PostedDate | None:
    if at > now + _FUTURE_SLACK:
        return None
    earliest, latest = _day_window(at, has_time)
    return PostedDate(at, "exact", earliest, latest)


def parse_datetime(value: Any) -> datetime | None:
    """A structured API value (ISO string, epoch s/ms, date) as aware UTC.

    Relative phrases are refused; future values are allowed (validThrough).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, (int, float)):
        return _from_epoch(float(value)) if value == value else None
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    if not cleaned:
        return None
    found = _absolute(cleaned, None)
    return found[0] if found else None
